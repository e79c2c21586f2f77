import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // server/ declares ports; Inngest is an adapter the composition root plugs in (composition-root.ts).
    files: ["server/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/inngest", "@/inngest/*", "**/inngest/*"], message: "server/ never imports inngest/: declare a port in server/runtime.ts and adapt it in inngest/." },
            { group: ["@/composition-root", "**/composition-root"], message: "server/ never imports the composition root." },
          ],
        },
      ],
    },
  },
]);
