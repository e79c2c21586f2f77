import { describe, expect, it } from "vitest";
import { envInteger, envMemorySize } from "./env-settings";

describe("settings from the environment", () => {
  it("reads whole numbers, with the fallback when unset or empty", () => {
    expect(envInteger("N", 7, 1, {})).toBe(7);
    expect(envInteger("N", 7, 1, { N: "  " })).toBe(7);
    expect(envInteger("N", 7, 1, { N: " 12 " })).toBe(12);
    expect(envInteger("N", 7, 0, { N: "0" })).toBe(0);
  });

  it("refuses anything else with the variable's name and the rule", () => {
    for (const bad of ["abc", "2.5", "1e3", "12 days", "-1", "0"]) {
      expect(() => envInteger("BILLRUN_CHUNK_ACCOUNTS", 25_000, 1, { BILLRUN_CHUNK_ACCOUNTS: bad })).toThrow(
        `BILLRUN_CHUNK_ACCOUNTS must be a whole number ≥ 1 (got "${bad}")`,
      );
    }
  });

  it("reads Postgres memory sizes", () => {
    expect(envMemorySize("M", "128MB", {})).toBe("128MB");
    expect(envMemorySize("M", "128MB", { M: "1GB" })).toBe("1GB");
    expect(() => envMemorySize("BILLRUN_WORK_MEM", "128MB", { BILLRUN_WORK_MEM: "128 mb" })).toThrow(
      'BILLRUN_WORK_MEM must be a size like 128MB, 512kB or 1GB (got "128 mb")',
    );
  });
});
