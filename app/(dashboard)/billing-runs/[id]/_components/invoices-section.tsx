"use client";

import { AlertTriangleIcon } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { formatCount } from "@/lib/format";
import { FailedAccounts } from "./failed-accounts";
import { InvoicesTable } from "./invoices-table";
import { Section } from "./section";
import type { RunDetail } from "./types";

/**
 * (5) Invoices: visible once the run has invoices. The "Failed accounts or subscriptions" tab shows up
 * when the run recorded per-account failures.
 */
export function InvoicesSection({ run }: { run: RunDetail }) {
  const hasInvoices = run.invoicesCount > 0 || ["DRAFTS_READY", "POSTING", "POSTED"].includes(run.status);
  const hasFailures = run.hasFailures;
  // Only the user's explicit choice is kept: the default follows the run as invoices appear.
  const [tab, setTab] = useState<string | null>(null);
  if (!hasInvoices && !hasFailures) return null;
  const active = hasInvoices ? (tab ?? "invoices") : "failures";
  return (
    <Section
      id="invoices"
      index={5}
      title="Invoices"
      status={
        <Badge variant="secondary" className="tabular-nums">
          {formatCount(run.invoicesCount)}
        </Badge>
      }
    >
      <Tabs value={active} onValueChange={setTab}>
        <TabsList>
          {hasInvoices && <TabsTrigger value="invoices">Invoices</TabsTrigger>}
          {hasFailures && (
            <TabsTrigger value="failures">
              <AlertTriangleIcon className="text-destructive" aria-hidden />
              <span className="sm:hidden">Failed</span>
              <span className="hidden sm:inline">Failed accounts or subscriptions</span>
              {run.failedAccountsCount > 0 && <span className="tabular-nums">({formatCount(run.failedAccountsCount)})</span>}
            </TabsTrigger>
          )}
        </TabsList>
        {hasInvoices && (
          <TabsContent value="invoices">
            <InvoicesTable run={run} />
          </TabsContent>
        )}
        {hasFailures && (
          <TabsContent value="failures">
            <FailedAccounts run={run} />
          </TabsContent>
        )}
      </Tabs>
    </Section>
  );
}
