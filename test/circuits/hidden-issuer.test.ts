// Soundness of the hidden-issuer circuits (age_at_least_hidden, insurance_active_hidden,
// query_hidden) at the R1CS level. They are their public siblings with the issuer key and its
// revocation root made private and bound to a leaf of the public issuerSetRoot by IssuerInSet
// (circuits/lib/issuer_set.circom); the shared credential part (HolderCredential) is exercised by
// the siblings' tests, so these tests attack the membership: every rejection is a malicious
// witness built by the cheater (inputs edited, every other wire recomputed the way an honest
// prover would), never merely an input the honest witness generator refuses. The gadget is one
// template in all three circuits, so the full list runs on age_at_least_hidden and the other two
// check their wiring (signals, counts, a key outside the set, the schema binding).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIssuerSet, issuerSetWitness } from "../../src/core/issuer-set.js";
import { packPoint } from "../../src/core/public-key.js";
import {
  ageInput,
  assertLessEqHints,
  buildOracle,
  comparatorHints,
  component,
  type ComparatorHint,
  type Credential,
  descriptorHash,
  INSURANCE_SCHEMA,
  insuranceAttrs,
  insuranceInput,
  type InsuranceRecord,
  isZeroHint,
  type Issuer,
  OP,
  type Oracle,
  PATIENT_RECORD_SCHEMA,
  queryInput,
  queryStatement,
  type RevocationTree,
  revocationEdits,
} from "../helpers/circuit-credential.js";
import { cheater, type CheatOptions, expectEveryDerivedWireConstrained, expectRejectedBy as rejectedBy } from "../helpers/cheater.js";
import { Circuit, escapeRegExp, mod, P, type Hint, type Signal, terminateCurves } from "../helpers/r1cs.js";
import { finishBackgroundCompiles, prepareCircuit } from "./compile.js";
import { hiddenInput, IssuerSetTree, type Member, setEdits, setHints, SET_RX } from "./issuer-set-fixture.js";
import { FREE_IN_EDDSA, quietly, REVOCATION_SLOT, revocationFixture, RX } from "./shared.js";

const HOLDER = { holderSecret: 0x41dd_e000_1234_5678_9abcdefn, salt: 0x5a17_4444_3333_2222_1111n };
const EXPIRES_ON = 20341231n;
const AS_OF = 20260301n;
const PUB = { minAge: 18n, challenge: 0xc4a11e46en, scope: 0x5c09en, asOfDate: AS_OF };
const DOB = 20000101n;

let age: Circuit;
let insurance: Circuit;
let query: Circuit;
let oracle: Oracle;
/** The holder's issuer (a clinic whose name alone would reveal a diagnosis). */
let clinic: Issuer;
/** Another trusted issuer, and a key nobody trusts. */
let other: Issuer;
let attacker: Issuer;
/** The clinic's revocation lists: the holder's slot revoked in `revoked` only. */
let clean: RevocationTree;
let revoked: RevocationTree;
/** The other issuer's list: the holder's slot is not revoked there. */
let otherList: RevocationTree;
/** The verifier's set: other issuers around the clinic (index 5), so no path is all-empty. */
let set: IssuerSetTree;
const CLINIC_INDEX = 5;

beforeAll(async () => {
  const [ageFiles, oracleBuilt] = await Promise.all([prepareCircuit("age_at_least_hidden"), buildOracle()]);
  oracle = oracleBuilt;
  age = await Circuit.load(ageFiles);
  insurance = await Circuit.load(await prepareCircuit("insurance_active_hidden"));
  query = await Circuit.load(await prepareCircuit("query_hidden"));
  clinic = oracle.issuer("medzk hidden: clinic");
  other = oracle.issuer("medzk hidden: other");
  attacker = oracle.issuer("medzk hidden: attacker");
  ({ clean, revoked } = revocationFixture(oracle));
  otherList = oracle.revocationTree([1n, 99n]);
  set = trustedSet(clean.root);
});

afterAll(async () => {
  await finishBackgroundCompiles();
  await terminateCurves();
});

