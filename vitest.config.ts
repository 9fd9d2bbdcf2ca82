import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest on the 2-core CI machine, longest first (per-file wall times of a
 * clean-clone `.ci/run`). A clean clone has no vitest timing cache, so the default order is the
 * projects' in name order, and a long file that starts late becomes the run's tail; started first,
 * they overlap with everything else and the short files fill the gaps at the end.
 */
const LONGEST_FIRST = [
  "test/circuits/zkey-",
  "test/e2e/cli.test.ts",
  "test/circuits/hidden-issuer.test.ts",
  "test/e2e/ceremony.test.ts",
  "test/e2e/issuers.test.ts",
  "test/e2e/examples.test.ts",
  "test/e2e/package.test.ts",
  "test/circuits/build.test.ts",
  "test/circuits/age-at-least.test.ts",
  "test/circuits/query.test.ts",
  "test/e2e/install.test.ts",
  "test/integration/chain/verify.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const path = relative(this.ctx.config.root, file.moduleId);
      const index = LONGEST_FIRST.findIndex((prefix) => path.startsWith(prefix));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    const sorted = await super.sort(files);
    return sorted.map((file, index) => ({ file, index, rank: rank(file) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map((e) => e.file);
  }
}

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
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"], ...slow } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], ...slow } },
      { extends: true, test: { name: "circuits", include: ["test/circuits/**/*.test.ts"], ...slow } },
    ],
  },
});
