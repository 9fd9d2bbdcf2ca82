// Soundness of the age_at_least circuit at the R1CS level: every rejection below is a malicious
// witness that violates the compiled constraints, never merely an input that the honest witness
// generator refuses. The cheater (`cheat`) edits circuit inputs and then recomputes every other
// wire the way an honest prover would, so a failure is a check the edit cannot get past.
import fc from "fast-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_DIR, compileCircuit } from "../../scripts/circuits.mjs";
import {
  ageInput,
  buildOracle,
  L,
  PATIENT_RECORD_SCHEMA,
  signRecord,
  type Issuer,
  type Oracle,
} from "../helpers/circuit-credential.js";
import { type ComparatorHint, cheater, expectRejectedBy as rejectedBy } from "../helpers/cheater.js";
import { Circuit, failuresOutside, inv, mod, P, terminateCurves, type Hint } from "../helpers/r1cs.js";

const NAME = "age_at_least";
const HOLDER = { holderSecret: 0x5eed_0001_2345_6789_abcdefn, salt: 0x5a17_9876_5432_10fedcban };
const PUB = { minAge: 18n, challenge: 0xc4a11e46en, scope: 0x5c09en };

// Where a rejection must come from (regexes over the signal names in the .sym file).
const COMPARATOR = /^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_/;
const ASSERT_LE = /^main\.AssertLessEqThan_/; // the comparator and its two 28-bit range checks
const MIN_AGE_RANGE = /^main\.Num2Bits_\d+_\d+\.out\[/;
const DOB_RANGE = /^main\.DateRange_\d+_\d+\./;
const SIG = /^main\.SignedHolderCredential_\d+_\d+\.sig\./;
// Both sides of the EdDSA equation S*B8 = R8 + 8*h*A (fixed-base, variable-base, final add).
const SIG_EQUATION = /^main\.SignedHolderCredential_\d+_\d+\.sig\.(mulFix|mulAny|addRight|dbl\d)\./;
const S_BELOW_ORDER = /^main\.SignedHolderCredential_\d+_\d+\.sig\.compConstant\./;

let circuit: Circuit;
let oracle: Oracle;
let trusted: Issuer;
let attacker: Issuer;

beforeAll(async () => {
  circuit = await Circuit.load(await compileCircuit(NAME, join(BUILD_DIR, "..", "soundness", NAME)));
  oracle = await buildOracle();
  trusted = oracle.issuer("medzk soundness: trusted issuer");
  attacker = oracle.issuer("medzk soundness: attacker");
});

afterAll(terminateCurves);

/** Honest witness for a record `issuer` really signed. */
function honest(dateOfBirth: bigint, asOfDate: bigint, issuer = trusted, holder = HOLDER, minAge = PUB.minAge) {
  return circuit.witness(ageInput(oracle, issuer, { ...holder, dateOfBirth }, { ...PUB, minAge, asOfDate }));
}


/**
 * The age statement's hints, recomputed from the current inputs: the range-check bits of
 * dateOfBirth (27), minAge (8), both comparator inputs (28 each), and the comparator's own
 * decomposition. LessEqThan(28)(a, b) is LessThan(28)(a, b + 1): its Num2Bits(29) decomposes
 * a + 2^28 - b - 1 and the comparison output is 1 - bit 28. "claim-true" clears bit 28, i.e.
 * the decomposition a prover would need for the comparison to come out 1.
 */
function statementHints(comparator: ComparatorHint): Hint[] {
  const [dob, minAge, asOf] = ["dateOfBirth", "minAge", "asOfDate"].map((n) => circuit.wire(`main.${n}`)) as [
    number,
    number,
    number,
  ];
  // Hints are attached to whatever components exist: if one disappeared, its bits would not be
  // needed, and a renamed one leaves its bits unresolved, which cheat() reports.
  const each = (pattern: RegExp, n: number, needs: number[], value: (w: bigint[]) => bigint) =>
    circuit.components(pattern).map((component) => circuit.bitsHint(component, n, needs, value));
  const lhs = (w: bigint[]) => mod(w[dob]! + w[minAge]! * 10000n);
  const cmp = (w: bigint[]) => {
    const v = mod(lhs(w) + (1n << 28n) - w[asOf]! - 1n);
    return comparator === "honest" ? v : v & ~(1n << 28n);
  };
  // AssertLessEqThan's two range checks, in declaration order: in[0] = lhs, in[1] = asOfDate.
  const [lhsRange, rhsRange] = circuit.components(/^main\.AssertLessEqThan_\d+_\d+\.Num2Bits_\d+_\d+$/);
  return [
    ...each(/^main\.DateRange_\d+_\d+\.Num2Bits_\d+_\d+$/, 27, [dob], (w) => w[dob]!),
    ...each(/^main\.Num2Bits_\d+_\d+$/, 8, [minAge], (w) => w[minAge]!),
    ...(lhsRange ? [circuit.bitsHint(lhsRange, 28, [dob, minAge], lhs)] : []),
    ...(rhsRange ? [circuit.bitsHint(rhsRange, 28, [asOf], (w) => w[asOf]!)] : []),
    ...each(/^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_\d+_\d+\.lt\.n2b$/, 29, [dob, minAge, asOf], cmp),
    // The comparison output (1 - bit 28) has no wire here (le === 1 let --O2 eliminate it), but
    // should a circuit change keep one, the cheater sets it consistently with the bits.
    ...circuit.wires(/^main\.AssertLessEqThan_\d+_\d+\.(le|LessEqThan_\d+_\d+\.(out|lt\.out))$/).map((wire) => ({
      sets: [wire],
      needs: [dob, minAge, asOf],
      compute: (w: bigint[]) => [1n - ((cmp(w) >> 28n) & 1n)],
    })),
  ];
}

const cheat = cheater(() => circuit, () => oracle, statementHints);
const expectRejectedBy = (w: bigint[], by: RegExp, notBy?: RegExp) => rejectedBy(circuit, w, by, notBy);

describe("age_at_least: the R1CS checker", () => {
  it("accepts the honest witness, whose public signals match the independent oracle", async () => {
    const w = await honest(20080229n, 20260301n);
    expect(circuit.check(w)).toEqual([]);
    expect(circuit.publicSignals(w)).toEqual([
      oracle.nullifier(HOLDER.holderSecret, PUB.scope),
      trusted.Ax,
      trusted.Ay,
      20260301n,
      18n,
      PUB.challenge,
      PUB.scope,
    ]);
  });

  it("rejects one-wire edits (so the checker is not vacuous)", async () => {
    const w = await honest(20080229n, 20260301n);
    for (const pattern of [
      /^main\.nullifier$/,
      /^main\.SignedHolderCredential_\d+_\d+\.holderCommitment$/,
      /^main\.BindChallenge_\d+_\d+\.challengeSquare$/,
    ]) {
      const wires = circuit.wires(pattern);
      expect(wires, String(pattern)).toHaveLength(1);
      const edited = [...w];
      edited[wires[0]!] = mod(edited[wires[0]!]! + 1n);
      expect(circuit.check(edited).length, String(pattern)).toBeGreaterThan(0);
    }
    // Flipping one comparator bit, too.
    const [bit] = circuit.wires(/LessEqThan_\d+_\d+\.lt\.n2b\.out\[0\]$/);
    const flipped = [...w];
    flipped[bit!] = 1n - flipped[bit!]!;
    expect(circuit.check(flipped).length).toBeGreaterThan(0);
  });

  it("pins the constraint count (5074, all non-linear)", () => {
    expect(circuit.nConstraints).toBe(5074);
    expect(circuit.nonLinearConstraints()).toBe(5074);
  });

  it("the cheater is exact: with no edit, or a still-true edit, it rebuilds the honest witness", async () => {
    const w = await honest(20080229n, 20300101n);
    expect(cheat(w, {})).toEqual(w);
    // Moving asOfDate to the 18th birthday is still a true statement: the cheater then produces
    // exactly the honest witness for that date, so its rejections below are due to the edit.
    expect(cheat(w, { asOfDate: 20260301n })).toEqual(await honest(20080229n, 20260301n));
  });
});

describe("age_at_least: an unsigned record is rejected", () => {
  it("(a) signed by an attacker key, presented under the trusted key", async () => {
    const w = await honest(20000101n, 20260301n, attacker);
    expect(circuit.check(w)).toEqual([]); // valid for the attacker's own key
    const naive = circuit.with(w, { "main.issuerAx": trusted.Ax, "main.issuerAy": trusted.Ay });
    expect(circuit.check(naive).length).toBeGreaterThan(0);
    // Recomputing h = H(R8, A, M), 8*A, h*8*A etc. for the trusted key leaves only the equation.
    expectRejectedBy(cheat(w, { issuerAx: trusted.Ax, issuerAy: trusted.Ay }), SIG_EQUATION);
  });

  it("(b) a dateOfBirth the issuer never signed (a minor claiming to be older)", async () => {
    const w = await honest(20100101n, 20300101n); // true in 2030
    expect(circuit.check(w)).toEqual([]);
    expect(circuit.check(circuit.with(w, { "main.dateOfBirth": 20000101n })).length).toBeGreaterThan(0);
    const forged = cheat(w, { dateOfBirth: 20000101n, asOfDate: 20260301n });
    expectRejectedBy(forged, SIG_EQUATION);
    expect(failuresOutside(circuit.check(forged), SIG)).toEqual([]); // the age rule itself holds
  });

  it("(c) signature scalar S replaced by S + l (same point S*B8, S-bits recomputed)", async () => {
    const w = await honest(20080229n, 20260301n);
    const sigS = w[circuit.wire("main.sigS")]!;
    expect(sigS + L < 1n << 253n).toBe(true); // still fits Num2Bits(253): only S < l can catch it
    for (const sCheck of ["honest", "claim-below-order"] as const) {
      // The equation S*B8 = R8 + 8*h*A still holds (l*B8 = 0); only the S < l comparator fails.
      expectRejectedBy(cheat(w, { sigS: sigS + L }, { sCheck }), S_BELOW_ORDER, SIG_EQUATION);
    }
  });
});

describe("age_at_least: a minor cannot prove minAge 18", () => {
  // The witness is computed honestly at a later date, where the statement is true, then moved
  // back: every range-check and comparator bit that asOfDate determines is recomputed.
  async function moveAsOfDate(dateOfBirth: bigint, later: bigint, target: bigint, comparator: ComparatorHint) {
    const w = await honest(dateOfBirth, later);
    expect(circuit.check(w)).toEqual([]);
    return cheat(w, { asOfDate: target }, { comparator });
  }

  for (const { born, dayBefore, birthday } of [
    { born: 20080229n, dayBefore: 20260228n, birthday: 20260301n }, // leap-day birth, non-leap 18th year
    { born: 20070615n, dayBefore: 20250614n, birthday: 20250615n },
  ]) {
    it(`born ${born}: ${dayBefore} rejected for both comparator hints, ${birthday} accepted`, async () => {
      expect(circuit.check(await honest(born, birthday))).toEqual([]);
      expect(circuit.check(await moveAsOfDate(born, 20300101n, birthday, "honest"))).toEqual([]);
      for (const comparator of ["honest", "claim-true"] as const) {
        expectRejectedBy(await moveAsOfDate(born, 20300101n, dayBefore, comparator), COMPARATOR);
      }
    });
  }

  it("--O2 left no wire for the comparison output: both hint strategies yield the same witness", async () => {
    // Bits 27 and 28 of the comparator's decomposition were eliminated (bit 28 is fixed by
    // le === 1, bit 27 is implied by the others), so the claim-true bits differ from the honest
    // ones only on wires that do not exist; the implied bit 27 is then 2, not a boolean.
    const honestHint = await moveAsOfDate(20080229n, 20300101n, 20260228n, "honest");
    expect(await moveAsOfDate(20080229n, 20300101n, 20260228n, "claim-true")).toEqual(honestHint);
  });

  it("no assignment of the comparator's surviving bit wires helps (property)", async () => {
    const base = await moveAsOfDate(20080229n, 20300101n, 20260228n, "honest");
    const bits = circuit.wires(/LessEqThan_\d+_\d+\.lt\.n2b\.out\[\d+\]$/);
    expect(bits.length).toBe(27);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 27n) - 1n }), (pattern) => {
        const w = [...base];
        bits.forEach((wire, i) => (w[wire] = (pattern >> BigInt(i)) & 1n));
        expectRejectedBy(w, COMPARATOR);
      }),
      { numRuns: 40 },
    );
  });
});

