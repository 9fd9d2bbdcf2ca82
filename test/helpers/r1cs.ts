// An R1CS constraint checker for soundness tests: loads a compiled circuit (r1cs + sym + wasm),
// computes honest witnesses, and lets a test play a cheating prover that edits wires directly.
// A witness is accepted iff every constraint A·w * B·w = C·w holds mod p; nothing here consults
// the witness generator's own assertions, so "the generator refused" never counts as rejection.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

// r1csfile and circom_runtime ship no type declarations (src/types/modules.d.ts covers only what
// the library itself uses), so they are loaded through require with the shapes used here.
interface R1csFile {
  prime: bigint;
  nConstraints: number;
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  constraints: Record<string, bigint>[][];
}
type WitnessCalculator = { calculateWitness(input: object, sanityCheck: boolean): Promise<bigint[]> };
const require = createRequire(import.meta.url);
const { readR1cs } = require("r1csfile") as {
  readR1cs(path: string, options: object): Promise<R1csFile>;
};
const { WitnessCalculatorBuilder } = require("circom_runtime") as {
  WitnessCalculatorBuilder(wasm: Uint8Array): Promise<WitnessCalculator>;
};

/** BN254 scalar field order: the prime of every circom signal. */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const mod = (x: bigint): bigint => ((x % P) + P) % P;

/** Modular inverse (extended Euclid); inv(0) throws. */
export function inv(x: bigint): bigint {
  let [a, b, u, v] = [mod(x), P, 1n, 0n];
  if (a === 0n) throw new Error("inverse of 0");
  while (a !== 0n) {
    const q = b / a;
    [a, b, u, v] = [b - q * a, a, v - q * u, u];
  }
  return mod(v);
}

/** Little-endian bits of `value`, `n` of them. */
export const bitsOf = (value: bigint, n: number): bigint[] =>
  Array.from({ length: n }, (_, i) => (value >> BigInt(i)) & 1n);

/** One linear combination: parallel arrays of wire indices and coefficients. */
interface Lc {
  wires: number[];
  coeffs: bigint[];
}

export interface Failure {
  /** Index of the violated constraint in the r1cs file. */
  constraint: number;
  /** Every signal name of every wire the constraint touches (for reporting and attribution). */
  signals: string[];
}

export interface CircuitFiles {
  r1cs: string;
  wasm: string;
  sym: string;
}

export class Circuit {
  private constructor(
    /** Number of constraints, from the r1cs header. */
    readonly nConstraints: number,
    readonly nWires: number,
    /** Outputs, then public inputs, then private inputs follow the constant wire 0. */
    readonly nOutputs: number,
    readonly nPublic: number,
    readonly nInputs: number,
    private readonly constraints: [Lc, Lc, Lc][],
    /** wire index -> every signal name that the optimiser mapped onto it */
    private readonly wireNames: string[][],
    private readonly byName: Map<string, number>,
    private readonly calculator: WitnessCalculator,
  ) {}

  static async load(files: CircuitFiles): Promise<Circuit> {
    // The .r1cs file stores coefficients as plain little-endian integers. r1csfile's default
    // field (the curve's WASM Fr) would return them as Montgomery-form byte arrays; this field
    // object makes it return the integers themselves.
    const plainField = {
      p: P,
      fromRprLE: (buff: Uint8Array, offset: number) => {
        let x = 0n;
        for (let i = 31; i >= 0; i--) x = (x << 8n) | BigInt(buff[offset + i]!);
        return x;
      },
    };
    const r1cs = await readR1cs(files.r1cs, { loadConstraints: true, loadMap: false, F: plainField });
    if (r1cs.prime !== P) throw new Error(`unexpected prime ${r1cs.prime}`);
    const toLc = (lc: Record<string, bigint>): Lc => {
      const wires = Object.keys(lc).map(Number);
      return { wires, coeffs: wires.map((w) => lc[w]!) };
    };
    const constraints = r1cs.constraints.map(
      ([a, b, c]) => [toLc(a!), toLc(b!), toLc(c!)] as [Lc, Lc, Lc],
    );

    // .sym lines are "labelIdx,wireIdx,componentIdx,name"; wireIdx -1 = optimised away.
    const wireNames: string[][] = Array.from({ length: r1cs.nVars }, () => []);
    const byName = new Map<string, number>();
    for (const line of (await readFile(files.sym, "utf8")).split("\n")) {
      if (!line) continue;
      const [, wireText, , ...rest] = line.split(",");
      const name = rest.join(",");
      const wire = Number(wireText);
      byName.set(name, wire);
      if (wire >= 0) wireNames[wire]!.push(name);
    }
    wireNames[0]!.push("one");

    const calculator = await WitnessCalculatorBuilder(await readFile(files.wasm));
    return new Circuit(
      r1cs.nConstraints,
      r1cs.nVars,
      r1cs.nOutputs,
      r1cs.nOutputs + r1cs.nPubInputs,
      r1cs.nPubInputs + r1cs.nPrvInputs,
      constraints,
      wireNames,
      byName,
      calculator,
    );
  }