/** The verifier's set with the clinic (for both built-in schemas) at CLINIC_INDEX, its revocation root `clinicRoot`. */
function trustedSet(clinicRoot: bigint, clinicMember: Partial<Member> = {}, { withClinic = true } = {}): IssuerSetTree {
  const filler = (i: number): Member => ({
    issuer: oracle.issuer(`medzk hidden: filler ${i}`),
    revocationRoot: BigInt(1000 + i),
    schemaId: i % 2 ? PATIENT_RECORD_SCHEMA : INSURANCE_SCHEMA,
    validFrom: 20200101n,
  });
  const members: Member[] = [0, 1, 2, 3, 4].map(filler);
  if (withClinic) members.push({ issuer: clinic, revocationRoot: clinicRoot, schemaId: PATIENT_RECORD_SCHEMA, validFrom: 20250101n, validUntil: 20301231n, ...clinicMember });
  else members.push(filler(5));
  members.push({ issuer: other, revocationRoot: otherList.root, schemaId: PATIENT_RECORD_SCHEMA });
  members.push({ issuer: clinic, revocationRoot: clinicRoot, schemaId: INSURANCE_SCHEMA });
  return new IssuerSetTree(oracle, members);
}
const OTHER_INDEX = 6;
const CLINIC_INSURANCE_INDEX = 7;

const patientRecord = (dateOfBirth = DOB): Credential => ({
  schemaId: PATIENT_RECORD_SCHEMA,
  ...HOLDER,
  revocationSlot: REVOCATION_SLOT,
  expiresOn: EXPIRES_ON,
  attrs: [dateOfBirth],
});

/** Honest age_at_least_hidden witness: `issuer` signed the record, opening `index` of `tree`. */
function honestAge({ issuer = clinic, list = clean, tree = set, index = CLINIC_INDEX, asOfDate = AS_OF } = {}) {
  return age.witness(hiddenInput(ageInput(oracle, issuer, patientRecord(), list, { ...PUB, asOfDate }), tree, index));
}

/** The age statement's own hints (as in age-at-least.test.ts): dateOfBirth, minAge, the age comparator. */
function ageHints(opts: CheatOptions & { window?: { from?: ComparatorHint; until?: ComparatorHint } }): Hint[] {
  const [dob, minAge, asOf] = ["attr[0]", "minAge", "asOfDate"].map((n) => age.wire(`main.${n}`)) as [number, number, number];
  return [
    age.bitsHint(component(age, /^main\.DateRange_\d+_\d+\.Num2Bits_\d+_\d+$/), 27, [dob], (w) => w[dob]!),
    age.bitsHint(component(age, /^main\.Num2Bits_\d+_\d+$/), 8, [minAge], (w) => w[minAge]!),
    ...assertLessEqHints(age, component(age, /^main\.AssertLessEqThan_\d+_\d+$/), 28, [dob, minAge, asOf], (w) => mod(w[dob]! + w[minAge]! * 10000n), (w) => w[asOf]!, opts.comparator ?? "honest"),
    ...setHints(age, opts.window),
  ];
}

const cheatAge = cheater<CheatOptions & { window?: { from?: ComparatorHint; until?: ComparatorHint } }>(() => age, () => oracle, ageHints);
const expectRejectedBy = (w: bigint[], by: RegExp, notBy?: RegExp) => rejectedBy(age, w, by, notBy);
const either = (...rx: RegExp[]) => new RegExp(rx.map((r) => r.source).join("|"));

