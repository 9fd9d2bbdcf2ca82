/**
 * Revocation: an issuer's status bitmap in a 4-ary Poseidon Merkle tree, exactly the tree that
 * circuits/lib/revocation.circom (RevocationCheck) opens.
 *
 * - The issuer gives each credential a slot (allocated sequentially, signed into the credential).
 *   Slot s is bit s % 248 of leaf floor(s / 248); a leaf is the field element sum of 2^i over its
 *   revoked bits i (so below 2^248), an empty leaf is 0. 4^6 = 4,096 leaves: 1,015,808 slots.
 * - A node is poseidon4 of its four children; level 0 holds the leaves, level 6 the root.
 * - The issuer publishes a {@link RevocationStatus} (issuer/revocation-registry.ts keeps it): the
 *   sorted list of revoked slots and the root.
 *   Holders rebuild the tree from the list (so nobody learns which slot they check) and take the
 *   circuit inputs from it with {@link revocationWitness}.
 *
 * The tree is sparse: only leaves and nodes that differ from the all-zero tree are stored, and
 * revocations mark their path stale; the stale nodes are rehashed level by level when the root or
 * a witness is next needed. One revocation costs 6 hashes, a batch of n at most min(6n, 5,461).
 *
 * A status is not authenticated here: whoever checks a proof must get the root it accepts from
 * the issuer through a channel it trusts, and decide how old a root it accepts.
 */
import { poseidon4 } from "poseidon-lite/poseidon4";
import { MedzkError } from "./errors.js";
import { assertArray, assertFieldElement, assertInstant, assertInteger, assertObject, assertString } from "./validate.js";

export const REVOCATION_DEPTH = 6;
export const REVOCATION_LEAF_BITS = 248;
/** 4^REVOCATION_DEPTH leaves of REVOCATION_LEAF_BITS slots. */
export const REVOCATION_CAPACITY = 1_015_808;
export const REVOCATION_FORMAT = "medzk-revocation/v1";

/** What an issuer publishes. JSON-safe: field elements are decimal strings, slots numbers. */
export interface RevocationStatus {
  /** Always "medzk-revocation/v1". */
  format: typeof REVOCATION_FORMAT;
  /** Issuer id or packed public key; opaque to this module. */
  issuer: string;
  /** Root of the tree (decimal). */
  root: string;
  /** Revoked slots, ascending, no duplicates, each below `nextSlot`. */
  revoked: number[];
  /** Time of the last revocation (or of the registry's creation), ISO 8601 UTC instant. */
  updatedAt: string;
  /** Slots 0 .. nextSlot-1 are allocated. */
  nextSlot: number;
}

/**
 * The private inputs of RevocationCheck for one slot (decimal strings): `revLeaf` is its `leaf`,
 * `revPathBits` its `pathBits[12]`, `revBitIndex` its `bitIndex`, `revSiblings` its `siblings[6][3]`.
 * `root` is the status's root and `slot` the credential's slot.
 */
export interface RevocationWitness {
  revLeaf: string;
  revPathBits: string[];
  revBitIndex: string;
  revSiblings: string[][];
}

/** ZERO[l]: the node at level l of the all-zero tree. */
const ZERO: readonly bigint[] = (() => {
  const zero = [0n];
  for (let l = 0; l < REVOCATION_DEPTH; l++) {
    const z = zero[l]!;
    zero.push(poseidon4([z, z, z, z]));
  }
  return zero;
})();

/** Root of the tree with no revoked slot (decimal). */
export const EMPTY_REVOCATION_ROOT: string = ZERO[REVOCATION_DEPTH]!.toString();

/** A revocation slot (caller input): an integer from 0 to REVOCATION_CAPACITY - 1, else INVALID_ARGUMENT. */
export function checkSlot(slot: unknown, name = "slot"): number {
  return assertInteger(slot, name, 0, REVOCATION_CAPACITY - 1);
}

/** A leaf's position and the other three children of each level: circuits' QuadMerkleRoot inputs (decimal). */
export interface QuadPath {
  /** Two bits per level (low bit first), leaf level first: the leaf index in binary. */
  pathBits: string[];
  /** Per level, the three other children in left-to-right order. */
  siblings: string[][];
}

