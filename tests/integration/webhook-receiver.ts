import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A local HTTP server standing in for a tenant's webhook endpoint: records every request and answers each path
// with the statuses queued for it (then 204).

export type ReceivedRequest = { path: string; headers: IncomingHttpHeaders; body: string };
export type Answer = number | { status: number; location: string };

export type WebhookReceiver = {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** requests that reached `path` */
  to(path: string): ReceivedRequest[];
  /** queues answers for `path` (used in order, then 204) */
  answer(path: string, ...answers: Answer[]): void;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const queued = new Map<string, Answer[]>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body });
      const next = queued.get(path)?.shift() ?? 204;
      if (typeof next === "number") res.statusCode = next;
      else {
        res.statusCode = next.status;
        res.setHeader("location", next.location);
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    to: (path) => received.filter((r) => r.path === path),
    answer: (path, ...answers) => queued.set(path, [...(queued.get(path) ?? []), ...answers]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
