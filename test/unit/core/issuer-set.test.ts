/**
 * The trusted issuer set (src/core/issuer-set.ts) against a naive dense reference of the tree the
 * circuits open (every leaf and node of every level), and its strict parsing. That the circuit
 * accepts the library's witness is test/circuits/hidden-issuer.test.ts.
 */
import { poseidon4, poseidon6 } from "poseidon-lite";
import { describe, expect, it } from "vitest";
import {
  buildIssuerSet,
  ISSUER_SET_CAPACITY,
  ISSUER_SET_DEPTH,
  ISSUER_SET_FORMAT,
  type IssuerSetMember,
  issuerSetLeaf,
  issuerSetWitness,
  parseIssuerSet,
} from "../../../src/core/issuer-set.js";
import { unpackPublicKey } from "../../../src/core/public-key.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { BUILTIN_SCHEMAS, schemaIdField } from "../../../src/core/schemas.js";
import { derivePublicKey } from "../../../src/issuer/keys.js";
import { codeOf } from "../../helpers/errors.js";

const key = (n: number) => derivePublicKey(n.toString(16).padStart(64, "0"));
const PATIENT = schemaIdField(BUILTIN_SCHEMAS["patient-record/v1"]!).toString();
const INSURANCE = schemaIdField(BUILTIN_SCHEMAS["insurance-coverage/v1"]!).toString();
const AT = new Date("2026-03-01T12:00:00.000Z");

const members: IssuerSetMember[] = [
  { publicKey: key(3), revocationRoot: "12345", schemaId: PATIENT, validFrom: "2025-01-01", validUntil: "2030-12-31" },
  { publicKey: key(1), revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: INSURANCE },
  { publicKey: key(1), revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: PATIENT, validUntil: "2026-03-01" },
  { publicKey: key(2), revocationRoot: "7", schemaId: PATIENT, validFrom: "2026-03-02" },
];

/** The dense reference: leaves in the given order, every node computed. */
function naiveRoot(list: readonly IssuerSetMember[]): { root: bigint; levels: bigint[][] } {
  const day = (d: string | undefined, open: number) => BigInt(d === undefined ? open : Number(d.replaceAll("-", "")));
  const leaves = new Array<bigint>(4 ** ISSUER_SET_DEPTH).fill(0n);
  list.forEach((m, i) => {
    const { x, y } = unpackPublicKey(m.publicKey);
    leaves[i] = poseidon6([x, y, BigInt(m.revocationRoot), day(m.validFrom, 0), day(m.validUntil, 99991231), BigInt(m.schemaId)]);
  });
  const levels = [leaves];
  const empty = [0n];
  for (let l = 0; l < ISSUER_SET_DEPTH; l++) empty.push(poseidon4([empty[l]!, empty[l]!, empty[l]!, empty[l]!]));
  for (let l = 0; l < ISSUER_SET_DEPTH; l++) {
    const below = levels[l]!;
    // Only the first few nodes per level are non-empty: compute those, fill the rest with empty roots.
    const used = Math.ceil(list.length / 4 ** (l + 1));
    levels.push(Array.from({ length: below.length / 4 }, (_, i) => (i < used ? poseidon4(below.slice(4 * i, 4 * i + 4)) : empty[l + 1]!)));
  }
  return { root: levels[ISSUER_SET_DEPTH]![0]!, levels };
}

const canonical = [...members].sort((a, b) => (a.publicKey + a.schemaId < b.publicKey + b.schemaId ? -1 : 1));

describe("buildIssuerSet", () => {
  it("sorts members canonically (publicKey, then schemaId) and computes the reference root", () => {
    const set = buildIssuerSet(members, AT);
    expect(set.format).toBe(ISSUER_SET_FORMAT);
    expect(set.publishedAt).toBe("2026-03-01T12:00:00.000Z");
    expect(set.members.map((m) => [m.publicKey, m.schemaId])).toEqual(canonical.map((m) => [m.publicKey, m.schemaId]));
    expect(set.root).toBe(naiveRoot(canonical).root.toString());
    // Any input order gives the same document.
    expect(buildIssuerSet([...members].reverse(), AT)).toEqual(set);
    expect(parseIssuerSet(JSON.parse(JSON.stringify(set)))).toEqual(set);
  });

  it("the empty set's root is the all-zero tree's", () => {
    expect(buildIssuerSet([], AT).root).toBe(naiveRoot([]).root.toString());
  });

  it("every leaf is the circuit's Poseidon(Ax, Ay, revocationRoot, validFrom, validUntil, schemaId)", () => {
    const { levels } = naiveRoot(canonical);
    canonical.forEach((m, i) => expect(issuerSetLeaf(m)).toBe(levels[0]![i]));
  });

  it("refuses a pair given twice, a malformed member, too many members and a bad date", () => {
    expect(codeOf(() => buildIssuerSet([members[0]!, { ...members[0]!, revocationRoot: "1" }], AT))).toBe("INVALID_ISSUER_SET");
    expect(codeOf(() => buildIssuerSet([{ ...members[0]!, extra: 1 } as IssuerSetMember], AT))).toBe("INVALID_ISSUER_SET");
    expect(codeOf(() => buildIssuerSet([{ ...members[0]!, validFrom: "2031-01-01" }], AT))).toBe("INVALID_ISSUER_SET");
    expect(codeOf(() => buildIssuerSet(new Array(ISSUER_SET_CAPACITY + 1).fill(members[0]), AT))).toBe("INVALID_ISSUER_SET");
    expect(codeOf(() => buildIssuerSet(members, new Date(Number.NaN)))).toBe("INVALID_ARGUMENT");
  });
});

