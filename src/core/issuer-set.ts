/**
 * The trusted issuer set: the tree circuits/lib/issuer_set.circom (IssuerInSet) opens, so that a
 * proof can show "signed by a key the verifier trusts for this schema today" without saying which
 * key. The hidden-issuer circuits (`issuerMode: "set"` in circuits/circuits.json) take the issuer
 * key and its revocation root privately and prove they are a leaf of the public `issuerSetRoot`.
 *
 * - One leaf per (issuer key, schema): Poseidon(Ax, Ay, revocationRoot, validFrom, validUntil,
 *   schemaId), days as YYYYMMDD (an open start is 0, an open end 99991231), `schemaId` the
 *   schema's field id (schemaIdField, the value every credential signs). A leaf binds the key's
 *   current revocation root, so the proof checks revocation against that issuer's own list.
 * - The leaves, members in canonical order (ascending publicKey, then schemaId; no pair twice),
 *   fill positions 0, 1, … of the 4-ary Poseidon tree of revocation.ts (depth 6: 4,096 members),
 *   empty leaves 0. A real leaf is a Poseidon output, never 0 except with negligible probability.
 * - A verifier publishes its set as an {@link IssuerSet} document (format "medzk-issuer-set/v1":
 *   root, members, publishedAt), like an issuer publishes its revocation status. Holders rebuild
 *   the tree from it locally and take their path from it ({@link issuerSetWitness}), asking nobody
 *   which member they are.
 *
 * Who goes in a set is the builder's decision (src/verifier builds it from its issuer registry:
 * active keys only, never retired or compromised ones; per issuer the schemas it may issue).
 * Nothing here authenticates a set: the verifier compares the proof's `issuerSetRoot` with the
 * root it built itself; a holder handed a wrong set merely fails to prove.
 */
import { poseidon6 } from "poseidon-lite/poseidon6";
import { MedzkError, type MedzkErrorCode } from "./errors.js";
import { type IssuerPoint, tryUnpackPublicKey } from "./public-key.js";
import { QuadTree, REVOCATION_DEPTH } from "./revocation.js";
import { assertArray, assertCalendarDate, assertFieldElement, assertInstant, assertObject, describe } from "./validate.js";

export const ISSUER_SET_FORMAT = "medzk-issuer-set/v1";
/** Depth of the set tree: circuits/lib/issuer_set.circom's ISSUER_SET_DEPTH(), the revocation tree's depth. */
export const ISSUER_SET_DEPTH = REVOCATION_DEPTH;
/** 4^ISSUER_SET_DEPTH leaves: the most members a set can hold. */
export const ISSUER_SET_CAPACITY = 4 ** ISSUER_SET_DEPTH;
/** The leaf's day for a window open at its start. */
export const OPEN_VALID_FROM = 0;
/** The leaf's day for a window open at its end (9999-12-31, the latest medzk day). */
export const OPEN_VALID_UNTIL = 99991231;

/** One (issuer key, schema) pair of a trusted set. JSON-safe. */
export interface IssuerSetMember {
  /** Packed BabyJubJub public key: 64 lowercase hex characters. */
  publicKey: string;
  /** The issuer's current revocation root (decimal; EMPTY_REVOCATION_ROOT for an issuer that publishes none). */
  revocationRoot: string;
  /** First day "YYYY-MM-DD" (UTC, inclusive) presentations under the key are accepted; absent: open. */
  validFrom?: string;
  /** Last day "YYYY-MM-DD" (UTC, inclusive) presentations under the key are accepted; absent: open. */
  validUntil?: string;
  /** The schema's field id (decimal): schemaIdField of its definition, what credentials sign. */
  schemaId: string;
}

/** A published trusted set. */
export interface IssuerSet {
  /** Always "medzk-issuer-set/v1". */
  format: typeof ISSUER_SET_FORMAT;
  /** Root of the set tree (decimal): the hidden-issuer circuits' public `issuerSetRoot`. */
  root: string;
  /** The members in canonical order (ascending publicKey, then schemaId as strings). */
  members: IssuerSetMember[];
  /** When the set was built: ISO 8601 UTC instant. */
  publishedAt: string;
}

/** The private inputs of IssuerInSet (decimal strings), as the hidden-issuer circuits name them. */
export interface IssuerSetWitness {
  issuerValidFrom: string;
  issuerValidUntil: string;
  issuerPathBits: string[];
  issuerSiblings: string[][];
}

