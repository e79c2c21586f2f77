import { z } from "zod";
import { bulkInvoiceAction, listInvoices } from "@/server/billing/invoices";
import { bulkActionInput, cancelRunInput, createRunInput, listInvoicesInput, runIdInput, setDisabledInput } from "@/lib/billing-inputs";
import { listBillingRuns, listRunsInput } from "@/server/billing/run-list";
import { cancelRun, createRun, getRun, postRun, processRun, setRunDisabled } from "@/server/billing/runs";
import { apiEndpoint } from "../endpoint";
import { HttpProblem } from "../problem";
import { queryToInput } from "../query";

// /api/v1/billing-runs…: thin adapters from HTTP to the billing services (the same ones tRPC calls).

const runUrl = (id: string) => `/api/v1/billing-runs/${id}`;
const idOf = (params: Record<string, string>) => runIdInput.parse({ id: params.id }).id;

export const listRuns = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url }) => {
    const input = queryToInput(url, {
      allowed: Object.keys(listRunsInput.shape),
      arrays: ["status", "type"],
      numbers: ["page", "pageSize"],
    });
    return { status: 200, body: await listBillingRuns(db, tenantId, input as z.input<typeof listRunsInput>) };
  },
});

export const createBillingRun = apiEndpoint({
  permission: "operate",
  body: createRunInput,
  handle: async ({ db, tenantId, actor, body }) => {
    const run = await createRun(db, tenantId, body, actor);
    return { status: 201, body: { ...run, statusUrl: runUrl(run.id) }, headers: { Location: runUrl(run.id) } };
  },
});

export const getBillingRun = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await getRun(db, tenantId, idOf(params)) }),
});

export const processBillingRun = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, actor, params }) => {
    const id = idOf(params);
    const result = await processRun(db, tenantId, id, actor);
    return { status: 202, body: { ...result, statusUrl: runUrl(id) } };
  },
});

/** Post: a run whose drafts are ready, whose posting failed, or whose posting was abandoned by a crash (resumed). */
export const postBillingRun = apiEndpoint({
  permission: "operate",
  handle: async ({ db, tenantId, actor, params }) => {
    const id = idOf(params);
    const result = await postRun(db, tenantId, id, actor);
    return { status: 202, body: { ...result, statusUrl: runUrl(id) } };
  },
});

export const cancelBillingRun = apiEndpoint({
  permission: "operate",
  body: cancelRunInput.omit({ id: true }),
  handle: async ({ db, tenantId, actor, params, body }) => {
    const input = cancelRunInput.parse({ ...body, id: params.id });
    const result = await cancelRun(db, tenantId, input, actor);
    return { status: 202, body: { ...result, statusUrl: runUrl(input.id) } };
  },
});

const setDisabled = (disabled: boolean) =>
  apiEndpoint({
    permission: "operate",
    handle: async ({ db, tenantId, actor, params }) => ({
      status: 200,
      body: await setRunDisabled(db, tenantId, setDisabledInput.parse({ id: params.id, disabled }), actor),
    }),
  });
export const enableBillingRun = setDisabled(false);
export const disableBillingRun = setDisabled(true);

export const listRunInvoices = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, url, params }) => {
    const input = queryToInput(url, {
      allowed: Object.keys(listInvoicesInput.shape).filter((k) => k !== "runId"),
      arrays: ["status", "type"],
      numbers: ["page", "pageSize"],
      booleans: ["hasReason"],
    });
    return { status: 200, body: await listInvoices(db, tenantId, { ...(input as object), runId: idOf(params) } as z.input<typeof listInvoicesInput>) };
  },
});

export const bulkInvoiceActions = apiEndpoint({
  permission: "operate",
  body: "json",
  handle: async ({ db, tenantId, actor, params, body }) => {
    const runId = idOf(params);
    // a string or an array spread into the input would be refused for fields it does not name
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpProblem("BAD_REQUEST", "The body must be a JSON object", [{ field: "(body)", message: "must be a JSON object" }]);
    }
    const input = bulkActionInput.parse({ ...body, runId });
    return { status: 200, body: await bulkInvoiceAction(db, tenantId, input, actor) };
  },
});
