import { createRunInput, runIdInput } from "@/lib/billing-inputs";
import { simulationCsv, simulationCsvFileName } from "@/server/billing/simulation-csv";
import { simulateNewRun, simulateRun } from "@/server/billing/simulation";
import { apiEndpoint } from "../endpoint";

// /api/v1/billing-runs/{id}/simulation and /api/v1/billing-runs/simulation: what Process would produce, without
// writing (server/billing/simulation.ts); the .csv twins return every account as CSV.

const idOf = (params: Record<string, string>) => runIdInput.parse({ id: params.id }).id;

const csvResponse = (csv: string, fileName: string) =>
  new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${fileName}"`, "Cache-Control": "private, no-store" },
  });

export const simulateBillingRun = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => ({ status: 200, body: await simulateRun(db, tenantId, idOf(params)) }),
});

export const simulateNewBillingRun = apiEndpoint({
  permission: "read",
  body: createRunInput,
  handle: async ({ db, tenantId, body }) => ({ status: 200, body: await simulateNewRun(db, tenantId, body) }),
});

export const simulateBillingRunCsv = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId, params }) => {
    const id = idOf(params);
    const simulation = await simulateRun(db, tenantId, id, { allAccounts: true });
    return csvResponse(simulationCsv(simulation.accounts.rows), simulationCsvFileName(id));
  },
});

export const simulateNewBillingRunCsv = apiEndpoint({
  permission: "read",
  body: createRunInput,
  handle: async ({ db, tenantId, body }) => {
    const simulation = await simulateNewRun(db, tenantId, body, { allAccounts: true });
    return csvResponse(simulationCsv(simulation.accounts.rows), simulationCsvFileName(body.cutoffDate));
  },
});
