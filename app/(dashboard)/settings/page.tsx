import type { Metadata } from "next";
import { connection } from "next/server";
import { PageHeader } from "@/components/app-shell/page-header";
import { HydrateClient, prefetch, trpc } from "@/server/trpc/server";
import { ApiKeysCard } from "./_components/api-keys-card";
import { MembersCard } from "./_components/members-card";
import { EinvoiceProfileCard } from "./_components/einvoice-profile-card";
import { WebhookEndpointsCard } from "./_components/webhook-endpoints-card";
import { WebhookSecretsCard } from "./_components/webhook-secrets-card";
import { ApprovalPolicyCard } from "./_components/approval-policy-card";
import { DocumentProfileCard } from "./_components/document-profile-card";
import { ReviewRulesCard } from "./_components/review-rules-card";
import { TaxSettingsCard } from "./_components/tax-settings-card";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await connection();
  await Promise.all([
    prefetch(trpc.settings.apiKeys.list.queryOptions()),
    prefetch(trpc.settings.webhookSecrets.list.queryOptions()),
    prefetch(trpc.settings.webhookEndpoints.list.queryOptions()),
    prefetch(trpc.settings.einvoiceProfile.get.queryOptions()),
    prefetch(trpc.settings.exchangeRates.list.queryOptions()),
    prefetch(trpc.settings.taxSettings.get.queryOptions()),
    prefetch(trpc.settings.documentProfile.get.queryOptions()),
    prefetch(trpc.review.rules.list.queryOptions()),
    prefetch(trpc.review.approvalPolicy.get.queryOptions()),
  ]);
  return (
    <div className="grid gap-4 sm:gap-6">
      <PageHeader
        title="Settings"
        description={
          <>
            Tax, documents, review rules and approval, API keys, webhooks and members. The REST API is described at{" "}
            <a className="underline underline-offset-2" href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>
            .
          </>
        }
      />
      <HydrateClient>
        <TaxSettingsCard />
        <DocumentProfileCard />
        <ReviewRulesCard />
        <ApprovalPolicyCard />
        <ApiKeysCard />
        <WebhookSecretsCard />
        <WebhookEndpointsCard />
        <MembersCard />
        <EinvoiceProfileCard />
      </HydrateClient>
    </div>
  );
}
