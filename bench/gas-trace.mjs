#!/usr/bin/env node
// Where a batch item's gas goes: sends verifyPresentations batches of 2 and 6 ageAtLeast
// presentations (challenges sharing one replay word, as bench/gas.mjs's left column) to the
// registry on the in-process EDR, traces each with debug_traceTransaction (struct logs) and prints
// the marginal item, (trace of 6 − trace of 2) / 4, split two ways:
//   - by opcode class: the precompile STATICCALLs (pairing 0x08, ecMul 0x07, ecAdd 0x06),
//     SLOAD/SSTORE, KECCAK256, LOG, CALLDATALOAD/CALLDATACOPY, the rest; plus the calldata
//     (gasUsed − 21,000 − the trace's execution gas);
//   - by function: each step's source position (the registry recompiled with the generated
//     code's solc settings, evm.deployedBytecode.sourceMap) in the innermost Solidity function or
//     Yul function of the assembly blocks that contains it; "(dispatch, inlined)" where the
//     optimizer left no source position.
// A step's cost is the gas it takes from its call frame: its gas minus the next step's at its
// depth (so a precompile call counts the precompile). Run by hand after `npx tsup --silent`:
//   node bench/gas-trace.mjs
import { randomBytes } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@noble/hashes/utils";
import { encodeFunctionData } from "viem";
import { medzkRegistryAbi, presentationCall } from "../dist/chain.js";
import { prove } from "../dist/index.js";
import { STATEMENTS } from "./_fixtures.mjs";
import { benchRegistry, withChallenge } from "./_registry.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONTRACTS = join(ROOT, "src", "chain", "contracts");
const require = createRequire(import.meta.url);

// ---- the registry's source map (the settings of src/chain/generated: see its header)
function sourceMapOfRegistry() {
  const solc = require("solc");
  const header = readFileSync(join(ROOT, "src", "chain", "generated", "bytecode.ts"), "utf8").split("\n")[1];
  const settings = JSON.parse(header.slice(header.indexOf("settings ") + 9));
  const files = ["MedzkRegistry.sol", "MedzkRegistryChecks.sol", "Bn254.sol", "BabyJubJub.sol"];
  const sources = Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(CONTRACTS, f), "utf8") }]));
  settings.outputSelection = { "*": { "*": ["evm.deployedBytecode.object", "evm.deployedBytecode.sourceMap"], "": ["ast"] } };
  const findImports = (path) => {
    const file = path.startsWith("@openzeppelin/") ? require.resolve(path) : join(CONTRACTS, path);
    return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `not found: ${path}` };
  };
  const out = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), { import: findImports }));
  const contract = out.contracts["MedzkRegistry.sol"].MedzkRegistry.evm.deployedBytecode;
  // Function ranges (start, end, name) of every source file, by solc's file index.
  const ranges = [];
  for (const [file, { ast, id }] of Object.entries(out.sources)) {
    const walk = (node, owner) => {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) return node.forEach((n) => walk(n, owner));
      if (node.nodeType === "ContractDefinition") owner = node.name;
      const named = node.nodeType === "FunctionDefinition" || node.nodeType === "ModifierDefinition" || node.nodeType === "YulFunctionDefinition";
      if (named && node.src) {
        const [s, l] = node.src.split(":").map(Number);
        const name = node.nodeType === "YulFunctionDefinition" ? `${owner}.<asm>${node.name}` : `${owner}.${node.name || node.kind}`;
        ranges.push({ file: id, s, e: s + l, name });
      }
      for (const v of Object.values(node)) if (v && typeof v === "object") walk(v, owner);
    };
    walk(ast, file);
  }
  // pc → instruction index → source map entry.
  const code = Buffer.from(contract.object, "hex");
  const pcToIndex = new Map();
  for (let pc = 0, i = 0; pc < code.length; i++) {
    pcToIndex.set(pc, i);
    const op = code[pc];
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
  }
  const entries = [];
  let last = [0, 0, -1, "-"];
  for (const part of contract.sourceMap.split(";")) {
    const f = part.split(":");
    last = [0, 1, 2, 3].map((k) => (f[k] === undefined || f[k] === "" ? last[k] : k === 3 ? f[k] : Number(f[k])));
    entries.push(last);
  }
  const cache = new Map();
  return (pc) => {
    if (cache.has(pc)) return cache.get(pc);
    const e = entries[pcToIndex.get(pc)];
    let name = "(dispatch, inlined)";
    if (e && e[2] >= 0) {
      let best;
      for (const r of ranges) if (r.file === e[2] && r.s <= e[0] && e[0] + e[1] <= r.e && (!best || r.e - r.s < best.e - best.s)) best = r;
      if (best) name = best.name;
    }
    cache.set(pc, name);
    return name;
  };
}

