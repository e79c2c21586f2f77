import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/server";
import { AUDIT_PAGE_SIZE } from "./_components/audit-filters";
import { AuditLog } from "./_components/audit-log";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage() {
  await connection();
  await prefetch(trpc.review.audit.list.queryOptions({ pageSize: AUDIT_PAGE_SIZE }));
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader
        title="Audit log"
        description="Who did what, when, with the state before and after — runs, invoices, settings, keys, webhooks, holds and schedules. Entries are never changed or deleted."
      />
      <HydrateClient>
        <AuditLog />
      </HydrateClient>
    </div>
  );
}
