import { describe, expect, it } from "vitest";
import { progressCaption, runningJobText, timeLeftText } from "./job-indicator";

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

describe("time left", () => {
  it("adds the server's estimate while a job runs", () => {
    expect(progressCaption({ done: 340, total: 1000, status: "RUNNING", secondsLeft: 12 })).toBe("340 / 1,000 · about 12 s left");
    expect(progressCaption({ done: 10, total: 1000, status: "RUNNING", secondsLeft: 185 })).toBe("10 / 1,000 · about 3 min left");
    expect(runningJobText({ done: 2, total: 4, secondsLeft: 0 })).toBe("2/4 · finishing");
  });
  it("shows no estimate before the first chunk or once the job ended", () => {
    expect(progressCaption({ done: 0, total: 1000, status: "RUNNING", secondsLeft: null })).toBe("0 / 1,000");
    expect(progressCaption({ done: 5, total: 5, status: "SUCCEEDED", secondsLeft: 3 })).toBe("5 / 5");
    expect(timeLeftText(undefined)).toBeNull();
  });
});
