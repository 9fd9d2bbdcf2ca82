// Soundness of the age_at_least circuit at the R1CS level: every rejection below is a malicious
// witness that violates the compiled constraints, never merely an input that the honest witness
// generator refuses. The cheater (`cheat`) edits circuit inputs and then recomputes every other
// wire the way an honest prover would, so a failure is a check the edit cannot get past.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ageInput,
  assertLessEqHints,
  buildOracle,
  component,
  type Credential,
  L,
  LEAF_BITS,
  PATIENT_RECORD_SCHEMA,
  type RevocationTree,
  revocationEdits,
  signCredential,
  type Issuer,
  type Oracle,
} from "../helpers/circuit-credential.js";
import {
  type CheatOptions,
  cheater,
  expectEveryDerivedWireConstrained,
  expectRejectedBy as rejectedBy,
} from "../helpers/cheater.js";
import { Circuit, failuresOutside, inv, mod, P, type Signal, terminateCurves, type Hint } from "../helpers/r1cs.js";
import { finishBackgroundCompiles, prepareCircuit } from "./compile.js";
import { FREE_IN_EDDSA, quietly, REVOCATION_SLOT, revocationFixture, RX } from "./shared.js";

const NAME = "age_at_least";
const HOLDER = { holderSecret: 0x5eed_0001_2345_6789_abcdefn, salt: 0x5a17_9876_5432_10fedcban };
const EXPIRES_ON = 20341231n;
const PUB = { minAge: 18n, challenge: 0xc4a11e46en, scope: 0x5c09en };

