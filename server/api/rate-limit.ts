import { sql } from "drizzle-orm";
import { queryRows, type Queryable } from "@/db/client";
import { runtime } from "@/server/runtime";
import { HttpProblem, problemResponse } from "./problem";

// Rate limits as token buckets in Postgres (rate_limit_buckets), so every app process shares them. A request takes its
// cost (1, or a batch's item count) in one atomic upsert that first refills the bucket by the time elapsed; an empty
// bucket answers 429. Headers follow the IETF draft "RateLimit header fields for HTTP": RateLimit-Policy (quota q per
// window w seconds) and RateLimit (remaining r, seconds t until the quota is back), plus Retry-After on a 429.

export type RatePolicy = { name: string; perSecond: number; burst: number };

export type RateDecision = { granted: boolean; remaining: number; policy: RatePolicy; retryAfterSeconds: number; resetSeconds: number };

export function apiRequestPolicy(): RatePolicy {
  const { requestsPerSecond, requestsBurst } = runtime().settings.rateLimits;
  return { name: "requests", perSecond: requestsPerSecond, burst: requestsBurst };
}

export function ingestItemsPolicy(): RatePolicy {
  const { ingestItemsPerSecond, ingestItemsBurst } = runtime().settings.rateLimits;
  return { name: "items", perSecond: ingestItemsPerSecond, burst: ingestItemsBurst };
}

export function tenantRequestPolicy(): RatePolicy {
  const { tenantRequestsPerSecond, tenantRequestsBurst } = runtime().settings.rateLimits;
  return { name: "tenant-requests", perSecond: tenantRequestsPerSecond, burst: tenantRequestsBurst };
}

export function tenantIngestItemsPolicy(): RatePolicy {
  const { tenantIngestItemsPerSecond, tenantIngestItemsBurst } = runtime().settings.rateLimits;
  return { name: "tenant-items", perSecond: tenantIngestItemsPerSecond, burst: tenantIngestItemsBurst };
}

export function authPolicy(): RatePolicy {
  const perMinute = runtime().settings.rateLimits.authPerMinute;
  return { name: "auth", perSecond: perMinute / 60, burst: perMinute };
}

const PRUNE_EVERY = 10_000;
let takenSincePrune = 0;

/** Takes `cost` tokens from the subject's bucket of this policy, if it holds them. */
export async function takeTokens(db: Queryable, policy: RatePolicy, subject: string, cost = 1): Promise<RateDecision> {
  const [decision] = await takeTokensInOrder(db, [{ policy, subject, cost }]);
  return decision;
}

export type TokenTake = { policy: RatePolicy; subject: string; cost?: number };

/**
 * Takes from several buckets in one statement (e.g. a key's and its tenant's), in order, as successive takeTokens calls
 * stopping at the first refusal would: a bucket is taken from only when every earlier one granted. Returns the
 * decisions up to and including the first refusal (check them with assertAllGranted).
 */
export async function takeTokensInOrder(db: Queryable, takes: TokenTake[]): Promise<RateDecision[]> {
  if (!takes.length) return [];
  const buckets = takes.map((t) => `${t.policy.name}:${t.subject}`);
  // one statement's CTEs do not see each other's writes: the same bucket twice would be taken once
  if (new Set(buckets).size !== buckets.length) throw new Error(`a bucket can be taken from once per statement: ${buckets.join(", ")}`);
  takenSincePrune += takes.length;
  if (takenSincePrune >= PRUNE_EVERY) {
    takenSincePrune = 0;
    await pruneIdleBuckets(db);
  }
  // take i runs only when take i−1 returned granted (an INSERT … SELECT of no row writes nothing and returns nothing)
  const steps = takes.map(({ policy, subject, cost = 1 }, i) => {
    const refilled = sql`LEAST(${policy.burst}::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at)) * ${policy.perSecond}::float8)`;
    const when = i === 0 ? sql`` : sql.raw(` WHERE (SELECT granted FROM take${i - 1})`);
    return sql`${sql.raw(`take${i}`)} AS (
        INSERT INTO rate_limit_buckets AS b (bucket, tokens, granted, updated_at)
        SELECT ${`${policy.name}:${subject}`}, CASE WHEN ${cost}::float8 <= ${policy.burst}::float8 THEN ${policy.burst}::float8 - ${cost}::float8 ELSE ${policy.burst}::float8 END,
                ${cost}::float8 <= ${policy.burst}::float8, clock_timestamp()${when}
        ON CONFLICT (bucket) DO UPDATE SET
          tokens = CASE WHEN ${refilled} >= ${cost}::float8 THEN ${refilled} - ${cost}::float8 ELSE ${refilled} END,
          granted = ${refilled} >= ${cost}::float8,
          updated_at = clock_timestamp()
        RETURNING tokens, granted)`;
  });
  const answers = sql.join(
    takes.map((_, i) => sql.raw(`SELECT ${i} AS step, tokens, granted FROM take${i}`)),
    sql.raw(" UNION ALL "),
  );
  const rows = await queryRows<{ step: number; tokens: number; granted: boolean }>(db, sql`WITH ${sql.join(steps, sql.raw(", "))} ${answers} ORDER BY step`);
  return rows.map((row) => decisionOf(takes[Number(row.step)], Number(row.tokens), row.granted));
}

