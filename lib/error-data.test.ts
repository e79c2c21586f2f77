import { describe, expect, it } from "vitest";
import { errorDataOf, errorMessage } from "./error-data";

/** The shape of a TRPCClientError: the server's formatted `data` (server/trpc/init.ts) on an Error. */
const clientError = (message: string, data: Record<string, unknown>) => Object.assign(new Error(message), { data });

describe("errorDataOf", () => {
  it("reads code, issues and the retry hint the server formatted", () => {
    const error = clientError("x", { code: "CONFLICT", httpStatus: 409, issues: [], retryable: true, retryAfterSeconds: 1 });
    expect(errorDataOf(error)).toEqual({ code: "CONFLICT", issues: [], retryable: true, retryAfterSeconds: 1 });
  });

  it("answers safe defaults for anything else", () => {
    const none = { code: undefined, issues: [], retryable: false, retryAfterSeconds: undefined };
    for (const error of [new Error("plain"), "text", null, undefined, { data: null }, clientError("x", { retryable: "yes", issues: "no" })]) {
      expect(errorDataOf(error)).toEqual(none);
    }
  });
});

describe("errorMessage", () => {
  it("keeps the server's message of an ordinary failure", () => {
    expect(errorMessage(clientError("Billing cycle not found", { code: "NOT_FOUND" }))).toBe("Billing cycle not found");
    expect(errorMessage("boom")).toBe("Something went wrong");
  });

  it("tells to try again after a conflict, once", () => {
    expect(errorMessage(clientError("R-1 is already processing", { code: "CONFLICT" }))).toBe(
      "R-1 is already processing; check the current state and try again",
    );
    expect(errorMessage(clientError("R-1 changed while you asked; reload and try again", { code: "CONFLICT" }))).toBe(
      "R-1 changed while you asked; reload and try again",
    );
    expect(errorMessage(clientError("A concurrent request changed the same data; retry the request", { code: "CONFLICT", retryable: true }))).toBe(
      "A concurrent request changed the same data; retry the request",
    );
    expect(errorMessage(clientError("Busy", { code: "CONFLICT", retryable: true }))).toBe("Busy; try again");
  });
});