// Where a rejection must come from (regexes over the signal names in the .sym file).
const COMPARATOR = /^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_/;
const ASSERT_LE = /^main\.AssertLessEqThan_/; // the age comparator and its two 28-bit range checks
const MIN_AGE_RANGE = /^main\.Num2Bits_\d+_\d+\.out\[/;
const DOB_RANGE = /^main\.DateRange_\d+_\d+\./;

let circuit: Circuit;
let oracle: Oracle;
let trusted: Issuer;
let attacker: Issuer;
/** Revocation lists: the holder's slot is revoked in `revoked`, not in `clean`. */
let clean: RevocationTree;
let revoked: RevocationTree;

beforeAll(async () => {
  let files;
  [files, oracle] = await Promise.all([prepareCircuit(NAME), buildOracle()]);
  circuit = await Circuit.load(files);
  trusted = oracle.issuer("medzk soundness: trusted issuer");
  attacker = oracle.issuer("medzk soundness: attacker");
  ({ clean, revoked } = revocationFixture(oracle));
});

afterAll(async () => {
  await finishBackgroundCompiles();
  await terminateCurves();
});

const credential = (dateOfBirth: bigint, expiresOn = EXPIRES_ON, revocationSlot = REVOCATION_SLOT): Credential => ({
  schemaId: PATIENT_RECORD_SCHEMA,
  ...HOLDER,
  revocationSlot,
  expiresOn,
  attrs: [dateOfBirth],
});

/** Honest witness for a record `issuer` really signed. */
function honest(
  dateOfBirth: bigint,
  asOfDate: bigint,
  { issuer = trusted, minAge = PUB.minAge, expiresOn = EXPIRES_ON, tree = clean, slot = REVOCATION_SLOT } = {},
) {
  const c = credential(dateOfBirth, expiresOn, slot);
  return circuit.witness(ageInput(oracle, issuer, c, tree, { ...PUB, minAge, asOfDate }));
}

/**
 * The age statement's hints, recomputed from the current inputs: the range-check bits of
 * dateOfBirth (27) and minAge (8), and the AssertLessEqThan(28)(dateOfBirth + minAge * 10000,
 * asOfDate): both 28-bit range checks and the comparator's decomposition. LessEqThan(28)(a, b)
 * is LessThan(28)(a, b + 1): its Num2Bits(29) decomposes a + 2^28 - b - 1 and the comparison
 * output is 1 - bit 28. "claim-true" clears bit 28, i.e. the decomposition a prover would need
 * for the comparison to come out 1.
 */
function statementHints(opts: CheatOptions): Hint[] {
  const [dob, minAge, asOf] = ["attr[0]", "minAge", "asOfDate"].map((n) => circuit.wire(`main.${n}`)) as [
    number,
    number,
    number,
  ];
  const lhs = (w: bigint[]) => mod(w[dob]! + w[minAge]! * 10000n);
  return [
    circuit.bitsHint(component(circuit, /^main\.DateRange_\d+_\d+\.Num2Bits_\d+_\d+$/), 27, [dob], (w) => w[dob]!),
    circuit.bitsHint(component(circuit, /^main\.Num2Bits_\d+_\d+$/), 8, [minAge], (w) => w[minAge]!),
    ...assertLessEqHints(
      circuit,
      component(circuit, /^main\.AssertLessEqThan_\d+_\d+$/),
      28,
      [dob, minAge, asOf],
      lhs,
      (w) => w[asOf]!,
      opts.comparator ?? "honest",
    ),
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
      clean.root,
      20260301n,
      18n,
      PUB.challenge,
      PUB.scope,
    ]);
  });

  it("pins the constraint count (7761, all non-linear) and the one input --O2 eliminated", () => {
    expect(circuit.nConstraints).toBe(7761);
    expect(circuit.nonLinearConstraints()).toBe(7761);
    // slot === leafIndex * 248 + bitIndex is linear, so bitIndex is replaced by
    // slot - 248 * leafIndex: whatever revBitIndex a prover passes never reaches the R1CS.
    expect(circuit.eliminatedInputs).toEqual(["main.revBitIndex"]);
  });

  it("witness mutation: changing any one derived wire violates a constraint", async () => {
    const w = await honest(20080229n, 20260301n);
    expectEveryDerivedWireConstrained(circuit, w, FREE_IN_EDDSA);
  });

  it("the cheater is exact: with no edit, or a still-true edit, it rebuilds the honest witness", async () => {
    const w = await honest(20080229n, 20300101n);
    expect(cheat(w, {})).toEqual(w);
    // Moving asOfDate to the 18th birthday is still a true statement: the cheater then produces
    // exactly the honest witness for that date, so its rejections below are due to the edit.
    const birthday = await honest(20080229n, 20260301n);
    expect(cheat(w, { asOfDate: 20260301n })).toEqual(birthday);
    expect(cheat(w, { asOfDate: 20260301n }, { full: true })).toEqual(birthday);
    // Presenting the same credential against another revocation list (slot still unrevoked).
    const other = oracle.revocationTree([REVOCATION_SLOT + 1n]);
    const edits = revocationEdits(other, other.witness(REVOCATION_SLOT));
    expect(cheat(w, edits)).toEqual(await honest(20080229n, 20300101n, { tree: other }));
    // A credential (re-signed) with a slot whose path takes every position 0..3 at some level:
    // the Merkle selection signals and the mux are recomputed exactly.
    const slot = (2n + 3n * 4n + 0n * 16n + 1n * 64n + 2n * 256n + 3n * 1024n) * BigInt(LEAF_BITS) + 17n;
    const moved = {
      revocationSlot: slot,
      ...revocationEdits(clean, clean.witness(slot)),
      ...signCredential(oracle, trusted, credential(20080229n, EXPIRES_ON, slot)),
    };
    expect(cheat(w, moved)).toEqual(await honest(20080229n, 20300101n, { slot }));
  });

  it("recomputing only what depends on the edit equals recomputing everything", async () => {
    const w = await honest(20100101n, 20300101n);
    const signature = signCredential(oracle, trusted, credential(20000101n));
    const edits = { "attr[0]": 20000101n, asOfDate: 20260301n, ...signature };
    const fast = cheat(w, edits, { comparator: "claim-true" });
    expect(fast).toEqual(cheat(w, edits, { comparator: "claim-true", full: true }));
    expect(circuit.check(fast)).toEqual([]); // re-signed: a true statement again
  });
});

