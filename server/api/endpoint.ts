import type { z } from "zod";
import type { Db } from "@/db/client";
import type { MemberRole } from "@/db/schema/enums";
import { roleAllows, type Permission } from "@/server/auth/roles";
import type { Actor } from "@/server/billing/runs-core";
import { DomainError } from "@/server/errors";
import { authenticateApiKey } from "./api-keys";
import { assertStorableJson } from "./json-text";
import { requestFingerprint, validateIdempotencyKey, withIdempotencyKey, type StoredAnswer } from "./idempotency";
import { HttpProblem, jsonResponse, problemResponse } from "./problem";
import {
  apiRequestPolicy,
  assertAllGranted,
  ingestItemsPolicy,
  rateLimitHeaders,
  takeTokensInOrder,
  tenantIngestItemsPolicy,
  tenantRequestPolicy,
  type RateDecision,
} from "./rate-limit";

/** Largest accepted request body: a 10,000-item batch with long descriptions fits comfortably. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type ApiContext<Body> = {
  db: Db;
  tenantId: string;
  role: MemberRole;
  actor: Actor;
  request: Request;
  url: URL;
  params: Record<string, string>;
  body: Body;
};

/** A JSON answer (stored for Idempotency-Key replays) or a ready Response (files). */
export type ApiAnswer = { status: number; body: unknown; headers?: Record<string, string> } | Response;

/** What a route file calls: the database is passed in, so tests drive the same function with real Requests. */
export type ApiHandler = (db: Db, request: Request, params?: Record<string, string>) => Promise<Response>;

type BodyOf<S> = S extends z.ZodType ? z.output<S> : S extends "json" ? unknown : undefined;

type EndpointOptions<S extends z.ZodType | "json" | undefined> = {
  permission: Permission;
  /**
   * JSON body schema (POST); "json" hands the parsed JSON to a service that validates it itself (saves a
   * second pass over 10,000-item batches). Without either, the body must be empty or a JSON object and is ignored.
   */
  body?: S;
  handle: (ctx: ApiContext<BodyOf<S>>) => Promise<ApiAnswer>;
  /** Ingest: how many items the parsed body carries; they are taken from the key's and the tenant's item rate limits as well. */
  itemCount?: (body: BodyOf<S>) => number;
};

/**
 * One REST endpoint: API-key authentication, role check, JSON body parsing and validation,
 * Idempotency-Key on POST, and every error as problem+json.
 */
export function apiEndpoint<S extends z.ZodType | "json" | undefined = undefined>(options: EndpointOptions<S>): ApiHandler {
  return async (db, request, params = {}) => {
    const url = new URL(request.url);
    let limits: RateDecision[] = [];
    try {
      const principal = await authenticateApiKey(db, request.headers.get("authorization"));
      // the key's and the tenant's request buckets in one statement (the tenant's is taken only if the key's granted)
      const requests = await takeTokensInOrder(db, [
        { policy: apiRequestPolicy(), subject: principal.apiKeyId },
        { policy: tenantRequestPolicy(), subject: principal.tenantId },
      ]);
      assertAllGranted(requests);
      limits = requests;
      if (!roleAllows(principal.role, options.permission)) {
        throw new DomainError("FORBIDDEN", `This API key's role (${principal.role}) does not allow this request`);
      }
      const base = {
        db,
        tenantId: principal.tenantId,
        role: principal.role,
        actor: { type: "API_KEY", apiKeyId: principal.apiKeyId } as Actor,
        request,
        url,
        params,
      };
      if (request.method !== "POST") return toResponse(await options.handle({ ...base, body: undefined } as never), rateLimitHeaders(limits));

      const raw = await readBody(request);
      const run = async () => {
        const body = parseBody(raw, options.body);
        const items = options.itemCount?.(body as never) ?? 0;
        if (items > 0) {
          const taken = await takeTokensInOrder(db, [
            { policy: ingestItemsPolicy(), subject: principal.apiKeyId, cost: items },
            { policy: tenantIngestItemsPolicy(), subject: principal.tenantId, cost: items },
          ]);
          assertAllGranted(taken, limits);
          limits = [...limits, ...taken];
        }
        return toStorable(await options.handle({ ...base, body } as never));
      };
      const idempotencyKey = request.headers.get("idempotency-key");
      if (idempotencyKey === null) return toResponse(await run(), rateLimitHeaders(limits));
      const key = validateIdempotencyKey(idempotencyKey);
      const answer = await withIdempotencyKey(db, principal.tenantId, key, requestFingerprint(request.method, url.pathname, raw), run);
      return jsonResponse(answer.status, answer.body, {
        ...answer.headers,
        ...rateLimitHeaders(limits),
        ...(answer.replayed ? { "Idempotent-Replayed": "true" } : {}),
      });
    } catch (error) {
      const response = problemResponse(error, url.pathname);
      if (response.status !== 429) for (const [name, value] of Object.entries(rateLimitHeaders(limits))) response.headers.set(name, value);
      return response;
    }
  };
}

