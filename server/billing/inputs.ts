// The billing input schemas are defined once in lib/billing-inputs.ts (zod and plain value lists only, so client
// forms validate with them too). This module re-exports them for server modules that still import it from here.
export * from "@/lib/billing-inputs";