describe("age_at_least_hidden: the R1CS checker", () => {
  it("accepts the honest witness; the public signals are the set root and the request's values, nothing of the issuer", async () => {
    const w = await honestAge();
    expect(age.check(w)).toEqual([]);
    expect(age.publicSignals(w)).toEqual([oracle.nullifier(HOLDER.holderSecret, PUB.scope), set.root, AS_OF, 18n, PUB.challenge, PUB.scope]);
    // No public signal equals the issuer key, its revocation root or its leaf.
    const issuerValues = [clinic.Ax, clinic.Ay, clean.root, set.leaf(set.members[CLINIC_INDEX]!)];
    expect(age.publicSignals(w).filter((s) => issuerValues.includes(s))).toEqual([]);
  });

  it("the same proof statement holds for another trusted issuer: the public signals do not depend on which", async () => {
    const a = await honestAge();
    const b = await honestAge({ issuer: other, list: otherList, index: OTHER_INDEX });
    expect(age.check(b)).toEqual([]);
    expect(age.publicSignals(b)).toEqual(age.publicSignals(a));
  });

  it("pins the constraint count (10,122 = age_at_least's 7,761 + 2,361 for the set membership)", () => {
    expect(age.nConstraints).toBe(10122);
    expect(age.nonLinearConstraints()).toBe(10122);
    expect(age.eliminatedInputs).toEqual(["main.revBitIndex"]);
  });

  it("witness mutation: changing any one derived wire violates a constraint", async () => {
    expectEveryDerivedWireConstrained(age, await honestAge(), FREE_IN_EDDSA);
  });

  it("the cheater is exact: no edit, or moving to another true opening, rebuilds the honest witness", async () => {
    const w = await honestAge();
    expect(cheatAge(w, {})).toEqual(w);
    // The same credential under a set where the clinic sits at a position taking every value 0..3
    // along its path: the Merkle selection signals are recomputed exactly.
    const index = 2 + 3 * 4 + 1 * 16 + 0 * 64 + 3 * 256 + 2 * 1024;
    const members = Array.from({ length: index + 1 }, (_, i): Member => set.members[i % set.members.length]!);
    members[index] = set.members[CLINIC_INDEX]!;
    const moved = new IssuerSetTree(oracle, members);
    expect(cheatAge(w, setEdits(moved, index))).toEqual(await honestAge({ tree: moved, index }));
    expect(cheatAge(w, setEdits(moved, index), { full: true })).toEqual(await honestAge({ tree: moved, index }));
  });

  it("src/core/issuer-set.ts builds the same tree: its root and witness are accepted by the circuit", async () => {
    const members = set.members.map((m) => ({
      publicKey: packPoint({ x: m.issuer.Ax, y: m.issuer.Ay }),
      revocationRoot: m.revocationRoot.toString(),
      schemaId: m.schemaId.toString(),
      ...(m.validFrom === undefined ? {} : { validFrom: day(m.validFrom) }),
      ...(m.validUntil === undefined ? {} : { validUntil: day(m.validUntil) }),
    }));
    const published = buildIssuerSet(members, new Date("2026-03-01T00:00:00Z"));
    // The library sorts members canonically, so its root is the oracle's over the same order.
    const order = published.members.map((p) => members.findIndex((m) => m.publicKey === p.publicKey && m.schemaId === p.schemaId));
    const canonical = new IssuerSetTree(oracle, order.map((i) => set.members[i]!));
    expect(published.root).toBe(canonical.root.toString());
    const witness = issuerSetWitness(published, {
      publicKey: packPoint({ x: clinic.Ax, y: clinic.Ay }),
      schemaId: PATIENT_RECORD_SCHEMA.toString(),
      revocationRoot: clean.root.toString(),
      asOf: Number(AS_OF),
    });
    const opening = {
      issuerValidFrom: BigInt(witness.issuerValidFrom),
      issuerValidUntil: BigInt(witness.issuerValidUntil),
      issuerPathBits: witness.issuerPathBits.map(BigInt),
      issuerSiblings: witness.issuerSiblings.map((row) => row.map(BigInt)),
    };
    const clinicAt = canonical.members.indexOf(set.members[CLINIC_INDEX]!);
    expect(opening).toEqual(canonical.opening(clinicAt));
    const input: Record<string, Signal> = { ...ageInput(oracle, clinic, patientRecord(), clean, PUB), issuerSetRoot: BigInt(published.root), ...opening };
    expect(age.check(await age.witness(input))).toEqual([]);
  });
});

const day = (d: bigint) => `${String(d).slice(0, 4)}-${String(d).slice(4, 6)}-${String(d).slice(6)}`;

