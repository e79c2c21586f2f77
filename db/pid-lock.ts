import fs from "node:fs";
import path from "node:path";

/**
 * PGlite has no lock between processes: two processes on one data dir lose writes and can corrupt it.
 * Take a pid file next to the data dir and fail fast when another live process holds it.
 */
export function acquirePidLock(dataDir: string): () => void {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.pid`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => {
        try {
          if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockFile, "utf8"));
      if (holder === process.pid) return () => {};
      if (holder && isAlive(holder)) {
        throw new Error(
          `The embedded database ${dataDir} is already open in process ${holder}. ` +
            `PGlite cannot be shared between processes: stop that process (or set DATABASE_URL / PGLITE_DATA_DIR).`,
        );
      }
      fs.unlinkSync(lockFile); // stale lock of a dead process
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
