import { defineConfig } from "vitest/config";

/**
 * Four projects, split by speed and by what they need (`vitest run --project <name>`):
 * - unit: one module at a time, no proving, no build, no child processes (`npm run test:unit`,
 *   the inner loop);
 * - integration: several rooms together with real proofs (the verifier, the service, Redis);
 * - e2e: the built package from outside (CLI, examples, npm pack, headless Chromium);
 * - circuits: compiles the circom sources and checks soundness and the pinned artifacts.
 * `npm test` runs them all.
 */
const slow = {
  // Proving and circuit compilation take seconds, not milliseconds.
  testTimeout: 120_000,
  hookTimeout: 300_000,
};

export default defineConfig({
  test: {
    // A child process per test file, not a worker thread (also vitest 4's default, kept explicit):
    // snarkjs and ffjavascript start their own worker threads and keep a global curve
    // (globalThis.curve_bn128), which stay within the file's process.
    pool: "forks",
    // Three files at a time on the 2-core CI machine: vitest's default (cores - 1) runs one file at
    // a time there, and much of the suite waits on child processes (circom, redis-server,
    // Chromium, npm pack, PostgreSQL) rather than computing, so further files fill those gaps.
    // Measured on a clean clone (`bash .ci/run`, 84 files): vitest 634 s with two workers, 600 s
    // with three (the whole run 11 m 39 s and 10 m 51 s); the slowest test, the six zkey
    // verifications, then takes 366 s of its 1,200 s timeout.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"], ...slow } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], ...slow } },
      { extends: true, test: { name: "circuits", include: ["test/circuits/**/*.test.ts"], ...slow } },
    ],
  },
});
