import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { createVerifier } from "./src/index.ts";
import { verificationKey } from "./src/artifacts/manifest.ts";
const { publicKey, verifierKey, presentations } = JSON.parse(readFileSync("/tmp/g16/pres.json", "utf8"));
const NOW = new Date("2026-06-15T12:00:00Z");
const mk = (parallel?: object) => createVerifier({ trustedIssuers: [publicKey], key: verifierKey, purpose: "bench", clock: () => NOW, requestTtlSeconds: 86400, challengeStore: { consume: async () => true }, ...(parallel ? { parallel } : {}) });
const v1 = mk(), v2 = mk({ minBatch: 2 });
const vk = verificationKey("age_at_least");
const med = async (n: number, fn: () => Promise<unknown>) => { await fn(); const s: number[] = []; for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); s.push(performance.now() - t); } s.sort((a, b) => a - b); return s[Math.floor(n / 2)]!; };
const items = Array.from({ length: 100 }, (_, i) => presentations[i % presentations.length]);
for (let round = 0; round < 2; round++) {
  const snark = await med(15, () => snarkjs.groth16.verify(vk, presentations[0].publicSignals, presentations[0].proof));
  const single = await med(15, async () => { const r = await v1.verify(presentations[1]); if (!r.ok) throw new Error(JSON.stringify(r)); });
  const b1 = await med(3, async () => { const r = await v1.verifyBatch(items); if (!r.every((x) => x.ok)) throw new Error("bad"); });
  const b2 = await med(3, async () => { const r = await v2.verifyBatch(items); if (!r.every((x) => x.ok)) throw new Error("bad"); });
  console.log(`snarkjs ${snark.toFixed(2)} ms; single ${single.toFixed(2)} (${(single / snark).toFixed(2)}x); batch100 1t ${b1.toFixed(1)} (${((100 * snark) / b1).toFixed(1)}x); 2t ${b2.toFixed(1)} (${((100 * snark) / b2).toFixed(1)}x)`);
}
process.exit(0);
