import { deleteScheduleInput, scheduleInput } from "@/lib/review-inputs";
import { deleteSchedule, listSchedules, saveSchedule } from "@/server/billing/schedules";
import { apiEndpoint } from "../endpoint";

// /api/v1/billing-schedules (#19): the same services and zod schemas as the dashboard's schedules procedures.

export const listBillingSchedules = apiEndpoint({
  permission: "read",
  handle: async ({ db, tenantId }) => ({ status: 200, body: { rows: await listSchedules(db, tenantId) } }),
});

export const saveBillingSchedule = apiEndpoint({
  permission: "administer",
  body: scheduleInput,
  handle: async ({ db, tenantId, actor, body }) => ({ status: 200, body: await saveSchedule(db, tenantId, body, actor) }),
});

export const deleteBillingSchedule = apiEndpoint({
  permission: "administer",
  handle: async ({ db, tenantId, actor, params }) => ({
    status: 200,
    body: await deleteSchedule(db, tenantId, deleteScheduleInput.parse({ billingCycleId: params.id }), actor),
  }),
});
