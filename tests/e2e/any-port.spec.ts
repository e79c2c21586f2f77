import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { demoUser, expect, logIn, test } from "./support";

// A newcomer's `PORT=<anything> npm run dev`: no APP_URL set (it defaults to http://localhost:3000), yet signing in
// works on the port the dev server was started on, by localhost and by 127.0.0.1 (issue 21: "Invalid origin", 403).

const suitePort = Number(process.env.E2E_PORT ?? 3100);
// Neither 3000 (APP_URL's default) nor the suite's own port.
const port = suitePort + 50 === 3000 ? suitePort + 51 : suitePort + 50;
const dataDir = `.data/e2e-any-port-${port}`;

let server: ChildProcess | undefined;
let output = "";

test.describe.configure({ mode: "serial" });
// `next dev` compiles the routes on their first request: minutes on a busy 2-core machine.
test.setTimeout(600_000);

test.beforeAll(async () => {
  test.setTimeout(600_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", PGLITE_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  delete env.APP_URL;
  delete env.TRUSTED_ORIGINS;
  delete env.PORT;
  // what a newcomer types: the project's dev script, on another port
  server = spawn("npm", ["run", "dev", "--", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // Ready when the login page answers (the first request compiles it and creates the embedded database).
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(`http://localhost:${port}/login`)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 540_000, intervals: [1_000] },
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

for (const host of ["localhost", "127.0.0.1"]) {
  test(`npm run dev on port ${port} (APP_URL unset): sign in at http://${host}:${port}`, async ({ newContext }) => {
    const context = await newContext({ baseURL: `http://${host}:${port}` });
    const page = await context.newPage();
    await logIn(page, demoUser, { timeout: 300_000 });
    await expect(page).toHaveURL(`http://${host}:${port}/billing-runs`);
    await expect(page.getByTestId("tenant-name")).toContainText("Demo");
    expect(output, "the server refused an origin").not.toMatch(/invalid origin/i);
  });
}
