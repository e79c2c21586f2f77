import http from "node:http";
import { runtime } from "@/server/runtime";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { sampleDocument } from "@/server/documents/sample-documents";
import { createTestDatabase, type TestDatabase } from "@/tests/support/test-db";
import { EmailSendError, sendEmail } from "./send-email";
import { InvoiceEmail, invoiceEmailSubject } from "./templates/invoice-email";
import { RunStatusEmail, runEmailSubject } from "./templates/run-status-email";

type Recorded = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> };

let database: TestDatabase;
let server: http.Server;
let baseUrl: string;
const requests: Recorded[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: { id: "msg_1" } };
// Settings through the runtime (tests/support/runtime-setup.ts composed it), never process.env.
const email = () => runtime().settings.email;
const savedEmail = { ...email() };

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`INSERT INTO organization (id, name, slug) VALUES ('t1', 'Tenant 1', 't1'), ('t2', 'Tenant 2', 't2')`);
  server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: data ? JSON.parse(data) : {} });
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.close();
});

beforeEach(() => {
  requests.length = 0;
  reply = { status: 200, body: { id: "msg_1" } };
});

afterEach(() => {
  Object.assign(email(), savedEmail);
});

function useResend() {
  Object.assign(email(), { resendApiKey: "re_test_123", resendBaseUrl: baseUrl });
}

const outboxRow = async (tenantId: string, key: string) =>
  (
    await queryRows<{ id: string; status: string; provider_message_id: string | null; error: string | null; attachments: unknown; to: string[] }>(
      database.db,
      sql`SELECT id, status, provider_message_id, error, attachments, "to" FROM email_outbox WHERE tenant_id = ${tenantId} AND idempotency_key = ${key}`,
    )
  )[0];

const runEmail = {
  tenantName: "Tenant 1",
  runNumber: "BR-000042",
  description: "Monthly cycle — invoice date 2026-11-30",
  status: "POSTED" as const,
  invoiceCounts: { POSTED: 124 },
  totals: [{ currency: "EUR", net: "1000.00", tax: "190.00", gross: "1190.00" }],
  failuresCount: 2,
  url: "http://localhost:3000/billing-runs/x",
};

describe("sendEmail without RESEND_API_KEY", () => {
  it("keeps the e-mail in the outbox and never repeats it", async () => {
    email().resendApiKey = undefined;
    const message = { idempotencyKey: "run:1:posted", to: ["ops@example.com"], subject: runEmailSubject(runEmail), react: RunStatusEmail(runEmail) };
    const first = await sendEmail(database.db, "t1", message);
    expect(first.outcome).toBe("OUTBOX");
    const second = await sendEmail(database.db, "t1", message);
    expect(second).toEqual({ outcome: "ALREADY_DONE", id: first.id, status: "OUTBOX" });
    const rows = await queryRows<{ n: number; html: string; text: string }>(
      database.db,
      sql`SELECT count(*)::int AS n, max(html) AS html, max(text) AS text FROM email_outbox WHERE tenant_id = 't1' AND idempotency_key = 'run:1:posted'`,
    );
    expect(rows[0].n).toBe(1);
    expect(rows[0].html).toContain("BR-000042");
    expect(rows[0].html).toContain("€1,190.00");
    expect(rows[0].text).toContain("2 accounts or subscriptions failed");
    // same key, other tenant: its own e-mail
    expect((await sendEmail(database.db, "t2", message)).outcome).toBe("OUTBOX");
    expect(requests).toHaveLength(0);
  });
});

describe("sendEmail through Resend (local recording server)", () => {
  it("sends recipients, subject, attachments and the idempotency key, then records SENT", async () => {
    useResend();
    const doc = sampleDocument();
    const result = await sendEmail(database.db, "t1", {
      idempotencyKey: "invoice:abc:email",
      to: ["zoe@example.pl", "accounts@example.pl"],
      subject: invoiceEmailSubject(doc),
      react: InvoiceEmail({ doc }),
      attachments: [{ fileName: "INV-2026-000123.pdf", content: Buffer.from("%PDF-1.4 test"), contentType: "application/pdf", documentId: "doc-1" }],
      replyTo: "billing@billrun.example",
    });
    expect(result).toMatchObject({ outcome: "SENT", providerMessageId: "msg_1" });
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/emails");
    expect(req.headers["idempotency-key"]).toBe("t1:invoice:abc:email");
    expect(req.headers.authorization).toBe("Bearer re_test_123");
    expect(req.body.to).toEqual(["zoe@example.pl", "accounts@example.pl"]);
    expect(req.body.subject).toBe("Invoice INV-2026-000123 from Billrun Demo GmbH");
    expect(req.body.reply_to).toBe("billing@billrun.example");
    expect(String(req.body.html)).toContain("Zoë Ångström");
    const attachments = req.body.attachments as Array<{ filename: string; content: string }>;
    expect(attachments[0].filename).toBe("INV-2026-000123.pdf");
    expect(Buffer.from(attachments[0].content, "base64").toString()).toBe("%PDF-1.4 test");
    const row = await outboxRow("t1", "invoice:abc:email");
    expect(row).toMatchObject({ status: "SENT", provider_message_id: "msg_1", error: null });
    expect(row.attachments).toEqual([{ fileName: "INV-2026-000123.pdf", contentType: "application/pdf", documentId: "doc-1" }]);

    // a retried job does not send again
    const again = await sendEmail(database.db, "t1", { idempotencyKey: "invoice:abc:email", to: ["zoe@example.pl"], subject: "x", html: "<p>x</p>" });
    expect(again.outcome).toBe("ALREADY_DONE");
    expect(requests).toHaveLength(1);
  });

  it.each([422, 500])("turns an HTTP %i answer into a thrown error and a FAILED row", async (status) => {
    useResend();
    reply = { status, body: { statusCode: status, name: status === 422 ? "validation_error" : "internal_server_error", message: `boom ${status}` } };
    const key = `run:fail:${status}`;
    const send = sendEmail(database.db, "t1", { idempotencyKey: key, to: ["ops@example.com"], subject: "Run failed", html: "<p>x</p>" });
    await expect(send).rejects.toBeInstanceOf(EmailSendError);
    await expect(send).rejects.toThrow(new RegExp(`boom ${status}`));
    const row = await outboxRow("t1", key);
    expect(row.status).toBe("FAILED");
    expect(row.error).toContain(`boom ${status}`);

    // a FAILED e-mail is retried on the next call and can then succeed
    reply = { status: 200, body: { id: "msg_retry" } };
    const retry = await sendEmail(database.db, "t1", { idempotencyKey: key, to: ["ops@example.com"], subject: "Run failed", html: "<p>x</p>" });
    expect(retry).toMatchObject({ outcome: "SENT", id: row.id, providerMessageId: "msg_retry" });
  });

  it("refuses bad input before touching the outbox", async () => {
    await expect(sendEmail(database.db, "t1", { idempotencyKey: "k", to: [], subject: "s", html: "h" })).rejects.toThrow(/recipient/);
    await expect(sendEmail(database.db, "t1", { idempotencyKey: "k", to: ["not an address"], subject: "s", html: "h" })).rejects.toThrow(/invalid recipient/);
    await expect(sendEmail(database.db, "t1", { idempotencyKey: "k", to: ["a@example.com"], subject: "s", html: "h", replyTo: "nope" })).rejects.toThrow(
      /invalid reply-to address: nope/,
    );
    expect(await outboxRow("t1", "k")).toBeUndefined();
  });
});
