import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CONCURRENT_CHANGE_MESSAGE,
  classifyError,
  FINAL_RECORD_MESSAGE,
  INTERNAL_ERROR_MESSAGE,
  MALFORMED_VALUE_MESSAGE,
  RELATED_DATA_MESSAGE,
} from "./error-classifier";
import { DomainError, type DomainErrorCode } from "./errors";

/** What drizzle throws: "Failed query: …" with the driver's error (SQLSTATE in `code`) as cause. */
const drizzleWrapped = (cause: object) =>
  Object.assign(new Error("Failed query: insert into \"billing_runs\" (...) values ($1)\nparams: secret"), { cause });
/** A pg DatabaseError as node-postgres, Neon and PGlite throw it. */
const pgError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`pg says ${code}`), { code, severity: "ERROR", ...extra });

const race = { code: "CONFLICT", message: CONCURRENT_CHANGE_MESSAGE, issues: [], retryable: true, retryAfterSeconds: 1 };
const malformed = { code: "BAD_REQUEST", message: MALFORMED_VALUE_MESSAGE, issues: [], retryable: false };
const final = { code: "CONFLICT", message: FINAL_RECORD_MESSAGE, issues: [], retryable: false };
const related = { code: "CONFLICT", message: RELATED_DATA_MESSAGE, issues: [], retryable: false };
const internal = { code: "INTERNAL_SERVER_ERROR", message: INTERNAL_ERROR_MESSAGE, issues: [], retryable: false };

describe("classifyError", () => {
  const domainCodes: DomainErrorCode[] = ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PRECONDITION_FAILED"];
  it.each(domainCodes)("keeps a DomainError %s with its message and issues (never retryable)", (code) => {
    const issues = code === "BAD_REQUEST" ? [{ field: "reason", message: "is required" }] : [];
    expect(classifyError(new DomainError(code, `refused: ${code}`, issues))).toEqual({ code, message: `refused: ${code}`, issues, retryable: false });
  });

  it("turns a ZodError into BAD_REQUEST with field issues and a one-line message", () => {
    const result = z.object({ name: z.string(), items: z.array(z.number()) }).safeParse({ items: [1, "x"] });
    expect(result.success).toBe(false);
    expect(classifyError(result.error)).toEqual({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^name: .+ \(and 1 more\)$/),
      issues: [
        { field: "name", message: expect.any(String) },
        { field: "items.1", message: expect.any(String) },
      ],
      retryable: false,
    });
  });

  it.each([
    ["40001 serialization failure, drizzle-wrapped", drizzleWrapped({ code: "40001" }), race],
    ["40P01 deadlock, drizzle-wrapped", drizzleWrapped({ code: "40P01" }), race],
    ["23505 unique violation, drizzle-wrapped", drizzleWrapped({ code: "23505", constraint: "rated_items_tenant_external_uq" }), race],
    ["40001 thrown by the driver itself", pgError("40001"), race],
    ["40P01 two wrappers deep", new Error("outer", { cause: drizzleWrapped(pgError("40P01")) }), race],
    ["22003 numeric out of range", drizzleWrapped(pgError("22003")), malformed],
    ["22P02 invalid text representation", drizzleWrapped(pgError("22P02")), malformed],
    ["22007 invalid datetime format", pgError("22007"), malformed],
    ["23514 from a CHECK constraint", drizzleWrapped(pgError("23514", { constraint: "rated_items_currency_check" })), malformed],
    ["23514 raised by a trigger (posted invoice)", drizzleWrapped(pgError("23514")), final],
    ["23503 foreign key violation", drizzleWrapped(pgError("23503", { constraint: "invoices_account_fk" })), related],
    ["23503 raised by a tenant-reference trigger", drizzleWrapped(pgError("23503")), related],
    ["23001 restrict violation (tenant with posted invoices)", drizzleWrapped(pgError("23001")), related],
    ["23502 not-null violation (a bug)", drizzleWrapped(pgError("23502")), internal],
    ["08006 connection failure", drizzleWrapped(pgError("08006")), internal],
  ])("classifies %s", (_name, error, expected) => {
    expect(classifyError(error)).toEqual(expected);
  });

  it("never shows the SQL, parameters or trigger text of a database error", () => {
    for (const code of ["40001", "23505", "22003", "23514", "23503", "23502"]) {
      const error = drizzleWrapped(pgError(code, { detail: "Key (tenant_id)=(t-1) already exists." }));
      expect(classifyError(error).message).not.toMatch(/Failed query|params|pg says|tenant_id|insert/);
    }
  });

  it.each([
    ["a plain Error", new Error("Cannot read properties of undefined (reading 'id')")],
    ["a string", "boom"],
    ["undefined", undefined],
    ["null", null],
    ["a non-SQLSTATE code", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["a cause chain without a database error", new Error("outer", { cause: new Error("inner") })],
  ])("hides %s behind INTERNAL_SERVER_ERROR", (_name, error) => {
    expect(classifyError(error)).toEqual(internal);
  });

  it("stops at a cyclic or very deep cause chain", () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(classifyError(a)).toEqual(internal);
    let deep: unknown = pgError("40001");
    for (let i = 0; i < 10; i++) deep = { cause: deep };
    expect(classifyError(deep)).toEqual(internal);
  });
});
