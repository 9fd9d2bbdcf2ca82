// Verifies a batch with worker threads and prints the outcome; it must then exit by itself
// (idle workers are unref'd). Run by test/integration/verifier/verify-batch.test.ts (after a build) with a timeout.
import { readFileSync } from "node:fs";
import { createVerifier } from "../../dist/index.js";

const { issuer, verifierKey, now, presentations } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const verifier = createVerifier({ trustedIssuers: [issuer], key: verifierKey, clock: () => new Date(now), parallel: { minBatch: 2 } });
const results = await verifier.verifyBatch(presentations);
const threads = Array.isArray(globalThis.curve_bn128?.tm?.workers) && globalThis.curve_bn128.tm.workers.length > 0;
console.log(JSON.stringify({ ok: results.map((r) => r.ok), threads }));
