import { HttpProblem } from "@/server/api/problem";
import { authOriginsFromEnv, trustedOriginsFor, type AuthOrigins } from "./auth";

// Cookie-authenticated mutations refuse cross-site requests (CSRF): a browser sends the victim's session cookie with
// a form or fetch from any site that SameSite=Lax lets through, and the JSON content type alone is no protection.
// Browsers always send Origin on a cross-origin POST and Sec-Fetch-Site on every request; a request with neither
// comes from no browser (curl, a server), so it carries no ambient cookie of a victim and is let through.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why this cookie-authenticated request must be refused, or null when it may go on. */
export function crossSiteReason(request: Request, origins: AuthOrigins = authOriginsFromEnv()): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const fetchSite = request.headers.get("sec-fetch-site")?.toLowerCase();
  if (fetchSite === "cross-site") return "a cross-site request (Sec-Fetch-Site: cross-site)";
  const origin = request.headers.get("origin");
  if (origin === null) return fetchSite === "same-site" ? "a request from another site of the same domain without Origin" : null;
  if (origin === "null") return "a request from an opaque origin (Origin: null)";
  const trusted = trustedOriginsFor(origins, request);
  if (!trusted.includes(origin.replace(/\/$/, ""))) return `a request from an untrusted origin (${origin.slice(0, 200)})`;
  return null;
}

/** Throws 403 for a cross-site cookie-authenticated mutation (see crossSiteReason). */
export function assertSameSite(request: Request, origins?: AuthOrigins): void {
  const reason = crossSiteReason(request, origins);
  if (reason) {
    throw new HttpProblem("FORBIDDEN", `Refused ${reason}: signed-in changes are only accepted from the app's own pages`, [
      { field: "Origin", message: "must be the app's own origin (APP_URL or TRUSTED_ORIGINS)" },
    ]);
  }
}
