import { readFileSync } from "node:fs";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
const { createVerifier } = await import("/work/wt-groth16/dist/index.js");
globalThis.curve_bn128 = await buildBn128(true); // snarkjs verifies on one thread too: CPU time is then comparable
const { publicKey, verifierKey, presentations: eight } = JSON.parse(readFileSync("/tmp/g16/pres.json", "utf8"));
const NOW = new Date("2026-06-15T12:00:00Z");
const presentations = Array.from({ length: 100 }, (_, i) => eight[i % 8]);
const vk = JSON.parse(readFileSync("/work/wt-groth16/artifacts/age_at_least.vkey.json", "utf8"));
const v1 = createVerifier({ trustedIssuers: [publicKey], key: verifierKey, purpose: "bench", clock: () => NOW, requestTtlSeconds: 86400, challengeStore: { consume: async () => true } });
const cpu = async (fn) => { const u0 = process.cpuUsage(); await fn(); const u = process.cpuUsage(u0); return (u.user + u.system) / 1000; };
const m = { single: [], snark: [], b1: [] };
await v1.verify(eight[0]); await snarkjs.groth16.verify(vk, eight[0].publicSignals, eight[0].proof);
for (let r = 0; r < 5; r++) {
  m.single.push(await cpu(async () => { for (let i = 0; i < 8; i++) await v1.verify(eight[i]); }) / 8);
  m.snark.push(await cpu(async () => { for (let i = 0; i < 8; i++) if (!(await snarkjs.groth16.verify(vk, eight[i].publicSignals, eight[i].proof))) throw 1; }) / 8);
  m.b1.push(await cpu(() => v1.verifyBatch(presentations)) / 100);
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k of Object.keys(m)) console.log(k.padEnd(8), "CPU ms per proof, median", med(m[k]).toFixed(2), "min", Math.min(...m[k]).toFixed(2));
console.log(`CPU-time ratios (one thread each): single ${(med(m.single) / med(m.snark)).toFixed(2)}x snarkjs; batch of 100 ${(med(m.snark) / med(m.b1)).toFixed(1)}x faster per proof`);
process.exit(0);
