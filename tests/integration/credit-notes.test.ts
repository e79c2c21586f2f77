import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { createApiKey } from "@/server/api/api-keys";
import { createInvoiceCreditNote, getInvoiceXml } from "@/server/api/routes/invoices";
import { createCreditNote, discardCreditNote, postCreditNote } from "@/server/billing/credit-notes";
import { loadInvoiceDocument } from "@/server/documents/invoice-document";
import { deliverCorrectionDocuments } from "@/server/notifications/correction-documents";
import { deliverCorrections, fanOutWebhooks } from "@/server/outbox/consumers";
import { createEndpoint } from "@/server/webhooks/endpoints";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";
import { cycleRun, newTenant, one, waitForInlineJobs, type TestTenant } from "./billing-support";

// Corrections of posted invoices by credit note: whole, partial, over-credit refused, concurrent partial credits, REST
// with Idempotency-Key, the credit_note.posted outbox row, correct and re-bill. Runs on PGlite and (TEST_DB=pg) Postgres.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ outbox: "off" });
});
afterAll(async () => {
  await waitForInlineJobs();
  await database?.close();
});
const db = () => database.db;
const user = (t: TestTenant) => ({ type: "USER" as const, userId: t.userId });

type Line = { id: string; amount: string; vatRate: string; vatCategory: string };

/** A tenant with a posted cycle run; returns one of its posted invoices with its lines. */
async function postedInvoice(options: { items?: number } = {}) {
  const t = await newTenant(db(), { accounts: 3, items: options.items ?? 60 });
  const { id: runId } = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST" }));
  await t.caller.billingRuns.process({ id: runId });
  await waitForInlineJobs();
  const inv = await one<{ id: string }>(
    db(),
    sql`SELECT id::text FROM invoices WHERE billing_run_id = ${runId}::uuid AND status = 'POSTED' AND type = 'INVOICE' ORDER BY number LIMIT 1`,
  );
  expect(inv, "the run posted an invoice").toBeDefined();
  const invoice = await t.caller.invoices.get({ id: inv.id });
  return { t, runId, invoice, lines: invoice.lines as Line[] };
}

async function creditedTotals(invoiceId: string) {
  return one<{ notes: number; net: string; tax: string; gross: string }>(
    db(),
    sql`SELECT count(*)::int AS notes, coalesce(-sum(net_total), 0)::text AS net, coalesce(-sum(tax_total), 0)::text AS tax,
          coalesce(-sum(gross_total), 0)::text AS gross
        FROM invoices WHERE corrects_invoice_id = ${invoiceId}::uuid AND status IN ('DRAFT', 'POSTED')`,
  );
}

/** The database's own message of a refused statement (drizzle wraps it as "Failed query: …" with the cause). */
async function databaseRefusal(statement: Promise<unknown>): Promise<string> {
  const error = (await statement.then(() => null, (e: unknown) => e)) as { message: string; cause?: { message: string } } | null;
  expect(error, "the database refuses the statement").not.toBeNull();
  return error!.cause?.message ?? error!.message;
}

const half = (amount: string) => new Decimal(amount).div(2).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2);

