// The trusted issuer set for the hidden-issuer circuit tests, written from the specification
// (circuits/lib/issuer_set.circom's header), not from src/: leaf = Poseidon(Ax, Ay,
// revocationRoot, validFrom, validUntil, schemaId) at positions 0, 1, … of a dense 4-ary Poseidon
// tree of depth 6 with empty leaves 0. Also the inputs of the three hidden circuits (the public
// circuits' inputs plus the set opening) and the cheater's hints for IssuerInSet.
import { assertLessEqHints, type Oracle, type Issuer, type ComparatorHint } from "../helpers/circuit-credential.js";
import { type Circuit, escapeRegExp, type Hint, type Signal } from "../helpers/r1cs.js";

export const SET_DEPTH = 6;
export const OPEN_FROM = 0n;
export const OPEN_UNTIL = 99991231n;

/** One (key, schema) leaf of a set. */
export interface Member {
  issuer: Pick<Issuer, "Ax" | "Ay">;
  revocationRoot: bigint;
  schemaId: bigint;
  validFrom?: bigint;
  validUntil?: bigint;
}

/** IssuerInSet's private inputs. */
export interface SetOpening {
  issuerValidFrom: bigint;
  issuerValidUntil: bigint;
  issuerPathBits: bigint[];
  issuerSiblings: bigint[][];
}

export class IssuerSetTree {
  /** levels[0] = the 4^6 leaves, levels[6] = [root]. */
  private readonly levels: bigint[][];
  readonly root: bigint;

  constructor(
    private readonly oracle: Oracle,
    readonly members: Member[],
  ) {
    const leaves = Array<bigint>(4 ** SET_DEPTH).fill(0n);
    members.forEach((m, i) => (leaves[i] = this.leaf(m)));
    this.levels = [leaves];
    for (let l = 0; l < SET_DEPTH; l++) {
      const below = this.levels[l]!;
      this.levels.push(Array.from({ length: below.length / 4 }, (_, i) => oracle.poseidon(below.slice(4 * i, 4 * i + 4))));
    }
    this.root = this.levels[SET_DEPTH]![0]!;
  }

  leaf(m: Member): bigint {
    return this.oracle.poseidon([
      m.issuer.Ax,
      m.issuer.Ay,
      m.revocationRoot,
      m.validFrom ?? OPEN_FROM,
      m.validUntil ?? OPEN_UNTIL,
      m.schemaId,
    ]);
  }

  /** The opening of leaf `index`, claiming member `m`'s window (the honest one when m is that leaf's member). */
  opening(index: number, m: Member = this.members[index]!): SetOpening {
    const issuerPathBits: bigint[] = [];
    const issuerSiblings: bigint[][] = [];
    let i = index;
    for (let l = 0; l < SET_DEPTH; l++) {
      const position = i % 4;
      issuerPathBits.push(BigInt(position & 1), BigInt(position >> 1));
      issuerSiblings.push([0, 1, 2, 3].filter((k) => k !== position).map((k) => this.levels[l]![i - position + k]!));
      i = (i - position) / 4;
    }
    return { issuerValidFrom: m.validFrom ?? OPEN_FROM, issuerValidUntil: m.validUntil ?? OPEN_UNTIL, issuerPathBits, issuerSiblings };
  }
}

/**
 * A hidden circuit's input from its public sibling's: the same inputs (issuerAx, issuerAy and
 * revocationRoot become private) plus the set root and member `index`'s opening.
 */
export function hiddenInput(input: Record<string, Signal>, set: IssuerSetTree, index: number): Record<string, Signal> {
  return { ...input, issuerSetRoot: set.root, ...set.opening(index) };
}

/** Cheater edits presenting opening `index` of `set` (with that member's key and revocation root). */
export function setEdits(set: IssuerSetTree, index: number, m: Member = set.members[index]!): Record<string, Signal> {
  return {
    issuerSetRoot: set.root,
    issuerAx: m.issuer.Ax,
    issuerAy: m.issuer.Ay,
    revocationRoot: m.revocationRoot,
    ...set.opening(index, m),
  };
}

/** Where rejections come from, inside IssuerInSet. */
const IN_SET = String.raw`^main\.IssuerInSet_\d+_\d+\.`;
export const SET_RX = {
  /** Anything of the membership gadget (leaf, window, path, root comparison). */
  any: new RegExp(String.raw`${IN_SET}|^main\.issuer(SetRoot|PathBits|Siblings|Valid)`),
  /** The Merkle path and the comparison of its root with the public issuerSetRoot. */
  merkleOrRoot: new RegExp(String.raw`${IN_SET}(QuadMerkleRootChecked_\d+_\d+\.|root$)|^main\.issuerSetRoot$`),
  /** validFrom <= asOfDate <= validUntil: comparators and their 27-bit range checks. */
  window: new RegExp(String.raw`${IN_SET}AssertLessEqThan_`),
  windowComparator: new RegExp(String.raw`${IN_SET}AssertLessEqThan_\d+_\d+\.LessEqThan_`),
};

/**
 * The hints of IssuerInSet: both AssertLessEqThan(27) of the validity window (range-check bits
 * and comparator decomposition), honest or claiming "true". The leaf hash, the Merkle selection
 * signals and the hashes are determined by constraints (Circuit.rederive computes them).
 */
export function setHints(circuit: Circuit, window: { from?: ComparatorHint; until?: ComparatorHint } = {}): Hint[] {
  const [inSet] = circuit.components(/^main\.IssuerInSet_\d+_\d+$/);
  if (!inSet) throw new Error("no IssuerInSet component");
  const checks = circuit.components(new RegExp(`^${escapeRegExp(inSet)}\\.AssertLessEqThan_\\d+_\\d+$`));
  if (checks.length !== 2) throw new Error(`expected two window checks, found ${checks.length}`);
  const [from, asOf, until] = ["issuerValidFrom", "asOfDate", "issuerValidUntil"].map((n) => circuit.wire(`main.${n}`)) as [number, number, number];
  return [
    ...assertLessEqHints(circuit, checks[0]!, 27, [from, asOf], (w) => w[from]!, (w) => w[asOf]!, window.from ?? "honest"),
    ...assertLessEqHints(circuit, checks[1]!, 27, [asOf, until], (w) => w[asOf]!, (w) => w[until]!, window.until ?? "honest"),
  ];
}
