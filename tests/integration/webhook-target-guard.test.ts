import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { issuesFromZod } from "@/server/errors";
import { postWebhook, type Resolve } from "@/server/webhooks/post-webhook";
import { runtime } from "@/server/runtime";
import { attemptDelivery, enqueueWebhookEvent } from "@/server/webhooks/outgoing";
import { configureRuntime } from "@/tests/support/runtime";
import { callerFor, createTenantWithUser } from "@/tests/support/factories";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// SSRF protection of outgoing webhooks: endpoint URLs are refused at creation, and deliveries are refused before
// connecting — also when a harmless-looking host name resolves to a private address (DNS rebinding).

let database: TestDatabase;
let receiver: WebhookReceiver;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
  configureRuntime({ outbox: "off" }); // messages are only stored: the tests attempt them
});
const allowedByDefault = runtime().settings.webhooks.allowPrivateTargets;
afterEach(() => {
  runtime().settings.webhooks.allowPrivateTargets = allowedByDefault;
});
afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

/** Production-like: private targets refused (tests otherwise run with NODE_ENV=test, where they are allowed). */
const refusePrivateTargets = () => (runtime().settings.webhooks.allowPrivateTargets = false);
/** A DNS that answers every name with these addresses. */
const dnsAnswering =
  (...addresses: string[]): Resolve =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

async function admin() {
  const member = await createTenantWithUser(db(), { role: "admin" });
  return { ...member, caller: callerFor(db(), member) };
}

/** The field errors a refused tRPC call answers with (what the error formatter sends to the dashboard). */
async function fieldErrors(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  expect((error as TRPCError).cause).toBeInstanceOf(ZodError);
  return issuesFromZod((error as TRPCError).cause as ZodError);
}

