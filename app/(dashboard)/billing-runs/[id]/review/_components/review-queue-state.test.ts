import { describe, expect, it } from "vitest";
import { commandOf, nextUnreviewed } from "./review-queue-state";

const key = (k: string, extra: Partial<Parameters<typeof commandOf>[0]> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  defaultPrevented: false,
  target: null,
  ...extra,
});

describe("review queue navigation", () => {
  const ids = ["a", "b", "c", "d"];
  it("goes to the next invoice not yet reviewed, wrapping around", () => {
    expect(nextUnreviewed(ids, {}, 0)).toBe(1);
    expect(nextUnreviewed(ids, { b: "VALIDATE", c: "REJECT" }, 0)).toBe(3);
    expect(nextUnreviewed(ids, { a: "VALIDATE", b: "VALIDATE" }, 3)).toBe(2);
  });
  it("says when every invoice is reviewed", () => {
    expect(nextUnreviewed(ids, { a: "VALIDATE", b: "REJECT", c: "QUARANTINE", d: "VALIDATE" }, 1)).toBeNull();
    expect(nextUnreviewed([], {}, 0)).toBeNull();
  });
});

describe("review shortcuts", () => {
  it("maps j/k/v/r/q", () => {
    expect(["j", "k", "v", "r", "q"].map((k) => commandOf(key(k), false))).toEqual(["next", "previous", "VALIDATE", "REJECT", "QUARANTINE"]);
    expect(commandOf(key("x"), false)).toBeNull();
  });
  it("stays out of the way while typing, with a modifier or a dialog open", () => {
    const field = {
      closest: (selector: string) => (selector.includes("textarea") ? {} : null),
      isContentEditable: false,
    } as unknown as EventTarget;
    expect(commandOf(key("v", { target: field }), false)).toBeNull();
    expect(commandOf(key("r", { ctrlKey: true }), false)).toBeNull();
    expect(commandOf(key("r", { metaKey: true }), false)).toBeNull();
    expect(commandOf(key("q"), true)).toBeNull();
    expect(commandOf(key("j", { defaultPrevented: true }), false)).toBeNull();
  });
});