describe("parseIssuerSet", () => {
  const good = () => JSON.parse(JSON.stringify(buildIssuerSet(members, AT))) as Record<string, unknown> & { members: Record<string, unknown>[] };
  const cases: [string, (doc: ReturnType<typeof good>) => unknown][] = [
    ["an unknown key", (d) => ({ ...d, note: "x" })],
    ["a missing key", ({ publishedAt: _, ...rest }) => rest],
    ["another format", (d) => ({ ...d, format: "medzk-issuer-set/v2" })],
    ["a root that is not the members' root", (d) => ({ ...d, root: "1" })],
    ["a non-canonical root", (d) => ({ ...d, root: `0${d.root as string}` })],
    ["a bad publishedAt", (d) => ({ ...d, publishedAt: "2026-03-01" })],
    ["members out of order", (d) => ({ ...d, members: [...d.members].reverse() })],
    ["a repeated member", (d) => ({ ...d, members: [d.members[0], d.members[0]] })],
    ["an unknown member key", (d) => ({ ...d, members: [{ ...d.members[0], status: "active" }] })],
    ["a member without schemaId", (d) => ({ ...d, members: [{ publicKey: d.members[0]!.publicKey, revocationRoot: "1" }] })],
    ["a key off the curve", (d) => ({ ...d, members: [{ ...d.members[0], publicKey: "ff".repeat(32) }] })],
    ["an uppercase key", (d) => ({ ...d, members: [{ ...d.members[0], publicKey: (d.members[0]!.publicKey as string).toUpperCase() }] })],
    ["a revocation root above the field", (d) => ({ ...d, members: [{ ...d.members[0], revocationRoot: "21888242871839275222246405745257275088548364400416034343698204186575808495617" }] })],
    ["an impossible date", (d) => ({ ...d, members: [{ ...d.members[0], validUntil: "2026-02-30" }] })],
    ["members not an array", (d) => ({ ...d, members: {} })],
    ["not an object", () => "set"],
  ];
  for (const [label, edit] of cases) {
    it(`refuses ${label} (INVALID_ISSUER_SET)`, () => {
      expect(codeOf(() => parseIssuerSet(edit(good())))).toBe("INVALID_ISSUER_SET");
    });
  }
});

describe("issuerSetWitness", () => {
  const set = buildIssuerSet(members, AT);
  const ask = (m: IssuerSetMember, asOf = 20260301) => ({ publicKey: m.publicKey, schemaId: m.schemaId, revocationRoot: m.revocationRoot, asOf });

  it("gives each member's window and path, which lead to the reference root", () => {
    const { levels } = naiveRoot(canonical);
    canonical.forEach((m, index) => {
      if (m.validFrom === "2026-03-02") return; // not valid on 2026-03-01: below
      const w = issuerSetWitness(set, ask(m));
      expect(w.issuerValidFrom).toBe(m.validFrom === undefined ? "0" : m.validFrom.replaceAll("-", ""));
      expect(w.issuerValidUntil).toBe(m.validUntil === undefined ? "99991231" : m.validUntil.replaceAll("-", ""));
      let cur = levels[0]![index]!;
      let i = index;
      for (let l = 0; l < ISSUER_SET_DEPTH; l++) {
        const position = Number(w.issuerPathBits[2 * l]) + 2 * Number(w.issuerPathBits[2 * l + 1]);
        expect(position).toBe(i % 4);
        const children = w.issuerSiblings[l]!.map(BigInt);
        children.splice(position, 0, cur);
        cur = poseidon4(children);
        i = Math.floor(i / 4);
      }
      expect(cur.toString()).toBe(set.root);
    });
  });

  it("refuses a key outside the set, another schema, a stale revocation root and a day outside the window (ISSUER_NOT_IN_SET)", () => {
    const [m] = members as [IssuerSetMember];
    expect(codeOf(() => issuerSetWitness(set, { ...ask(m), publicKey: key(9) }))).toBe("ISSUER_NOT_IN_SET");
    expect(codeOf(() => issuerSetWitness(set, { ...ask(m), schemaId: INSURANCE }))).toBe("ISSUER_NOT_IN_SET");
    expect(codeOf(() => issuerSetWitness(set, { ...ask(m), revocationRoot: "1" }))).toBe("ISSUER_NOT_IN_SET");
    expect(codeOf(() => issuerSetWitness(set, ask(m, 20310101)))).toBe("ISSUER_NOT_IN_SET");
    expect(codeOf(() => issuerSetWitness(set, ask(members[2]!, 20260302)))).toBe("ISSUER_NOT_IN_SET"); // the day after validUntil
    expect(codeOf(() => issuerSetWitness(set, ask(members[3]!, 20260301)))).toBe("ISSUER_NOT_IN_SET"); // the day before validFrom
    expect(codeOf(() => issuerSetWitness(set, ask(members[2]!, 20260301)))).toBeUndefined(); // its last day
  });

  it("refuses a malformed set, also after a good one was cached", () => {
    issuerSetWitness(set, ask(members[1]!));
    expect(codeOf(() => issuerSetWitness({ ...set, root: "2" }, ask(members[1]!)))).toBe("INVALID_ISSUER_SET");
    const cyclic: Record<string, unknown> = { ...set };
    cyclic["self"] = cyclic;
    expect(codeOf(() => issuerSetWitness(cyclic, ask(members[1]!)))).toBe("INVALID_ISSUER_SET");
  });
});
