import type { Metadata } from "next";
import { connection } from "next/server";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc/server";
import { getSession } from "@/app/(dashboard)/session";
import { InvoiceDetails } from "./_components/invoice-details";

export const metadata: Metadata = { title: "Invoice" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function InvoicePage({ params }: { params: Promise<{ id: string; invoiceId: string }> }) {
  await connection();
  const { id, invoiceId } = await params;
  if (UUID.test(invoiceId) && (await getSession())) await getQueryClient().prefetchQuery(trpc.invoices.get.queryOptions({ id: invoiceId }));
  return (
    <HydrateClient>
      <InvoiceDetails runId={id} invoiceId={invoiceId} />
    </HydrateClient>
  );
}
