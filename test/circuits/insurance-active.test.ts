// Soundness of the insurance_active circuit at the R1CS level: every rejection below is a
// malicious witness that violates the compiled constraints, never merely an input that the honest
// witness generator refuses. The cheater (`cheat`) edits circuit inputs and then recomputes every
// other wire the way an honest prover would, so a failure is a check the edit cannot get past.
import fc from "fast-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_DIR, compileCircuit } from "../../scripts/circuits.mjs";
import {
  buildOracle,
  INSURANCE_SCHEMA,
  insuranceAttrs,
  insuranceInput,
  L,
  signRecord,
  type InsuranceRecord,
  type Issuer,
  type Oracle,
} from "../helpers/circuit-credential.js";
import { type ComparatorHint, cheater, expectRejectedBy as rejectedBy } from "../helpers/cheater.js";
import { Circuit, escapeRegExp, failuresOutside, mod, P, terminateCurves, type Hint } from "../helpers/r1cs.js";

const NAME = "insurance_active";
const HOLDER = { holderSecret: 0x1ee7_0002_468a_ce13_579bdfn, salt: 0x5a17_0f1e_2d3c_4b5a_697887n };
const RECORD: InsuranceRecord = {
  insurerId: 0x1a5e_12e2_0000_0001n, // arbitrary field elements standing for hashed strings
  memberId: 0x3e3b_e200_0000_0042n,
  plan: 0x91a4_0000_0000_0007n,
  coverageStart: 20250101n,
  coverageEnd: 20251231n,
};
const PUB = { challenge: 0xc4a11e46en, scope: 0x5c09en };

const SIG = /^main\.SignedHolderCredential_\d+_\d+\.sig\./;
// Both sides of the EdDSA equation S*B8 = R8 + 8*h*A (fixed-base, variable-base, final add).
const SIG_EQUATION = /^main\.SignedHolderCredential_\d+_\d+\.sig\.(mulFix|mulAny|addRight|dbl\d)\./;
const S_BELOW_ORDER = /^main\.SignedHolderCredential_\d+_\d+\.sig\.compConstant\./;
const ANY_COMPARATOR = /^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_/;
const ANY_RANGE_CHECK = /^main\.AssertLessEqThan_\d+_\d+\.Num2Bits_/;

let circuit: Circuit;
let oracle: Oracle;
let trusted: Issuer;
let attacker: Issuer;
/** The two AssertLessEqThan components, [coverageStart <= asOfDate, asOfDate <= coverageEnd]. */
let checks: { path: string; comparator: string; range: [string, string] }[];

beforeAll(async () => {
  circuit = await Circuit.load(await compileCircuit(NAME, join(BUILD_DIR, "..", "soundness", NAME)));
  oracle = await buildOracle();
  trusted = oracle.issuer("medzk soundness: trusted issuer");
  attacker = oracle.issuer("medzk soundness: attacker");
  checks = circuit.components(/^main\.AssertLessEqThan_\d+_\d+$/).map((ale) => {
    const [comparator] = circuit.components(new RegExp(`^${escapeRegExp(ale)}\\.LessEqThan_\\d+_\\d+\\.lt\\.n2b$`));
    const range = circuit.components(new RegExp(`^${escapeRegExp(ale)}\\.Num2Bits_\\d+_\\d+$`));
    return { path: ale, comparator: comparator!, range: range as [string, string] };
  });
  expect(checks).toHaveLength(2);
  for (const check of checks) expect(check.range).toHaveLength(2);
});

afterAll(terminateCurves);

const within = (component: string) => new RegExp(`^${escapeRegExp(component)}\\.`);

/** Honest witness for a record `issuer` really signed. */
function honest(asOfDate: bigint, record: Partial<InsuranceRecord> = {}, issuer = trusted) {
  return circuit.witness(insuranceInput(oracle, issuer, { ...HOLDER, ...RECORD, ...record }, { ...PUB, asOfDate }));
}


/**
 * The statement's hints, recomputed from the current inputs: for each AssertLessEqThan(27)
 * (a <= b), the range-check bits of a and b (27 each) and the comparator's decomposition.
 * LessEqThan(27)(a, b) is LessThan(27)(a, b + 1): its Num2Bits(28) decomposes a + 2^27 - b - 1
 * and the comparison output is 1 - bit 27. "claim-true" clears bit 27, i.e. the decomposition a
 * prover would need for the comparison to come out 1.
 */
