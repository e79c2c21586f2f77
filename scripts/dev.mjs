// `npm run dev`: `next dev` (same arguments), and as soon as it listens, a warm-up request to each route a newcomer
// needs first. `next dev` compiles a route on its first request. The login page comes first and alone (asked together
// with the others it waited for their compilation too: 40–44 s to a usable login page instead of 25–26 s, measured
// back to back on a quiet 2-core machine); then the dashboard and the auth endpoint compile together while the
// newcomer signs in, instead of one after the other behind the sign-in; the tRPC endpoint last, as the dashboard is
// server-rendered with its data and asks tRPC only once shown (compiled alongside, it slowed the dashboard: first
// start, alternating, dashboard shown 30.2 / 28.9 / 30.9 s against 39.6 / 30.5 / 31.5 s). BILLRUN_DEV_WARMUP=0 turns it off.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import nextEnv from "@next/env";

const args = process.argv.slice(2);
const portArg = args.findIndex((arg) => arg === "-p" || arg === "--port");
const port = portArg >= 0 ? args[portArg + 1] : (args.find((arg) => arg.startsWith("--port="))?.slice(7) ?? process.env.PORT ?? "3000");
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [nextBin, "dev", ...args], { stdio: ["inherit", "pipe", "inherit"] });

const first = "/login";
const then = ["/billing-runs", "/api/auth/get-session"];
const last = "/api/trpc/viewer.me";
// the .env files, read as next dev reads them: BILLRUN_DEV_WARMUP may be set in .env.local too
nextEnv.loadEnvConfig(process.cwd(), true, { info() {}, error: console.error });
let warmed = process.env.BILLRUN_DEV_WARMUP === "0";

child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (warmed || !/Ready in/.test(chunk.toString())) return;
  warmed = true;
  const started = Date.now();
  // Answers do not matter (a signed-out dashboard redirects, tRPC says 401): the compilation is the point.
  const warm = (route) => fetch(`http://localhost:${port}${route}`, { redirect: "manual" }).then((res) => res.arrayBuffer());
  void warm(first)
    .catch(() => undefined)
    .then(() => Promise.allSettled(then.map(warm)))
    .then(() => warm(last).catch(() => undefined))
    .then(() => console.log(` ✓ Warmed up ${[first, ...then, last].join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)}s`));
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