/**
 * A sparse 4-ary Poseidon tree of depth REVOCATION_DEPTH whose empty leaves are 0: the tree
 * circuits/lib/revocation.circom's QuadMerkleRoot opens. The revocation bitmap and the trusted
 * issuer set (issuer-set.ts) are both this tree with different leaves. Levels map a node index
 * to its value, holding only values that differ from ZERO; not a public API.
 */
export class QuadTree {
  private readonly levels: Map<number, bigint>[] = Array.from({ length: REVOCATION_DEPTH + 1 }, () => new Map());
  /** Leaves whose ancestors are stale. */
  private stale = new Set<number>();

  /** Leaf `index` (0 .. 4^REVOCATION_DEPTH - 1; the caller checks the range). */
  leaf(index: number): bigint {
    return this.levels[0]!.get(index) ?? 0n;
  }

  setLeaf(index: number, value: bigint): void {
    if (value === 0n) this.levels[0]!.delete(index);
    else this.levels[0]!.set(index, value);
    this.stale.add(index);
  }

  private node(level: number, index: number): bigint {
    return this.levels[level]!.get(index) ?? ZERO[level]!;
  }

  /** Rehashes the ancestors of stale leaves, each once, bottom up. */
  private refresh(): void {
    let dirty = this.stale;
    if (dirty.size === 0) return;
    for (let l = 0; l < REVOCATION_DEPTH; l++) {
      const parents = new Set<number>();
      for (const index of dirty) parents.add(index >> 2);
      const upper = this.levels[l + 1]!;
      for (const parent of parents) {
        const first = parent * 4;
        const value = poseidon4([
          this.node(l, first), this.node(l, first + 1), this.node(l, first + 2), this.node(l, first + 3),
        ]);
        if (value === ZERO[l + 1]) upper.delete(parent);
        else upper.set(parent, value);
      }
      dirty = parents;
    }
    this.stale = new Set();
  }

  root(): bigint {
    this.refresh();
    return this.node(REVOCATION_DEPTH, 0);
  }

  /** The opening of leaf `leafIndex`. */
  path(leafIndex: number): QuadPath {
    this.refresh();
    const pathBits: string[] = [];
    for (let i = 0; i < 2 * REVOCATION_DEPTH; i++) pathBits.push(String((leafIndex >> i) & 1));
    const siblings: string[][] = [];
    for (let l = 0; l < REVOCATION_DEPTH; l++) {
      const index = leafIndex >> (2 * l);
      const position = index & 3;
      const first = index - position;
      const others: string[] = [];
      for (let k = 0; k < 4; k++) if (k !== position) others.push(this.node(l, first + k).toString());
      siblings.push(others);
    }
    return { pathBits, siblings };
  }
}

/** The status bitmap: slot s is bit s % 248 of leaf floor(s / 248). Shared with issuer/revocation-registry.ts. */
export class BitmapTree extends QuadTree {
  /** Sets a slot's bit; returns false when it was already set. */
  set(slot: number): boolean {
    const leafIndex = Math.floor(slot / REVOCATION_LEAF_BITS);
    const bit = 1n << BigInt(slot % REVOCATION_LEAF_BITS);
    const leaf = this.leaf(leafIndex);
    if ((leaf & bit) !== 0n) return false;
    this.setLeaf(leafIndex, leaf | bit);
    return true;
  }

  has(slot: number): boolean {
    const leaf = this.leaf(Math.floor(slot / REVOCATION_LEAF_BITS));
    return ((leaf >> BigInt(slot % REVOCATION_LEAF_BITS)) & 1n) === 1n;
  }

  witness(slot: number): RevocationWitness {
    const leafIndex = Math.floor(slot / REVOCATION_LEAF_BITS);
    const { pathBits, siblings } = this.path(leafIndex);
    return {
      revLeaf: this.leaf(leafIndex).toString(),
      revPathBits: pathBits,
      revBitIndex: String(slot % REVOCATION_LEAF_BITS),
      revSiblings: siblings,
    };
  }
}

/** The tree in which exactly `slots` are revoked (each already checked). */
export function treeOf(slots: Iterable<number>): BitmapTree {
  const tree = new BitmapTree();
  for (const slot of slots) tree.set(slot);
  return tree;
}

/**
 * Root of the tree in which exactly `revoked` are revoked (decimal). Order and repetitions do not
 * matter; each slot must be an integer in range. For whoever audits a published status against
 * its list (the tests check the sparse tree against a naive one with it).
 * @public
 */