function decisionOf({ policy, cost = 1 }: TokenTake, tokens: number, granted: boolean): RateDecision {
  const retryAfterSeconds = granted ? 0 : cost > policy.burst ? -1 : Math.max(1, Math.ceil((cost - tokens) / policy.perSecond));
  return {
    granted,
    remaining: Math.max(0, Math.floor(tokens)),
    policy,
    retryAfterSeconds,
    resetSeconds: Math.max(0, Math.ceil((policy.burst - tokens) / policy.perSecond)),
  };
}

/** RateLimit-Policy and RateLimit headers of a decision (several decisions: one list member each). */
export function rateLimitHeaders(decisions: RateDecision[]): Record<string, string> {
  if (!decisions.length) return {};
  return {
    "RateLimit-Policy": decisions.map((d) => `"${d.policy.name}";q=${d.policy.burst};w=${Math.max(1, Math.ceil(d.policy.burst / d.policy.perSecond))}`).join(", "),
    RateLimit: decisions.map((d) => `"${d.policy.name}";r=${d.remaining};t=${d.granted ? d.resetSeconds : d.retryAfterSeconds}`).join(", "),
  };
}

/** The per-IP limit of the unauthenticated auth endpoints (sign-in, sign-up, passwords, invitations): a 429 Response or null. */
export async function limitByClientIp(db: Queryable, request: Request): Promise<Response | null> {
  try {
    assertGranted(await takeTokens(db, authPolicy(), clientIp(request)));
    return null;
  } catch (error) {
    return problemResponse(error, new URL(request.url).pathname);
  }
}

/** Throws 429 (with Retry-After and the RateLimit headers) when the decision was not granted. */
export function assertGranted(decision: RateDecision, earlier: RateDecision[] = []): void {
  if (decision.granted) return;
  const headers = rateLimitHeaders([...earlier, decision]);
  if (decision.retryAfterSeconds < 0) {
    throw new HttpProblem("PAYLOAD_TOO_LARGE", `This request needs ${decision.policy.name} beyond the limit's burst of ${decision.policy.burst}; send smaller batches`, [], headers);
  }
  throw new HttpProblem(
    "TOO_MANY_REQUESTS",
    `Rate limit reached (${decision.policy.name}: ${decision.policy.perSecond}/s, burst ${decision.policy.burst}); retry after ${decision.retryAfterSeconds} s`,
    [],
    { ...headers, "Retry-After": String(decision.retryAfterSeconds) },
  );
}

/** Throws 429 (or 413) for the first refused decision of takeTokensInOrder, with the RateLimit headers of those before it. */
export function assertAllGranted(decisions: RateDecision[], earlier: RateDecision[] = []): void {
  decisions.forEach((decision, i) => assertGranted(decision, [...earlier, ...decisions.slice(0, i)]));
}

/** The client's IP as the reverse proxy reports it (first X-Forwarded-For entry), for the per-IP limits of the auth endpoints. */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return (forwarded || request.headers.get("x-real-ip")?.trim() || "unknown").slice(0, 64);
}

/** Removes buckets idle for an hour (they would be full again anyway); called now and then by the limiter. */
export async function pruneIdleBuckets(db: Queryable): Promise<void> {
  await db.execute(sql`DELETE FROM rate_limit_buckets WHERE updated_at < now() - interval '1 hour'`);
}