function statementHints(comparator: ComparatorHint): Hint[] {
  const [start, asOf, end] = ["coverageStart", "asOfDate", "coverageEnd"].map((n) => circuit.wire(`main.${n}`));
  return [
    [start!, asOf!],
    [asOf!, end!],
  ].flatMap(([a, b], i) => {
    const { path, comparator: cmp, range } = checks[i]!;
    const value = (w: bigint[]) => {
      const v = mod(w[a!]! + (1n << 27n) - w[b!]! - 1n);
      return comparator === "honest" ? v : v & ~(1n << 27n);
    };
    // The comparison output (1 - bit 27) has no wire here (le === 1 let --O2 eliminate it), but
    // should a circuit change keep one, the cheater sets it consistently with the bits.
    const outputs = circuit.wires(new RegExp(`^${escapeRegExp(path)}\\.(le|LessEqThan_\\d+_\\d+\\.(out|lt\\.out))$`));
    return [
      circuit.bitsHint(range[0], 27, [a!], (w) => w[a!]!),
      circuit.bitsHint(range[1], 27, [b!], (w) => w[b!]!),
      circuit.bitsHint(cmp, 28, [a!, b!], value),
      ...outputs.map((wire) => ({
        sets: [wire],
        needs: [a!, b!],
        compute: (w: bigint[]) => [1n - ((value(w) >> 27n) & 1n)],
      })),
    ];
  });
}

const cheat = cheater(() => circuit, () => oracle, statementHints);
const expectRejectedBy = (w: bigint[], by: RegExp, notBy?: RegExp) => rejectedBy(circuit, w, by, notBy);

describe("insurance_active: the R1CS checker", () => {
  it("accepts the honest witness, whose public signals match the independent oracle", async () => {
    const w = await honest(20250601n);
    expect(circuit.check(w)).toEqual([]);
    expect(circuit.publicSignals(w)).toEqual([
      oracle.nullifier(HOLDER.holderSecret, PUB.scope),
      trusted.Ax,
      trusted.Ay,
      20250601n,
      RECORD.insurerId,
      PUB.challenge,
      PUB.scope,
    ]);
  });

  it("rejects one-wire edits (so the checker is not vacuous)", async () => {
    const w = await honest(20250601n);
    for (const pattern of [
      /^main\.nullifier$/,
      /^main\.SignedHolderCredential_\d+_\d+\.commitment\.out$/,
      /^main\.BindChallenge_\d+_\d+\.challengeSquare$/,
    ]) {
      const wires = circuit.wires(pattern);
      expect(wires, String(pattern)).toHaveLength(1);
      const edited = [...w];
      edited[wires[0]!] = mod(edited[wires[0]!]! + 1n);
      expect(circuit.check(edited).length, String(pattern)).toBeGreaterThan(0);
    }
  });

  it("pins the constraint count (5222, all non-linear)", () => {
    expect(circuit.nConstraints).toBe(5222);
    expect(circuit.nonLinearConstraints()).toBe(5222);
  });

  it("the cheater is exact: with no edit, or a still-true edit, it rebuilds the honest witness", async () => {
    const w = await honest(20250601n);
    expect(cheat(w, {})).toEqual(w);
    expect(cheat(w, { asOfDate: 20251231n })).toEqual(await honest(20251231n));
  });
});

describe("insurance_active: an unsigned record is rejected", () => {
  it("(a) signed by an attacker key, presented under the trusted key", async () => {
    const w = await honest(20250601n, {}, attacker);
    expect(circuit.check(w)).toEqual([]);
    expect(circuit.check(circuit.with(w, { "main.issuerAx": trusted.Ax, "main.issuerAy": trusted.Ay })).length)
      .toBeGreaterThan(0);
    expectRejectedBy(cheat(w, { issuerAx: trusted.Ax, issuerAy: trusted.Ay }), SIG_EQUATION);
  });

  it("(b) a coverageEnd the issuer never signed (coverage extended by a year)", async () => {
    const w = await honest(20250601n);
    expect(circuit.check(circuit.with(w, { "main.coverageEnd": 20261231n })).length).toBeGreaterThan(0);
    const forged = cheat(w, { coverageEnd: 20261231n, asOfDate: 20260601n });
    expectRejectedBy(forged, SIG_EQUATION);
    expect(failuresOutside(circuit.check(forged), SIG)).toEqual([]); // the date rule itself holds
  });

  it("(c) signature scalar S replaced by S + l (same point S*B8, S-bits recomputed)", async () => {
    const w = await honest(20250601n);
    const sigS = w[circuit.wire("main.sigS")]!;
    expect(sigS + L < 1n << 253n).toBe(true);
    for (const sCheck of ["honest", "claim-below-order"] as const) {
      expectRejectedBy(cheat(w, { sigS: sigS + L }, { sCheck }), S_BELOW_ORDER, SIG_EQUATION);
    }
  });

  it("a different public insurerId is outside the signed preimage", async () => {
    const w = await honest(20250601n);
    expect(circuit.check(circuit.with(w, { "main.insurerId": RECORD.insurerId + 1n })).length).toBeGreaterThan(0);
    expectRejectedBy(cheat(w, { insurerId: RECORD.insurerId + 1n }), SIG_EQUATION);
  });
});

