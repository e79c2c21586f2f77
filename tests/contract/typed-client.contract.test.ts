import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBillrunClient } from "@/lib/api-client";
import { fixtures, waitForRun } from "./http";

// The REST API through the typed client generated from its OpenAPI document (openapi-typescript + openapi-fetch),
// as a customer would call it: ingest, a run to posted invoices, and the run page's other capabilities.

const client = (key: string) => createBillrunClient({ baseUrl: fixtures().baseUrl, apiKey: key });

describe("typed client", () => {
  it("ingests, runs, and reads failures, executions with their log, statistics and the outbox", async () => {
    const t = fixtures().tenants[0];
    const api = client(t.key);
    const tag = `TC${randomUUID().slice(0, 6)}-`;
    expect((await api.POST("/api/v1/charges", { body: { charges: [{ code: "API-CALLS", label: "API calls", type: "USAGE", vatRate: "19.00" }] } })).response.status).toBe(200);
    const accounts = await api.POST("/api/v1/accounts", {
      body: { accounts: [{ externalId: `${tag}ACC-1`, name: "Typed Co", currency: "EUR", country: "DE", addressLine: "Main street 1", city: "Berlin", postalCode: "10115", billingCycleId: t.billingCycleId }] },
    });
    expect(accounts.data).toMatchObject({ received: 1 });
    const items = await api.POST("/api/v1/rated-items", {
      body: { items: [{ externalId: `${tag}IT-1`, accountExternalId: `${tag}ACC-1`, chargeCode: "API-CALLS", description: "calls", quantity: "10", unitPrice: "0.5", amount: "5", currency: "EUR", usageDate: "2026-11-02" }] },
    });
    expect(items.data).toMatchObject({ inserted: 1 });
    // every policy an ingest request draws from: per key and per tenant, requests and items
    expect(items.response.headers.get("ratelimit-policy")).toMatch(
      /^"requests";q=\d+;w=\d+, "tenant-requests";q=\d+;w=\d+, "items";q=\d+;w=\d+, "tenant-items";q=\d+;w=\d+$/,
    );

    const created = await api.POST("/api/v1/billing-runs", {
      body: { type: "EXCEPTIONAL", filter: { chargeTypes: ["USAGE"] }, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30", mode: "AUTO_POST" },
      headers: { "Idempotency-Key": `${tag}run` },
    });
    expect(created.response.status).toBe(201);
    const id = created.data!.id!;
    expect(created.response.headers.get("location")).toBe(`/api/v1/billing-runs/${id}`);
    const replay = await api.POST("/api/v1/billing-runs", {
      body: { type: "EXCEPTIONAL", filter: { chargeTypes: ["USAGE"] }, invoiceDate: "2026-11-30", cutoffDate: "2026-11-30", mode: "AUTO_POST" },
      headers: { "Idempotency-Key": `${tag}run` },
    });
    expect(replay.response.headers.get("location")).toBe(`/api/v1/billing-runs/${id}`);

    await api.POST("/api/v1/billing-runs/{id}/process", { params: { path: { id } } });
    await waitForRun(t.key, id, ["POSTED", "COMPLETED", "DRAFTS_READY", "FAILED"]);
    const failures = await api.GET("/api/v1/billing-runs/{id}/failures", { params: { path: { id }, query: { page: 1, pageSize: 10 } } });
    expect(failures.data).toMatchObject({ page: 1, pageSize: 10 });
    const executions = await api.GET("/api/v1/billing-runs/{id}/executions", { params: { path: { id } } });
    const first = executions.data!.rows[0];
    const log = await api.GET("/api/v1/billing-runs/{id}/executions/{executionId}/log", { params: { path: { id, executionId: first.id! }, query: { pageSize: 5 } } });
    expect(log.data!.total).toBe(first.logLines);
    expect((await api.GET("/api/v1/billing-runs/{id}/statistics", { params: { path: { id } } })).response.status).toBe(200);
    expect((await api.GET("/api/v1/outbox", { params: { query: { pageSize: 5 } } })).data).toMatchObject({ page: 1, pageSize: 5 });
  });
});
