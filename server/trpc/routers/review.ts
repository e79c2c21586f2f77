import { runIdInput } from "@/lib/billing-inputs";
import { approvalPolicyInput, approveRunInput, listAuditInput, listHoldsInput, placeHoldInput, releaseHoldInput, saveRulesInput, searchAccountsInput, sendBackInput } from "@/lib/review-inputs";
import { listAudit } from "@/server/audit/audit-log";
import { getApprovalPolicy, saveApprovalPolicy } from "@/server/billing/approval-policy";
import { approveRun, holdTimedPost, listApprovals, sendBackRun } from "@/server/billing/approvals";
import { searchAccounts } from "@/server/billing/account-search";
import { listHolds, placeHold, releaseHold } from "@/server/billing/holds";
import { listRuleSettings, saveRuleSettings } from "@/server/billing/rules";
import { adminProcedure, approverProcedure, createTRPCRouter, operatorProcedure, readProcedure } from "../init";

// Review by exception (#19): rules, approval policy and decisions, account holds, the audit log.
export const reviewRouter = createTRPCRouter({
  rules: createTRPCRouter({
    list: readProcedure.query(({ ctx }) => listRuleSettings(ctx.db, ctx.tenantId)),
    save: adminProcedure.input(saveRulesInput).mutation(({ ctx, input }) => saveRuleSettings(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  approvalPolicy: createTRPCRouter({
    get: readProcedure.query(({ ctx }) => getApprovalPolicy(ctx.db, ctx.tenantId)),
    save: adminProcedure.input(approvalPolicyInput).mutation(({ ctx, input }) => saveApprovalPolicy(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  approvals: createTRPCRouter({
    list: readProcedure.input(runIdInput).query(({ ctx, input }) => listApprovals(ctx.db, ctx.tenantId, input.id)),
    approve: approverProcedure.input(approveRunInput).mutation(({ ctx, input }) => approveRun(ctx.db, ctx.tenantId, input, ctx.actor)),
    sendBack: operatorProcedure.input(sendBackInput).mutation(({ ctx, input }) => sendBackRun(ctx.db, ctx.tenantId, input, ctx.actor)),
    holdTimedPost: operatorProcedure.input(sendBackInput).mutation(({ ctx, input }) => holdTimedPost(ctx.db, ctx.tenantId, input, ctx.actor)),
  }),
  holds: createTRPCRouter({
    list: readProcedure.input(listHoldsInput).query(({ ctx, input }) => listHolds(ctx.db, ctx.tenantId, input)),
    place: operatorProcedure.input(placeHoldInput).mutation(({ ctx, input }) => placeHold(ctx.db, ctx.tenantId, input, ctx.actor)),
    release: operatorProcedure.input(releaseHoldInput).mutation(({ ctx, input }) => releaseHold(ctx.db, ctx.tenantId, input, ctx.actor)),
    accounts: readProcedure.input(searchAccountsInput).query(({ ctx, input }) => searchAccounts(ctx.db, ctx.tenantId, input)),
  }),
  audit: createTRPCRouter({
    list: readProcedure.input(listAuditInput).query(({ ctx, input }) => listAudit(ctx.db, ctx.tenantId, input)),
  }),
});