  /** The honest witness (throws if the generator's own assertions fail). */
  async witness(input: Record<string, bigint | bigint[]>): Promise<bigint[]> {
    const w = await this.calculator.calculateWitness(input, true);
    if (w.length !== this.nWires) throw new Error(`witness has ${w.length} wires, r1cs has ${this.nWires}`);
    return w.map((x) => BigInt(x));
  }

  /** Constraints in which neither A nor B is a constant (what circom reports as non-linear). */
  nonLinearConstraints(): number {
    const constant = (lc: Lc) => lc.wires.every((x) => x === 0);
    return this.constraints.filter(([a, b]) => !constant(a) && !constant(b)).length;
  }

  /**
   * Every wire a prover computes rather than receives: the outputs and all intermediates (not the
   * constant wire, not the circuit inputs).
   */
  derivedWires(): number[] {
    const firstIntermediate = 1 + this.nOutputs + this.nInputs;
    return [...this.wireNames.keys()].filter((x) => (x >= 1 && x <= this.nOutputs) || x >= firstIntermediate);
  }

  /** Public signals as a verifier sees them: wires 1..nPublic (wire 0 is the constant 1). */
  publicSignals(w: bigint[]): bigint[] {
    return w.slice(1, 1 + this.nPublic);
  }

  /** Every violated constraint, with the names of the wires it touches. */
  check(w: bigint[]): Failure[] {
    if (w.length !== this.nWires || w[0] !== 1n) throw new Error("malformed witness");
    for (const x of w) if (x < 0n || x >= P) throw new Error(`witness value out of field: ${x}`);
    const failures: Failure[] = [];
    this.constraints.forEach(([a, b, c], i) => {
      if (mod(evalLc(a, w) * evalLc(b, w)) !== evalLc(c, w)) {
        failures.push({ constraint: i, signals: this.signalsOf(i) });
      }
    });
    return failures;
  }

  private signalsOf(constraint: number): string[] {
    const wires = new Set(this.constraints[constraint]!.flatMap((lc) => lc.wires));
    return [...wires].sort((x, y) => x - y).flatMap((wire) => this.wireNames[wire]!);
  }

  /** Wire index of a signal; throws if it does not exist or was optimised away (no silent no-ops). */
  wire(name: string): number {
    const wire = this.byName.get(name);
    if (wire === undefined) throw new Error(`no signal ${name}`);
    if (wire < 0) throw new Error(`signal ${name} was optimised away`);
    return wire;
  }

  /** A name of the wire, for messages. */
  nameOf(wire: number): string {
    return this.wireNames[wire]![0] ?? `wire ${wire}`;
  }

  /** Surviving wires whose (any) signal name matches `pattern`. */
  wires(pattern: RegExp): number[] {
    return this.wireNames.flatMap((names, wire) => (names.some((n) => pattern.test(n)) ? [wire] : []));
  }

  /**
   * Distinct component paths matching `pattern` (anonymous components are named like
   * main.AssertLessEqThan_41_1480.Num2Bits_72_2918, so tests match by regex), in declaration order.
   */
  components(pattern: RegExp): string[] {
    const seen = new Set<string>();
    for (const name of this.byName.keys()) {
      const path = name.slice(0, name.lastIndexOf("."));
      if (pattern.test(path)) seen.add(path);
    }
    return [...seen];
  }

  /** Copy of `w` with the named signals set. */
  with(w: bigint[], edits: Record<string, bigint>): bigint[] {
    const out = [...w];
    for (const [name, value] of Object.entries(edits)) out[this.wire(name)] = mod(value);
    return out;
  }

  /**
   * Wires of the bits `${component}.${signal}[0..n-1]` (a Num2Bits' `out`, CompConstant's `in`),
   * -1 for bits that --O2 eliminated: the r1cs expresses those through the others, so they are
   * implied, not set. Throws if no bit survives (a renamed component must not pass silently).
   */
  bitWires(component: string, n: number, signal = "out"): number[] {
    const wires = Array.from({ length: n }, (_, i) => {
      const wire = this.byName.get(`${component}.${signal}[${i}]`);
      if (wire === undefined) throw new Error(`no signal ${component}.${signal}[${i}]`);
      return wire;
    });
    if (wires.every((x) => x < 0)) throw new Error(`no surviving bit wires under ${component}`);
    return wires;
  }