// Each test posts a run first: generous per-test time on a shared, loaded machine (behaviour is checked, not speed).
describe("credit notes correcting a posted invoice", { timeout: 180_000 }, () => {
  it("credits the whole invoice: numbered from the credit-note sequence, same amounts and VAT, referencing the original", async () => {
    const { t, runId, invoice } = await postedInvoice();
    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Wrong price list" });
    const stats = await t.caller.billingRuns.statistics({ id: runId });
    expect(stats.credited).toEqual([{ currency: invoice.currency, creditNotes: 1, invoices: 1, net: expect.any(String), tax: expect.any(String), gross: expect.any(String) }]);
    expect(new Decimal(stats.credited[0].gross).equals(invoice.grossTotal)).toBe(true);
    expect(note).toMatchObject({ status: "POSTED", netTotal: invoice.netTotal, taxTotal: invoice.taxTotal, grossTotal: invoice.grossTotal });
    expect(note.number).toMatch(/^CN-\d{4}-\d{6}$/);

    const stored = await t.caller.invoices.get({ id: note.id });
    expect(stored).toMatchObject({ type: "CREDIT_NOTE", status: "POSTED", billingRunId: null, creditReason: "Wrong price list" });
    expect(stored.correctsInvoice).toMatchObject({ id: invoice.id, number: invoice.number, invoiceDate: invoice.invoiceDate });
    expect(stored.lines).toHaveLength(invoice.lines.length);
    // the VAT breakdown mirrors the original's, negated (credit notes are stored negative)
    expect(stored.vatBreakdown.map((v) => [v.vatCategory, v.vatRate, new Decimal(v.taxAmount).negated().toFixed(2)])).toEqual(
      invoice.vatBreakdown.map((v) => [v.vatCategory, v.vatRate, new Decimal(v.taxAmount).toFixed(2)]),
    );

    const doc = await loadInvoiceDocument(db(), t.tenantId, note.id);
    expect(doc).toMatchObject({ type: "CREDIT_NOTE", number: note.number, creditReason: "Wrong price list" });
    expect(doc!.precedingInvoice).toEqual({ number: invoice.number, issueDate: invoice.invoiceDate });
    expect(doc!.grossTotal).toBe(new Decimal(invoice.grossTotal).toFixed(2));

    const after = await t.caller.invoices.get({ id: invoice.id });
    expect(after.credits).toMatchObject({ creditable: false, remaining: { gross: "0" } });
    expect(new Decimal(after.credits!.posted.gross).equals(invoice.grossTotal)).toBe(true);
    await expect(t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "again" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("Nothing remains"),
    });
  });

  it("credits chosen lines by partial amounts, VAT per rate, then the rest: the credit notes add up to the invoice to the cent", async () => {
    const { t, invoice, lines } = await postedInvoice();
    const first = await t.caller.invoices.createCreditNote({
      invoiceId: invoice.id,
      scope: "LINES",
      lines: [{ lineId: lines[0].id, amount: half(lines[0].amount) }],
      reason: "Partial discount granted",
    });
    expect(first.netTotal).toBe(half(lines[0].amount));
    const rate = new Decimal(lines[0].vatRate);
    expect(first.taxTotal).toBe(new Decimal(half(lines[0].amount)).times(rate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
    const page = await t.caller.invoices.get({ id: invoice.id });
    expect(new Decimal(page.credits!.lineRemaining[lines[0].id]).equals(new Decimal(lines[0].amount).minus(half(lines[0].amount)))).toBe(true);
    expect(new Decimal(page.credits!.posted.net).equals(first.netTotal)).toBe(true);

    const rest = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Contract canceled" });
    expect(rest.status).toBe("POSTED");
    const total = await creditedTotals(invoice.id);
    expect(total.notes).toBe(2);
    expect([total.net, total.tax, total.gross].map((v) => new Decimal(v).toFixed(2))).toEqual(
      [invoice.netTotal, invoice.taxTotal, invoice.grossTotal].map((v) => new Decimal(v).toFixed(2)),
    );
    // consecutive numbers of the credit-note sequence
    expect(Number(rest.number!.slice(-6))).toBe(Number(first.number!.slice(-6)) + 1);
  });

  it("refuses over-crediting with the line named, and writes nothing", async () => {
    const { t, invoice, lines } = await postedInvoice();
    const before = await one<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM invoices WHERE tenant_id = ${t.tenantId}`);
    const tooMuch = new Decimal(lines[0].amount).plus("0.01").toFixed(2);
    await expect(
      t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id, amount: tooMuch }], reason: "x" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("more than remains uncredited") });
    // a first credit of the whole line, then one cent more
    await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id }], reason: "line 1" });
    const err = await t.caller.invoices
      .createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id, amount: "0.01" }], reason: "x" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CONFLICT" });
    expect(JSON.stringify((err as { cause?: unknown; data?: unknown }).data ?? err)).toContain("already fully credited");
    const after = await one<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM invoices WHERE tenant_id = ${t.tenantId}`);
    expect(after.n).toBe(before.n + 1);
    // the database itself refuses a ledger beyond the line, whatever the code does
    expect(
      await databaseRefusal(db().execute(sql`UPDATE invoice_line_credits SET credited = line_amount + 0.01 WHERE invoice_id = ${invoice.id}::uuid`)),
    ).toMatch(/invoice_line_credits_within_line/);
  });

  it("refuses bad input with specific errors: not posted, another tenant, empty reason, a line of another invoice, a credit note", async () => {
    const { t, invoice, lines } = await postedInvoice();
    const other = await postedInvoice();
    const draftRun = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-12-31", invoiceDate: "2026-12-31" }));
    await t.caller.billingRuns.process({ id: draftRun.id });
    await waitForInlineJobs();
    const draft = await one<{ id: string } | undefined>(db(), sql`SELECT id::text FROM invoices WHERE billing_run_id = ${draftRun.id}::uuid LIMIT 1`);
    expect(draft, "the second run made a draft").toBeDefined();
    await expect(t.caller.invoices.createCreditNote({ invoiceId: draft!.id, scope: "WHOLE", reason: "r" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("Only a posted invoice"),
    });
    await expect(t.caller.invoices.createCreditNote({ invoiceId: other.invoice.id, scope: "WHOLE", reason: "r" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "   " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("say why"),
    });
    await expect(
      t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: other.lines[0].id }], reason: "r" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(`line ${other.lines[0].id} is not a line of ${invoice.number}`) });
    await expect(
      t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id, amount: "1.001" }], reason: "r" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "r" });
    await expect(t.caller.invoices.createCreditNote({ invoiceId: note.id, scope: "WHOLE", reason: "r" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("is a credit note"),
    });
    const viewer = await newTenant(db(), { role: "viewer", seed: false });
    await expect(viewer.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "r" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await creditedTotals(invoice.id)).notes).toBe(1);
  });

  it("two partial credit notes racing on one invoice never credit more than it", async () => {
    const { t, invoice, lines } = await postedInvoice();
    // each credits 60 % of every line: both together would be 120 %
    const sixty = lines.map((l) => ({ lineId: l.id, amount: new Decimal(l.amount).times("0.6").toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2) }));
    for (let round = 0; round < 2; round++) {
      const results = await Promise.allSettled([
        createCreditNote(db(), t.tenantId, invoice.id, { scope: "LINES", lines: sixty, reason: `race ${round} a` }, user(t)),
        createCreditNote(db(), t.tenantId, invoice.id, { scope: "LINES", lines: sixty, reason: `race ${round} b` }, user(t)),
      ]);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      for (const r of refused) expect(r.reason).toMatchObject({ code: "CONFLICT" });
      expect(results.filter((r) => r.status === "fulfilled").length).toBe(round === 0 ? 1 : 0);
    }
    // and many small ones at once (30 % each: at most 1 more fits after the 60 %)
    const thirty = lines.map((l) => ({ lineId: l.id, amount: new Decimal(l.amount).times("0.3").toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed(2) }));
    const many = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => createCreditNote(db(), t.tenantId, invoice.id, { scope: "LINES", lines: thirty, reason: `many ${i}` }, user(t))),
    );
    expect(many.filter((r) => r.status === "fulfilled").length).toBe(1);
    const total = await creditedTotals(invoice.id);
    expect(total.notes).toBe(2);
    expect(new Decimal(total.net).lte(invoice.netTotal)).toBe(true);
    expect(new Decimal(total.gross).lte(invoice.grossTotal)).toBe(true);
    const perLine = await queryRows<{ ok: boolean }>(
      db(),
      sql`SELECT abs(c.credited) <= abs(c.line_amount) AND c.credited = coalesce((SELECT -sum(l.amount) FROM credit_note_lines l
            JOIN invoices n ON n.id = l.credit_note_id AND n.status <> 'CANCELED'
            WHERE l.invoice_line_id = c.invoice_line_id AND n.corrects_invoice_id = c.invoice_id), 0) AS ok
          FROM invoice_line_credits c WHERE c.invoice_id = ${invoice.id}::uuid`,
    );
    expect(perLine.every((r) => r.ok)).toBe(true);
  });

  it("keeps a draft until posted (reserving its amounts), posts it once, and a discarded draft frees them", async () => {
    const { t, invoice } = await postedInvoice();
    const draft = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Check first", post: false });
    expect(draft).toMatchObject({ status: "DRAFT", number: null });
    const events = () =>
      queryRows<{ type: string; data: { correctsInvoice: { number: string }; number: string } }>(
        db(),
        sql`SELECT type, data FROM outbox_events WHERE source_id = ${draft.id}::uuid`,
      );
    expect(await events()).toHaveLength(0);
    await expect(t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "x" })).rejects.toMatchObject({ code: "CONFLICT" });
    await t.caller.invoices.discardCreditNote({ id: draft.id });
    expect((await t.caller.invoices.get({ id: invoice.id })).credits).toMatchObject({ creditable: true, drafts: { gross: "0" } });

    const second = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Now", post: false });
    const posted = await postCreditNote(db(), t.tenantId, second.id, user(t));
    expect(posted).toMatchObject({ status: "POSTED", newlyPosted: true });
    const again = await postCreditNote(db(), t.tenantId, second.id, user(t));
    expect(again).toMatchObject({ number: posted.number, newlyPosted: false });
    await expect(discardCreditNote(db(), t.tenantId, second.id, user(t))).rejects.toMatchObject({ code: "CONFLICT" });
    // a posted credit note's lines are immutable in the database
    expect(await databaseRefusal(db().execute(sql`UPDATE credit_note_lines SET amount = 0 WHERE credit_note_id = ${second.id}::uuid`))).toMatch(
      /posted credit note/,
    );
  });

  it("writes one credit_note.posted outbox row in the posting transaction, delivered to subscribed endpoints", async () => {
    const { t, invoice } = await postedInvoice();
    await createEndpoint(db(), t.tenantId, { url: "https://example.com/hooks", events: ["credit_note.posted"] });
    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Duplicate invoice" });
    const rows = await queryRows<{ type: string; billing_run_id: string; data: Record<string, unknown> }>(
      db(),
      sql`SELECT type, billing_run_id::text, data FROM outbox_events WHERE source_id = ${note.id}::uuid`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: "credit_note.posted",
      billing_run_id: invoice.billingRunId,
      data: {
        number: note.number,
        grossTotal: invoice.grossTotal,
        reason: "Duplicate invoice",
        correctsInvoice: { invoiceId: invoice.id, number: invoice.number, issueDate: invoice.invoiceDate },
      },
    });
    await fanOutWebhooks(db());
    const messages = await queryRows<{ event_type: string; data: { number: string } }>(
      db(),
      sql`SELECT event_type, data FROM webhook_messages WHERE tenant_id = ${t.tenantId}`,
    );
    expect(messages).toEqual([expect.objectContaining({ event_type: "credit_note.posted", data: expect.objectContaining({ number: note.number }) })]);
  });

  it("REST: POST /invoices/{id}/credit-notes with an Idempotency-Key retried creates one credit note", async () => {
    const { t, invoice, lines } = await postedInvoice();
    const { key } = await createApiKey(db(), t.tenantId, { name: "cn", role: "operator" }, t.userId);
    const body = { scope: "LINES", lines: [{ lineId: lines[0].id, amount: "1.00" }], reason: "Goodwill" };
    const send = (idempotencyKey: string, b: unknown = body) =>
      call(
        createInvoiceCreditNote,
        db(),
        jsonRequest("POST", `/api/v1/invoices/${invoice.id}/credit-notes`, { key, body: b, headers: { "Idempotency-Key": idempotencyKey } }),
        { id: invoice.id },
      );
    const first = await send("cn-1");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "POSTED", netTotal: "1.00", correctsInvoiceId: invoice.id });
    const retry = await send("cn-1");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect((await creditedTotals(invoice.id)).notes).toBe(1);
    const reused = await send("cn-1", { ...body, reason: "Other" });
    expect(reused.status).toBe(422);
    const empty = await send("cn-2", { ...body, reason: "" });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: "reason" })]);
    const over = await send("cn-3", { ...body, lines: [{ lineId: lines[0].id, amount: lines[0].amount }] });
    expect(over.status).toBe(409);
    expect(over.body.errors).toEqual([expect.objectContaining({ field: "lines.0.amount" })]);
    expect((await creditedTotals(invoice.id)).notes).toBe(1);
  });

  it("correct and re-bill: a whole credit note with rebill releases the invoice's items, and the next run bills them again", async () => {
    const { t, invoice } = await postedInvoice();
    const nextRun = () =>
      t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", invoiceDate: "2026-12-01", cutoffDate: "2026-12-01" }));
    // the next run bills the account's later items; a run after it, without re-billing, bills nothing for the account
    const laterItems = await nextRun();
    await t.caller.billingRuns.process({ id: laterItems.id });
    await waitForInlineJobs();
    const plainRun = await nextRun();
    await t.caller.billingRuns.process({ id: plainRun.id });
    await waitForInlineJobs();
    const billedAgain = async (runId: string) =>
      one<{ net: string } | undefined>(
        db(),
        sql`SELECT net_total::text AS net FROM invoices WHERE billing_run_id = ${runId}::uuid AND account_id = ${invoice.accountId}::uuid`,
      );
    expect(await billedAgain(plainRun.id)).toBeUndefined();

    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Wrong quantities", rebill: true });
    expect(note.rebilledItems).toBeGreaterThan(0);
    const rebillRun = await nextRun();
    await t.caller.billingRuns.process({ id: rebillRun.id });
    await waitForInlineJobs();
    expect(await billedAgain(rebillRun.id)).toEqual({ net: invoice.netTotal });
  });

  it("re-bill by line: chosen lines credited in full release exactly their items (next run bills them again); a partial amount is refused", async () => {
    const { t, invoice, lines } = await postedInvoice();
    const nextRun = () =>
      t.caller.billingRuns.create(cycleRun(t.billingCycleId, { mode: "AUTO_POST", invoiceDate: "2026-12-01", cutoffDate: "2026-12-01" }));
    const laterItems = await nextRun();
    await t.caller.billingRuns.process({ id: laterItems.id });
    await waitForInlineJobs();
    const billedAgain = async (runId: string) =>
      one<{ net: string } | undefined>(
        db(),
        sql`SELECT net_total::text AS net FROM invoices WHERE billing_run_id = ${runId}::uuid AND account_id = ${invoice.accountId}::uuid`,
      );
    const [chosen, other] = [...lines].sort((a, b) => new Decimal(b.amount).comparedTo(a.amount));
    expect(other, "the invoice has two lines").toBeDefined();
    const itemsOf = async (lineId: string) =>
      (await one<{ n: number }>(db(), sql`SELECT items_count AS n FROM invoice_lines WHERE id = ${lineId}::bigint AND account_id = ${invoice.accountId}::uuid`)).n;

    // a partial amount cannot release items: refused naming the field, nothing written
    await expect(
      t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: chosen.id, amount: half(chosen.amount) }], reason: "r", rebill: true }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("partial amount cannot release") });
    expect((await creditedTotals(invoice.id)).notes).toBe(0);

    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: chosen.id }], reason: "Wrong quantities on one charge", rebill: true });
    expect(note.rebilledItems).toBe(await itemsOf(chosen.id));
    const released = await one<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM rebilled_items x WHERE x.credit_note_id = ${note.id}::uuid
            AND EXISTS (SELECT 1 FROM rated_item_claims c WHERE c.rated_item_id = x.rated_item_id)`,
    );
    expect(released.n, "the released items' claims are gone once the credit note is posted").toBe(0);
    const rebillRun = await nextRun();
    await t.caller.billingRuns.process({ id: rebillRun.id });
    await waitForInlineJobs();
    // exactly the chosen line's items are billed again, not the other lines'
    const again = await billedAgain(rebillRun.id);
    expect(again && new Decimal(again.net).toFixed(), "the next run bills the chosen line's amount again").toBe(new Decimal(chosen.amount).toFixed());

    // a line already partly credited cannot be re-billed any more
    await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: other.id, amount: "0.01" }], reason: "cent" });
    await expect(
      t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: other.id }], reason: "r", rebill: true }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("already partly credited") });
  });

  it("a posted correction's PDF and XML are stored through the outbox, and it is e-mailed to the buyer when its invoice was", async () => {
    const { t, runId, invoice, lines } = await postedInvoice();
    const stored = (id: string) =>
      queryRows<{ kind: string; fileName: string }>(db(), sql`SELECT kind::text, file_name AS "fileName" FROM documents WHERE invoice_id = ${id}::uuid ORDER BY kind`);
    const emailOf = (id: string) =>
      queryRows<{ status: string; to: string[]; subject: string }>(
        db(),
        sql`SELECT status::text, "to", subject FROM email_outbox WHERE tenant_id = ${t.tenantId} AND idempotency_key = ${`invoice:${id}:email`}`,
      );

    // the run did not e-mail its invoices: the credit note's documents are stored, no e-mail
    const quiet = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id, amount: "1.00" }], reason: "Goodwill" });
    // (other tests' credit notes of this database may be pending too)
    expect(await deliverCorrections(db())).toBeGreaterThanOrEqual(1);
    expect((await stored(quiet.id)).map((d) => d.kind)).toEqual(["PDF", "XML"]);
    expect((await stored(quiet.id))[0].fileName).toContain(quiet.number!);
    expect(await emailOf(quiet.id)).toEqual([]);

    // once the invoice's run e-mails its invoices, a correction of it is e-mailed to the buyer too, once
    await db().execute(sql`UPDATE billing_runs SET email_invoices = true WHERE id = ${runId}::uuid`);
    const mailed = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "LINES", lines: [{ lineId: lines[0].id, amount: "1.00" }], reason: "Goodwill again" });
    expect(await deliverCorrections(db())).toBe(1);
    expect(await deliverCorrections(db()), "nothing left pending").toBe(0);
    // a replayed row (a crash before it was marked) stores nothing again and sends nothing twice
    expect(await deliverCorrectionDocuments(db(), t.tenantId, mailed.id)).toMatchObject({ stored: 0, email: "ALREADY_DONE" });
    expect(await emailOf(mailed.id)).toHaveLength(1);
    const [email] = await emailOf(mailed.id);
    expect(email).toMatchObject({ status: "OUTBOX", to: [invoice.buyer!.email], subject: expect.stringContaining(mailed.number!) });

    // the REST download serves the stored XML, which references the invoice it corrects (BT-25)
    const { key } = await createApiKey(db(), t.tenantId, { name: "docs", role: "operator" }, t.userId);
    const xml = await call(getInvoiceXml, db(), jsonRequest("GET", `/api/v1/invoices/${mailed.id}/xml`, { key }), { id: mailed.id });
    expect(xml.status).toBe(200);
    expect(String(xml.body)).toContain(`<cbc:ID>${invoice.number}</cbc:ID>`);
    expect(String(xml.body)).toContain("<CreditNote");
  });
});
