import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { AUDIT_ACTION_LABEL } from "@/lib/audit-actions";
import { postExchangeRate } from "@/server/api/routes/exchange-rates";
import { uploadLogoEndpoint } from "@/server/api/routes/seller-profile";
import { configureRuntime } from "@/tests/support/runtime";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { call, jsonRequest } from "./api-support";
import { cycleRun, newTenant, waitForInlineJobs, type TestTenant } from "./billing-support";
import { createApiKey } from "@/server/api/api-keys";
import { acceptInvitation } from "@/server/tenants/invitations";

// Every kind of user action leaves its audit row (who, what, before → after), written with the change itself.

// a 1×1 PNG
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let database: TestDatabase;
let t: TestTenant;
beforeAll(async () => {
  database = await createTestDatabase();
  configureRuntime({ settings: { engine: { chunkAccounts: 4 } } });
  t = await newTenant(database.db, { accounts: 4, items: 40 });
});
afterAll(() => database?.close());

type Row = { action: string; actor_type: string; actor_id: string | null; entity_type: string; entity_id: string | null; before: unknown; after: unknown };
const entries = (action: string) =>
  queryRows<Row>(
    database.db,
    sql`SELECT action, actor_type, actor_id, entity_type, entity_id, before, after FROM audit_log WHERE tenant_id = ${t.tenantId} AND action = ${action} ORDER BY id`,
  );

