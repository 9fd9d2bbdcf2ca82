// Soundness of the insurance_active circuit at the R1CS level: every rejection below is a
// malicious witness that violates the compiled constraints, never merely an input that the honest
// witness generator refuses. The cheater (`cheat`) edits circuit inputs and then recomputes every
// other wire the way an honest prover would, so a failure is a check the edit cannot get past.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertLessEqHints,
  buildOracle,
  type Credential,
  INSURANCE_SCHEMA,
  insuranceAttrs,
  insuranceInput,
  L,
  LEAF_BITS,
  type RevocationTree,
  revocationEdits,
  signCredential,
  type InsuranceRecord,
  type Issuer,
  type Oracle,
} from "../helpers/circuit-credential.js";
import {
  type CheatOptions,
  cheater,
  expectEveryDerivedWireConstrained,
  expectRejectedBy as rejectedBy,
} from "../helpers/cheater.js";
import { Circuit, escapeRegExp, failuresOutside, P, terminateCurves, type Hint } from "../helpers/r1cs.js";
import { finishBackgroundCompiles, prepareCircuit } from "./compile.js";
import { FREE_IN_EDDSA, quietly, REVOCATION_SLOT, revocationFixture, RX } from "./shared.js";

const NAME = "insurance_active";
const HOLDER = { holderSecret: 0x1ee7_0002_468a_ce13_579bdfn, salt: 0x5a17_0f1e_2d3c_4b5a_697887n };
const RECORD: InsuranceRecord = {
  insurerId: 0x1a5e_12e2_0000_0001n, // arbitrary field elements standing for hashed strings
  memberId: 0x3e3b_e200_0000_0042n,
  plan: 0x91a4_0000_0000_0007n,
  coverageStart: 20250101n,
  coverageEnd: 20251231n,
};
const EXPIRES_ON = 20260630n;
const PUB = { challenge: 0xc4a11e46en, scope: 0x5c09en };
// The circuit's private attr[] holds slots 1..7 (slot 0, insurerId, is the public insurerId).
const COVERAGE_START = "attr[2]";
const COVERAGE_END = "attr[3]";

const ANY_COMPARATOR = /^main\.AssertLessEqThan_\d+_\d+\.LessEqThan_/;
const ANY_RANGE_CHECK = /^main\.AssertLessEqThan_\d+_\d+\.Num2Bits_/;
const COVERAGE_CHECKS = /^main\.AssertLessEqThan_/;

let circuit: Circuit;
let oracle: Oracle;
let trusted: Issuer;
let attacker: Issuer;
let clean: RevocationTree;
let revoked: RevocationTree;
/** The two AssertLessEqThan components, [coverageStart <= asOfDate, asOfDate <= coverageEnd]. */
let checks: { path: string; comparator: string; range: [string, string] }[];

beforeAll(async () => {
  let files;
  [files, oracle] = await Promise.all([prepareCircuit(NAME), buildOracle()]);
  circuit = await Circuit.load(files);
  trusted = oracle.issuer("medzk soundness: trusted issuer");
  attacker = oracle.issuer("medzk soundness: attacker");
  ({ clean, revoked } = revocationFixture(oracle));
  checks = circuit.components(/^main\.AssertLessEqThan_\d+_\d+$/).map((ale) => {
    const [comparator] = circuit.components(new RegExp(`^${escapeRegExp(ale)}\\.LessEqThan_\\d+_\\d+\\.lt\\.n2b$`));
    const range = circuit.components(new RegExp(`^${escapeRegExp(ale)}\\.Num2Bits_\\d+_\\d+$`));
    return { path: ale, comparator: comparator!, range: range as [string, string] };
  });
  expect(checks).toHaveLength(2);
  for (const check of checks) expect(check.range).toHaveLength(2);
});

afterAll(async () => {
  await finishBackgroundCompiles();
  await terminateCurves();
});

const within = (component: string) => new RegExp(`^${escapeRegExp(component)}\\.`);

const credential = (record: Partial<InsuranceRecord> = {}, expiresOn = EXPIRES_ON): Credential => ({
  schemaId: INSURANCE_SCHEMA,
  ...HOLDER,
  revocationSlot: REVOCATION_SLOT,
  expiresOn,
  attrs: insuranceAttrs({ ...RECORD, ...record }),
});

/** Honest witness for a record `issuer` really signed. */
function honest(
  asOfDate: bigint,
  record: Partial<InsuranceRecord> = {},
  { issuer = trusted, expiresOn = EXPIRES_ON, tree = clean } = {},
) {
  return circuit.witness(insuranceInput(oracle, issuer, credential(record, expiresOn), tree, { ...PUB, asOfDate }));
}

/**
 * The statement's hints, recomputed from the current inputs: for each AssertLessEqThan(27)
 * (a <= b), the range-check bits of a and b (27 each) and the comparator's decomposition.
 * LessEqThan(27)(a, b) is LessThan(27)(a, b + 1): its Num2Bits(28) decomposes a + 2^27 - b - 1
 * and the comparison output is 1 - bit 27. "claim-true" clears bit 27, i.e. the decomposition a
 * prover would need for the comparison to come out 1.
 */
