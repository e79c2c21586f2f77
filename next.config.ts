import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must not be bundled; the PDF renderer likewise; pino loads its own files.
  serverExternalPackages: ["@electric-sql/pglite", "@react-pdf/renderer", "saxon-js", "xmllint-wasm", "pino"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  outputFileTracingExcludes: { "/**": [".data/**", "test-results/**"] },
  typedRoutes: false,
  // `radix-ui` re-exports every primitive: compile only the ones imported (faster first start of `next dev`).
  experimental: { optimizePackageImports: ["radix-ui"] },
};

export default nextConfig;
