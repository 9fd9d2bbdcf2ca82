// The per-proof cost split of verification, measured on medzk's own modules (bench/run.mjs bundles
// this file with esbuild and calls verifyParts): each step of verifyBatch alone, per item of a
// batch of n, and the curve-work floor of one item. Single-threaded; wall-clock medians.
import { hexToBytes } from "@noble/hashes/utils";
import { verificationKey } from "../src/artifacts/manifest.js";
import { BUILTIN_SCHEMAS, type SchemaDefinition } from "../src/core/schemas.js";
import { scopeField, verifierScope } from "../src/core/request.js";
import { verifierCurve } from "../src/groth16/curve.js";
import { glvWeight, timesGlvWeights } from "../src/groth16/glv.js";
import { g1, g2, inG2Subgroup, pointsOnCurve } from "../src/groth16/points.js";
import { prepareKey, publicInputPoint } from "../src/groth16/prepared-key.js";
import { type ParsedProof, parseProof } from "../src/groth16/proof.js";
import { checkAuthenticity, checkKey, checkSignals, parseStep } from "../src/verifier/steps.js";
import { checkTrust, trustSources } from "../src/verifier/trust.js";

interface Input {
  presentations: Array<{ request: unknown; proof: unknown; publicSignals: string[] }>;
  verifierKey: { privateKey: string; publicKey: string };
  purpose: string;
  publicKey: string;
  now: Date;
}

function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function perItem(n: number, runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    samples.push((performance.now() - t0) / n);
  }
  return median(samples);
}

/** Milliseconds per item of each step, for a batch of `input.presentations` (all of one statement). */
export async function verifyParts(input: Input): Promise<Record<string, number>> {
  const items = input.presentations;
  const n = items.length;
  const c = await verifierCurve();
  const key = await prepareKey(verificationKey("age_at_least"));
  const verifier = { publicKey: input.verifierKey.publicKey, purpose: input.purpose, privateKey: hexToBytes(input.verifierKey.privateKey) };
  const schemas = (id: string): SchemaDefinition | undefined => BUILTIN_SCHEMAS[id];
  const scope = scopeField(verifierScope(input.verifierKey.publicKey, input.purpose));
  const parsed = items.map((p) => parseStep(p));
  const signals = parsed.map((p) => checkSignals(p.request, p.publicSignals, schemas, scope));
  const sources = trustSources([input.publicKey], undefined);
  // The key the presentations name is the one checked against (the shipped key's id).
  const keys = new Map([["age_at_least", { id: parsed[0]!.key?.id ?? "" }]]);
  const proofs = parsed.map((p) => p.proof as ParsedProof);
  const bAffine = proofs.map((p) => g2(c, p.b));
  const bPoints = bAffine.map((b) => c.G2.toJacobian(b));
  const aAffine = proofs.map((p) => g1(c, p.a));
  const aPoints = aAffine.map((a) => c.G1.toJacobian(a));

  const tm = c.tm;
  const w = tm.instance.exports as unknown as Record<string, (...args: number[]) => number>;
  /** Runs `body` with scratch memory for one G1 and one G2 point, a scalar and n prepared pairs. */
  const inWasm = (body: (m: { p: number; q: number; s: number; out: number; preP: number; preQ: number }) => void) => () => {
    tm.startSyncOp();
    try {
      body({ p: tm.alloc(96), q: tm.alloc(192), s: tm.alloc(32), out: tm.alloc(384), preP: tm.alloc(c.prePSize * 8), preQ: tm.alloc(c.preQSize * 8) });
    } finally {
      tm.endSyncOp();
    }
  };
  // GLV weights a + λ·b with 64-bit halves, as verifyBatch draws them (src/groth16/glv.ts).
  const weightBytes = new Uint8Array(16 * n).fill(0xa7);
  const weights = aAffine.map((_, k) => glvWeight(weightBytes, 16 * k, c.r));
  const parts: Record<string, number> = {
    "parse (envelope, proof)": await perItem(n, 9, () => items.map((p) => parseProof(parseStep(p).proof))),
    "request authenticity": await perItem(n, 9, () => parsed.map((p) => checkAuthenticity(p.request, verifier, undefined, input.now))),
    "key, statement and signals": await perItem(n, 9, () => parsed.map((p) => (checkKey(p.request, p.key, keys as never), checkSignals(p.request, p.publicSignals, schemas, scope)))),
    "trust (issuer key, revocation root)": await perItem(n, 9, () =>
      Promise.all(signals.map((s) => checkTrust(sources, { issuerAx: s.byName.get("issuerAx")!, issuerAy: s.byName.get("issuerAy")!, revocationRoot: s.byName.get("revocationRoot")! }, s.schema, s.asOf, input.now, 3_600_000))),
    ),
    "points on the curves": await perItem(n, 9, () => proofs.map((p) => pointsOnCurve(c, p))),
    "B in G2's subgroup": await perItem(n, 5, () => inG2Subgroup(c, bAffine)),
    "scalar multiplication r_i·A_i": await perItem(n, 5, () => timesGlvWeights(c, aAffine, weights)),
    "line preparation (B's coefficients)": await perItem(n, 5, inWasm((m) => {
      for (const b of bPoints) {
        tm.setBuff(m.q, b);
        w.bn128_prepareG2!(m.q, m.preQ);
      }
    })),
  };
  // Line evaluations and the shared squarings: a multi-Miller loop over 8 prepared pairs, per pair.
  parts["Miller loop (lines; squarings shared)"] = await perItem(8, 5, inWasm((m) => {
    for (let k = 0; k < 8; k++) {
      tm.setBuff(m.p, aPoints[k % n]!);
      w.bn128_prepareG1!(m.p, m.preP + k * c.prePSize);
      tm.setBuff(m.q, bPoints[k % n]!);
      w.bn128_prepareG2!(m.q, m.preQ + k * c.preQSize);
    }
    w.bn128_multiMillerLoop!(m.preP, m.preQ, 8, m.out);
  })) - parts["line preparation (B's coefficients)"]!;
  // Once per batch or per single check.
  parts["final exponentiation (once)"] = await perItem(1, 9, inWasm((m) => {
    w.ftm_one!(m.out);
    w.bn128_finalExponentiation!(m.out, m.out);
  }));
  // Through the presentations in turn, as a verifier meets them: values that repeat (issuer key,
  // revocation root, scope) have their products kept, the challenge changes every time.
  let next = 0;
  parts["public input point L (once, per check)"] = await perItem(1, 9, () => publicInputPoint(c, key, signals[next++ % n]!.signals, undefined));
  return parts;
}