describe("insurance_active: coverage window", () => {
  it("the first and last covered days are accepted (honest witnesses)", async () => {
    expect(circuit.check(await honest(RECORD.coverageStart))).toEqual([]);
    expect(circuit.check(await honest(RECORD.coverageEnd))).toEqual([]);
    const w = await honest(20250601n);
    expect(circuit.check(cheat(w, { asOfDate: RECORD.coverageStart }))).toEqual([]);
    expect(circuit.check(cheat(w, { asOfDate: RECORD.coverageEnd }))).toEqual([]);
  });

  // The witness is computed honestly inside the window, then moved just outside it: every range
  // check and comparator bit that asOfDate determines is recomputed.
  it("the day before coverageStart is rejected by the start comparator, for both hints", async () => {
    const w = await honest(20250601n);
    for (const comparator of ["honest", "claim-true"] as const) {
      const forged = cheat(w, { asOfDate: 20241231n }, { comparator });
      expectRejectedBy(forged, within(checks[0]!.comparator), within(checks[1]!.path));
    }
  });

  it("the day after coverageEnd is rejected by the end comparator, for both hints", async () => {
    const w = await honest(20250601n);
    for (const comparator of ["honest", "claim-true"] as const) {
      const forged = cheat(w, { asOfDate: 20260101n }, { comparator });
      expectRejectedBy(forged, within(checks[1]!.comparator), within(checks[0]!.path));
    }
  });

  it("no assignment of the end comparator's surviving bit wires helps (property)", async () => {
    const base = cheat(await honest(20250601n), { asOfDate: 20260101n });
    const bits = circuit.wires(new RegExp(`^${escapeRegExp(checks[1]!.comparator)}\\.out\\[\\d+\\]$`));
    expect(bits.length).toBe(26); // bits 26 and 27 were eliminated by --O2
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 26n) - 1n }), (pattern) => {
        const w = [...base];
        bits.forEach((wire, i) => (w[wire] = (pattern >> BigInt(i)) & 1n));
        expectRejectedBy(w, within(checks[1]!.comparator));
      }),
      { numRuns: 40 },
    );
  });
});

describe("insurance_active: out-of-range field values", () => {
  it("a signed coverageStart of p - 1 (compares as -1 <= asOfDate) is caught by its range check", async () => {
    const w = await honest(20250601n);
    const attrs = insuranceAttrs({ ...RECORD, coverageStart: P - 1n });
    const signature = signRecord(oracle, trusted, INSURANCE_SCHEMA, HOLDER, attrs);
    const forged = cheat(w, { coverageStart: P - 1n, ...signature });
    expectRejectedBy(forged, within(checks[0]!.range[0]), ANY_COMPARATOR);
  });

  it("the 27-bit boundary: coverageEnd = asOfDate = 2^27 - 1 passes, 2^27 is caught by range checks only", async () => {
    const top = (1n << 27n) - 1n;
    const w = await honest(top, { coverageEnd: top });
    expect(circuit.check(w)).toEqual([]);
    const attrs = insuranceAttrs({ ...RECORD, coverageEnd: top + 1n });
    const signature = signRecord(oracle, trusted, INSURANCE_SCHEMA, HOLDER, attrs);
    const forged = cheat(w, { coverageEnd: top + 1n, asOfDate: top + 1n, ...signature });
    expectRejectedBy(forged, ANY_RANGE_CHECK, ANY_COMPARATOR);
  });
});

describe("insurance_active: holder binding and challenge", () => {
  it("a different holderSecret (nullifier recomputed by the cheater) breaks the signed commitment", async () => {
    const w = await honest(20250601n);
    const forged = cheat(w, { holderSecret: HOLDER.holderSecret + 1n });
    expect(forged[circuit.wire("main.nullifier")]).toBe(oracle.nullifier(HOLDER.holderSecret + 1n, PUB.scope));
    expectRejectedBy(forged, SIG_EQUATION);
  });

  it("editing the public challenge wire alone is rejected by challengeSquare", async () => {
    const w = await honest(20250601n);
    expect(circuit.wires(/^main\.BindChallenge_\d+_\d+\.challengeSquare$/)).toHaveLength(1);
    expectRejectedBy(circuit.with(w, { "main.challenge": PUB.challenge + 1n }), /challengeSquare$/);
    // By design the square only anchors the wire; the verifier's challenge is bound as a Groth16
    // public input, so a prover that recomputes the square may use any challenge.
    expect(circuit.check(cheat(w, { challenge: PUB.challenge + 1n }))).toEqual([]);
  });
});