const CODE: MedzkErrorCode = "INVALID_ISSUER_SET";
const MEMBER_SHAPE = { required: ["publicKey", "revocationRoot", "schemaId"], optional: ["validFrom", "validUntil"] } as const;
const SET_SHAPE = { required: ["format", "root", "members", "publishedAt"] } as const;

/** A member checked and normalised, with the values its leaf hashes. */
interface CheckedMember {
  member: IssuerSetMember;
  point: IssuerPoint;
  from: number;
  until: number;
}

function checkMember(value: unknown, name: string, code: MedzkErrorCode): CheckedMember {
  const m = assertObject(value, name, MEMBER_SHAPE, code);
  const point = tryUnpackPublicKey(m.publicKey);
  if (!point) throw new MedzkError(code, `"${name}.publicKey" must be a packed BabyJubJub public key (64 lowercase hex characters)`);
  const revocationRoot = assertFieldElement(m.revocationRoot, `${name}.revocationRoot`, code).toString();
  const schemaId = assertFieldElement(m.schemaId, `${name}.schemaId`, code).toString();
  const from = m.validFrom === undefined ? OPEN_VALID_FROM : assertCalendarDate(m.validFrom, `${name}.validFrom`, code);
  const until = m.validUntil === undefined ? OPEN_VALID_UNTIL : assertCalendarDate(m.validUntil, `${name}.validUntil`, code);
  if (from > until) throw new MedzkError(code, `"${name}": validFrom ${String(m.validFrom)} is after validUntil ${String(m.validUntil)}`);
  const member: IssuerSetMember = { publicKey: m.publicKey as string, revocationRoot, schemaId };
  if (m.validFrom !== undefined) member.validFrom = m.validFrom as string;
  if (m.validUntil !== undefined) member.validUntil = m.validUntil as string;
  return { member, point, from, until };
}

const leafOf = (c: CheckedMember): bigint =>
  poseidon6([c.point.x, c.point.y, BigInt(c.member.revocationRoot), BigInt(c.from), BigInt(c.until), BigInt(c.member.schemaId)]);

/** Canonical order of members: publicKey, then schemaId (both compared as strings). */
const compareMembers = (a: IssuerSetMember, b: IssuerSetMember): number =>
  a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : a.schemaId < b.schemaId ? -1 : a.schemaId > b.schemaId ? 1 : 0;

/**
 * The leaf of one member (what IssuerSetLeaf computes), for whoever audits a published set leaf
 * by leaf (the tests check it against the circuit's hash). Throws MedzkError("INVALID_ISSUER_SET")
 * for a malformed member.
 * @public
 */
export function issuerSetLeaf(member: IssuerSetMember): bigint {
  return leafOf(checkMember(member, "member", CODE));
}

function treeOf(members: readonly CheckedMember[]): QuadTree {
  const tree = new QuadTree();
  members.forEach((m, i) => tree.setLeaf(i, leafOf(m)));
  return tree;
}

/**
 * Builds the set document of `members` (any order; sorted here) published at `publishedAt`.
 * Throws MedzkError: INVALID_ISSUER_SET for a malformed member, a (publicKey, schemaId) pair
 * given twice or more than ISSUER_SET_CAPACITY members; INVALID_ARGUMENT for `publishedAt`.
 */
export function buildIssuerSet(members: readonly IssuerSetMember[], publishedAt: Date): IssuerSet {
  if (!(publishedAt instanceof Date) || Number.isNaN(publishedAt.getTime())) {
    throw new MedzkError("INVALID_ARGUMENT", `"publishedAt" must be a valid Date, got ${describe(publishedAt)}`);
  }
  assertArray(members, "members", ISSUER_SET_CAPACITY, CODE);
  const checked = members.map((m, i) => checkMember(m, `members[${i}]`, CODE)).sort((a, b) => compareMembers(a.member, b.member));
  for (let i = 1; i < checked.length; i++) {
    if (compareMembers(checked[i - 1]!.member, checked[i]!.member) === 0) {
      throw new MedzkError(CODE, `key ${checked[i]!.member.publicKey} is listed twice for schema ${checked[i]!.member.schemaId}`);
    }
  }
  return {
    format: ISSUER_SET_FORMAT,
    root: treeOf(checked).root().toString(),
    members: checked.map((c) => c.member),
    publishedAt: publishedAt.toISOString(),
  };
}