describe("audit of every action", () => {
  it("run actions: create, description, disable / enable, process, post, cancel", async () => {
    const run = await t.caller.billingRuns.create(cycleRun(t.billingCycleId));
    await t.caller.billingRuns.saveDescription({ id: run.id, description: "November" });
    await t.caller.billingRuns.setDisabled({ id: run.id, disabled: true });
    await t.caller.billingRuns.setDisabled({ id: run.id, disabled: false });
    await t.caller.billingRuns.process({ id: run.id });
    await waitForInlineJobs();
    const [invoice, second] = (await t.caller.invoices.list({ runId: run.id })).rows;
    await t.caller.invoices.saveMemo({ id: invoice.id, memo: "PO 4711" });
    await t.caller.invoices.bulkAction({ runId: run.id, action: "REJECT", target: { ids: [invoice.id, second.id] }, reason: "wrong VAT id" });
    await t.caller.invoices.bulkAction({ runId: run.id, action: "VALIDATE", target: { ids: [invoice.id, second.id] } });
    await t.caller.billingRuns.process({ id: run.id }); // post
    await waitForInlineJobs();

    const me = { actor_type: "USER", actor_id: t.userId, entity_type: "run", entity_id: run.id };
    expect(await entries("run.create")).toMatchObject([me]);
    expect(await entries("run.description")).toMatchObject([{ ...me, after: { description: "November" } }]);
    expect(await entries("run.disable")).toMatchObject([{ ...me, before: { disabled: false }, after: { disabled: true } }]);
    expect(await entries("run.enable")).toMatchObject([{ ...me, before: { disabled: true }, after: { disabled: false } }]);
    expect(await entries("run.process")).toMatchObject([{ ...me, before: { status: "NEW" }, after: { status: "CREATING_LINES" } }]);
    expect(await entries("run.post")).toMatchObject([{ ...me, before: { status: "DRAFTS_READY" }, after: { status: "POSTING" } }]);
    expect(await entries("invoice.memo")).toMatchObject([{ entity_id: invoice.id, before: { memo: null }, after: { memo: "PO 4711" } }]);
    const rejected = await entries("invoice.reject");
    expect(rejected.map((r) => r.entity_id).sort()).toEqual([invoice.id, second.id].sort());
    expect(rejected[0]).toMatchObject({ actor_id: t.userId, after: { status: "REJECTED" } });
    expect((await entries("invoice.validate")).map((r) => r.before)).toEqual([{ status: "REJECTED" }, { status: "REJECTED" }]);

    // credit notes on a posted invoice
    const discarded = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Typo", post: false });
    await t.caller.invoices.discardCreditNote({ id: discarded.id });
    const note = await t.caller.invoices.createCreditNote({ invoiceId: invoice.id, scope: "WHOLE", reason: "Wrong price list", post: false });
    await t.caller.invoices.postCreditNote({ id: note.id });
    expect(await entries("invoice.credit_note.create")).toMatchObject([
      { entity_id: invoice.id, after: { id: discarded.id, status: "DRAFT" } },
      { entity_id: invoice.id, after: { id: note.id, status: "DRAFT" } },
    ]);
    expect(await entries("invoice.credit_note.discard")).toMatchObject([{ entity_id: discarded.id, before: { status: "DRAFT" }, after: { status: "CANCELED" } }]);
    expect(await entries("invoice.credit_note.post")).toMatchObject([{ entity_id: note.id, before: { status: "DRAFT" }, after: { status: "POSTED" } }]);

    const other = await t.caller.billingRuns.create(cycleRun(t.billingCycleId, { cutoffDate: "2026-12-01" }));
    await t.caller.billingRuns.cancel({ id: other.id, items: "REOPEN" });
    await waitForInlineJobs();
    expect(await entries("run.cancel")).toMatchObject([{ entity_id: other.id, before: { status: "NEW" }, after: { status: "CANCELING" } }]);
  });

  it("keys, webhook secrets and endpoints, invitations", async () => {
    const key = (await t.caller.settings.apiKeys.create({ name: "ERP" })) as { id: string };
    await t.caller.settings.apiKeys.revoke({ id: key.id });
    await t.caller.settings.webhookSecrets.rotate({});
    const [secret] = await t.caller.settings.webhookSecrets.list();
    await t.caller.settings.webhookSecrets.revoke({ id: secret.id });
    const endpoint = (await t.caller.settings.webhookEndpoints.create({ url: "http://127.0.0.1:9/hook" })) as { id: string };
    await t.caller.settings.webhookEndpoints.update({ id: endpoint.id, enabled: false });
    await t.caller.settings.webhookEndpoints.delete({ id: endpoint.id });
    await t.caller.settings.members.invite({ email: "new.colleague@example.com", role: "viewer" });

    const me = { actor_type: "USER", actor_id: t.userId };
    expect(await entries("api_key.create")).toMatchObject([{ ...me, entity_id: key.id, after: { name: "ERP" } }]);
    expect(await entries("api_key.revoke")).toMatchObject([{ ...me, entity_id: key.id }]);
    expect(await entries("webhook_secret.rotate")).toMatchObject([{ ...me, entity_id: secret.id }]);
    expect(await entries("webhook_secret.revoke")).toMatchObject([{ ...me, entity_id: secret.id }]);
    expect(await entries("webhook_endpoint.create")).toMatchObject([{ ...me, entity_id: endpoint.id, after: { url: "http://127.0.0.1:9/hook" } }]);
    expect(await entries("webhook_endpoint.update")).toMatchObject([{ ...me, before: { enabled: true }, after: { enabled: false } }]);
    expect(await entries("webhook_endpoint.delete")).toMatchObject([{ ...me, entity_id: endpoint.id }]);
    expect(await entries("member.invite")).toMatchObject([{ ...me, entity_type: "member", after: { email: "new.colleague@example.com", role: "viewer" } }]);

    // the invited colleague accepts: the new member is the actor
    const [invitation] = await t.caller.settings.members.invitations();
    const joined = await acceptInvitation(database.db, { invitationId: invitation.id, name: "New Colleague", password: "correct-horse-battery" });
    expect(await entries("member.join")).toMatchObject([
      { actor_type: "USER", actor_id: joined.userId, entity_type: "member", entity_id: invitation.id, after: { email: "new.colleague@example.com", role: "viewer" } },
    ]);
  });

  it("settings: seller identity, e-invoice data, document footer and language, logo (never its bytes), exchange rates", async () => {
    const identity = await t.caller.settings.sellerIdentity.get();
    const { complete: _complete, ...identityBefore } = identity;
    await t.caller.settings.sellerIdentity.save({ ...identityBefore, legalName: "Renamed GmbH", email: identity.email ?? "" });
    const einvoiceBefore = await t.caller.settings.einvoiceProfile.get();
    await t.caller.settings.einvoiceProfile.update({
      contactName: "Billing desk",
      contactPhone: "+49 30 1234567",
      contactEmail: "",
      electronicAddressScheme: "",
      electronicAddress: "",
      vatAccountingCurrency: "EUR",
    });
    await t.caller.settings.documentProfile.save({ tradeRegister: "Amtsgericht Berlin HRB 1", managingDirectors: null, defaultLanguage: "de" });
    await t.caller.settings.documentProfile.uploadLogo({ mimeType: "image/png", data: PNG });
    await t.caller.settings.documentProfile.removeLogo();
    await t.caller.settings.documentProfile.removeLogo(); // nothing left to remove: no entry
    await t.caller.settings.exchangeRates.set({ currency: "USD", rateDate: "2026-11-01", rate: "0.9214" });
    await t.caller.settings.exchangeRates.set({ currency: "USD", rateDate: "2026-11-01", rate: "0.9300" });
    await t.caller.settings.exchangeRates.delete({ currency: "USD", rateDate: "2026-11-01" });

    const me = { actor_type: "USER", actor_id: t.userId, entity_type: "settings" };
    expect(await entries("settings.seller_identity.update")).toMatchObject([
      { ...me, entity_id: "seller_identity", before: { legalName: identity.legalName, vatId: identity.vatId }, after: { legalName: "Renamed GmbH", vatId: identity.vatId } },
    ]);
    expect(await entries("settings.einvoice_profile.update")).toMatchObject([
      { ...me, entity_id: "einvoice_profile", before: { contactName: einvoiceBefore.contactName }, after: { contactName: "Billing desk", contactPhone: "+49 30 1234567", vatAccountingCurrency: "EUR" } },
    ]);
    expect(await entries("settings.document_profile.update")).toMatchObject([
      { ...me, entity_id: "document_profile", before: { tradeRegister: null, defaultLanguage: "en" }, after: { tradeRegister: "Amtsgericht Berlin HRB 1", defaultLanguage: "de" } },
    ]);
    const logo = { mimeType: "image/png", bytes: Buffer.from(PNG, "base64").length, sha256: createHash("sha256").update(Buffer.from(PNG, "base64")).digest("hex") };
    expect(await entries("settings.logo.upload")).toEqual([{ ...me, action: "settings.logo.upload", entity_id: "logo", before: null, after: logo }]);
    expect(await entries("settings.logo.remove")).toEqual([{ ...me, action: "settings.logo.remove", entity_id: "logo", before: logo, after: null }]);
    const rate = { currency: "USD", rateDate: "2026-11-01" };
    expect(await entries("settings.exchange_rate.set")).toMatchObject([
      { ...me, entity_id: "exchange_rate:USD:2026-11-01", before: null, after: { ...rate, rate: "0.9214" } },
      { ...me, entity_id: "exchange_rate:USD:2026-11-01", before: { ...rate, rate: "0.9214" }, after: { ...rate, rate: "0.9300" } },
    ]);
    expect(await entries("settings.exchange_rate.delete")).toMatchObject([{ ...me, before: { ...rate, rate: "0.9300" }, after: null }]);

    // the same over REST: the API key is the actor
    const { key, id: apiKeyId } = await createApiKey(database.db, t.tenantId, { name: "ERP admin", role: "admin" }, t.userId);
    const posted = await call(postExchangeRate, database.db, jsonRequest("POST", "/api/v1/exchange-rates", { key, body: { currency: "CHF", rateDate: "2026-11-01", rate: "1.05" } }));
    expect(posted.status).toBe(200);
    const uploaded = await call(uploadLogoEndpoint, database.db, jsonRequest("POST", "/api/v1/seller-profile/logo", { key, body: { mimeType: "image/png", data: PNG } }));
    expect(uploaded.status).toBe(200);
    expect((await entries("settings.exchange_rate.set")).at(-1)).toMatchObject({ actor_type: "API_KEY", actor_id: apiKeyId, after: { currency: "CHF", rate: "1.05" } });
    expect((await entries("settings.logo.upload")).at(-1)).toMatchObject({ actor_type: "API_KEY", actor_id: apiKeyId, before: null, after: logo });
  });

  it("approval policy: thresholds per currency before → after", async () => {
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: "50000.00" }, invoiceCountAbove: 500 });
    await t.caller.review.approvalPolicy.save({ mode: "ABOVE", grossAbove: { EUR: "50000.00", USD: "60000.00" } });
    expect(await entries("settings.approval_policy.update")).toMatchObject([
      { actor_type: "USER", actor_id: t.userId, entity_id: "approval_policy", before: { mode: "OFF", grossAbove: {} }, after: { mode: "ABOVE", grossAbove: { EUR: "50000.00" }, invoiceCountAbove: 500 } },
      { before: { grossAbove: { EUR: "50000.00" }, invoiceCountAbove: 500 }, after: { grossAbove: { EUR: "50000.00", USD: "60000.00" }, invoiceCountAbove: null } },
    ]);
  });

  it("every action recorded has a readable label for the audit log's filter", async () => {
    const actions = await queryRows<{ action: string }>(database.db, sql`SELECT DISTINCT action FROM audit_log WHERE tenant_id = ${t.tenantId} ORDER BY action`);
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.map((a) => a.action).filter((a) => !AUDIT_ACTION_LABEL[a])).toEqual([]);
  });

  it("a refused action leaves no entry; the log is readable filtered by entity and actor", async () => {
    const before = (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = ${t.tenantId}`))[0].n;
    const [posted] = (await t.caller.billingRuns.list({})).rows.filter((r) => r.status === "POSTED");
    await expect(t.caller.billingRuns.setDisabled({ id: posted.id, disabled: true })).rejects.toMatchObject({ code: "CONFLICT" });
    const after = (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = ${t.tenantId}`))[0].n;
    expect(after).toBe(before);
    const page = await t.caller.review.audit.list({ entityType: "run", actorId: t.userId, action: "run.", pageSize: 3 });
    expect(page.rows).toHaveLength(3);
    expect(page.rows.every((r) => r.entityType === "run" && r.actorId === t.userId && r.action.startsWith("run."))).toBe(true);
    expect(page.nextBeforeId).not.toBeNull();
  });
});
