// Soundness of the generic query circuit at the R1CS level: up to 4 predicates (none, range,
// in, notIn) over the 8 attribute slots of one credential, plus the disclosure of 2 slots, all
// private and bound to the one public `queryHash` (QueryDescriptorHash).
// Every rejection below is a malicious witness that violates the compiled constraints, never
// merely an input that the honest witness generator refuses. The cheater (`cheat`) edits circuit
// inputs and then recomputes every other wire the way an honest prover would, so a failure is a
// check the edit cannot get past.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildOracle,
  comparatorHints,
  component,
  type Credential,
  decoderClaimHint,
  descriptorHash,
  isZeroHint,
  namedWires,
  N_DISCLOSED,
  N_PREDICATES,
  NO_SLOT,
  OP,
  padSet,
  PATIENT_RECORD_SCHEMA,
  type QueryPredicate,
  queryInput,
  queryStatement,
  revocationEdits,
  type RevocationTree,
  SET_SIZE,
  signCredential,
  slots,
  type Issuer,
  type Oracle,
} from "../helpers/circuit-credential.js";
import {
  type CheatOptions,
  cheater,
  expectEveryDerivedWireConstrained,
  expectRejectedBy as rejectedBy,
  type FreeWire,
} from "../helpers/cheater.js";
import { Circuit, escapeRegExp, failuresOutside, flatten, type Signal, terminateCurves, type Hint } from "../helpers/r1cs.js";
import { type CompiledQuery, queryHash } from "../../src/statements/query.js";
import { finishBackgroundCompiles, prepareCircuit } from "./compile.js";
import { FREE_IN_EDDSA, quietly, REVOCATION_SLOT, revocationFixture, RX } from "./shared.js";

const NAME = "query";
const HOLDER = { holderSecret: 0x0123_4567_89ab_cdef_5eedn, salt: 0x5a17_7777_0000_1111_2222n };
const MAX64 = (1n << 64n) - 1n;
/** 248-bit field elements standing for hashed strings (a name, a plan). */
const NAME_HASH = (1n << 247n) | 0x1234_5678_9abc_def0n;
const PLAN = (1n << 246n) | 0x9a7n;
const SLOT = { dob: 0n, name: 1n, count: 2n, zero: 3n, max64: 4n, date: 5n, plan: 6n, small: 7n };
/** The credential's 8 slots: a pre-1970 date of birth, a hashed string, numbers, an unused 0. */
const ATTRS = [19650312n, NAME_HASH, 42n, 0n, MAX64, 20251231n, PLAN, 7n];
const EXPIRES_ON = 20301231n;
const AS_OF = 20260301n;
const PUB = { challenge: 0xc4a11e46en, scope: 0x5c09en };

let circuit: Circuit;
let oracle: Oracle;
let trusted: Issuer;
let clean: RevocationTree;
let revoked: RevocationTree;
/** Predicate[0..3] and the two disclosure SelectSlot component paths. */
let preds: string[];
let disclosures: string[];

const byIndex = (paths: string[]) =>
  [...paths].sort((a, b) => Number(/\[(\d+)\]$/.exec(a)![1]) - Number(/\[(\d+)\]$/.exec(b)![1]));

beforeAll(async () => {
  let files;
  [files, oracle] = await Promise.all([prepareCircuit(NAME), buildOracle()]);
  circuit = await Circuit.load(files);
  trusted = oracle.issuer("medzk soundness: trusted issuer");
  ({ clean, revoked } = revocationFixture(oracle));
  preds = byIndex(circuit.components(/^main\.Predicate_\d+_\d+\[\d+\]$/));
  disclosures = byIndex(circuit.components(/^main\.SelectSlot_\d+_\d+\[\d+\]$/));
  expect(preds).toHaveLength(4);
  expect(disclosures).toHaveLength(2);
});

afterAll(async () => {
  await finishBackgroundCompiles();
  await terminateCurves();
});

const within = (path: string) => new RegExp(`^${escapeRegExp(path)}\\.`);
const either = (...patterns: RegExp[]) => new RegExp(patterns.map((p) => p.source).join("|"));

const credential = (attrs = ATTRS, expiresOn = EXPIRES_ON): Credential => ({
  schemaId: PATIENT_RECORD_SCHEMA,
  ...HOLDER,
  revocationSlot: REVOCATION_SLOT,
  expiresOn,
  attrs,
});

