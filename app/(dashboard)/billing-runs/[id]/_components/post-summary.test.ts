import { describe, expect, it } from "vitest";
import { postConfirmation, processFailureTitle } from "./post-summary";

describe("Post confirmation", () => {
  it("says how many invoices get posted", () => {
    expect(postConfirmation({ draft: 3, suspect: 0, rejected: 0 })).toEqual({
      blocked: false,
      lines: ["3 invoices will get their final number and become immutable."],
    });
  });

  it("warns that suspect invoices are posted too", () => {
    const { lines, blocked } = postConfirmation({ draft: 2, suspect: 1, rejected: 0 });
    expect(blocked).toBe(false);
    expect(lines[0]).toMatch(/^3 invoices will get their final number/);
    expect(lines[1]).toMatch(/^1 invoice is suspect and will be posted as it is/);
  });

  it("says that rejected invoices remain and block posting", () => {
    const { lines, blocked } = postConfirmation({ draft: 4, suspect: 1, rejected: 2 });
    expect(blocked).toBe(true);
    expect(lines[0]).toBe("2 invoices are rejected: posting is refused until they are validated, quarantined or canceled.");
    expect(lines[1]).toBe("Then 5 invoices would be posted.");
  });

  it("titles a refused posting 'Post failed'", () => {
    expect(processFailureTitle(true)).toBe("Post failed");
    expect(processFailureTitle(false)).toBe("Process failed");
  });
});
