import { describe, expect, it } from "vitest";
import { selectDriver } from "./driver";

describe("selectDriver", () => {
  it("uses embedded PGlite without DATABASE_URL", () => {
    expect(selectDriver({})).toBe("pglite");
    expect(selectDriver({ DATABASE_URL: "  " })).toBe("pglite");
  });
  it("uses the Neon driver for Neon hosts or when forced", () => {
    expect(selectDriver({ DATABASE_URL: "postgres://u:p@ep-x-123.eu-central-1.aws.neon.tech/db" })).toBe("neon");
    expect(selectDriver({ DATABASE_URL: "postgres://localhost/db", DATABASE_DRIVER: "neon" })).toBe("neon");
  });
  it("uses node-postgres for any other URL", () => {
    expect(selectDriver({ DATABASE_URL: "postgres://localhost:5432/billrun" })).toBe("node-postgres");
  });
  it("refuses an unknown forced driver and a malformed URL", () => {
    expect(() => selectDriver({ DATABASE_URL: "postgres://x/db", DATABASE_DRIVER: "mysql" })).toThrow(/DATABASE_DRIVER/);
    expect(() => selectDriver({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });
});