describe("age_at_least: an unsigned record is rejected", () => {
  it("(a) signed by an attacker key, presented under the trusted key", async () => {
    const w = await honest(20000101n, 20260301n, { issuer: attacker });
    expect(circuit.check(w)).toEqual([]); // valid for the attacker's own key
    const naive = circuit.with(w, { "main.issuerAx": trusted.Ax, "main.issuerAy": trusted.Ay });
    expect(circuit.check(naive).length).toBeGreaterThan(0);
    // Recomputing h = H(R8, A, M), 8*A, h*8*A etc. for the trusted key leaves only the equation.
    expectRejectedBy(cheat(w, { issuerAx: trusted.Ax, issuerAy: trusted.Ay }), RX.sigEquation);
  });

  it("(b) a dateOfBirth the issuer never signed (a minor claiming to be older)", async () => {
    const w = await honest(20100101n, 20300101n); // true in 2030
    expect(circuit.check(circuit.with(w, { "main.attr[0]": 20000101n })).length).toBeGreaterThan(0);
    const forged = cheat(w, { "attr[0]": 20000101n, asOfDate: 20260301n });
    expectRejectedBy(forged, RX.sigEquation);
    expect(failuresOutside(circuit.check(forged), RX.sig)).toEqual([]); // the age rule itself holds
  });

  it("(c) signature scalar S replaced by S + l (same point S*B8, S-bits recomputed)", async () => {
    const w = await honest(20080229n, 20260301n);
    const sigS = w[circuit.wire("main.sigS")]!;
    expect(sigS + L < 1n << 253n).toBe(true); // still fits Num2Bits(253): only S < l can catch it
    for (const sCheck of ["honest", "claim-below-order"] as const) {
      // The equation S*B8 = R8 + 8*h*A still holds (l*B8 = 0); only the S < l comparator fails.
      expectRejectedBy(cheat(w, { sigS: sigS + L }, { sCheck }), RX.sBelowOrder, RX.sigEquation);
    }
  });

  it("(d) any other signed field: revocation slot, expiry, an unused attribute slot", async () => {
    const w = await honest(20000101n, 20260301n);
    const otherSlot = REVOCATION_SLOT + 1n; // unrevoked, given its own opening: only the signature objects
    const cases: Record<string, Signal>[] = [
      { revocationSlot: otherSlot, ...revocationEdits(clean, clean.witness(otherSlot)) },
      { expiresOn: EXPIRES_ON + 10000n },
      { "attr[7]": 1n },
    ];
    for (const edits of cases) expectRejectedBy(cheat(w, edits), RX.sigEquation);
  });
});

describe("age_at_least: a minor cannot prove minAge 18", () => {
  // The witness is computed honestly at a later date, where the statement is true, then moved
  // back: every range-check and comparator bit that asOfDate determines is recomputed.
  async function moveAsOfDate(dateOfBirth: bigint, later: bigint, target: bigint, comparator: CheatOptions["comparator"]) {
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
    const bits = circuit.wires(/^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_\d+_\d+\.lt\.n2b\.out\[\d+\]$/);
    expect(bits.length).toBe(27);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 27n) - 1n }), (pattern) => {
        const w = [...base];
        bits.forEach((wire, i) => (w[wire] = (pattern >> BigInt(i)) & 1n));
        expectRejectedBy(w, COMPARATOR);
      }),
      { numRuns: 25 },
    );
  });
});