describe("age_at_least_hidden: a key outside the trusted set", () => {
  it("an attacker's key (its own valid signature) opened at any position of the verifier's set fails the Merkle root", async () => {
    // Honest for a set that contains the attacker, then presented against the verifier's set.
    const attackerMember: Member = { issuer: attacker, revocationRoot: clean.root, schemaId: PATIENT_RECORD_SCHEMA };
    const own = new IssuerSetTree(oracle, [attackerMember]);
    const w = await honestAge({ issuer: attacker, tree: own, index: 0 });
    expect(age.check(w)).toEqual([]);
    for (const index of [0, CLINIC_INDEX, set.members.length]) {
      // The attacker's leaf with the siblings of a real position (or of an empty one).
      expectRejectedBy(cheatAge(w, { ...set.opening(index, attackerMember), issuerSetRoot: set.root }), SET_RX.merkleOrRoot, RX.sig);
    }
  });

  it("presenting a trusted member's key without its signature fails the signature, not the membership", async () => {
    const attackerMember: Member = { issuer: attacker, revocationRoot: clean.root, schemaId: PATIENT_RECORD_SCHEMA };
    const w = await honestAge({ issuer: attacker, tree: new IssuerSetTree(oracle, [attackerMember]), index: 0 });
    expectRejectedBy(cheatAge(w, setEdits(set, CLINIC_INDEX)), RX.sigEquation, SET_RX.any);
  });

  it("a key removed from the set (compromised: the verifier rebuilt its set without it) is refused under the new root", async () => {
    const w = await honestAge();
    const without = trustedSet(clean.root, {}, { withClinic: false });
    // The old opening against the new root, and the clinic's leaf with the new set's siblings.
    expectRejectedBy(cheatAge(w, { issuerSetRoot: without.root }), SET_RX.merkleOrRoot, RX.sig);
    expectRejectedBy(cheatAge(w, { ...without.opening(CLINIC_INDEX, set.members[CLINIC_INDEX]!), issuerSetRoot: without.root }), SET_RX.merkleOrRoot, RX.sig);
  });

  it("an empty position cannot be opened: the leaf is the key's Poseidon hash, never the empty 0", async () => {
    const w = await honestAge();
    // Opening an empty position reaches the root only for the leaf value 0, which no key hashes to.
    const empty = set.opening(set.members.length, set.members[CLINIC_INDEX]!);
    expect(empty.issuerSiblings[0]).toEqual([0n, 0n, 0n]); // position 8: its level-0 siblings 9..11 are empty
    expectRejectedBy(cheatAge(w, { ...empty, issuerSetRoot: set.root }), SET_RX.merkleOrRoot, RX.sig);
  });
});

describe("age_at_least_hidden: path bits are constrained boolean inside QuadMerkleRootChecked", () => {
  const BOOL = /[pP]athBits\[\d+\]$/;
  /** The violated constraints that touch one path-bit wire and nothing else (besides the constant): booleanity constraints. */
  const booleanityFailures = (w: bigint[]) => {
    const bits = new Set(Array.from({ length: 12 }, (_, i) => age.wire(`main.issuerPathBits[${i}]`)));
    return age.check(w).filter((f) => {
      const wires = new Set(f.signals.filter((s) => s !== "one").map((s) => age.maybeWire(s)));
      return wires.size === 1 && bits.has([...wires][0]!);
    });
  };
  for (const [label, value] of [["2", 2n], ["4", 4n], ["p - 1", P - 1n], ["(p + 1) / 2, the inverse of 2", (P + 1n) / 2n]] as const) {
    it(`issuerPathBits[0] = ${label} is rejected by its booleanity constraint`, async () => {
      const w = await honestAge();
      const forged = cheatAge(w, { "issuerPathBits[0]": value });
      // The booleanity constraint of that bit fails (it touches that bit alone)…
      expect(booleanityFailures(forged)).toHaveLength(1);
      // …and nothing outside the membership gadget does.
      expectRejectedBy(forged, either(SET_RX.merkleOrRoot, BOOL), RX.sig);
    });
  }

  it("a non-boolean pair encoding the same index (b0 = 3, b1 = -1: 3 - 2 = 1) is rejected too", async () => {
    const w = await honestAge();
    // CLINIC_INDEX = 5: position 1 at level 0 (bits 1, 0).
    const forged = cheatAge(w, { "issuerPathBits[0]": 3n, "issuerPathBits[1]": P - 1n });
    expect(booleanityFailures(forged)).toHaveLength(2);
  });
});