  /**
   * A hint filling `bitWires(component, n)` with the n low bits of value(w), once the wires in
   * `needs` are known. For a value of n bits or more this is the cheater's best effort (the
   * truncated decomposition): no boolean assignment can encode it.
   */
  bitsHint(component: string, n: number, needs: number[], value: (w: bigint[]) => bigint, signal = "out"): Hint {
    const wires = this.bitWires(component, n, signal);
    return {
      sets: wires.filter((x) => x >= 0),
      needs,
      compute: (w) => bitsOf(value(w), n).filter((_, i) => wires[i]! >= 0),
    };
  }

  /**
   * Cheating-prover helper: forgets the wires in `free` and re-derives them from the constraints
   * themselves, as a prover recomputing every deterministic intermediate would. A constraint
   * A*B = C in which A or B is already determined is a linear equation in the unknowns; the
   * equations are collected in reduced row-echelon form (--O2 folds Poseidon's linear layers
   * into constraints over dozens of round outputs at once, so single-unknown propagation is not
   * enough), and a wire is learnt once its row has no other unknown. Wires that no constraint
   * determines (bit decompositions, circom `<--` hints) come from `hints`, each applied once its
   * inputs are known. Returns the wires left unknown (they keep their old values).
   */
  rederive(w: bigint[], free: Iterable<number>, hints: Hint[] = []): number[] {
    const unknown = new Uint8Array(this.nWires);
    for (const wire of free) unknown[wire] = 1;
    for (const hint of hints) for (const wire of hint.sets) unknown[wire] = 1;
    unknown[0] = 0;

    const touching: number[][] = Array.from({ length: this.nWires }, () => []);
    this.constraints.forEach((abc, i) => {
      for (const x of new Set(abc.flatMap((lc) => lc.wires))) touching[x]!.push(i);
    });
    const consumed = new Uint8Array(this.constraints.length);
    const queue = new Set<number>();
    const revisit = (wires: Iterable<number>) => {
      for (const x of wires) for (const i of touching[x]!) if (!consumed[i]) queue.add(i);
    };
    const system = new RowEchelon(w, unknown, (wires) => revisit(wires));
    revisit([...unknown.keys()].filter((x) => unknown[x]));

    const pending = [...hints];
    for (;;) {
      for (const i of queue) {
        queue.delete(i);
        const [a, b, c] = this.constraints[i]!.map((lc) => system.reduce(lcForm(lc, w, unknown)));
        if (a!.coeffs.size > 0 && b!.coeffs.size > 0) continue; // still quadratic: wait
        consumed[i] = 1;
        // A*B - C, linear because A or B is a constant
        const form = combine([[a!, b!.constant], [b!, a!.constant], [c!, -1n]]);
        form.constant = mod(a!.constant * b!.constant - c!.constant);
        system.add(form);
      }
      const ready = pending.findIndex((hint) => hint.needs.every((x) => !unknown[x]));
      if (ready < 0) break;
      const [hint] = pending.splice(ready, 1);
      const values = hint!.compute(w);
      hint!.sets.forEach((wire, i) => system.assign(wire, mod(values[i]!)));
    }
    // A wire that no constraint touches (e.g. an IsZero inverse whose check --O2 folded into a
    // linear equality) cannot affect acceptance, so it does not count as unresolved.
    return [...unknown.keys()].filter((x) => unknown[x] && touching[x]!.length > 0);
  }
}

/** An affine form over unknown wires: sum(coeffs[x] * x) + constant. */
interface Form {
  coeffs: Map<number, bigint>;
  constant: bigint;
}

/** A linear combination with its known wires evaluated. */
function lcForm(lc: Lc, w: bigint[], unknown: Uint8Array): Form {
  const coeffs = new Map<number, bigint>();
  let constant = 0n;
  lc.wires.forEach((x, i) => {
    if (unknown[x]) coeffs.set(x, (coeffs.get(x) ?? 0n) + lc.coeffs[i]!);
    else constant += lc.coeffs[i]! * w[x]!;
  });
  return { coeffs, constant: mod(constant) };
}

/** sum(k * form) over the terms (coefficients only; the caller sets the constant). */
function combine(terms: [Form, bigint][]): Form {
  const coeffs = new Map<number, bigint>();
  for (const [form, k] of terms) {
    for (const [x, c] of form.coeffs) coeffs.set(x, mod((coeffs.get(x) ?? 0n) + k * c));
  }
  for (const [x, c] of coeffs) if (c === 0n) coeffs.delete(x);
  return { coeffs, constant: 0n };
}