/** Honest witness for a credential `trusted` really signed (throws if a predicate is false). */
function honest(
  predicates: QueryPredicate[],
  disclose: bigint[] = [],
  { attrs = ATTRS, asOfDate = AS_OF, expiresOn = EXPIRES_ON, tree = clean } = {},
) {
  const input = queryInput(oracle, trusted, credential(attrs, expiresOn), tree, { ...PUB, asOfDate }, predicates, disclose);
  return circuit.witness(input);
}

/** Cheater edits replacing predicate p's public inputs (padded like queryStatement). */
const predicateEdits = (p: number, predicate: QueryPredicate): Record<string, Signal> => ({
  [`predSlot[${p}]`]: predicate.slot,
  [`predOp[${p}]`]: predicate.op,
  [`predLo[${p}]`]: predicate.lo ?? 0n,
  [`predHi[${p}]`]: predicate.hi ?? 0n,
  [`predSet[${p}]`]: padSet(predicate.set ?? []),
});

interface QueryCheat extends CheatOptions {
  /** Predicate p's IsZero inverse of its set product is 0, i.e. claims "v is a member". */
  claimMember?: number;
  /** Predicate p's op Decoder claims op k (k = 0 none ... 3 notIn). */
  claimOp?: { p: number; k: number };
  /** Predicate p's slot Decoder claims slot k. */
  claimSlot?: { p: number; k: number };
  /** Disclosure d's slot Decoder claims slot k (k = 8: the constant 0). */
  claimDisclose?: { d: number; k: number };
}

/**
 * The query statement's hints, per predicate: the 64-bit range checks of rv = v * isRange, lo and
 * hi; the two LessEqThan(64) comparators lo <= rv and rv <= hi ("claim-true" clears their bit 64,
 * their outputs geLo/leHi follow the claimed bits); the IsZero inverse of the set product. The
 * Decoders (op, slot, disclosed slot) are fixed by their constraints unless a claim is made.
 */
function statementHints(opts: QueryCheat): Hint[] {
  const main = (name: string) => circuit.wire(`main.${name}`);
  const hints = preds.flatMap((path, p) => {
    const at = (name: string) => circuit.wire(`${path}.${name}`);
    const [rv, lo, hi, prod] = [at("rv"), main(`predLo[${p}]`), main(`predHi[${p}]`), at(`prod[${SET_SIZE - 1}]`)];
    const ranges = circuit.components(new RegExp(`^${escapeRegExp(path)}\\.Num2Bits_\\d+_\\d+$`));
    const comparators = circuit.components(new RegExp(`^${escapeRegExp(path)}\\.LessEqThan_\\d+_\\d+$`));
    expect(ranges).toHaveLength(3); // rv, lo, hi in declaration order
    expect(comparators).toHaveLength(2); // lo <= rv, rv <= hi
    const mode = opts.comparator ?? "honest";
    const isZero = component(circuit, new RegExp(`^${escapeRegExp(path)}\\.IsZero_\\d+_\\d+$`));
    const out: Hint[] = [
      circuit.bitsHint(ranges[0]!, 64, [rv], (w) => w[rv]!),
      circuit.bitsHint(ranges[1]!, 64, [lo], (w) => w[lo]!),
      circuit.bitsHint(ranges[2]!, 64, [hi], (w) => w[hi]!),
      ...comparatorHints(circuit, `${comparators[0]}.lt`, 64, [lo, rv], (w) => w[lo]!, (w) => w[rv]!, mode, {
        orEqual: true,
        outputs: [at("geLo")],
      }),
      ...comparatorHints(circuit, `${comparators[1]}.lt`, 64, [rv, hi], (w) => w[rv]!, (w) => w[hi]!, mode, {
        orEqual: true,
        outputs: [at("leHi")],
      }),
      isZeroHint(circuit.wire(`${isZero}.inv`), prod, opts.claimMember === p ? "claim-zero" : "honest"),
    ];
    if (opts.claimOp?.p === p) {
      // ops.out[0] has no wire (it is 1 - the others, from success === 1); out[1..3] are the flags.
      const flags = [-1, at("isRange"), at("isIn"), at("isNotIn")];
      out.push(decoderClaimHint(flags, [main(`predOp[${p}]`)], opts.claimOp.k));
    }
    if (opts.claimSlot?.p === p) {
      const select = component(circuit, new RegExp(`^${escapeRegExp(path)}\\.SelectSlot_\\d+_\\d+$`));
      out.push(decoderClaimHint(namedWires(circuit, `${select}.dec.out`, 8), [main(`predSlot[${p}]`)], opts.claimSlot.k));
    }
    return out;
  });
  if (opts.claimDisclose) {
    const { d, k } = opts.claimDisclose;
    const wires = namedWires(circuit, `${disclosures[d]}.dec.out`, 9);
    hints.push(decoderClaimHint(wires, [main(`discloseSlot[${d}]`)], k));
  }
  return hints;
}

