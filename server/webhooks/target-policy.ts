import { isIP } from "node:net";
import { blockedAddressReason } from "./ip-ranges";

// Which URLs outgoing webhooks may target (SSRF protection). Private targets (plain http://, loopback, private and
// link-local addresses) are allowed by the setting WEBHOOK_ALLOW_PRIVATE_TARGETS (server/env.ts; unset: allowed unless
// NODE_ENV is production). Checked when an endpoint is created or changed, and
// again before every attempt (the setting may have changed since); the address actually connected to is checked
// at delivery by post-webhook.ts, since a host name can resolve to anything.

/** What is wrong with an endpoint URL, phrased to follow the field name ("url: must …"), or null when it may be used. */
export function endpointUrlProblem(url: URL, allowPrivate: boolean): string | null {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  if (url.username || url.password) return "must not contain a user name or password";
  if (allowPrivate) return null;
  if (url.protocol === "http:") return "must use https:// (plain http:// is accepted only for local development)";
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "must not point to localhost";
  if (isIP(host)) {
    const reason = blockedAddressReason(host);
    if (reason) return `must not point to ${host}, ${reason}`;
  }
  return null;
}