/**
 * Linear relations among unknown wires in reduced row-echelon form: each row is
 * pivot + sum(coeffs * others) + constant = 0, and no pivot occurs in another row. A row left
 * with no other wire determines its pivot, which is written to the witness.
 */
class RowEchelon {
  private readonly rows = new Map<number, Form>();

  constructor(
    private readonly w: bigint[],
    private readonly unknown: Uint8Array,
    private readonly changed: (wires: Iterable<number>) => void,
  ) {}

  /** `form` with every pivot replaced by its expression in the remaining unknowns. */
  reduce(form: Form): Form {
    const out: Form = { coeffs: new Map(), constant: form.constant };
    for (const [x, k] of form.coeffs) {
      const row = this.rows.get(x);
      if (!row) {
        out.coeffs.set(x, mod((out.coeffs.get(x) ?? 0n) + k));
        continue;
      }
      for (const [y, c] of row.coeffs) out.coeffs.set(y, mod((out.coeffs.get(y) ?? 0n) - k * c));
      out.constant -= k * row.constant;
    }
    for (const [x, c] of out.coeffs) if (c === 0n) out.coeffs.delete(x);
    out.constant = mod(out.constant);
    return out;
  }

  /** Adds the relation form = 0 (an inconsistent one is dropped: check() will report it). */
  add(relation: Form): void {
    const form = this.reduce(relation);
    const first = form.coeffs.entries().next().value;
    if (!first) return;
    const [pivot, k] = first;
    const scale = inv(k);
    form.coeffs.delete(pivot);
    for (const [y, c] of form.coeffs) form.coeffs.set(y, mod(c * scale));
    form.constant = mod(form.constant * scale);
    const touched = [pivot, ...form.coeffs.keys()];
    for (const [other, row] of this.rows) {
      const c = row.coeffs.get(pivot);
      if (c === undefined) continue;
      row.coeffs.delete(pivot);
      for (const [y, d] of form.coeffs) {
        const v = mod((row.coeffs.get(y) ?? 0n) - c * d);
        if (v === 0n) row.coeffs.delete(y);
        else row.coeffs.set(y, v);
      }
      row.constant = mod(row.constant - c * form.constant);
      touched.push(other);
    }
    this.rows.set(pivot, form);
    this.settle();
    this.changed(touched);
  }

  /** Learns a wire from outside (a hint). */
  assign(wire: number, value: bigint): void {
    this.w[wire] = value;
    if (!this.unknown[wire]) return;
    this.unknown[wire] = 0;
    const own = this.rows.get(wire);
    this.rows.delete(wire);
    const touched = [wire];
    for (const [pivot, row] of this.rows) {
      const c = row.coeffs.get(wire);
      if (c === undefined) continue;
      row.coeffs.delete(wire);
      row.constant = mod(row.constant + c * value);
      touched.push(pivot);
    }
    this.settle();
    this.changed(touched);
    // Its own row now relates the other wires: value + sum(coeffs * others) + constant = 0.
    if (own) this.add({ coeffs: own.coeffs, constant: mod(own.constant + value) });
  }

  /** Writes every pivot whose row has no other unknown left. */
  private settle(): void {
    for (const [pivot, row] of this.rows) {
      if (row.coeffs.size > 0) continue;
      this.w[pivot] = mod(-row.constant);
      this.unknown[pivot] = 0;
      this.rows.delete(pivot);
    }
  }
}

/** A value the constraints do not determine (a circom `<--` hint), supplied by the cheater. */
export interface Hint {
  /** wires written */
  sets: number[];
  /** wires that must be known first */
  needs: number[];
  compute(w: bigint[]): bigint[];
}

function evalLc(lc: Lc, w: bigint[]): bigint {
  let s = 0n;
  for (let i = 0; i < lc.wires.length; i++) s += lc.coeffs[i]! * w[lc.wires[i]!]!;
  return mod(s);
}

/** `s` with RegExp metacharacters escaped (component paths contain dots and brackets). */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The failures touching no signal that matches `pattern`: [] means `pattern` accounts for all. */
export function failuresOutside(failures: Failure[], pattern: RegExp): Failure[] {
  return failures.filter((f) => !f.signals.some((name) => pattern.test(name)));
}

/**
 * Ends the worker threads of a multi-threaded ffjavascript curve, if anything built one (it is
 * cached in globalThis.curve_bn128), so the test process can exit. circomlibjs's are single-threaded.
 */
export async function terminateCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await g.curve_bn128?.terminate();
}
