import { promises as dns, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { blockedAddressReason } from "./ip-ranges";
import { endpointUrlProblem } from "./target-policy";

// The HTTP POST of one delivery attempt, guarded against SSRF.
//
// Why node:http and a `lookup` hook rather than fetch: checking a host name's addresses before calling fetch leaves
// a gap (DNS rebinding — the name resolves to a public address for the check and to 127.0.0.1 for the connection).
// node:http lets us hand the socket our own lookup, so the addresses we check are the very ones it connects to
// (sockets are kept alive per process and reused only for the host they were checked for),
// while the URL keeps the host name (Host header, TLS SNI and certificate check stay as usual). An IP literal in
// the URL never goes through lookup, so endpointUrlProblem checks it up front. Redirects are never followed: a 3xx is an answer
// like any other, and the caller records it as a failed attempt.

/** The target was refused by the policy (the attempt never left this process). */
export class WebhookTargetRefused extends Error {
  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = "WebhookTargetRefused";
  }
}

/** Resolves a host name to its addresses (tests substitute one to play a rebinding DNS). */
export type Resolve = (hostname: string, family: number) => Promise<LookupAddress[]>;
const systemResolve: Resolve = (hostname, family) => dns.lookup(hostname, { all: true, family });

export type PostOptions = { timeoutMs: number; allowPrivate: boolean; resolve?: Resolve };
export type PostAnswer = { status: number; location: string | null };

const MAX_DRAINED_BODY = 64 * 1024;
const agents = new Map<string, http.Agent>();

function keepAliveAgent(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}|${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 30_000 };
    agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

/** POSTs the body and resolves with the answer's status; rejects on refusal, network error or timeout. */
export async function postWebhook(
  rawUrl: string,
  request: { headers: Record<string, string>; body: string },
  options: PostOptions,
): Promise<PostAnswer> {
  const url = new URL(rawUrl);
  const problem = endpointUrlProblem(url, options.allowPrivate);
  if (problem) throw new WebhookTargetRefused(`the URL ${problem}`);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = client.request(url, {
      method: "POST",
      headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      // Kept-alive sockets per process (a reused socket was checked by the lookup when it connected); a test's own DNS
      // gets a fresh connection each time.
      agent: options.resolve ? false : keepAliveAgent(url.protocol, options.allowPrivate),
      lookup: checkedLookup(options.resolve ?? systemResolve, options.allowPrivate),
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on("response", (res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null });
      // The answer's body is not needed: read a small one so the socket can be reused, drop a large one.
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_DRAINED_BODY) res.destroy();
      });
      res.on("error", () => {});
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}

/** A socket lookup that refuses the connection when any address of the host is not a public one. */
function checkedLookup(resolve: Resolve, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options.family === "IPv6" ? 6 : options.family === "IPv4" ? 4 : (options.family ?? 0)).then(
      (addresses) => {
        if (!addresses.length) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "");
        if (!allowPrivate) {
          for (const { address } of addresses) {
            const reason = blockedAddressReason(address);
            if (reason) return callback(new WebhookTargetRefused(`${hostname} resolves to ${address}, ${reason}`), "");
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ""),
    );
  };
}
