import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Proving and circuit compilation take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
