import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquirePidLock } from "./pid-lock";

const dirs: string[] = [];
function tempDataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "billrun-lock-"));
  dirs.push(dir);
  return path.join(dir, "pglite");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("PGlite pid lock", () => {
  it("fails fast with a clear message when another live process holds the data dir", () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(`${dataDir}.pid`, String(process.ppid)); // the parent process is alive
    expect(() => acquirePidLock(dataDir)).toThrow(/already open in process \d+.*cannot be shared/);
  });

  it("takes over a stale lock left by a dead process, and releases it", () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(`${dataDir}.pid`, "2147483646");
    const release = acquirePidLock(dataDir);
    expect(fs.readFileSync(`${dataDir}.pid`, "utf8")).toBe(String(process.pid));
    release();
    expect(fs.existsSync(`${dataDir}.pid`)).toBe(false);
  });

  it("lets the same process open it again (dev-mode module reloads)", () => {
    const dataDir = tempDataDir();
    const release = acquirePidLock(dataDir);
    expect(() => acquirePidLock(dataDir)).not.toThrow();
    release();
  });
});