// ---- the chain (bench/_registry.mjs, as bench/gas.mjs) and the presentations
const { chain, registry, w, verifier } = await benchRegistry();
// Challenges sharing their high bits, the low byte counting: one replay bitmap word for the batch.
const base = BigInt(`0x${bytesToHex(randomBytes(30))}`) >> 6n;
const calls = [];
for (let i = 0; i < 6; i++) {
  const request = withChallenge(verifier.createRequest({ statement: STATEMENTS.ageAtLeast }), (base << 8n) | BigInt(i));
  const p = await prove({ credential: w.record, holder: w.holder, request });
  calls.push(presentationCall(p, p.request));
}
const at = (await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "circuit", args: [calls[0].circuitId] })).layout;

const sourceOf = sourceMapOfRegistry();
const PRECOMPILE = { 6: "ecAdd (0x06)", 7: "ecMul (0x07)", 8: "pairing (0x08)" };

async function traced(items) {
  const data = encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentations", args: [items[0].circuitId, items[0].params, items.map((c) => c.proof), items.flatMap((c) => c.signals)] });
  const snapshot = await chain.client.request({ method: "evm_snapshot" });
  const hash = await chain.wallet(2).sendTransaction({ to: registry, data, account: chain.accounts[2] });
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("batch reverted");
  const trace = await chain.client.request({ method: "debug_traceTransaction", params: [hash, { disableMemory: true, disableStorage: true }] });
  await chain.client.request({ method: "evm_revert", params: [snapshot] });
  const logs = trace.structLogs;
  const byClass = {};
  const byFunction = {};
  const add = (o, k, g) => (o[k] = (o[k] ?? 0) + g);
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (step.depth !== 1) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== 1) j++;
    const cost = j < logs.length ? step.gas - logs[j].gas : step.gasCost;
    let cls = "other (stack, jumps, arithmetic, memory)";
    if (step.op === "STATICCALL") {
      const to = Number(BigInt(step.stack[step.stack.length - 2]));
      cls = PRECOMPILE[to] ?? `STATICCALL ${to}`;
    } else if (step.op === "SLOAD" || step.op === "SSTORE") cls = step.op;
    else if (step.op === "KECCAK256") cls = "KECCAK256";
    else if (step.op.startsWith("LOG")) cls = "LOG";
    else if (step.op === "CALLDATALOAD" || step.op === "CALLDATACOPY") cls = "CALLDATALOAD/COPY";
    else if (step.op === "EXTCODECOPY") cls = "EXTCODECOPY (key)";
    add(byClass, cls, cost);
    add(byFunction, sourceOf(step.pc), cost);
  }
  const last = logs[logs.length - 1];
  const execution = logs[0].gas - (last.gas - last.gasCost);
  byClass["calldata (intrinsic)"] = Number(receipt.gasUsed) - 21_000 - execution;
  return { gasUsed: Number(receipt.gasUsed), byClass, byFunction };
}

const small = await traced(calls.slice(0, 2));
const large = await traced(calls);
const diff = (a, b) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].map((k) => [k, ((b[k] ?? 0) - (a[k] ?? 0)) / 4]).filter(([, g]) => g !== 0).sort((x, y) => y[1] - x[1]);
};
const print = (title, rows) => {
  console.log(`\n${title}`);
  for (const [k, g] of rows) console.log(`  ${k.padEnd(48)}${g.toLocaleString("en-US", { maximumFractionDigits: 1 }).padStart(10)}`);
  console.log(`  ${"total".padEnd(48)}${rows.reduce((s, [, g]) => s + g, 0).toLocaleString("en-US", { maximumFractionDigits: 1 }).padStart(10)}`);
};
console.log(`batches of 2 and 6 (ageAtLeast, ${at.nSignals} signals, challenges sharing one replay word): ${small.gasUsed.toLocaleString("en-US")} and ${large.gasUsed.toLocaleString("en-US")} gas; marginal item ${((large.gasUsed - small.gasUsed) / 4).toLocaleString("en-US")}`);
print("marginal item by opcode class", diff(small.byClass, large.byClass));
print("marginal item by function (innermost Solidity or assembly function)", diff(small.byFunction, large.byFunction));
process.exit(0);
