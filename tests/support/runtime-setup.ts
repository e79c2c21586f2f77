import { configureRuntime } from "./runtime";

// vitest setupFiles: every test file starts with a runtime composed by the composition root (test defaults).
configureRuntime();