describe("age_at_least: out-of-range field values", () => {
  it("a public minAge wrapping dateOfBirth + minAge*10000 below asOfDate fails minAge's range check", async () => {
    const w = await honest(20100101n, 20260301n, trusted, HOLDER, 0n);
    fc.assert(
      // Targets below dateOfBirth, so that reaching them needs a wrap (no m < 256 does it).
      fc.property(fc.bigInt({ min: 0n, max: 20100100n }), (target) => {
        // dateOfBirth + m*10000 = target <= asOfDate (mod p): the comparator alone would accept.
        const m = mod((target - 20100101n) * inv(10000n));
        expect(m >= 256n).toBe(true);
        // The comparator and its 28-bit input range checks accept the wrapped value.
        expectRejectedBy(cheat(w, { minAge: m }), MIN_AGE_RANGE, ASSERT_LE);
      }),
      { numRuns: 8 },
    );
  });

  it("a signed dateOfBirth of p - 1 (wraps to 179999 after + 18*10000) is caught by the date range check", async () => {
    const w = await honest(20000101n, 20260301n);
    const signature = signRecord(oracle, trusted, PATIENT_RECORD_SCHEMA, HOLDER, [P - 1n]);
    expectRejectedBy(cheat(w, { dateOfBirth: P - 1n, ...signature }), DOB_RANGE, ASSERT_LE);
  });

  it("27-bit boundary: a signed dateOfBirth of 2^27 - 1 passes, 2^27 is caught by the date range check", async () => {
    const top = (1n << 27n) - 1n;
    expect(circuit.check(await honest(top, top + 180000n))).toEqual([]);
    const w = await honest(top, top + 180001n);
    const signature = signRecord(oracle, trusted, PATIENT_RECORD_SCHEMA, HOLDER, [top + 1n]);
    expectRejectedBy(cheat(w, { dateOfBirth: top + 1n, ...signature }), DOB_RANGE, ASSERT_LE);
  });
});

describe("age_at_least: holder binding and challenge", () => {
  it("a different holderSecret (nullifier recomputed by the cheater) breaks the signed commitment", async () => {
    const w = await honest(20000101n, 20260301n);
    const forged = cheat(w, { holderSecret: HOLDER.holderSecret + 1n });
    expect(forged[circuit.wire("main.nullifier")]).toBe(oracle.nullifier(HOLDER.holderSecret + 1n, PUB.scope));
    expectRejectedBy(forged, SIG_EQUATION);
  });

  it("editing the public challenge wire alone is rejected by challengeSquare", async () => {
    const w = await honest(20000101n, 20260301n);
    const square = circuit.wires(/^main\.BindChallenge_\d+_\d+\.challengeSquare$/);
    expect(square).toHaveLength(1); // not optimised away
    expectRejectedBy(circuit.with(w, { "main.challenge": PUB.challenge + 1n }), /challengeSquare$/);
    // By design the square only anchors the wire: a prover recomputing it may use any challenge.
    // What binds the verifier's challenge is its being a Groth16 public input.
    expect(circuit.check(cheat(w, { challenge: PUB.challenge + 1n }))).toEqual([]);
  });
});
