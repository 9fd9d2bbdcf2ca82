/**
 * Revocation: an issuer's status bitmap in a 4-ary Poseidon Merkle tree, exactly the tree that
 * circuits/lib/revocation.circom (RevocationCheck) opens.
 *
 * - The issuer gives each credential a slot (allocated sequentially, signed into the credential).
 *   Slot s is bit s % 248 of leaf floor(s / 248); a leaf is the field element sum of 2^i over its
 *   revoked bits i (so below 2^248), an empty leaf is 0. 4^6 = 4,096 leaves: 1,015,808 slots.
 * - A node is poseidon4 of its four children; level 0 holds the leaves, level 6 the root.
 * - The issuer publishes a {@link RevocationStatus}: the sorted list of revoked slots and the root.
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
import { parseCanonical } from "./field.js";

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

function invalid(message: string): MedzkError {
  return new MedzkError("INVALID_ARGUMENT", message);
}

function checkSlot(slot: unknown, name = "slot"): number {
  if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot >= REVOCATION_CAPACITY) {
    throw invalid(`${name} must be an integer from 0 to ${REVOCATION_CAPACITY - 1}, got ${String(slot)}`);
  }
  return slot;
}

/** The bitmap tree. Levels map a node index to its value, holding only values that differ from ZERO. */
class BitmapTree {
  private readonly levels: Map<number, bigint>[] = Array.from({ length: REVOCATION_DEPTH + 1 }, () => new Map());
  /** Leaves whose ancestors are stale. */
  private stale = new Set<number>();

  /** Sets a slot's bit; returns false when it was already set. */
  set(slot: number): boolean {
    const leafIndex = Math.floor(slot / REVOCATION_LEAF_BITS);
    const bit = 1n << BigInt(slot % REVOCATION_LEAF_BITS);
    const leaves = this.levels[0]!;
    const leaf = leaves.get(leafIndex) ?? 0n;
    if ((leaf & bit) !== 0n) return false;
    leaves.set(leafIndex, leaf | bit);
    this.stale.add(leafIndex);
    return true;
  }

  has(slot: number): boolean {
    const leaf = this.levels[0]!.get(Math.floor(slot / REVOCATION_LEAF_BITS)) ?? 0n;
    return ((leaf >> BigInt(slot % REVOCATION_LEAF_BITS)) & 1n) === 1n;
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

  witness(slot: number): RevocationWitness {
    this.refresh();
    const leafIndex = Math.floor(slot / REVOCATION_LEAF_BITS);
    const revPathBits: string[] = [];
    for (let i = 0; i < 2 * REVOCATION_DEPTH; i++) revPathBits.push(String((leafIndex >> i) & 1));
    const revSiblings: string[][] = [];
    for (let l = 0; l < REVOCATION_DEPTH; l++) {
      const index = leafIndex >> (2 * l);
      const position = index & 3;
      const first = index - position;
      const siblings: string[] = [];
      for (let k = 0; k < 4; k++) if (k !== position) siblings.push(this.node(l, first + k).toString());
      revSiblings.push(siblings);
    }
    return {
      revLeaf: this.node(0, leafIndex).toString(),
      revPathBits,
      revBitIndex: String(slot % REVOCATION_LEAF_BITS),
      revSiblings,
    };
  }
}

function treeOf(slots: Iterable<number>): BitmapTree {
  const tree = new BitmapTree();
  for (const slot of slots) tree.set(slot);
  return tree;
}

/**
 * Root of the tree in which exactly `revoked` are revoked (decimal). Order and repetitions do not
 * matter; each slot must be an integer in range.
 */
export function revocationRootOf(revoked: readonly number[]): string {
  if (!Array.isArray(revoked)) throw invalid("revoked must be an array of slots");
  revoked.forEach((slot, i) => checkSlot(slot, `revoked[${i}]`));
  return treeOf(revoked).root().toString();
}

const STATUS_KEYS = ["format", "issuer", "root", "revoked", "updatedAt", "nextSlot"];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function validInstant(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) return false;
  const date = new Date(value);
  // Round trip: refuses impossible dates such as February 30 that Date would roll over.
  return !Number.isNaN(date.getTime()) && date.toISOString() === (value.length === 20 ? `${value.slice(0, 19)}.000Z` : value);
}

