import { randomUUID } from "node:crypto";
import type { APIResponse, Page } from "@playwright/test";
import { expect, test } from "./support";

// A spec that needs billing data creates its own through the REST API (the way an integration would) instead of
// relying on what the demo data or another spec left: its accounts carry a tag of their own and are in no billing
// cycle, so only an exceptional run for their ids bills them — and no cycle run of another spec ever does. A spec that
// changes organization-wide settings works in an organization of its own (open sign-up: the e2e server allows it).

export type Api = {
  get: (path: string) => Promise<unknown>;
  post: (path: string, body?: unknown) => Promise<unknown>;
};

export type OwnAccounts = { tag: string; ids: string[]; names: string[] };

/** A tag no other test run has used (external ids, names and search queries carry it). */
export const uniqueTag = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomUUID().slice(0, 4)}`.toUpperCase();

async function body(response: APIResponse, what: string) {
  const text = await response.text();
  expect(response.ok(), `${what}: ${response.status()} ${text.slice(0, 500)}`).toBe(true);
  return text ? JSON.parse(text) : null;
}

/**
 * Signs the page's context up as the owner of a new organization with a complete seller profile (German seller,
 * monthly cycle, default review rules — what onboarding gives it) and leaves it signed in there. Returns its name.
 */
export async function newOrganization(page: Page, prefix: string): Promise<string> {
  const tag = uniqueTag(prefix).toLowerCase();
  // better-auth checks the Origin of these requests against the app's own URL
  const origin = { origin: test.info().project.use.baseURL! };
  await body(
    await page.request.post("/api/auth/sign-up/email", {
      headers: origin,
      data: { email: `owner-${tag}@e2e.example`, password: "a-long-enough-password", name: `Owner ${tag}` },
    }),
    "signing up",
  );
  const name = `E2E ${tag}`;
  await body(await page.request.post("/api/auth/organization/create", { headers: origin, data: { name, slug: tag } }), "creating the organization");
  await body(
    await page.request.post("/api/trpc/settings.sellerIdentity.save", {
      data: { json: { legalName: `${name} GmbH`, addressLine: "Neue Straße 5", city: "Hamburg", postalCode: "20095", country: "DE", vatId: "DE811907980" } },
    }),
    "saving the seller profile",
  );
  return name;
}

/**
 * An operator API key of the signed-in user's organization, made through the dashboard's own tRPC call (Settings → API
 * keys) with the page's session, and a small client for the REST API with it.
 */
export async function apiOf(page: Page, name: string): Promise<Api> {
  const created = await body(
    await page.request.post("/api/trpc/settings.apiKeys.create", { data: { json: { name, role: "operator" } } }),
    "creating an API key",
  );
  const key: string = created.result.data.json.key;
  expect(key).toMatch(/^br_/);
  const headers = { authorization: `Bearer ${key}` };
  return {
    get: async (path) => body(await page.request.get(`/api/v1${path}`, { headers }), `GET ${path}`),
    post: async (path, data) => body(await page.request.post(`/api/v1${path}`, { headers, data: data ?? {} }), `POST ${path}`),
  };
}

/**
 * `count` accounts (named "<tag> Customer 1…", complete buyer data, in no cycle), each with one usage item of
 * `amount` EUR dated `usageDate`. Returns their ids in the order of their names.
 */
export async function createAccounts(
  api: Api,
  tag: string,
  { count, amount = "120.00", usageDate = "2026-11-10" }: { count: number; amount?: string; usageDate?: string },
): Promise<OwnAccounts> {
  const chargeCode = `${tag}-FEE`;
  await api.post("/charges", { charges: [{ code: chargeCode, label: `Service fee ${tag}`, type: "USAGE", vatRate: "19.00" }] });
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  const names = numbers.map((n) => `${tag} Customer ${String(n).padStart(2, "0")}`);
  await api.post("/accounts", {
    accounts: numbers.map((n, i) => ({
      externalId: `${tag}-ACC-${n}`,
      name: names[i],
      email: `billing-${n}@${tag.toLowerCase()}.example`,
      currency: "EUR",
      country: "DE",
      addressLine: "Hauptstraße 1",
      city: "Berlin",
      postalCode: "10115",
    })),
  });
  await api.post("/rated-items", {
    items: numbers.map((n) => ({
      externalId: `${tag}-ITEM-${n}`,
      accountExternalId: `${tag}-ACC-${n}`,
      chargeCode,
      description: "Service",
      quantity: "1",
      unitPrice: amount,
      amount,
      currency: "EUR",
      usageDate,
    })),
  });
  const found = (await api.get(`/accounts?query=${encodeURIComponent(tag)}&limit=50`)) as { rows: { id: string; name: string }[] };
  expect(found.rows.map((r) => r.name)).toEqual(names);
  return { tag, ids: found.rows.map((r) => r.id), names };
}

type RunBody = { id: string; status: string; number: number };

async function waitForStatus(api: Api, runId: string, status: string) {
  let last = "";
  await expect
    .poll(
      async () => {
        last = ((await api.get(`/billing-runs/${runId}`)) as RunBody).status;
        return last;
      },
      { message: `run ${runId} reaches ${status}`, timeout: 90_000 },
    )
    .toBe(status);
}

/**
 * An exceptional run for these accounts (invoice date 2026-11-30, cut-off 2026-12-01: their items are billed),
 * processed to drafts ready — and posted when `post` is set. Returns the run's id.
 */
export async function runFor(api: Api, accounts: OwnAccounts, { post = false }: { post?: boolean } = {}): Promise<string> {
  const run = (await api.post("/billing-runs", {
    type: "EXCEPTIONAL",
    filter: { accountIds: accounts.ids },
    invoiceDate: "2026-11-30",
    cutoffDate: "2026-12-01",
    description: `e2e ${accounts.tag}`,
  })) as RunBody;
  await api.post(`/billing-runs/${run.id}/process`);
  await waitForStatus(api, run.id, "DRAFTS_READY");
  if (post) {
    await api.post(`/billing-runs/${run.id}/post`);
    await waitForStatus(api, run.id, "POSTED");
  }
  return run.id;
}
