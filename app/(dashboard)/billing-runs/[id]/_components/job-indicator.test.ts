import { describe, expect, it } from "vitest";
import { progressCaption } from "./job-indicator";

describe("progressCaption", () => {
  it("shows done / total", () => {
    expect(progressCaption({ done: 340, total: 1000, status: "RUNNING" })).toBe("340 / 1,000");
    expect(progressCaption({ done: 5, total: 5, status: "SUCCEEDED" })).toBe("5 / 5");
  });

  it("a job with nothing to work on (canceling a run never processed) does not read 0 / 0", () => {
    expect(progressCaption({ done: 0, total: 0, status: "SUCCEEDED" })).toBe("Nothing to do");
    expect(progressCaption({ done: 0, total: 0, status: "RUNNING" })).toBe("Planning…");
    expect(progressCaption({ done: 0, total: 0, status: "FAILED" })).toBe("—");
  });
});