describe("age_at_least: out-of-range field values", () => {
  it("a public minAge wrapping dateOfBirth + minAge*10000 below asOfDate fails minAge's range check", async () => {
    const w = await honest(20100101n, 20260301n, { minAge: 0n });
    fc.assert(
      // Targets below dateOfBirth, so that reaching them needs a wrap (no m < 256 does it).
      fc.property(fc.bigInt({ min: 0n, max: 20100100n }), (target) => {
        // dateOfBirth + m*10000 = target <= asOfDate (mod p): the comparator alone would accept.
        const m = mod((target - 20100101n) * inv(10000n));
        expect(m >= 256n).toBe(true);
        // The comparator and its 28-bit input range checks accept the wrapped value.
        expectRejectedBy(cheat(w, { minAge: m }), MIN_AGE_RANGE, ASSERT_LE);
      }),
      { numRuns: 4 },
    );
  });

  it("a signed dateOfBirth of p - 1 (wraps to 179999 after + 18*10000) is caught by the date range check", async () => {
    const w = await honest(20000101n, 20260301n);
    const signature = signCredential(oracle, trusted, credential(P - 1n));
    expectRejectedBy(cheat(w, { "attr[0]": P - 1n, ...signature }), DOB_RANGE, ASSERT_LE);
  });

  it("27-bit boundary: a signed dateOfBirth of 2^27 - 1 passes, 2^27 is caught by the date range check", async () => {
    // asOfDate is range-checked to 27 bits by the expiry check, so minAge 0 is the only way to
    // reach the boundary (dateOfBirth <= asOfDate <= expiresOn < 2^27).
    const top = (1n << 27n) - 1n;
    const w = await honest(top, top, { minAge: 0n, expiresOn: top });
    expect(circuit.check(w)).toEqual([]);
    const signature = signCredential(oracle, trusted, credential(top + 1n, top));
    const forged = cheat(w, { "attr[0]": top + 1n, ...signature });
    // The date range check fails; so does the age comparator (2^27 > asOfDate), nothing else.
    expect(circuit.check(forged).some((f) => f.signals.some((s) => DOB_RANGE.test(s)))).toBe(true);
    expectRejectedBy(forged, new RegExp(`${DOB_RANGE.source}|${ASSERT_LE.source}`));
  });
});

describe("age_at_least: revocation", () => {
  it("the honest witness opens the holder's own slot (independent tree code agrees with the circuit)", async () => {
    const w = await honest(20000101n, 20260301n);
    expect(circuit.check(w)).toEqual([]);
    expect(clean.isRevoked(REVOCATION_SLOT)).toBe(false);
    expect(revoked.isRevoked(REVOCATION_SLOT)).toBe(true);
    // The holder cannot even build an honest witness against the list that revokes it.
    await expect(quietly(() => honest(20000101n, 20260301n, { tree: revoked }))).rejects.toThrow(/Assert Failed/);
  });

  it("a revoked slot: the true opening is rejected whatever the leaf-bit and mux hints claim", async () => {
    const w = await honest(20000101n, 20260301n);
    const edits = revocationEdits(revoked, revoked.witness(REVOCATION_SLOT));
    // Honest bits: the mux selects the 1 and `revoked === 0` fails.
    expectRejectedBy(cheat(w, edits), RX.mux, RX.merkle);
    // Bits claiming the slot's bit is 0: they no longer sum to the leaf.
    expectRejectedBy(cheat(w, edits, { revocation: "clear-bit" }), RX.leafBits, RX.merkle);
    // True bits, but a mux tree that selects a 0: its first level is inconsistent.
    expectRejectedBy(cheat(w, edits, { revocation: "clear-mux" }), RX.mux, RX.merkle);
  });

  it("a revoked slot: the old (unrevoked) leaf against the new root fails the Merkle check", async () => {
    const w = await honest(20000101n, 20260301n);
    const stale = { ...revoked.witness(REVOCATION_SLOT), revLeaf: clean.witness(REVOCATION_SLOT).revLeaf };
    expectRejectedBy(cheat(w, revocationEdits(revoked, stale)), RX.merkleOrRoot, RX.mux);
    // The whole old opening against the new root, likewise.
    expectRejectedBy(cheat(w, { revocationRoot: revoked.root }), RX.merkleOrRoot, RX.mux);
  });

  it("a revoked slot: the opening of the previous leaf (bit index 248 + b lands in the zero padding) fails bitIndex < 248", async () => {
    const w = await honest(20000101n, 20260301n);
    const leaf = Number(REVOCATION_SLOT / BigInt(LEAF_BITS));
    const bit = REVOCATION_SLOT % BigInt(LEAF_BITS);
    expect(bit < 8n).toBe(true); // so 248 + bit still fits the 8 index bits
    const opening = revoked.opening(leaf - 1, bit + BigInt(LEAF_BITS));
    for (const bitIndexBound of ["honest", "claim-true"] as const) {
      const forged = cheat(w, revocationEdits(revoked, opening), { bitIndexBound });
      // The Merkle path and the mux accept (padding bit 248 + b is 0): only the bound objects.
      expectRejectedBy(forged, RX.bitIndexBound, new RegExp(`${RX.mux.source}|${RX.merkle.source}`));
    }
  });

  it("a revoked slot: the opening of the next leaf (bit index b - 248 < 0) fails the 8-bit index range", async () => {
    const w = await honest(20000101n, 20260301n);
    const leaf = Number(REVOCATION_SLOT / BigInt(LEAF_BITS));
    const opening = revoked.opening(leaf + 1, REVOCATION_SLOT % BigInt(LEAF_BITS));
    expectRejectedBy(cheat(w, revocationEdits(revoked, opening)), RX.bitIndex, RX.merkle);
  });

  it("a revoked slot: claiming another (unrevoked) bit of the same leaf breaks slot = leafIndex * 248 + bitIndex", async () => {
    const w = await honest(20000101n, 20260301n);
    const edits = revocationEdits(revoked, revoked.witness(REVOCATION_SLOT));
    const other = (REVOCATION_SLOT % BigInt(LEAF_BITS)) + 1n;
    expect(revoked.isRevoked(REVOCATION_SLOT + 1n)).toBe(false);
    // The 8 index bits encode `other`, the mux picks its 0: the bits no longer sum to
    // slot - 248 * leafIndex (the folded slot equation).
    expectRejectedBy(cheat(w, edits, { claimBitIndex: other }), RX.bitIndex, new RegExp(`${RX.mux.source}|${RX.merkle.source}`));
  });
});

