import { invoiceIdInput, saveInvoiceMemoInput } from "@/lib/billing-inputs";
import { createCreditNoteInput } from "@/lib/credit-note-inputs";
import { createCreditNote, discardCreditNote, postCreditNote } from "@/server/billing/credit-notes";
import { saveInvoiceMemo } from "@/server/billing/invoice-memo";
import { getInvoice } from "@/server/billing/invoices";
import { loadInvoiceFile } from "@/server/documents/invoice-file";
import { notFound } from "@/server/errors";
import { apiEndpoint } from "../endpoint";

// /api/v1/invoices/{id}[/pdf|/xml]

const idOf = (params: Record<string, string>) => invoiceIdInput.parse({ id: params.id }).id;

export const getInvoiceById = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await getInvoice(db, tenantId, idOf(params)) }),
});

/** POST /api/v1/invoices/{id}/memo: the invoice's own memo, until it is posted (409 after). */
export const saveInvoiceMemoEndpoint = apiEndpoint({
  permission: "operate",
  body: saveInvoiceMemoInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => {
    const input = saveInvoiceMemoInput.parse({ ...body, id: params.id });
    return { status: 200, body: await saveInvoiceMemo(db, tenantId, input, actor) };
  },
});

/**
 * A posted invoice's stored document, a draft's rendered now (see loadInvoiceFile); XML in a currency with more than
 * 2 decimals is refused with 412 (EN 16931 cannot express its amounts).
 */
const download = (kind: "PDF" | "XML") =>
  apiEndpoint({
    permission: "read",
    handle: async ({ db, tenantId, params }) => {
      const file = await loadInvoiceFile(db, tenantId, idOf(params), kind);
      if (!file) throw notFound("Invoice");
      return new Response(file.bytes, {
        status: 200,
        headers: {
          "Content-Type": file.contentType,
          "Content-Disposition": `attachment; filename="${file.fileName}"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  });

export const getInvoicePdf = download("PDF");
export const getInvoiceXml = download("XML");

/** POST /api/v1/invoices/{id}/credit-notes: a credit note correcting a posted invoice (201; Idempotency-Key recommended). */
export const createInvoiceCreditNote = apiEndpoint({
  permission: "operate",
  body: createCreditNoteInput,
  handle: async ({ db, tenantId, params, body, actor }) => ({
    status: 201,
    body: await createCreditNote(db, tenantId, idOf(params), body, actor),
  }),
});

/** POST /api/v1/credit-notes/{id}/post and /discard: a draft correction credit note is posted or discarded. */
export const postCorrectionCreditNote = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, params, actor }) => ({ status: 200, body: await postCreditNote(db, tenantId, idOf(params), actor) }),
});
export const discardCorrectionCreditNote = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, params, actor }) => ({ status: 200, body: await discardCreditNote(db, tenantId, idOf(params), actor) }),
});