describe("age_at_least_hidden: revocation through the set's private root", () => {
  it("a revoked credential: the set binds the clinic's current (revoking) root", async () => {
    const current = trustedSet(revoked.root);
    const w = await honestAge();
    // The holder cannot build an honest witness under the current set.
    await expect(quietly(() => honestAge({ list: revoked, tree: current }))).rejects.toThrow(/Assert Failed/);
    // The current set and root with the true (revoked) opening: the status bit is 1.
    expectRejectedBy(cheatAge(w, { ...setEdits(current, CLINIC_INDEX), ...revocationEdits(revoked, revoked.witness(REVOCATION_SLOT)) }), RX.mux, either(SET_RX.any, RX.merkle));
    // The old (clean) revocation root under the current set: the leaf is not the set's.
    expectRejectedBy(cheatAge(w, { issuerSetRoot: current.root, ...current.opening(CLINIC_INDEX, { ...current.members[CLINIC_INDEX]!, revocationRoot: clean.root }) }), SET_RX.merkleOrRoot, RX.sig);
  });

  it("a leaf binding another issuer's revocation root: the clinic's key with the other issuer's (unrevoking) list", async () => {
    const current = trustedSet(revoked.root);
    const w = await honestAge({ tree: trustedSet(clean.root) });
    expect(otherList.isRevoked(REVOCATION_SLOT)).toBe(false);
    // The clinic's key, the other issuer's root and revocation opening, at the clinic's position
    // or at the other issuer's: the leaf Poseidon(clinic, otherRoot, …) is in no position.
    const mixed: Member = { ...current.members[CLINIC_INDEX]!, revocationRoot: otherList.root };
    for (const index of [CLINIC_INDEX, OTHER_INDEX]) {
      const edits = { ...setEdits(current, index, mixed), ...revocationEdits(otherList, otherList.witness(REVOCATION_SLOT)) };
      expectRejectedBy(cheatAge(w, edits), SET_RX.merkleOrRoot, either(RX.sig, RX.revocation));
    }
  });
});

describe("age_at_least_hidden: the key's validity window", () => {
  const windowed = (validFrom: bigint, validUntil: bigint) => trustedSet(clean.root, { validFrom, validUntil });

  it("the first and last valid days are accepted", async () => {
    expect(age.check(await honestAge({ tree: windowed(AS_OF, 20301231n) }))).toEqual([]);
    expect(age.check(await honestAge({ tree: windowed(20250101n, AS_OF) }))).toEqual([]);
  });

  for (const [label, from, until, hint] of [
    ["the day after validUntil", 20250101n, 20260228n, "until"],
    ["the day before validFrom", AS_OF + 1n, 20301231n, "from"],
  ] as const) {
    it(`${label} is rejected by the window comparator, for both comparator hints`, async () => {
      const tree = windowed(from, until);
      // Honest on a day inside the window, then moved to asOfDate = AS_OF.
      const inside = hint === "until" ? until : from;
      const w = await honestAge({ tree, asOfDate: inside });
      expect(age.check(w)).toEqual([]);
      for (const mode of ["honest", "claim-true"] as const) {
        expectRejectedBy(cheatAge(w, { asOfDate: AS_OF }, { window: { [hint]: mode } }), SET_RX.window, either(SET_RX.merkleOrRoot, RX.sig));
      }
    });
  }

  it("claiming a wider window than the leaf's fails the Merkle root", async () => {
    const tree = windowed(20250101n, 20251231n);
    const w = await honestAge({ tree, asOfDate: 20251231n });
    const forged = cheatAge(w, { asOfDate: AS_OF, issuerValidUntil: 20301231n });
    expectRejectedBy(forged, SET_RX.merkleOrRoot, either(SET_RX.window, RX.sig));
  });

  it("a window bound beyond 27 bits (wrapping the comparator) fails its range check", async () => {
    const w = await honestAge();
    // validFrom = p - 1 ("before every day" modulo p): the comparator alone would be fooled.
    const forged = cheatAge(w, { issuerValidFrom: P - 1n }, { window: { from: "claim-true" } });
    expectRejectedBy(forged, either(SET_RX.window, SET_RX.merkleOrRoot), RX.sig);
    const RANGE = /^main\.IssuerInSet_\d+_\d+\.AssertLessEqThan_\d+_\d+\.Num2Bits_/;
    expect(age.check(forged).some((f) => f.signals.some((s) => RANGE.test(s)))).toBe(true);
  });
});

