import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "@/server/api/endpoint";
import { postRatedItems } from "@/server/api/routes/ingest";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { BASE, call, ratedItem, seedMasterData, tableCounts, tenantWithKey } from "./api-support";

// Bodies: the size limit holds while streaming (a chunked body without Content-Length is cut off at the limit, the
// rest never read); gzip bodies are accepted and limited by their decompressed size and expansion ratio.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
const db = () => database.db;

/** A chunked body of `total` bytes that records how much of it was pulled. */
function endlessBody(total: number, chunk = 64 * 1024) {
  const state = { pulled: 0, canceled: false };
  const piece = new TextEncoder().encode(" ".repeat(chunk));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      state.pulled += piece.byteLength;
      controller.enqueue(piece);
    },
    cancel() {
      state.canceled = true;
    },
  });
  return { stream, state };
}

const post = (key: string, body: BodyInit, headers: Record<string, string> = {}) =>
  call(
    postRatedItems,
    db(),
    new Request(`${BASE}/api/v1/rated-items`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit),
  );

describe("request bodies", () => {
  it("refuses an oversized chunked body at the limit, without reading (or buffering) the rest", async () => {
    const t = await tenantWithKey(db());
    const { stream, state } = endlessBody(1024 * 1024 * 1024);
    const res = await post(t.key, stream);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(state.pulled).toBeLessThan(MAX_BODY_BYTES + 1024 * 1024);
    expect(state.canceled).toBe(true);
  });

  it("accepts a gzip body and stores its items", async () => {
    const t = await tenantWithKey(db());
    await seedMasterData(db(), t.tenantId, 3, t.billingCycleId);
    const items = Array.from({ length: 50 }, (_, n) => ratedItem(n));
    const res = await post(t.key, gzipSync(JSON.stringify({ items })), { "content-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 50, inserted: 50 });
  });

  it("limits a gzip body by its decompressed size and ratio, refuses broken gzip and unknown encodings, storing nothing", async () => {
    const t = await tenantWithKey(db());
    const before = await tableCounts(db());
    // 40 MiB of JSON whitespace compresses to ~40 KB: refused once it expands past the ratio, long before 40 MiB
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"items":['), Buffer.alloc(40 * 1024 * 1024, 0x20), Buffer.from("]}")]));
    expect(bomb.byteLength).toBeLessThan(MAX_BODY_BYTES);
    const refused = await post(t.key, bomb, { "content-encoding": "gzip" });
    expect(refused.status).toBe(413);
    expect(refused.body.detail).toMatch(/expands|decompressed/);
    const broken = await post(t.key, Buffer.from("this is not gzip"), { "content-encoding": "gzip" });
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0]).toMatchObject({ field: "(body)", message: "is not valid gzip data" });
    expect((await post(t.key, "{}", { "content-encoding": "br" })).status).toBe(415);
    expect(await tableCounts(db())).toEqual(before);
  });
});