function statementHints(opts: CheatOptions): Hint[] {
  const [start, asOf, end] = [COVERAGE_START, "asOfDate", COVERAGE_END].map((n) => circuit.wire(`main.${n}`));
  return [
    [start!, asOf!],
    [asOf!, end!],
  ].flatMap(([a, b], i) =>
    assertLessEqHints(circuit, checks[i]!.path, 27, [a!, b!], (w) => w[a!]!, (w) => w[b!]!, opts.comparator ?? "honest"),
  );
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
      clean.root,
      20250601n,
      RECORD.insurerId,
      PUB.challenge,
      PUB.scope,
    ]);
  });

  it("pins the constraint count (7804, all non-linear) and the one input --O2 eliminated", () => {
    expect(circuit.nConstraints).toBe(7804);
    expect(circuit.nonLinearConstraints()).toBe(7804);
    expect(circuit.eliminatedInputs).toEqual(["main.revBitIndex"]);
  });

  it("witness mutation: changing any one derived wire violates a constraint", async () => {
    expectEveryDerivedWireConstrained(circuit, await honest(20250601n), FREE_IN_EDDSA);
  });

  it("the cheater is exact: with no edit, or a still-true edit, it rebuilds the honest witness", async () => {
    const w = await honest(20250601n);
    expect(cheat(w, {})).toEqual(w);
    expect(cheat(w, { asOfDate: 20251231n })).toEqual(await honest(20251231n));
  });

  it("recomputing only what depends on the edit equals recomputing everything", async () => {
    const w = await honest(20250601n);
    const edits = { "attr[3]": 20261231n, asOfDate: 20260601n };
    const fast = cheat(w, edits, { comparator: "claim-true" });
    expect(fast).toEqual(cheat(w, edits, { comparator: "claim-true", full: true }));
    expectRejectedBy(fast, RX.sigEquation); // the unsigned extension of coverage
  });
});

describe("insurance_active: an unsigned record is rejected", () => {
  it("(a) signed by an attacker key, presented under the trusted key", async () => {
    const w = await honest(20250601n, {}, { issuer: attacker });
    expect(circuit.check(w)).toEqual([]);
    expect(circuit.check(circuit.with(w, { "main.issuerAx": trusted.Ax, "main.issuerAy": trusted.Ay })).length)
      .toBeGreaterThan(0);
    expectRejectedBy(cheat(w, { issuerAx: trusted.Ax, issuerAy: trusted.Ay }), RX.sigEquation);
  });

  it("(b) a coverageEnd the issuer never signed (coverage extended by a year)", async () => {
    const w = await honest(20250601n);
    expect(circuit.check(circuit.with(w, { [`main.${COVERAGE_END}`]: 20261231n })).length).toBeGreaterThan(0);
    const forged = cheat(w, { [COVERAGE_END]: 20261231n, asOfDate: 20260601n });
    expectRejectedBy(forged, RX.sigEquation);
    expect(failuresOutside(circuit.check(forged), RX.sig)).toEqual([]); // the date rule itself holds
  });

  it("(c) signature scalar S replaced by S + l (same point S*B8, S-bits recomputed)", async () => {
    const w = await honest(20250601n);
    const sigS = w[circuit.wire("main.sigS")]!;
    expect(sigS + L < 1n << 253n).toBe(true);
    for (const sCheck of ["honest", "claim-below-order"] as const) {
      expectRejectedBy(cheat(w, { sigS: sigS + L }, { sCheck }), RX.sBelowOrder, RX.sigEquation);
    }
  });

  it("a different public insurerId is outside the signed preimage", async () => {
    const w = await honest(20250601n);
    expect(circuit.check(circuit.with(w, { "main.insurerId": RECORD.insurerId + 1n })).length).toBeGreaterThan(0);
    expectRejectedBy(cheat(w, { insurerId: RECORD.insurerId + 1n }), RX.sigEquation);
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
      // (still before expiresOn, so the expiry check holds)
      expectRejectedBy(forged, within(checks[1]!.comparator), new RegExp(`${within(checks[0]!.path).source}|${RX.expiry.source}`));
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
      { numRuns: 25 },
    );
  });
});