describe("age_at_least_hidden: the schema in the leaf", () => {
  it("a key trusted for insurance-coverage/v1 only cannot prove over a patient record", async () => {
    // The clinic's only leaf is for the insurance schema; the circuit hashes its own SCHEMA_ID.
    const insuranceOnly = new IssuerSetTree(oracle, [{ issuer: clinic, revocationRoot: clean.root, schemaId: INSURANCE_SCHEMA }]);
    const w = await honestAge();
    expectRejectedBy(cheatAge(w, { ...insuranceOnly.opening(0), issuerSetRoot: insuranceOnly.root }), SET_RX.merkleOrRoot, RX.sig);
  });
});

// ---- the two other circuits: wiring, counts, and the same membership rejections ----

/**
 * The query statement's honest hints (as in query.test.ts, without its cheating strategies): per
 * predicate the 64-bit range checks of rv, lo and hi, the two LessEqThan(64) and the IsZero
 * inverse of the set product. The Decoders are fixed by their constraints.
 */
function predicateHints(): Hint[] {
  const main = (name: string) => query.wire(`main.${name}`);
  const index = (path: string) => Number(/\[(\d+)\]$/.exec(path)![1]);
  const preds = query.components(/^main\.Predicate_\d+_\d+\[\d+\]$/).sort((a, b) => index(a) - index(b));
  expect(preds).toHaveLength(4);
  return preds.flatMap((path, p) => {
    const at = (name: string) => query.wire(`${path}.${name}`);
    const [rv, lo, hi, prod] = [at("rv"), main(`predLo[${p}]`), main(`predHi[${p}]`), at("prod[15]")];
    const ranges = query.components(new RegExp(`^${escapeRegExp(path)}\\.Num2Bits_\\d+_\\d+$`));
    const comparators = query.components(new RegExp(`^${escapeRegExp(path)}\\.LessEqThan_\\d+_\\d+$`));
    const isZero = component(query, new RegExp(`^${escapeRegExp(path)}\\.IsZero_\\d+_\\d+$`));
    return [
      query.bitsHint(ranges[0]!, 64, [rv], (w) => w[rv]!),
      query.bitsHint(ranges[1]!, 64, [lo], (w) => w[lo]!),
      query.bitsHint(ranges[2]!, 64, [hi], (w) => w[hi]!),
      ...comparatorHints(query, `${comparators[0]}.lt`, 64, [lo, rv], (w) => w[lo]!, (w) => w[rv]!, "honest", { orEqual: true, outputs: [at("geLo")] }),
      ...comparatorHints(query, `${comparators[1]}.lt`, 64, [rv, hi], (w) => w[rv]!, (w) => w[hi]!, "honest", { orEqual: true, outputs: [at("leHi")] }),
      isZeroHint(query.wire(`${isZero}.inv`), prod, "honest"),
    ];
  });
}

const RECORD: InsuranceRecord = { insurerId: 0x1a5e_12e2n, memberId: 0x3e3b_e2n, plan: 7n, coverageStart: 20250101n, coverageEnd: 20271231n };

