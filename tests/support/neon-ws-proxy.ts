import net from "node:net";
import { WebSocketServer } from "ws";

/**
 * A WebSocket-to-TCP proxy like Neon's, so the Neon serverless driver can be tested against a local Postgres.
 * The driver connects to ws://127.0.0.1:PORT/v2?address=host:port and speaks the Postgres protocol over it.
 */
export async function startNeonWsProxy(): Promise<{ address: string; close: () => Promise<void> }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket, request) => {
    const target = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const [host, port] = target.split(":");
    const tcp = net.connect({ host: host === "localhost" ? "127.0.0.1" : host, port: Number(port) || 5432 });
    tcp.setNoDelay(true);
    socket.on("message", (data: Buffer) => tcp.write(data));
    tcp.on("data", (data) => socket.readyState === socket.OPEN && socket.send(data));
    const end = () => {
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
