import { runtime } from "@/server/runtime";
import http from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for the Resend API: records every request and answers what the test says. The real Resend SDK
// is pointed at it with RESEND_BASE_URL (read when the SDK is constructed).

export type RecordedRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> };
export type RecorderReply = { status: number; body: unknown };

export async function startResendRecorder() {
  const requests: RecordedRequest[] = [];
  const ok = (): RecorderReply => ({ status: 200, body: { id: `msg_${requests.length}` } });
  let answer: (request: RecordedRequest) => RecorderReply = ok;
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: data ? JSON.parse(data) : {} };
      requests.push(recorded);
      const reply = answer(recorded);
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Settings go through the runtime (server/runtime.ts), not process.env.
  const email = () => runtime().settings.email;
  const saved = { ...email() };
  return {
    url,
    requests,
    /** How to answer from now on (default: 200 with a new message id). */
    answer(fn: ((request: RecordedRequest) => RecorderReply) | null) {
      answer = fn ?? ok;
    },
    /** Sends e-mails through this server (the runtime's Resend key and base URL). */
    useResend() {
      Object.assign(email(), { resendApiKey: "re_test_123", resendBaseUrl: url });
    },
    /** Back to the outbox path (no Resend key). */
    useOutbox() {
      email().resendApiKey = undefined;
    },
    async close() {
      Object.assign(email(), saved);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type ResendRecorder = Awaited<ReturnType<typeof startResendRecorder>>;