const cheatAny = cheater<QueryCheat>(() => circuit, () => oracle, statementHints);
const DESCRIPTOR = /^(predSlot|predOp|predLo|predHi|predSet|discloseSlot)\[/;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The descriptor of witness `w` with `edits` applied (the private inputs QueryDescriptorHash reads). */
function editedDescriptor(w: bigint[], edits: Record<string, Signal>): Record<string, Signal> {
  const named = flatten(edits);
  const value = (name: string) => named[name] ?? w[circuit.wire(`main.${name}`)]!;
  const per = (k: string) => range(N_PREDICATES).map((p) => value(`${k}[${p}]`));
  return {
    predSlot: per("predSlot"),
    predOp: per("predOp"),
    predLo: per("predLo"),
    predHi: per("predHi"),
    predSet: range(N_PREDICATES).map((p) => range(SET_SIZE).map((j) => value(`predSet[${p}][${j}]`))),
    discloseSlot: range(N_DISCLOSED).map((d) => value(`discloseSlot[${d}]`)),
  };
}

/**
 * The cheater, for a verifier that asked for the edited descriptor: an edit of the descriptor
 * also sets the public queryHash to the edited descriptor's hash (unless the edit sets queryHash
 * itself), so a rejection comes from the statement's own gadgets, not from the hash. The tests of
 * the packing below keep the asked-for queryHash and edit only the private descriptor.
 */
const cheat = (w: bigint[], edits: Record<string, Signal>, opts?: QueryCheat): bigint[] => {
  const touchesDescriptor = Object.keys(flatten(edits)).some((k) => DESCRIPTOR.test(k));
  const withHash = touchesDescriptor && !("queryHash" in edits) ? { ...edits, queryHash: descriptorHash(oracle, editedDescriptor(w, edits)) } : edits;
  return cheatAny(w, withHash, opts);
};
const expectRejectedBy = (w: bigint[], by: RegExp, notBy?: RegExp) => rejectedBy(circuit, w, by, notBy);
/** Rejected by predicate p alone. */
const expectRejectedByPredicate = (w: bigint[], p: number) =>
  expectRejectedBy(w, within(preds[p]!), either(...preds.filter((_, q) => q !== p).map(within), RX.sig));
const touches = (w: bigint[], pattern: RegExp) =>
  circuit.check(w).some((f) => f.signals.some((s) => pattern.test(s)));

/** The IsZero inverse of predicate p, free when its value is in its set (see the reason). */
const freeIsZero = (p: number): FreeWire => ({
  name: new RegExp(`^${escapeRegExp(preds[p]!)}\\.IsZero_\\d+_\\d+\\.inv$`),
  reason:
    `predicate ${p}'s value is in its set, so IsZero's input (the product of v - set[j]) is 0 and ` +
    "out = 1 - 0 * inv holds for every inv; inv is pinned only for a non-zero product (in * out = 0 " +
    "then forces out = 0 and inv = 1/in), so its value cannot change what is accepted.",
});

// Predicates used throughout (all true for ATTRS).
const DOB_BEFORE_1970: QueryPredicate = { slot: SLOT.dob, op: OP.range, lo: 19000101n, hi: 19691231n };
const PLAN_IN: QueryPredicate = { slot: SLOT.plan, op: OP.in, set: [3n, PLAN, 5n] };
const COUNT_NOT_IN: QueryPredicate = { slot: SLOT.count, op: OP.notIn, set: [41n, 43n, 0n] };
const MAX64_RANGE: QueryPredicate = { slot: SLOT.max64, op: OP.range, lo: 0n, hi: MAX64 };

describe("query: the R1CS checker", () => {
  it("accepts the honest witness, whose public signals match the oracle and the statement", async () => {
    const predicates = [DOB_BEFORE_1970, PLAN_IN, COUNT_NOT_IN];
    const w = await honest(predicates, [SLOT.count, NO_SLOT]);
    expect(circuit.check(w)).toEqual([]);
    const s = queryStatement(predicates, [SLOT.count, NO_SLOT]);
    expect(circuit.publicSignals(w)).toEqual([
      oracle.nullifier(HOLDER.holderSecret, PUB.scope),
      42n, // disclosed[0] = attr[2]
      0n, // disclosed[1]: nothing
      trusted.Ax,
      trusted.Ay,
      clean.root,
      AS_OF,
      PATIENT_RECORD_SCHEMA,
      PUB.challenge,
      PUB.scope,
      descriptorHash(oracle, s),
    ]);
    // The library's queryHash (what prover and verifier derive from a request) is the circuit's.
    expect(queryHash(s as unknown as CompiledQuery)).toBe(descriptorHash(oracle, s));
  });

  it("pins the constraint count (11988, all non-linear: 9135 before the descriptor was hashed) and the one input --O2 eliminated", () => {
    expect(circuit.nConstraints).toBe(11988);
    expect(circuit.nonLinearConstraints()).toBe(11988);
    expect(circuit.eliminatedInputs).toEqual(["main.revBitIndex"]);
  });

  it("witness mutation: changing any one derived wire violates a constraint (range, notIn, none)", async () => {
    // No value is in its predicate's set here, so every IsZero inverse is pinned.
    const w = await honest([DOB_BEFORE_1970, COUNT_NOT_IN, MAX64_RANGE], [SLOT.name, SLOT.small]);
    expectEveryDerivedWireConstrained(circuit, w, FREE_IN_EDDSA);
  });

  it("witness mutation: with IN predicates, only their IsZero inverses are free", async () => {
    const zeroIn: QueryPredicate = { slot: SLOT.zero, op: OP.in, set: [0n, 9n] };
    const w = await honest([PLAN_IN, zeroIn, COUNT_NOT_IN, DOB_BEFORE_1970], [SLOT.plan]);
    expectEveryDerivedWireConstrained(circuit, w, [...FREE_IN_EDDSA, freeIsZero(0), freeIsZero(1)]);
  });

  it("the cheater is exact: with no edit, or a still-true edit, it rebuilds the honest witness", async () => {
    const w = await honest([DOB_BEFORE_1970, PLAN_IN]);
    expect(cheat(w, {})).toEqual(w);
    const narrower = { ...DOB_BEFORE_1970, lo: 19650312n, hi: 19650312n };
    expect(cheat(w, predicateEdits(0, narrower))).toEqual(await honest([narrower, PLAN_IN]));
  });

  it("recomputing only what depends on the edit equals recomputing everything", async () => {
    const w = await honest([DOB_BEFORE_1970, PLAN_IN]);
    const edits = { ...predicateEdits(0, { ...DOB_BEFORE_1970, hi: 19600101n }), "predSet[1][0]": 11n };
    const opts = { comparator: "claim-true", claimMember: 1 } as const;
    const fast = cheat(w, edits, opts);
    expect(fast).toEqual(cheat(w, edits, { ...opts, full: true }));
    expectRejectedBy(fast, either(within(preds[0]!)), either(within(preds[1]!), RX.sig));
  });
});

describe("query: range (lo <= v <= hi over 64-bit values)", () => {
  it("accepts the exact bounds lo == v, v == hi, lo == v == hi, and a date of birth before 1970", async () => {
    const w = await honest([
      { slot: SLOT.count, op: OP.range, lo: 42n, hi: 100n },
      { slot: SLOT.count, op: OP.range, lo: 0n, hi: 42n },
      { slot: SLOT.count, op: OP.range, lo: 42n, hi: 42n },
      DOB_BEFORE_1970,
    ]);
    expect(circuit.check(w)).toEqual([]);
  });

  it("64-bit boundary: v = 2^64 - 1 is accepted in [0, 2^64 - 1], and 0 in [0, 0]", async () => {
    const w = await honest([MAX64_RANGE, { slot: SLOT.zero, op: OP.range, lo: 0n, hi: 0n }]);
    expect(circuit.check(w)).toEqual([]);
  });

  it("64-bit boundary: a signed value of 2^64 is rejected by the range check of v, for both comparator hints", async () => {
    const w = await honest([MAX64_RANGE]);
    const attrs = slots(ATTRS).map((v, i) => (BigInt(i) === SLOT.max64 ? 1n << 64n : v));
    const signature = signCredential(oracle, trusted, credential(attrs));
    const rvRange = new RegExp(`^${escapeRegExp(preds[0]!)}\\.Num2Bits_\\d+_\\d+\\.out\\[`);
    for (const comparator of ["honest", "claim-true"] as const) {
      const forged = cheat(w, { [`attr[${SLOT.max64}]`]: 1n << 64n, ...signature }, { comparator });
      expectRejectedByPredicate(forged, 0);
      expect(touches(forged, rvRange)).toBe(true);
    }
  });

  it("a range over a slot holding a 248-bit hashed string is rejected (v is not a 64-bit number)", async () => {
    // Honestly a "none" predicate over the string; the cheater turns it into a full range.
    const w = await honest([{ slot: SLOT.name, op: OP.none }]);
    const rvRange = new RegExp(`^${escapeRegExp(preds[0]!)}\\.Num2Bits_\\d+_\\d+\\.out\\[`);
    for (const comparator of ["honest", "claim-true"] as const) {
      const forged = cheat(w, predicateEdits(0, { slot: SLOT.name, op: OP.range, lo: 0n, hi: MAX64 }), { comparator });
      expectRejectedByPredicate(forged, 0);
      expect(touches(forged, rvRange)).toBe(true);
    }
  });

  it("v below lo or above hi is rejected by that predicate, for both comparator hints", async () => {
    const w = await honest([PLAN_IN, { slot: SLOT.count, op: OP.range, lo: 40n, hi: 50n }]);
    for (const comparator of ["honest", "claim-true"] as const) {
      for (const [lo, hi] of [
        [43n, 50n],
        [40n, 41n],
      ]) {
        expectRejectedByPredicate(cheat(w, predicateEdits(1, { slot: SLOT.count, op: OP.range, lo, hi }), { comparator }), 1);
      }
    }
  });
});

describe("query: in / notIn / none", () => {
  it("accepts v as the last element of a full 16-element IN set, and as the last real element before padding", async () => {
    const full = [...Array.from({ length: SET_SIZE - 1 }, (_, j) => 1000n + BigInt(j)), PLAN];
    expect(padSet(full)).toEqual(full);
    const w = await honest([
      { slot: SLOT.plan, op: OP.in, set: full },
      { slot: SLOT.name, op: OP.in, set: [5n, 6n, NAME_HASH] }, // padded with 5
    ]);
    expect(circuit.check(w)).toEqual([]);
  });

  it("accepts notIn, and a none predicate whatever its parameters (here lo > hi, set without v)", async () => {
    const w = await honest([COUNT_NOT_IN, { slot: SLOT.small, op: OP.none, lo: 9n, hi: 3n, set: [1n] }]);
    expect(circuit.check(w)).toEqual([]);
  });

  it("a zero attribute: accepted in a set containing 0, rejected in one whose padding repeats real elements", async () => {
    const w = await honest([{ slot: SLOT.zero, op: OP.in, set: [7n, 0n] }]);
    expect(circuit.check(w)).toEqual([]);
    const padded = padSet([7n, 9n]);
    expect(padded).not.toContain(0n);
    for (const claimMember of [undefined, 0]) {
      const forged = cheat(w, predicateEdits(0, { slot: SLOT.zero, op: OP.in, set: [7n, 9n] }), { claimMember });
      expectRejectedByPredicate(forged, 0);
    }
  });

  it("v outside an IN set, or inside a NOT-IN set, is rejected by that predicate", async () => {
    const w = await honest([DOB_BEFORE_1970, PLAN_IN, COUNT_NOT_IN]);
    for (const claim of [false, true]) {
      const member = (p: number) => (claim ? { claimMember: p } : {});
      expectRejectedByPredicate(cheat(w, predicateEdits(1, { ...PLAN_IN, set: [3n, 5n] }), member(1)), 1);
      expectRejectedByPredicate(cheat(w, predicateEdits(2, { ...COUNT_NOT_IN, set: [41n, 42n] }), member(2)), 2);
    }
  });
});

describe("query: malformed predicates", () => {
  it("op code 4 is rejected by the op Decoder's success, whichever op its outputs claim", async () => {
    const w = await honest([DOB_BEFORE_1970, { slot: SLOT.count, op: OP.none }]);
    const opWire = /^main\.predOp\[1\]$/;
    const claims = [undefined, 0, 1, 2, 3].map((k) => (k === undefined ? {} : { claimOp: { p: 1, k } }));
    for (const opts of claims) {
      const forged = cheat(w, { "predOp[1]": 4n }, opts);
      expectRejectedByPredicate(forged, 1);
      expect(touches(forged, opWire)).toBe(true);
    }
  });

  for (const slot of [8n, 9n]) {
    it(`slot ${slot} for a predicate is rejected by the slot Decoder's success, whichever slot it claims`, async () => {
      const w = await honest([DOB_BEFORE_1970, { slot: SLOT.count, op: OP.none }]);
      const slotWire = /^main\.predSlot\[1\]$/;
      for (const opts of [{}, ...[0, 3, 7].map((k) => ({ claimSlot: { p: 1, k } }))]) {
        const forged = cheat(w, { "predSlot[1]": slot }, opts);
        expectRejectedByPredicate(forged, 1);
        expect(touches(forged, slotWire)).toBe(true);
      }
    });
  }
});

describe("query: disclosure", () => {
  it("discloses exactly the chosen slots, and 0 for slot 8 (nothing)", async () => {
    for (const [a, b] of [
      [SLOT.name, SLOT.small],
      [SLOT.max64, NO_SLOT],
      [NO_SLOT, NO_SLOT],
    ] as const) {
      const w = await honest([], [a, b]);
      expect(circuit.check(w)).toEqual([]);
      const value = (s: bigint) => (s === NO_SLOT ? 0n : ATTRS[Number(s)]!);
      expect(circuit.publicSignals(w).slice(1, 3)).toEqual([value(a), value(b)]);
    }
  });

  it("disclosing slot 9, or another value than the signed one, is rejected", async () => {
    const w = await honest([], [SLOT.count, NO_SLOT]);
    for (const opts of [{}, { claimDisclose: { d: 1, k: 8 } }, { claimDisclose: { d: 1, k: 0 } }]) {
      const forged = cheat(w, { "discloseSlot[1]": 9n }, opts);
      expectRejectedBy(forged, within(disclosures[1]!), either(within(disclosures[0]!), ...preds.map(within)));
      expect(touches(forged, /^main\.discloseSlot\[1\]$/)).toBe(true);
    }
    // The disclosed output is recomputed from an edited attribute: only the signature objects.
    const forged = cheat(w, { [`attr[${SLOT.count}]`]: 43n });
    expect(forged[circuit.wire("main.disclosed[0]")]).toBe(43n);
    expectRejectedBy(forged, RX.sigEquation);
  });
});

describe("query: four predicates combined", () => {
  const ALL = [DOB_BEFORE_1970, PLAN_IN, COUNT_NOT_IN, MAX64_RANGE];
  const FALSE: QueryPredicate[] = [
    { ...DOB_BEFORE_1970, hi: 19600101n }, // born 1965: after hi
    { ...PLAN_IN, set: [3n, 5n] },
    { ...COUNT_NOT_IN, set: [42n] },
    { ...MAX64_RANGE, hi: MAX64 - 1n },
  ];

  it("all four hold: accepted, with two disclosures", async () => {
    expect(circuit.check(await honest(ALL, [SLOT.date, SLOT.dob]))).toEqual([]);
  });

  it("making any one of them false is rejected by that predicate alone", async () => {
    const w = await honest(ALL, [SLOT.date, SLOT.dob]);
    FALSE.forEach((predicate, p) => {
      // Each with both strategies for its free values: comparator bits, or the IsZero inverse.
      const strategies: QueryCheat[] =
        predicate.op === OP.range ? [{}, { comparator: "claim-true" }] : [{}, { claimMember: p }];
      for (const opts of strategies) expectRejectedByPredicate(cheat(w, predicateEdits(p, predicate), opts), p);
    });
  });
});

describe("query: the packed descriptor behind queryHash", () => {
  // The hash gadget, or the public signal it must equal (--O2 may substitute one for the other).
  const HASH = () => either(/^main\.queryHash$/, within(component(circuit, /^main\.QueryDescriptorHash_\d+_\d+$/)));

  it("a descriptor other than the one queryHash commits to is rejected by the hash alone, whichever field changes", async () => {
    const w = await honest([DOB_BEFORE_1970, PLAN_IN], [SLOT.count]);
    const asked = w[circuit.wire("main.queryHash")]!;
    // Each edit alone makes a statement that holds for this credential (so only the hash objects).
    for (const edits of [
      predicateEdits(0, { ...DOB_BEFORE_1970, hi: 19700101n }),
      { "predSet[1][15]": 77n },
      { "discloseSlot[0]": SLOT.plan },
    ]) {
      const forged = cheat(w, { ...edits, queryHash: asked });
      expectRejectedBy(forged, HASH(), either(...preds.map(within), ...disclosures.map(within), RX.sig));
    }
  });

  it("a descriptor aliasing the asked packed word (slot + 16, op - 1: a range turned into none) keeps queryHash but is rejected by the slot Decoder", async () => {
    const w = await honest([DOB_BEFORE_1970]);
    const asked = w[circuit.wire("main.queryHash")]!;
    // slot 0 + 16 * op 1 == slot 16 + 16 * op 0: the same packed word, so the same hash.
    const alias = { "predSlot[0]": 16n, "predOp[0]": OP.none, queryHash: asked };
    expect(descriptorHash(oracle, editedDescriptor(w, alias))).toBe(asked);
    // Honest Decoder wires, and the Decoder claiming slot 0 (the slot the asked predicate reads).
    for (const opts of [{}, { claimSlot: { p: 0, k: 0 } }]) {
      const forged = cheat(w, alias, opts);
      expectRejectedByPredicate(forged, 0);
      expect(touches(forged, /^main\.predSlot\[0\]$/)).toBe(true);
      expect(touches(forged, HASH())).toBe(false);
    }
  });

  it("a descriptor aliasing the asked packed word through lo (lo + 2^64, hi - 1) keeps queryHash but is rejected by lo's 64-bit range check", async () => {
    const w = await honest([{ slot: SLOT.count, op: OP.range, lo: 40n, hi: 50n }]);
    const asked = w[circuit.wire("main.queryHash")]!;
    const alias = { "predLo[0]": 40n + (1n << 64n), "predHi[0]": 49n, queryHash: asked };
    expect(descriptorHash(oracle, editedDescriptor(w, alias))).toBe(asked);
    const loRange = new RegExp(`^${escapeRegExp(preds[0]!)}\\.Num2Bits_\\d+_\\d+\\.out\\[`);
    for (const comparator of ["honest", "claim-true"] as const) {
      const forged = cheat(w, alias, { comparator });
      expectRejectedByPredicate(forged, 0);
      expect(touches(forged, loRange)).toBe(true);
      expect(touches(forged, HASH())).toBe(false);
    }
  });
});

describe("query: the credential behind the predicates", () => {
  it("another public schemaId is outside the signed preimage", async () => {
    const w = await honest([DOB_BEFORE_1970]);
    expectRejectedBy(cheat(w, { schemaId: PATIENT_RECORD_SCHEMA + 1n }), RX.sigEquation);
  });

  it("an attribute the issuer never signed (a younger date of birth moved before 1970)", async () => {
    const attrs = [19750101n, ...ATTRS.slice(1)];
    const w = await honest([{ ...DOB_BEFORE_1970, hi: 19800101n }], [], { attrs });
    const forged = cheat(w, { "attr[0]": 19650101n, ...predicateEdits(0, DOB_BEFORE_1970) });
    expectRejectedBy(forged, RX.sigEquation);
    expect(failuresOutside(circuit.check(forged), RX.sig)).toEqual([]); // the predicate itself holds
  });

  it("a revoked slot and an expired credential are rejected as in the statement circuits", async () => {
    await expect(quietly(() => honest([DOB_BEFORE_1970], [], { tree: revoked }))).rejects.toThrow(/Assert Failed/);
    const w = await honest([DOB_BEFORE_1970]);
    expectRejectedBy(cheat(w, revocationEdits(revoked, revoked.witness(REVOCATION_SLOT))), RX.mux, RX.merkle);
    expect(circuit.check(await honest([DOB_BEFORE_1970], [], { asOfDate: EXPIRES_ON }))).toEqual([]);
    for (const expiry of ["honest", "claim-true"] as const) {
      expectRejectedBy(cheat(w, { asOfDate: EXPIRES_ON + 1n }, { expiry }), RX.expiryComparator, either(...preds.map(within)));
    }
  });
});
