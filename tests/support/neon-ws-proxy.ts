import net from "node:net";
import { WebSocketServer } from "ws";

/**
 * A WebSocket-to-TCP proxy like Neon's, so the Neon serverless driver can be tested against a local Postgres.
 * The driver connects to ws://127.0.0.1:PORT/v2?address=host:port and speaks the Postgres protocol over it.
 * `latencyMs` delays every message from the client to the database by that much (order kept), so each round trip
 * pays it once, as from a serverless function far from its database (bench/run-bench.ts --latency-ms).
 */
export async function startNeonWsProxy(options: { latencyMs?: number } = {}): Promise<{ address: string; close: () => Promise<void> }> {
  const latencyMs = options.latencyMs ?? 0;
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket, request) => {
    const target = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const [host, port] = target.split(":");
    const tcp = net.connect({ host: host === "localhost" ? "127.0.0.1" : host, port: Number(port) || 5432 });
    tcp.setNoDelay(true);
    // One FIFO and one timer per connection: messages reach the database in the order they were sent.
    const queue: { due: number; data: Buffer }[] = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      while (queue.length && queue[0].due <= performance.now()) {
        const { data } = queue.shift()!;
        if (tcp.writable) tcp.write(data);
      }
      if (queue.length) timer = setTimeout(drain, Math.max(0, queue[0].due - performance.now()));
    };
    socket.on("message", (data: Buffer) => {
      if (!latencyMs) return tcp.write(data);
      queue.push({ due: performance.now() + latencyMs, data });
      if (!timer) timer = setTimeout(drain, latencyMs);
    });
    tcp.on("data", (data) => socket.readyState === socket.OPEN && socket.send(data));
    const end = () => {
      if (timer) clearTimeout(timer);
      tcp.destroy();
      socket.close();
    };
    socket.on("close", end);
    socket.on("error", end);
    tcp.on("close", end);
    tcp.on("error", end);
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
