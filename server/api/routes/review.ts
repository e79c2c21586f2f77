import type { z } from "zod";
import { runIdInput } from "@/lib/billing-inputs";
import { approvalPolicyInput, approveRunInput, listAuditInput, listHoldsInput, placeHoldInput, releaseHoldInput, saveRulesInput, searchAccountsInput, sendBackInput } from "@/lib/review-inputs";
import { listAudit } from "@/server/audit/audit-log";
import { getApprovalPolicy, saveApprovalPolicy } from "@/server/billing/approval-policy";
import { approveRun, holdTimedPost, listApprovals, sendBackRun } from "@/server/billing/approvals";
import { searchAccounts } from "@/server/billing/account-search";
import { listHolds, placeHold, releaseHold } from "@/server/billing/holds";
import { listRuleSettings, saveRuleSettings } from "@/server/billing/rules";
import { apiEndpoint } from "../endpoint";
import { queryToInput } from "../query";

// /api/v1 review by exception (#19): rules, approval policy and decisions, account holds, audit log — the services
// and zod schemas the dashboard's tRPC procedures use.

const idOf = (params: Record<string, string>) => runIdInput.parse({ id: params.id }).id;

export const getReviewRules = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await listRuleSettings(db, tenantId) }),
});
export const saveReviewRules = apiEndpoint({
  permission: "administer",
  body: saveRulesInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveRuleSettings(db, tenantId, body, actor) }),
});

export const getApprovalPolicyEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: await getApprovalPolicy(db, tenantId) }),
});
export const saveApprovalPolicyEndpoint = apiEndpoint({
  permission: "administer",
  body: approvalPolicyInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveApprovalPolicy(db, tenantId, body, actor) }),
});

export const listRunApprovals = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: { rows: await listApprovals(db, tenantId, idOf(params)) } }),
});
/** Always refused for API keys (403): approval is a signed-in approver's decision. Documented so clients know. */
export const approveBillingRun = apiEndpoint({
  permission: "read",
  body: approveRunInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => ({ status: 202, body: await approveRun(db, tenantId, { ...body, id: idOf(params) }, actor) }),
});
export const sendBackBillingRun = apiEndpoint({
  permission: "operate",
  body: sendBackInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => ({ status: 200, body: await sendBackRun(db, tenantId, { ...body, id: idOf(params) }, actor) }),
});

/** "Unless held": stops an approved run's timed post; the run then waits for a new approval. */
export const holdTimedPostEndpoint = apiEndpoint({
  permission: "operate",
  body: sendBackInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => ({ status: 200, body: await holdTimedPost(db, tenantId, { ...body, id: idOf(params) }, actor) }),
});

export const listAccountHolds = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url }) => {
    const input = queryToInput(url, { allowed: Object.keys(listHoldsInput.shape), booleans: ["active"] });
    return { status: 200, body: { rows: await listHolds(db, tenantId, input as z.input<typeof listHoldsInput>) } };
  },
});
export const placeAccountHold = apiEndpoint({
  permission: "operate",
  body: placeHoldInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 201, body: await placeHold(db, tenantId, body, actor) }),
});
export const releaseAccountHold = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, actor, params }) => ({ status: 200, body: await releaseHold(db, tenantId, releaseHoldInput.parse({ id: params.id }), actor) }),
});

export const searchAccountsEndpoint = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url }) => {
    const input = queryToInput(url, { allowed: Object.keys(searchAccountsInput.shape), numbers: ["limit"] });
    return { status: 200, body: { rows: await searchAccounts(db, tenantId, input as z.input<typeof searchAccountsInput>) } };
  },
});

export const listAuditLog = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url }) => {
    const input = queryToInput(url, { allowed: Object.keys(listAuditInput.shape), numbers: ["beforeId", "pageSize"] });
    return { status: 200, body: await listAudit(db, tenantId, input as z.input<typeof listAuditInput>) };
  },
});