describe("endpoint URLs (creation and update)", () => {
  it("refuses plain http, credentials, localhost and private, link-local or loopback addresses with a reason on `url`", async () => {
    refusePrivateTargets();
    const a = await admin();
    const create = (url: string) => fieldErrors(a.caller.settings.webhookEndpoints.create({ url }));

    expect(await create("http://hooks.example.com/billrun")).toEqual([{ field: "url", message: expect.stringMatching(/^must use https:\/\//) }]);
    expect(await create("https://user:secret@hooks.example.com/")).toEqual([{ field: "url", message: "must not contain a user name or password" }]);
    expect(await create("https://localhost:3000/hook")).toEqual([{ field: "url", message: "must not point to localhost" }]);
    expect(await create(`https://127.0.0.1:${receiver.port}/hook`)).toEqual([{ field: "url", message: "must not point to 127.0.0.1, a loopback address" }]);
    expect(await create("https://169.254.169.254/latest/meta-data/")).toEqual([
      { field: "url", message: expect.stringMatching(/^must not point to 169\.254\.169\.254, a link-local address/) },
    ]);
    expect(await create("https://192.168.1.20/")).toEqual([{ field: "url", message: "must not point to 192.168.1.20, a private address (RFC 1918)" }]);
    expect(await create("https://[fd00::1]/")).toEqual([{ field: "url", message: "must not point to fd00::1, a unique local address (fc00::/7)" }]);
    expect(await create("https://[::ffff:10.0.0.1]/")).toEqual([{ field: "url", message: expect.stringMatching(/private address/) }]);
    expect(await create("https://100.64.1.1/")).toEqual([{ field: "url", message: expect.stringMatching(/carrier-grade NAT/) }]);
    expect(await create("ftp://hooks.example.com/")).toEqual([{ field: "url", message: "must be an http(s) URL" }]);

    const ok = await a.caller.settings.webhookEndpoints.create({ url: "https://hooks.example.com/billrun" });
    expect(await fieldErrors(a.caller.settings.webhookEndpoints.update({ id: ok.id, url: "https://10.0.0.5/hook" }))).toEqual([
      { field: "url", message: "must not point to 10.0.0.5, a private address (RFC 1918)" },
    ]);
    expect((await a.caller.settings.webhookEndpoints.list()).map((e) => e.url)).toEqual(["https://hooks.example.com/billrun"]);
  });

  it("accepts plain http and private targets where they are allowed (local development)", async () => {
    runtime().settings.webhooks.allowPrivateTargets = true;
    const a = await admin();
    await expect(a.caller.settings.webhookEndpoints.create({ url: `http://127.0.0.1:${receiver.port}/dev` })).resolves.toMatchObject({ id: expect.any(String) });
    // credentials are refused everywhere
    expect(await fieldErrors(a.caller.settings.webhookEndpoints.create({ url: "http://u:p@127.0.0.1/" }))).toEqual([
      { field: "url", message: "must not contain a user name or password" },
    ]);
  });
});

describe("deliveries", () => {
  it("refuses an endpoint that is no longer allowed, records the reason as a failed attempt and sends nothing", async () => {
    const a = await admin();
    const loopback = await a.caller.settings.webhookEndpoints.create({ url: `http://127.0.0.1:${receiver.port}/was-allowed` });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.posted", { runId: "r" });

    refusePrivateTargets();
    expect(await attemptDelivery(db(), message, 1)).toMatchObject({ outcome: "RETRY", status: null, error: expect.stringMatching(/^refused: the URL must use https:\/\//) });
    // an https URL on a loopback address, stored while it was allowed
    await db().execute(sql`UPDATE webhook_endpoints SET url = ${`https://127.0.0.1:${receiver.port}/was-allowed`} WHERE id = ${loopback.id}::uuid`);
    expect(await attemptDelivery(db(), message, 2)).toMatchObject({ outcome: "RETRY", error: "refused: the URL must not point to 127.0.0.1, a loopback address" });

    expect(receiver.to("/was-allowed")).toEqual([]);
    const attempts = await a.caller.settings.webhookEndpoints.deliveries({ endpointId: loopback.id });
    expect(attempts.map((d) => [d.attempt, d.responseStatus, d.error?.slice(0, 8)])).toEqual([
      [2, null, "refused:"],
      [1, null, "refused:"],
    ]);
  });

  it("checks the addresses a host name resolves to, which are the ones it connects to (DNS rebinding)", async () => {
    refusePrivateTargets();
    const a = await admin();
    const endpoint = await a.caller.settings.webhookEndpoints.create({ url: `https://hooks.example.test:${receiver.port}/rebind` });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "invoice.posted", { invoiceId: "i" });

    expect(await attemptDelivery(db(), message, 1, { resolve: dnsAnswering("127.0.0.1") })).toMatchObject({
      outcome: "RETRY",
      error: "refused: hooks.example.test resolves to 127.0.0.1, a loopback address",
    });
    expect(await attemptDelivery(db(), message, 2, { resolve: dnsAnswering("::ffff:169.254.169.254") })).toMatchObject({
      error: expect.stringMatching(/^refused: hooks\.example\.test resolves to ::ffff:169\.254\.169\.254, a link-local address/),
    });
    // one private address among public ones is enough to refuse
    expect(await attemptDelivery(db(), message, 3, { resolve: dnsAnswering("93.184.216.34", "10.0.0.7") })).toMatchObject({
      error: "refused: hooks.example.test resolves to 10.0.0.7, a private address (RFC 1918)",
    });
    expect(receiver.to("/rebind")).toEqual([]);
    expect(await a.caller.settings.webhookEndpoints.deliveries({ endpointId: endpoint.id })).toHaveLength(3);
  });

  it("connects to the address the lookup returned, keeping the host name in the Host header", async () => {
    const answer = await postWebhook(
      `http://hooks.example.test:${receiver.port}/resolved`,
      { headers: { "content-type": "application/json" }, body: "{}" },
      { timeoutMs: 5_000, allowPrivate: true, resolve: dnsAnswering("127.0.0.1") },
    );
    expect(answer.status).toBe(204);
    expect(receiver.to("/resolved").map((r) => r.headers.host)).toEqual([`hooks.example.test:${receiver.port}`]);
  });

  it("does not follow redirects: a 3xx is a failed attempt naming the Location", async () => {
    const a = await admin();
    await a.caller.settings.webhookEndpoints.create({ url: `${receiver.url}/moved` });
    receiver.answer("/moved", { status: 302, location: `${receiver.url}/elsewhere` });
    const [message] = await enqueueWebhookEvent(db(), a.tenantId, "billing_run.failed", { runId: "r" });
    expect(await attemptDelivery(db(), message, 1)).toMatchObject({
      outcome: "RETRY",
      status: 302,
      error: `HTTP 302: redirects are not followed (Location: ${receiver.url}/elsewhere)`,
    });
    expect(receiver.to("/moved")).toHaveLength(1);
    expect(receiver.to("/elsewhere")).toEqual([]);
  });
});
