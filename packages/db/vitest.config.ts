import { defineConfig } from "vitest/config";

// Embedded PostgreSQL (PGlite) takes seconds to start cold on a busy 2-core machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
