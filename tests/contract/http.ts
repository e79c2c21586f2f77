import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { inject } from "vitest";

// Small HTTP client for the contract suite: everything goes over the network to the running app.

export const fixtures = () => inject("contract");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes, checked by the tests
export type HttpResult = { status: number; headers: Headers; body: any; text: string };

export async function http(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  const response = await fetch(fixtures().baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export function signedWebhook(
  secret: string,
  tenant: string,
  payload: unknown,
  options: { id?: string; at?: Date; raw?: string } = {},
): Promise<HttpResult> {
  const raw = options.raw ?? JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  return http("POST", `/api/webhooks/billing-runs?tenant=${encodeURIComponent(tenant)}`, {
    raw,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, at, raw),
    },
  });
}

/** Polls a run until it reaches one of the statuses (jobs run in the background). */
export async function waitForRun(key: string, runId: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await http("GET", `/api/v1/billing-runs/${runId}`, { key });
    if (statuses.includes(res.body?.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${res.body?.status}, expected ${statuses.join("/")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function expectProblem(res: HttpResult, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 400)}`);
  if (res.headers.get("content-type") !== "application/problem+json") throw new Error(`not problem+json: ${res.headers.get("content-type")}`);
  const p = res.body;
  if (!p || p.status !== status || typeof p.title !== "string" || typeof p.type !== "string" || typeof p.detail !== "string" || !Array.isArray(p.errors)) {
    throw new Error(`not a problem document: ${res.text.slice(0, 400)}`);
  }
  return p as { detail: string; code: string; errors: { field: string; message: string }[] };
}