/** Validates a status's shape (not its root); throws INVALID_ARGUMENT saying what is wrong. */
function checkStatusShape(status: unknown): RevocationStatus {
  if (typeof status !== "object" || status === null || Array.isArray(status)) {
    throw invalid("revocation status must be an object");
  }
  const record = status as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !STATUS_KEYS.includes(key));
  if (extra.length > 0) throw invalid(`revocation status has unknown fields: ${extra.join(", ")}`);
  if (record.format !== REVOCATION_FORMAT) {
    throw invalid(`revocation status format must be "${REVOCATION_FORMAT}", got ${JSON.stringify(record.format)}`);
  }
  if (typeof record.issuer !== "string" || record.issuer === "") {
    throw invalid("revocation status issuer must be a non-empty string");
  }
  if (parseCanonical(record.root) === undefined) {
    throw invalid("revocation status root must be a canonical decimal field element");
  }
  if (!validInstant(record.updatedAt)) {
    throw invalid("revocation status updatedAt must be an ISO 8601 UTC instant (YYYY-MM-DDTHH:MM:SS[.sss]Z)");
  }
  const nextSlot = record.nextSlot;
  if (typeof nextSlot !== "number" || !Number.isInteger(nextSlot) || nextSlot < 0 || nextSlot > REVOCATION_CAPACITY) {
    throw invalid(`revocation status nextSlot must be an integer from 0 to ${REVOCATION_CAPACITY}`);
  }
  const revoked = record.revoked;
  if (!Array.isArray(revoked)) throw invalid("revocation status revoked must be an array of slots");
  let previous = -1;
  for (let i = 0; i < revoked.length; i++) {
    const slot: unknown = revoked[i];
    if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot >= nextSlot) {
      throw invalid(`revocation status revoked[${i}] must be an allocated slot (integer below nextSlot ${nextSlot})`);
    }
    if (slot <= previous) {
      throw invalid(`revocation status revoked must be ascending without duplicates (revoked[${i}] = ${slot})`);
    }
    previous = slot;
  }
  return record as unknown as RevocationStatus;
}

/** Builds the tree of a shape-checked status and refuses it unless its root matches. */
function verifiedTree(status: RevocationStatus): BitmapTree {
  const tree = treeOf(status.revoked);
  if (tree.root().toString() !== status.root) {
    throw invalid("revocation status root does not match its revoked list");
  }
  return tree;
}

function instant(now: () => Date): Date {
  const date = now();
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw invalid("now() must return a valid Date");
  return date;
}

/** The issuer side: allocates slots, revokes them, publishes the status. */
export class RevocationRegistry {
  /** Issuer id or packed public key, as given to the constructor; copied into each published status. */
  readonly issuer: string;
  private readonly now: () => Date;
  private tree: BitmapTree;
  private revoked: Set<number>;
  private next: number;
  private updatedAt: Date;

  constructor(options: { issuer: string; now?: () => Date }) {
    if (typeof options !== "object" || options === null) throw invalid("RevocationRegistry needs options { issuer }");
    if (typeof options.issuer !== "string" || options.issuer === "") throw invalid("issuer must be a non-empty string");
    if (options.now !== undefined && typeof options.now !== "function") throw invalid("now must be a function returning a Date");
    this.issuer = options.issuer;
    this.now = options.now ?? (() => new Date());
    this.tree = new BitmapTree();
    this.revoked = new Set();
    this.next = 0;
    this.updatedAt = instant(this.now);
  }

  /**
   * Restores a registry from its last published status. Validates it fully and refuses it
   * (INVALID_ARGUMENT) when its root does not match its revoked list.
   */
  static fromStatus(status: unknown, options: { now?: () => Date } = {}): RevocationRegistry {
    const checked = checkStatusShape(status);
    const tree = verifiedTree(checked);
    const registry = new RevocationRegistry({ issuer: checked.issuer, ...(options.now ? { now: options.now } : {}) });
    registry.tree = tree;
    registry.revoked = new Set(checked.revoked);
    registry.next = checked.nextSlot;
    registry.updatedAt = new Date(checked.updatedAt);
    return registry;
  }

  /** The next free slot, sequentially from 0. Throws INVALID_ARGUMENT once all slots are taken. */
  allocateSlot(): number {
    if (this.next >= REVOCATION_CAPACITY) {
      throw invalid(`revocation registry of ${this.issuer} is full: all ${REVOCATION_CAPACITY} slots are allocated`);
    }
    return this.next++;
  }

  /**
   * Revokes a credential (or its allocated slot). Revoking it again changes nothing (not even
   * updatedAt).
   */
  revoke(credentialOrSlot: number | { revocationSlot: number }): void {
    const slot = typeof credentialOrSlot === "number" ? credentialOrSlot : credentialOrSlot?.revocationSlot;
    checkSlot(slot);
    if (slot >= this.next) throw invalid(`slot ${slot} has not been allocated (next slot is ${this.next})`);
    if (!this.tree.set(slot)) return;
    this.revoked.add(slot);
    this.updatedAt = instant(this.now);
  }

  /** Whether a slot is revoked (false for a slot not allocated yet). */
  isRevoked(slot: number): boolean {
    checkSlot(slot);
    return this.tree.has(slot);
  }

  /** Current root (decimal). */
  get root(): string {
    return this.tree.root().toString();
  }

  /** A snapshot to publish; later revocations do not change it. */
  publish(): RevocationStatus {
    return {
      format: REVOCATION_FORMAT,
      issuer: this.issuer,
      root: this.root,
      revoked: Array.from(this.revoked).sort((a, b) => a - b),
      updatedAt: this.updatedAt.toISOString(),
      nextSlot: this.next,
    };
  }
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
 * for `slot`. Throws INVALID_ARGUMENT for a malformed status, one whose root does not match its
 * revoked list, or a slot out of range; CREDENTIAL_REVOKED when the slot is revoked.
 * A slot at or above the status's nextSlot is accepted: a status older than the credential still
 * proves it unrevoked at that root.
 */
export function revocationWitness(status: RevocationStatus | unknown, slot: number): RevocationWitness {
  checkSlot(slot);
  const checked = checkStatusShape(status);
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
