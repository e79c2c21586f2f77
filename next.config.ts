import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must not be bundled; the PDF renderer likewise; pino loads its own files.
  // The rest are server-side libraries Node loads as they are: `next dev` no longer compiles them into each route
  // (first start, same half hour, alternating: dashboard 40.9 / 45.8 s against 60.1 / 60.8 / 63.2 s). date-fns stays
  // bundled: Next optimizes its imports, and a package cannot be both. pdfkit (which fontkit and brotli's 1.2 MB
  // dictionary come with) was compiled twice into the server routes; external, the font-reuse patch of
  // server/documents/pdf/pdfkit-font-reuse.ts also reaches the copy @react-pdf/renderer uses in this process.
  serverExternalPackages: ["@electric-sql/pglite", "@react-pdf/renderer", "saxon-js", "xmllint-wasm", "pino",
    "better-auth", "drizzle-orm", "@trpc/server", "inngest", "resend", "@react-email/components", "@react-email/render",
    "pdf-lib", "qrcode", "archiver", "standardwebhooks", "@neondatabase/serverless", "ws", "zod",
    "decimal.js", "superjson", "@t3-oss/env-nextjs", "pdfkit"],
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
