import { isIP } from "node:net";
import { blockedAddressReason } from "./ip-ranges";

// Which URLs outgoing webhooks may target (SSRF protection). Checked when an endpoint is created or changed, and
// again before every attempt (the setting may have changed since); the address actually connected to is checked
// at delivery by post-webhook.ts, since a host name can resolve to anything.

/**
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (or true) accepts plain http:// and loopback, private and link-local targets —
 * for local development, tests, or a self-hosted install delivering inside its own network; any other value
 * refuses them. Unset, they are accepted unless NODE_ENV is "production".
 */
export function privateTargetsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.WEBHOOK_ALLOW_PRIVATE_TARGETS?.trim().toLowerCase();
  if (!value) return env.NODE_ENV !== "production";
  return value === "1" || value === "true";
}

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