describe("insurance_active_hidden", () => {
  const credential = (): Credential => ({ schemaId: INSURANCE_SCHEMA, ...HOLDER, revocationSlot: REVOCATION_SLOT, expiresOn: EXPIRES_ON, attrs: insuranceAttrs(RECORD) });
  const honest = (issuer = clinic, tree = set, index = CLINIC_INSURANCE_INDEX) =>
    insurance.witness(hiddenInput(insuranceInput(oracle, issuer, credential(), clean, PUB), tree, index));
  // The coverage window's two AssertLessEqThan(27) (main level; IssuerInSet's are nested), honest.
  const coverageHints = (): Hint[] => {
    const checks = insurance.components(/^main\.AssertLessEqThan_\d+_\d+$/);
    const [start, asOf, end] = ["attr[2]", "asOfDate", "attr[3]"].map((n) => insurance.wire(`main.${n}`)) as [number, number, number];
    return [
      ...assertLessEqHints(insurance, checks[0]!, 27, [start, asOf], (w) => w[start]!, (w) => w[asOf]!, "honest"),
      ...assertLessEqHints(insurance, checks[1]!, 27, [asOf, end], (w) => w[asOf]!, (w) => w[end]!, "honest"),
    ];
  };
  const cheat = cheater(() => insurance, () => oracle, () => [...coverageHints(), ...setHints(insurance)]);

  it("accepts the honest witness with public signals [nullifier, issuerSetRoot, asOfDate, insurerId, challenge, scope]", async () => {
    const w = await honest();
    expect(insurance.check(w)).toEqual([]);
    expect(insurance.publicSignals(w)).toEqual([oracle.nullifier(HOLDER.holderSecret, PUB.scope), set.root, AS_OF, RECORD.insurerId, PUB.challenge, PUB.scope]);
  });

  it("pins the constraint count (10,165 = insurance_active's 7,804 + 2,361)", () => {
    expect(insurance.nConstraints).toBe(10165);
    expect(insurance.eliminatedInputs).toEqual(["main.revBitIndex"]);
  });

  it("the clinic's patient-record leaf does not admit an insurance credential (schema in the leaf)", async () => {
    const w = await honest();
    rejectedBy(insurance, cheat(w, setEdits(set, CLINIC_INDEX)), SET_RX.merkleOrRoot, RX.sig);
  });

  it("an attacker's key outside the set fails the Merkle root", async () => {
    const attackerMember: Member = { issuer: attacker, revocationRoot: clean.root, schemaId: INSURANCE_SCHEMA };
    const w = await honest(attacker, new IssuerSetTree(oracle, [attackerMember]), 0);
    rejectedBy(insurance, cheat(w, { ...set.opening(CLINIC_INSURANCE_INDEX, attackerMember), issuerSetRoot: set.root }), SET_RX.merkleOrRoot, RX.sig);
  });

  it("witness mutation: changing any one derived wire violates a constraint", async () => {
    expectEveryDerivedWireConstrained(insurance, await honest(), FREE_IN_EDDSA);
  });
});

describe("query_hidden", () => {
  const predicate = { slot: 0n, op: OP.range, lo: 19000101n, hi: 20081231n };
  const honest = (issuer = clinic, tree = set, index = CLINIC_INDEX) =>
    query.witness(hiddenInput(queryInput(oracle, issuer, patientRecord(), clean, PUB, [predicate], [0n]), tree, index));
  const cheat = cheater(() => query, () => oracle, () => [...predicateHints(), ...setHints(query)]);

  it("accepts the honest witness: public signals are query's with the issuer key and root replaced by issuerSetRoot", async () => {
    const w = await honest();
    expect(query.check(w)).toEqual([]);
    const signals = query.publicSignals(w);
    // The last is queryHash, the hash of the (private) predicate descriptor.
    expect(signals).toEqual([
      oracle.nullifier(HOLDER.holderSecret, PUB.scope), DOB, 0n, set.root, AS_OF, PATIENT_RECORD_SCHEMA, PUB.challenge, PUB.scope,
      descriptorHash(oracle, queryStatement([predicate], [0n])),
    ]);
  });

  it("pins the constraint count (14,352 = query's 11,988 + 2,364)", () => {
    expect(query.nConstraints).toBe(14352);
  });

  it("a public schemaId the key is trusted for, over a credential of another schema, fails the signature", async () => {
    // The clinic is trusted for both schemas; claiming the insurance schema (its leaf opens) does
    // not help, because schemaId is also signed into the credential commitment.
    const w = await honest();
    const forged = cheat(w, { schemaId: INSURANCE_SCHEMA, ...setEdits(set, CLINIC_INSURANCE_INDEX) });
    rejectedBy(query, forged, RX.sigEquation, SET_RX.any);
  });

  it("a key trusted for another schema only cannot prove a query over this one (the leaf binds the public schemaId)", async () => {
    const w = await honest();
    const insuranceOnly = new IssuerSetTree(oracle, [{ issuer: clinic, revocationRoot: clean.root, schemaId: INSURANCE_SCHEMA }]);
    rejectedBy(query, cheat(w, { ...insuranceOnly.opening(0), issuerSetRoot: insuranceOnly.root }), SET_RX.merkleOrRoot, RX.sig);
  });

  it("an attacker's key outside the set fails the Merkle root", async () => {
    const attackerMember: Member = { issuer: attacker, revocationRoot: clean.root, schemaId: PATIENT_RECORD_SCHEMA };
    const w = await honest(attacker, new IssuerSetTree(oracle, [attackerMember]), 0);
    rejectedBy(query, cheat(w, { ...set.opening(CLINIC_INDEX, attackerMember), issuerSetRoot: set.root }), SET_RX.merkleOrRoot, RX.sig);
  });
});
