#!/usr/bin/env node
// Gas of on-chain verification (medzk/chain's MedzkRegistry on Hardhat 3's in-process EDR, Cancun
// rules), beside its anchors measured or cited in the same table:
//   - the bare snarkjs-generated Groth16 verifier (verifyProof as a transaction), per statement;
//   - a single verifyPresentation (proof + every registry check + replay write + access event);
//   - per presentation in a batch of 16 (one pairing check), replay included: with challenges that
//     share their high bits (one replay bitmap word for the batch: how a verifier that batches on
//     chain issues them, docs/ledger.md "Replay") and with independent random challenges (a word each);
//   - cited: iden3's on-chain query flow ~500-770k, NEBRA's aggregation ~40k per proof.
// Gas is deterministic: one run is the measurement. Prints a table and writes bench/results/gas.json.
// Usage: npm run bench:gas
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { bytesToHex } from "@noble/hashes/utils";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeFunctionData } from "viem";
import { groth16VerifierAbi, medzkRegistryAbi, presentationCall } from "../dist/chain.js";
import { prove } from "../dist/index.js";
import { STATEMENTS } from "./_fixtures.mjs";
import { benchRegistry, withChallenge } from "./_registry.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BATCH = 16;
const { chain, deployment, registry, w, verifier } = await benchRegistry();
const credentialFor = { ageAtLeast: w.record, insuranceActive: w.coverage, query: w.coverage };
const presentationOf = async (statement, challenge) => {
  const request = verifier.createRequest({ statement });
  return prove({ credential: credentialFor[statement.type], holder: w.holder, request: challenge === undefined ? request : withChallenge(request, challenge), allowDisclosure: ["coverageEnd"] });
};

async function gasOf(to, data, from) {
  const hash = await chain.wallet(0).sendTransaction({ to, data, account: from });
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction to ${to} reverted`);
  return Number(receipt.gasUsed);
}

const single = [];
for (const [type, statement] of Object.entries(STATEMENTS)) {
  const p = await presentationOf(statement);
  const call = presentationCall(p, p.request);
  const bare = await gasOf(
    deployment.verifiers[call.circuit],
    encodeFunctionData({ abi: groth16VerifierAbi.map((f) => ({ ...f, inputs: f.inputs.map((i) => (i.name === "_pubSignals" ? { ...i, type: `uint256[${call.signals.length}]` } : i)) })), functionName: "verifyProof", args: [call.proof.slice(0, 2), [call.proof.slice(2, 4), call.proof.slice(4, 6)], call.proof.slice(6), call.signals] }),
    chain.accounts[0],
  );
  const full = await gasOf(registry, encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentation", args: [call.circuitId, call.params, call.proof, call.signals] }), chain.accounts[2]);
  single.push({ statement: type, circuit: call.circuit, publicSignals: call.signals.length, bareVerifierGas: bare, verifyPresentationGas: full });
}

// A run of challenges sharing their high 240 bits (random) with the low byte counting: the batch's
// replay bits all fall in one bitmap word (MedzkRegistry._answered).
const base = BigInt(`0x${bytesToHex(randomBytes(30))}`) >> 6n;
const batchPresentations = [];
for (let i = 0; i < BATCH; i++) batchPresentations.push(await presentationOf(STATEMENTS.ageAtLeast, (base << 8n) | BigInt(i)));
const randomPresentations = [];
for (let i = 0; i < BATCH; i++) randomPresentations.push(await presentationOf(STATEMENTS.ageAtLeast));
const batchData = (items) =>
  encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentations", args: [items[0].circuitId, items[0].params, items.map((c) => c.proof), items.flatMap((c) => c.signals)] });
/** Gas of the batch of `calls` and of its first half (in a snapshot, reverted: the full batch's challenges stay unspent). */
async function batchGasOf(calls) {
  const snapshot = await chain.client.request({ method: "evm_snapshot" });
  const halfGas = await gasOf(registry, batchData(calls.slice(0, BATCH / 2)), chain.accounts[2]);
  await chain.client.request({ method: "evm_revert", params: [snapshot] });
  const totalGas = await gasOf(registry, batchData(calls), chain.accounts[2]);
  // The difference is the marginal cost of one more presentation, without the batch's fixed part.
  const marginal = (totalGas - halfGas) / (BATCH / 2);
  return { totalGas, halfBatchGas: halfGas, perPresentationGas: Math.round(totalGas / BATCH), marginalPerPresentationGas: Math.round(marginal), fixedPerBatchGas: Math.round(totalGas - marginal * BATCH) };
}
const batch = { statement: "ageAtLeast", n: BATCH, ...(await batchGasOf(batchPresentations.map((p) => presentationCall(p, p.request)))) };
const batchRandom = { statement: "ageAtLeast", n: BATCH, challenges: "random", ...(await batchGasOf(randomPresentations.map((p) => presentationCall(p, p.request)))) };

const anchors = [
  { what: "iden3 on-chain query verification (cited)", gas: "~500,000-770,000" },
  { what: "bare snarkjs Groth16 verifier (cited)", gas: "~210,000-240,000" },
  { what: "NEBRA aggregated verification, per proof (cited)", gas: "~40,000" },
];

const n = (x) => x.toLocaleString("en-US").padStart(11);
console.log("\nmedzk on-chain verification gas (transaction gasUsed, EDR in process, Cancun, solc 0.8.30, optimizer 100 runs for the registry, 200 for the verifiers)");
console.log(`${"statement".padEnd(16)}${"signals".padStart(8)}${"bare verifier".padStart(15)}${"verifyPresentation".padStart(20)}`);
for (const s of single) console.log(`${s.statement.padEnd(16)}${String(s.publicSignals).padStart(8)}${n(s.bareVerifierGas).padStart(15)}${n(s.verifyPresentationGas).padStart(20)}`);
for (const [label, b] of [["challenges sharing one replay word", batch], ["random challenges", batchRandom]]) {
  console.log(`\nbatch of ${BATCH} (${b.statement}, one pairing check, replay included; ${label}): ${b.totalGas.toLocaleString("en-US")} gas; per presentation ${b.perPresentationGas.toLocaleString("en-US")}`);
  console.log(`  marginal presentation ${b.marginalPerPresentationGas.toLocaleString("en-US")} gas (batch of ${BATCH} minus batch of ${BATCH / 2}, over ${BATCH / 2}); fixed part of a batch ${b.fixedPerBatchGas.toLocaleString("en-US")}`);
}
console.log("\nanchors");
for (const a of anchors) console.log(`${a.what.padEnd(52)}${a.gas.padStart(20)}`);
await mkdir(join(ROOT, "bench", "results"), { recursive: true });
const out = join(ROOT, "bench", "results", "gas.json");
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, evm: "EDR (hardhat 3.9.1), cancun bytecode", single, batch, batchRandomChallenges: batchRandom, anchors }, null, 2));
console.log(`\nwrote ${out}`);
process.exit(0);