/** Largest accepted expansion of a gzip body (decompressed / compressed bytes) beyond its first MiB: refuses zip bombs early. */
export const MAX_GZIP_RATIO = 200;

/**
 * Reads the body while streaming it: never more than MAX_BODY_BYTES (after gzip decompression) are held; a larger body,
 * chunked or not, is refused with 413 as soon as the limit is crossed and the rest is never read.
 */
async function readBody(request: Request): Promise<string> {
  const type = request.headers.get("content-type");
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!["identity", "gzip", "x-gzip", ""].includes(encoding)) {
    throw new HttpProblem("UNSUPPORTED_MEDIA_TYPE", `Content-Encoding ${encoding.slice(0, 50)} is not supported; send gzip or no encoding`, [
      { field: "Content-Encoding", message: "must be gzip or absent" },
    ]);
  }
  const text = request.body ? await readLimited(request.body, encoding === "gzip" || encoding === "x-gzip") : "";
  if (text.trim() && type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpProblem("UNSUPPORTED_MEDIA_TYPE", `Send the body as application/json (got ${type.slice(0, 100)})`);
  }
  return text;
}

async function readLimited(body: ReadableStream<Uint8Array>, gzip: boolean): Promise<string> {
  // Plain bodies are counted in the read loop (a stream stage costs a promise per chunk; only gzip needs one, to count
  // the compressed bytes for the ratio check) and decoded once from the collected chunks.
  let compressed = 0;
  const countCompressed = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      compressed += chunk.byteLength;
      if (compressed > MAX_BODY_BYTES) controller.error(tooLarge());
      else controller.enqueue(chunk);
    },
  });
  const source = gzip
    ? body.pipeThrough(countCompressed).pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
    : body;
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge(gzip ? " (decompressed)" : "");
      if (gzip && size > 1024 * 1024 && size > compressed * MAX_GZIP_RATIO) {
        throw new HttpProblem("PAYLOAD_TOO_LARGE", `The gzip body expands more than ${MAX_GZIP_RATIO} times; send it less compressible or uncompressed`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size).toString("utf8");
  } catch (error) {
    void reader.cancel().catch(() => {});
    if (error instanceof HttpProblem) throw error;
    if (gzip) throw new HttpProblem("BAD_REQUEST", "The body is not valid gzip", [{ field: "(body)", message: "is not valid gzip data" }]);
    throw error;
  }
}

const tooLarge = (what = "") =>
  new HttpProblem("PAYLOAD_TOO_LARGE", `The body${what} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB; send smaller batches (at most 10,000 items)`);

function parseBody(raw: string, schema: z.ZodType | "json" | undefined): unknown {
  let json: unknown = undefined;
  if (raw.trim()) {
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new HttpProblem("BAD_REQUEST", `The body is not valid JSON: ${(error as Error).message}`, [
        { field: "(body)", message: "is not valid JSON" },
      ]);
    }
  }
  assertStorableJson(json, raw);
  if (!schema) {
    if (json !== undefined && (json === null || typeof json !== "object" || Array.isArray(json))) {
      throw new HttpProblem("BAD_REQUEST", "The body must be empty or a JSON object", [{ field: "(body)", message: "must be a JSON object" }]);
    }
    return undefined;
  }
  if (json === undefined) throw new HttpProblem("BAD_REQUEST", "The body is empty; send a JSON object", [{ field: "(body)", message: "is required" }]);
  return schema === "json" ? json : schema.parse(json);
}

function toStorable(answer: ApiAnswer): StoredAnswer {
  if (answer instanceof Response) throw new Error("file answers cannot be stored for Idempotency-Key replays");
  return answer;
}

function toResponse(answer: ApiAnswer, extraHeaders: Record<string, string>): Response {
  if (!(answer instanceof Response)) return jsonResponse(answer.status, answer.body, { ...answer.headers, ...extraHeaders });
  for (const [name, value] of Object.entries(extraHeaders)) answer.headers.set(name, value);
  return answer;
}

/** For route files: opens the app's database per request (never at module load) and runs the endpoint. */
export async function serveApi(
  getDb: () => Promise<Db>,
  handler: ApiHandler,
  request: Request,
  params?: Promise<Record<string, string>> | Record<string, string>,
): Promise<Response> {
  let db: Db;
  try {
    db = await getDb();
  } catch (error) {
    return problemResponse(error, new URL(request.url).pathname);
  }
  return handler(db, request, await params);
}