describe("insurance_active: out-of-range field values", () => {
  it("a signed coverageStart of p - 1 (compares as -1 <= asOfDate) is caught by its range check", async () => {
    const w = await honest(20250601n);
    const signature = signCredential(oracle, trusted, credential({ coverageStart: P - 1n }));
    const forged = cheat(w, { [COVERAGE_START]: P - 1n, ...signature });
    expectRejectedBy(forged, within(checks[0]!.range[0]), ANY_COMPARATOR);
  });

  it("the 27-bit boundary: coverageEnd = asOfDate = 2^27 - 1 passes, 2^27 is caught by range checks only", async () => {
    const top = (1n << 27n) - 1n;
    const w = await honest(top, { coverageEnd: top }, { expiresOn: top });
    expect(circuit.check(w)).toEqual([]);
    const signature = signCredential(oracle, trusted, credential({ coverageEnd: top + 1n }, top + 1n));
    // asOfDate = coverageEnd = expiresOn = 2^27: every comparison holds, every 27-bit range check
    // of the value 2^27 fails (coverage end and expiry checks), and nothing else.
    const forged = cheat(w, { [COVERAGE_END]: top + 1n, asOfDate: top + 1n, expiresOn: top + 1n, ...signature });
    expectRejectedBy(forged, new RegExp(`${ANY_RANGE_CHECK.source}|${RX.expiry.source}`), ANY_COMPARATOR);
    expect(failuresOutside(circuit.check(forged), RX.expiry)).not.toEqual([]);
    expect(circuit.check(forged).filter((f) => f.signals.some((s) => RX.expiryComparator.test(s)))).toEqual([]);
  });
});

describe("insurance_active: revocation", () => {
  it("the holder cannot build an honest witness against a list that revokes its slot", async () => {
    expect(circuit.check(await honest(20250601n))).toEqual([]);
    await expect(quietly(() => honest(20250601n, {}, { tree: revoked }))).rejects.toThrow(/Assert Failed/);
  });

  it("a revoked slot: the true opening is rejected whatever the leaf-bit and mux hints claim", async () => {
    const w = await honest(20250601n);
    const edits = revocationEdits(revoked, revoked.witness(REVOCATION_SLOT));
    expectRejectedBy(cheat(w, edits), RX.mux, RX.merkle);
    expectRejectedBy(cheat(w, edits, { revocation: "clear-bit" }), RX.leafBits, RX.merkle);
    expectRejectedBy(cheat(w, edits, { revocation: "clear-mux" }), RX.mux, RX.merkle);
  });

  it("a revoked slot: the old (unrevoked) leaf against the new root fails the Merkle check", async () => {
    const w = await honest(20250601n);
    const stale = { ...revoked.witness(REVOCATION_SLOT), revLeaf: clean.witness(REVOCATION_SLOT).revLeaf };
    expectRejectedBy(cheat(w, revocationEdits(revoked, stale)), RX.merkleOrRoot, RX.mux);
  });

  it("a revoked slot: openings of the neighbouring leaves or another bit fail the slot decomposition", async () => {
    const w = await honest(20250601n);
    const leaf = Number(REVOCATION_SLOT / BigInt(LEAF_BITS));
    const bit = REVOCATION_SLOT % BigInt(LEAF_BITS);
    const notMerkleOrMux = new RegExp(`${RX.mux.source}|${RX.merkle.source}`);
    for (const bitIndexBound of ["honest", "claim-true"] as const) {
      const previous = revocationEdits(revoked, revoked.opening(leaf - 1, bit + BigInt(LEAF_BITS)));
      expectRejectedBy(cheat(w, previous, { bitIndexBound }), RX.bitIndexBound, notMerkleOrMux);
    }
    const next = revocationEdits(revoked, revoked.opening(leaf + 1, bit));
    expectRejectedBy(cheat(w, next), RX.bitIndex, RX.merkle);
    const own = revocationEdits(revoked, revoked.witness(REVOCATION_SLOT));
    expectRejectedBy(cheat(w, own, { claimBitIndex: bit + 1n }), RX.bitIndex, notMerkleOrMux);
  });
});

describe("insurance_active: expiry", () => {
  it("expiresOn == asOfDate is accepted; the day after is rejected by the expiry comparator, for both hints", async () => {
    // A credential expiring inside the coverage window.
    const expiresOn = 20250930n;
    expect(circuit.check(await honest(expiresOn, {}, { expiresOn }))).toEqual([]);
    const w = await honest(20250601n, {}, { expiresOn });
    for (const expiry of ["honest", "claim-true"] as const) {
      expectRejectedBy(cheat(w, { asOfDate: 20251001n }, { expiry }), RX.expiryComparator, COVERAGE_CHECKS);
    }
  });
});

describe("insurance_active: holder binding and challenge", () => {
  it("a different holderSecret (nullifier recomputed by the cheater) breaks the signed commitment", async () => {
    const w = await honest(20250601n);
    const forged = cheat(w, { holderSecret: HOLDER.holderSecret + 1n });
    expect(forged[circuit.wire("main.nullifier")]).toBe(oracle.nullifier(HOLDER.holderSecret + 1n, PUB.scope));
    expectRejectedBy(forged, RX.sigEquation);
  });

  it("editing the public challenge wire alone is rejected by challengeSquare", async () => {
    const w = await honest(20250601n);
    expect(circuit.wires(/\.BindChallenge_\d+_\d+\.challengeSquare$/)).toHaveLength(1);
    expectRejectedBy(circuit.with(w, { "main.challenge": PUB.challenge + 1n }), /challengeSquare$/);
    // By design the square only anchors the wire; the verifier's challenge is bound as a Groth16
    // public input, so a prover that recomputes the square may use any challenge.
    expect(circuit.check(cheat(w, { challenge: PUB.challenge + 1n }))).toEqual([]);
  });
});
