import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must not be bundled; the PDF renderer likewise; pino loads its own files.
  serverExternalPackages: ["@electric-sql/pglite", "@react-pdf/renderer", "saxon-js", "xmllint-wasm", "pino"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  outputFileTracingExcludes: { "/**": [".data/**", "test-results/**"] },
  typedRoutes: false,
  // `next dev` serves its scripts and HMR socket only to its own host name: without this, the dashboard opened at
  // http://127.0.0.1:<port> never hydrates (the e2e any-port test signs in there too). Development only.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // `radix-ui` re-exports every primitive: compile only the ones imported (faster first start of `next dev`).
  experimental: { optimizePackageImports: ["radix-ui"] },
};

export default nextConfig;
