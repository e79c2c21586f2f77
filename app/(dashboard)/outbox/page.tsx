import { InboxIcon } from "lucide-react";
import type { Metadata } from "next";
import { EmptyState } from "@/components/data-table/empty-state";
import { PageHeader } from "@/components/app-shell/page-header";

export const metadata: Metadata = { title: "Outbox" };

export default function OutboxPage() {
  return (
    <div className="grid grid-cols-1 gap-6">
      <PageHeader title="Outbox" description="E-mails kept here when no Resend key is configured." />
      <EmptyState icon={InboxIcon} title="Nothing to show yet" description="Notifications and invoice e-mails will appear here." />
    </div>
  );
}