/**
 * Parses a published set strictly: exactly its four keys, every member well formed (a valid
 * subgroup key, canonical decimals, calendar days, validFrom <= validUntil), members in canonical
 * order without a repeated (publicKey, schemaId) pair, at most ISSUER_SET_CAPACITY of them, and
 * a root that is the root of those members. Throws MedzkError("INVALID_ISSUER_SET").
 */
export function parseIssuerSet(value: unknown, name = "issuer set"): IssuerSet {
  return checkedSet(value, name).set;
}

function checkedSet(value: unknown, name: string): { set: IssuerSet; members: CheckedMember[]; tree: QuadTree } {
  const doc = assertObject(value, name, SET_SHAPE, CODE);
  if (doc.format !== ISSUER_SET_FORMAT) {
    throw new MedzkError(CODE, `"${name}.format" must be "${ISSUER_SET_FORMAT}", got ${describe(doc.format)}`);
  }
  const root = assertFieldElement(doc.root, `${name}.root`, CODE).toString();
  assertInstant(doc.publishedAt, `${name}.publishedAt`, CODE);
  const raw = assertArray(doc.members, `${name}.members`, ISSUER_SET_CAPACITY, CODE);
  const members = raw.map((m, i) => checkMember(m, `${name}.members[${i}]`, CODE));
  for (let i = 1; i < members.length; i++) {
    if (compareMembers(members[i - 1]!.member, members[i]!.member) >= 0) {
      throw new MedzkError(CODE, `"${name}.members" must be in canonical order (publicKey, then schemaId, ascending) without repeats, at members[${i}]`);
    }
  }
  const tree = treeOf(members);
  if (tree.root().toString() !== root) throw new MedzkError(CODE, `"${name}.root" is not the root of its members`);
  const set: IssuerSet = { format: ISSUER_SET_FORMAT, root, members: members.map((m) => m.member), publishedAt: doc.publishedAt as string };
  return { set, members, tree };
}

// A holder proves against the same published set again and again: keep the last one parsed.
let last: { json: string; checked: ReturnType<typeof checkedSet> } | undefined;

/**
 * Holder side: rebuilds the set from its published document and returns the IssuerInSet inputs
 * for the member (publicKey, schemaId) — the credential's issuer key and schema field id — on
 * the day `asOf` (YYYYMMDD).
 * Throws MedzkError: INVALID_ISSUER_SET for a malformed or inconsistent set, ISSUER_NOT_IN_SET
 * when the pair is not a member, its revocation root is not `revocationRoot` (the root of the
 * revocation status the holder proves against: both must be the issuer's current one) or its
 * validity window does not contain `asOf`.
 */
export function issuerSetWitness(
  set: unknown,
  member: { publicKey: string; schemaId: string; revocationRoot: string; asOf: number },
): IssuerSetWitness {
  let json: string | undefined;
  try {
    json = JSON.stringify(set);
  } catch {
    json = undefined; // not JSON at all: checkedSet says why
  }
  const checked = json !== undefined && last?.json === json ? last.checked : checkedSet(set, "issuer set");
  if (json !== undefined) last = { json, checked };
  const index = checked.members.findIndex((m) => m.member.publicKey === member.publicKey && m.member.schemaId === member.schemaId);
  const found = checked.members[index];
  if (!found) {
    throw new MedzkError("ISSUER_NOT_IN_SET", `the credential's issuer key is not in the verifier's trusted set (root ${checked.set.root}) for its schema`);
  }
  if (found.member.revocationRoot !== member.revocationRoot) {
    throw new MedzkError(
      "ISSUER_NOT_IN_SET",
      `the trusted set (root ${checked.set.root}) binds the issuer's revocation root ${found.member.revocationRoot}, the revocation status given has ${member.revocationRoot}: fetch both again`,
    );
  }
  if (member.asOf < found.from || member.asOf > found.until) {
    throw new MedzkError("ISSUER_NOT_IN_SET", `the trusted set (root ${checked.set.root}) accepts the issuer key from ${found.member.validFrom ?? "the start"} to ${found.member.validUntil ?? "the end"}, not on ${member.asOf}`);
  }
  const { pathBits, siblings } = checked.tree.path(index);
  return {
    issuerValidFrom: String(found.from),
    issuerValidUntil: String(found.until),
    issuerPathBits: pathBits,
    issuerSiblings: siblings,
  };
}