describe("age_at_least: expiry", () => {
  it("expiresOn == asOfDate is accepted (honest witness)", async () => {
    expect(circuit.check(await honest(20000101n, EXPIRES_ON))).toEqual([]);
  });

  it("the day after expiresOn is rejected by the expiry comparator, for both hints", async () => {
    const w = await honest(20000101n, 20260301n);
    expect(circuit.check(cheat(w, { asOfDate: EXPIRES_ON }))).toEqual([]);
    for (const expiry of ["honest", "claim-true"] as const) {
      expectRejectedBy(cheat(w, { asOfDate: 20350101n }, { expiry }), RX.expiryComparator, ASSERT_LE);
    }
  });
});

describe("age_at_least: holder binding and challenge", () => {
  it("a different holderSecret (nullifier recomputed by the cheater) breaks the signed commitment", async () => {
    const w = await honest(20000101n, 20260301n);
    const forged = cheat(w, { holderSecret: HOLDER.holderSecret + 1n });
    expect(forged[circuit.wire("main.nullifier")]).toBe(oracle.nullifier(HOLDER.holderSecret + 1n, PUB.scope));
    expectRejectedBy(forged, RX.sigEquation);
  });

  it("editing the public challenge wire alone is rejected by challengeSquare", async () => {
    const w = await honest(20000101n, 20260301n);
    const square = circuit.wires(/\.BindChallenge_\d+_\d+\.challengeSquare$/);
    expect(square).toHaveLength(1); // not optimised away
    expectRejectedBy(circuit.with(w, { "main.challenge": PUB.challenge + 1n }), /challengeSquare$/);
    // By design the square only anchors the wire: a prover recomputing it may use any challenge.
    // What binds the verifier's challenge is its being a Groth16 public input.
    expect(circuit.check(cheat(w, { challenge: PUB.challenge + 1n }))).toEqual([]);
  });
});