export function revocationRootOf(revoked: readonly number[]): string {
  assertArray(revoked, "revoked");
  revoked.forEach((slot, i) => checkSlot(slot, `revoked[${i}]`));
  return treeOf(revoked).root().toString();
}

const STATUS_SHAPE = { required: ["format", "issuer", "root", "revoked", "updatedAt", "nextSlot"] } as const;
/** Longest `issuer` a status may name. */
export const MAX_STATUS_ISSUER_LENGTH = 1024;

/**
 * Parses a published status strictly: exactly its six keys, each well-formed; revoked slots
 * ascending, unique and allocated; `updatedAt` an instant in core/validate's one form. Its root
 * is not checked against the list here (see {@link verifiedTree}). Throws
 * MedzkError("INVALID_REVOCATION_STATUS") saying what is wrong.
 */
export function parseRevocationStatus(status: unknown, name = "revocation status"): RevocationStatus {
  const code = "INVALID_REVOCATION_STATUS";
  const record = assertObject(status, name, STATUS_SHAPE, code);
  if (record.format !== REVOCATION_FORMAT) {
    throw new MedzkError(code, `"${name}.format" must be "${REVOCATION_FORMAT}", got ${JSON.stringify(record.format)}`);
  }
  const issuer = assertString(record.issuer, `${name}.issuer`, { max: MAX_STATUS_ISSUER_LENGTH }, code);
  const root = assertFieldElement(record.root, `${name}.root`, code).toString();
  assertInstant(record.updatedAt, `${name}.updatedAt`, code);
  const nextSlot = assertInteger(record.nextSlot, `${name}.nextSlot`, 0, REVOCATION_CAPACITY, code);
  const revoked = assertArray(record.revoked, `${name}.revoked`, REVOCATION_CAPACITY, code);
  let previous = -1;
  for (let i = 0; i < revoked.length; i++) {
    const slot = revoked[i];
    if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot >= nextSlot) {
      throw new MedzkError(code, `"${name}.revoked[${i}]" must be an allocated slot (integer below nextSlot ${nextSlot})`);
    }
    if (slot <= previous) {
      throw new MedzkError(code, `"${name}.revoked" must be ascending without duplicates (revoked[${i}] = ${slot})`);
    }
    previous = slot;
  }
  return { format: REVOCATION_FORMAT, issuer, root, revoked: revoked as number[], updatedAt: record.updatedAt as string, nextSlot };
}

/** Builds the tree of a parsed status and refuses it (INVALID_REVOCATION_STATUS) unless its root matches its revoked list. */
export function verifiedTree(status: RevocationStatus): BitmapTree {
  const tree = treeOf(status.revoked);
  if (tree.root().toString() !== status.root) {
    throw new MedzkError("INVALID_REVOCATION_STATUS", "revocation status root does not match its revoked list");
  }
  return tree;
}

// Holders typically ask for witnesses against the same status again and again: keep the last tree.
let lastTree: { root: string; revoked: number[]; tree: BitmapTree } | undefined;

function sameSlots(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Holder side: rebuilds the tree from a published status and returns the RevocationCheck inputs
 * for `slot`. Throws INVALID_REVOCATION_STATUS for a malformed status or one whose root does not
 * match its revoked list, INVALID_ARGUMENT for a slot out of range, CREDENTIAL_REVOKED when the
 * slot is revoked.
 * A slot at or above the status's nextSlot is accepted: a status older than the credential still
 * proves it unrevoked at that root.
 */
export function revocationWitness(status: unknown, slot: number): RevocationWitness {
  checkSlot(slot);
  const checked = parseRevocationStatus(status);
  let tree: BitmapTree;
  if (lastTree && lastTree.root === checked.root && sameSlots(lastTree.revoked, checked.revoked)) {
    tree = lastTree.tree;
  } else {
    tree = verifiedTree(checked);
    lastTree = { root: checked.root, revoked: checked.revoked.slice(), tree };
  }
  if (tree.has(slot)) {
    throw new MedzkError("CREDENTIAL_REVOKED", `slot ${slot} is revoked in the status of ${checked.issuer} (root ${checked.root})`);
  }
  return tree.witness(slot);
}
