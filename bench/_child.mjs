// One measurement in a fresh process (cold start or peak RSS), reported as JSON on stdout.
// Usage: node bench/_child.mjs <verify-cold|prove-cold|verify-batch> <input.json>
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

const [mode, file] = process.argv.slice(2);
const input = JSON.parse(await readFile(file, "utf8"));
const t0 = performance.now();
// A verifier service imports the verifier-only entry (what an insurer deploys); the rest the full package.
const medzk = await import(mode === "prove-cold" ? "../dist/index.js" : "../dist/verifier.js");
// The verifier's key pair and the clock come with the input (as a service reads them from its
// configuration), not from ./_fixtures.mjs, whose import derives the key pair with noble's
// base-point table: harness work that is no part of a verifier's start.
const NOW = new Date(input.now);
const verifier = () =>
  medzk.createVerifier({ trustedIssuers: [input.publicKey], key: input.verifierKey, purpose: "bench", clock: () => NOW, requestTtlSeconds: 86400 });
let ms;
if (mode === "verify-cold") {
  const r = await verifier().verify(input.presentation);
  if (!r.ok) throw new Error(r.error.code);
  ms = performance.now() - t0;
} else if (mode === "prove-cold") {
  const hidden = input.issuerSet ? { issuerSet: input.issuerSet } : {};
  await medzk.prove({ credential: input.credential, holder: input.holder, request: input.request, ...hidden, now: NOW, allowDisclosure: ["coverageEnd"] });
  ms = performance.now() - t0;
} else if (mode === "verify-batch") {
  const results = await verifier().verifyBatch(input.presentations);
  if (!results.every((r) => r.ok)) throw new Error("batch item refused");
  ms = performance.now() - t0;
}
// Including the Node start-up itself: process uptime when done.
console.log(JSON.stringify({ ms, uptimeMs: process.uptime() * 1000, maxRssMb: peakRssMb() }));

// Peak RSS of this process. NOTE: not process.resourceUsage().maxRSS, which on Linux keeps the
// high-water mark of the parent it was forked from (the bench process, a few hundred MB after
// proving) across exec; /proc's VmHWM belongs to this process's own address space.
function peakRssMb() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
