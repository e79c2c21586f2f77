import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must not be bundled; the PDF renderer likewise.
  serverExternalPackages: ["@electric-sql/pglite", "@react-pdf/renderer", "saxon-js", "xmllint-wasm"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  outputFileTracingExcludes: { "/**": [".data/**", "test-results/**"] },
  typedRoutes: false,
};

export default nextConfig;
