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

export const mod = (x: bigint): bigint => {
  if (x >= 0n && x < P) return x;
  const r = x % P;
  return r < 0n ? r + P : r;
};

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

/** A circuit input or signal value: a field element or a (nested) array of them. */
export type Signal = bigint | readonly Signal[];

/** {"a": [[1, 2]]} -> {"a[0][0]": 1, "a[0][1]": 2}: the names circom gives array elements. */
export function flatten(values: Record<string, Signal>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const walk = (name: string, v: Signal): void => {
    if (typeof v === "bigint") out[name] = v;
    else v.forEach((x, i) => walk(`${name}[${i}]`, x));
  };
  for (const [name, v] of Object.entries(values)) walk(name, v);
  return out;
}

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
    /** Circuit inputs declared (the r1cs header counts them whether or not they kept a wire). */
    readonly nInputs: number,
    /** Wires of the circuit inputs. */
    private readonly inputWires: ReadonlySet<number>,
    /**
     * Inputs --O2 eliminated: an input fixed by a linear constraint is replaced by its
     * expression in other wires, so the R1CS never sees the value the prover passed in.
     */
    readonly eliminatedInputs: readonly string[],
    private readonly constraints: [Lc, Lc, Lc][],
    /**
     * wire index -> the signal names the .sym file gives it. circom names each surviving wire by
     * one signal; every alias (a component input or output connected to it, e.g. Num2Bits.out[i]
     * behind RevocationCheck.leafBits[i]) is listed with wire -1, like an eliminated signal.
     */
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

    // .sym lines are "labelIdx,wireIdx,componentIdx,name"; wireIdx -1 = optimised away (or an
    // alias). Labels 1..nOutputs + nInputs are main's outputs and inputs in declaration order.
    const wireNames: string[][] = Array.from({ length: r1cs.nVars }, () => []);
    const byName = new Map<string, number>();
    const mainSignals = r1cs.nOutputs + r1cs.nPubInputs + r1cs.nPrvInputs;
    const inputs: { name: string; wire: number }[] = [];
    for (const line of (await readFile(files.sym, "utf8")).split("\n")) {
      if (!line) continue;
      const [labelText, wireText, , ...rest] = line.split(",");
      const name = rest.join(",");
      const [label, wire] = [Number(labelText), Number(wireText)];
      byName.set(name, wire);
      if (wire >= 0) wireNames[wire]!.push(name);
      if (label > r1cs.nOutputs && label <= mainSignals) inputs.push({ name, wire });
    }
    wireNames[0]!.push("one");
    if (inputs.length !== r1cs.nPubInputs + r1cs.nPrvInputs) throw new Error("unexpected .sym layout");

    const calculator = await WitnessCalculatorBuilder(await readFile(files.wasm));
    return new Circuit(
      r1cs.nConstraints,
      r1cs.nVars,
      r1cs.nOutputs,
      r1cs.nOutputs + r1cs.nPubInputs,
      r1cs.nPubInputs + r1cs.nPrvInputs,
      new Set(inputs.filter((x) => x.wire >= 0).map((x) => x.wire)),
      inputs.filter((x) => x.wire < 0).map((x) => x.name),
      constraints,
      wireNames,
      byName,
      calculator,
    );
  }

  /** The honest witness (throws if the generator's own assertions fail). */
  async witness(input: Record<string, Signal>): Promise<bigint[]> {
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
    return [...this.wireNames.keys()].filter((x) => x >= 1 && !this.inputWires.has(x));
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
    this.constraints.forEach((_, i) => {
      if (!this.holds(i, w)) failures.push({ constraint: i, signals: this.signalsOf(i) });
    });
    return failures;
  }

  /** Whether constraint i holds for w. */
  private holds(i: number, w: bigint[]): boolean {
    const [a, b, c] = this.constraints[i]!;
    return mod(evalLc(a, w) * evalLc(b, w)) === evalLc(c, w);
  }

  /** wire -> the constraints whose A, B or C mentions it (built once). */
  private touchingIndex?: number[][];

  /** The constraints in which `wire` occurs. */
  touching(wire: number): readonly number[] {
    if (!this.touchingIndex) {
      const index: number[][] = Array.from({ length: this.nWires }, () => []);
      this.constraints.forEach((abc, i) => {
        for (const x of new Set(abc.flatMap((lc) => lc.wires))) index[x]!.push(i);
      });
      this.touchingIndex = index;
    }
    return this.touchingIndex[wire]!;
  }

  /**
   * Witness mutation: for each of `wires`, sets that one wire of the (satisfying) witness `w` to
   * value + delta for each delta, and returns the wires for which some mutation still satisfies
   * every constraint, i.e. values the constraints do not pin down. Only the constraints touching
   * the mutated wire are evaluated: the others see the same values as in `w`, which check()
   * found satisfied (asserted here first), so this is exactly check(mutated).length === 0.
   */
  mutationSurvivors(w: bigint[], wires: Iterable<number> = this.derivedWires(), deltas: bigint[] = [1n]): number[] {
    if (this.check(w).length > 0) throw new Error("mutation needs a satisfying witness");
    const m = [...w];
    const survivors: number[] = [];
    for (const wire of wires) {
      const original = m[wire]!;
      const touched = this.touching(wire);
      const survives = deltas.some((delta) => {
        m[wire] = mod(original + delta);
        return touched.every((i) => this.holds(i, m));
      });
      m[wire] = original;
      if (survives) survivors.push(wire);
    }
    return survivors;
  }

  private signalsOf(constraint: number): string[] {
    const wires = new Set(this.constraints[constraint]!.flatMap((lc) => lc.wires));
    return [...wires].sort((x, y) => x - y).flatMap((wire) => this.wireNames[wire]!);
  }

  /** Wire index of a signal, -1 if it was optimised away or is an alias, undefined if unknown. */
  maybeWire(name: string): number | undefined {
    return this.byName.get(name);
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
    if (!this.componentPaths) {
      const paths = new Set<string>();
      for (const name of this.byName.keys()) paths.add(name.slice(0, name.lastIndexOf(".")));
      this.componentPaths = [...paths];
    }
    const key = `${pattern.source}/${pattern.flags}`;
    let found = this.componentCache.get(key);
    if (!found) {
      found = this.componentPaths.filter((path) => pattern.test(path));
      this.componentCache.set(key, found);
    }
    return [...found];
  }

  /** Every component path, in declaration order, and components() results by pattern. */
  private componentPaths?: string[];
  private readonly componentCache = new Map<string, string[]>();

  /** Copy of `w` with the named signals set (array values set name[i], name[i][j], ...). */
  with(w: bigint[], edits: Record<string, Signal>): bigint[] {
    const out = [...w];
    for (const [name, value] of Object.entries(flatten(edits))) out[this.wire(name)] = mod(value);
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
   * inputs are known; a hint's wires are never learnt from constraints, even where these would
   * determine them (the cheater's choice stands, and the constraints are checked against it).
   * Returns the wires left unknown (they keep their old values).
   */
  rederive(w: bigint[], free: Iterable<number>, hints: Hint[] = []): number[] {
    return this.solve(w, free, hints);
  }

  /** rederive, optionally tracking for every learnt wire the sources its value came from. */
  private solve(w: bigint[], free: Iterable<number>, hints: Hint[], deps?: bigint[], hintBits?: bigint[]): number[] {
    const unknown = new Uint8Array(this.nWires);
    for (const wire of free) unknown[wire] = 1;
    for (const hint of hints) for (const wire of hint.sets) unknown[wire] = 1;
    unknown[0] = 0;

    const touching = (wire: number) => this.touching(wire);
    const consumed = new Uint8Array(this.constraints.length);
    const queue = new Set<number>();
    const revisit = (wires: Iterable<number>) => {
      for (const x of wires) for (const i of touching(x)) if (!consumed[i]) queue.add(i);
    };
    // Hint wires are the cheater's choice: constraints never settle them (a relation that would
    // is kept and checked against the hint's value once the hint is applied).
    const reserved = new Uint8Array(this.nWires);
    for (const hint of hints) for (const wire of hint.sets) reserved[wire] = 1;
    const system = new RowEchelon(w, unknown, (wires) => revisit(wires), reserved, deps);
    revisit([...unknown.keys()].filter((x) => unknown[x]));

    const pending = hints.map((hint, k) => ({ hint, bit: hintBits?.[k] ?? 0n }));
    for (;;) {
      for (const i of queue) {
        queue.delete(i);
        const [lcA, lcB, lcC] = this.constraints[i]!;
        // Cheap exact test first: an LC whose unknowns include none with a row stays non-constant
        // (reduce only substitutes rows), so A * B is still quadratic if both are such LCs.
        if (system.surelyUnknown(lcA, unknown) && system.surelyUnknown(lcB, unknown)) continue;
        const a = system.reduce(lcForm(lcA, w, unknown, deps));
        const b = system.reduce(lcForm(lcB, w, unknown, deps));
        if (a.coeffs.size > 0 && b.coeffs.size > 0) continue; // still quadratic: wait
        // Tracing dependencies, a factor that is 0 in this witness would hide the other factor's
        // unknowns (a selector or bit that is 1 in another witness makes them matter): wait until
        // they are known, so that their sources are counted. (Wires this leaves undetermined
        // count as depending on everything.)
        if (deps && ((a.coeffs.size > 0 && b.constant === 0n) || (b.coeffs.size > 0 && a.constant === 0n))) continue;
        const c = system.reduce(lcForm(lcC, w, unknown, deps));
        consumed[i] = 1;
        // A*B - C, linear because A or B is a constant
        const form = combine([[a, b.constant], [b, a.constant], [c, -1n]]);
        form.constant = mod(a.constant * b.constant - c.constant);
        form.deps = a.deps | b.deps | c.deps;
        system.add(form);
      }
      const ready = pending.findIndex(({ hint }) => hint.needs.every((x) => !unknown[x]));
      if (ready < 0) break;
      const [{ hint, bit }] = pending.splice(ready, 1) as [{ hint: Hint; bit: bigint }];
      const values = hint.compute(w);
      const source = deps ? hint.needs.reduce((acc, x) => acc | deps[x]!, bit) : 0n;
      hint.sets.forEach((wire, i) => system.assign(wire, mod(values[i]!), source));
    }
    // A wire that no constraint touches (e.g. an IsZero inverse whose check --O2 folded into a
    // linear equality) cannot affect acceptance, so it does not count as unresolved.
    return [...unknown.keys()].filter((x) => unknown[x] && touching(x).length > 0);
  }

  /** Cached dependency maps, by hint structure. */
  private readonly dependencyCache = new Map<string, bigint[]>();

  /**
   * For every wire, the sources its value is computed from when a prover re-derives every
   * derived wire with `hints`, as a bit mask: bit i for the i-th circuit input wire, bit
   * (inputs + k) for hints[k]. Tracked through one re-derivation of the satisfying witness `w`
   * (its own hint values kept); the masks over-approximate (every known wire of a constraint
   * counts). A wire that re-derivation leaves undetermined depends on everything.
   */
  dependencies(w: bigint[], hints: Hint[]): bigint[] {
    const key = hints.map((h) => `${h.sets.join(",")}<${h.needs.join(",")}`).join(";");
    const cached = this.dependencyCache.get(key);
    if (cached) return cached;
    const inputs = [...this.inputWires].sort((x, y) => x - y);
    const deps: bigint[] = Array(this.nWires).fill(0n);
    inputs.forEach((wire, i) => (deps[wire] = 1n << BigInt(i)));
    const hintBits = hints.map((_, k) => 1n << BigInt(inputs.length + k));
    const keep = hints.map((h) => ({ ...h, compute: (x: bigint[]) => h.sets.map((wire) => x[wire]!) }));
    const unresolved = this.solve([...w], this.derivedWires(), keep, deps, hintBits);
    for (const wire of unresolved) deps[wire] = -1n; // all bits
    this.dependencyCache.set(key, deps);
    return deps;
  }

  /**
   * rederive for `w`, a copy of the satisfying witness `original` whose circuit inputs `edited`
   * were changed, recomputing only what can change: the wires that depend (see dependencies(),
   * traced on `original`) on an edited input or on an "active" hint, i.e. one whose needs
   * changed or whose strategy yields other values than `w` holds. Everything else keeps its
   * value, which a full re-derivation would reproduce: its derivation only involves unchanged
   * values. For an edit that keeps the constraints consistent the result equals rederive over
   * every derived wire; for an inconsistent one (a false statement), a wire that the
   * constraints then over-determine may come out of another constraint than in a full
   * re-derivation (which one is a matter of solving order), but it is still recomputed.
   */
  rederiveEdited(w: bigint[], original: bigint[], edited: number[], hints: Hint[]): number[] {
    const inputs = [...this.inputWires].sort((x, y) => x - y);
    const deps = this.dependencies(original, hints);
    let affected = 0n;
    for (const wire of edited) {
      if (!this.inputWires.has(wire)) throw new Error(`${this.nameOf(wire)} is not a circuit input`);
      affected |= deps[wire]!;
    }
    const active = new Set<number>();
    const sameValues = new Map<number, boolean>();
    for (let changed = true; changed; ) {
      changed = false;
      hints.forEach((h, k) => {
        if (active.has(k)) return;
        let act = h.needs.some((x) => (deps[x]! & affected) !== 0n);
        if (!act) {
          if (!sameValues.has(k)) {
            const values = h.compute(w);
            sameValues.set(k, h.sets.every((x, i) => mod(values[i]!) === w[x]));
          }
          act = !sameValues.get(k);
        }
        if (act) {
          active.add(k);
          affected |= 1n << BigInt(inputs.length + k);
          changed = true;
        }
      });
    }
    const free = this.derivedWires().filter((x) => (deps[x]! & affected) !== 0n);
    return this.solve(w, free, hints.filter((_, k) => active.has(k)));
  }
}

/** An affine form over unknown wires: sum(coeffs[x] * x) + constant. */
interface Form {
  coeffs: Map<number, bigint>;
  constant: bigint;
  /** Sources of the known values folded in (dependency tracking only, else 0). */
  deps: bigint;
}

/** A linear combination with its known wires evaluated. */
function lcForm(lc: Lc, w: bigint[], unknown: Uint8Array, deps?: bigint[]): Form {
  const coeffs = new Map<number, bigint>();
  let constant = 0n;
  let sources = 0n;
  for (let i = 0; i < lc.wires.length; i++) {
    const x = lc.wires[i]!;
    if (unknown[x]) coeffs.set(x, (coeffs.get(x) ?? 0n) + lc.coeffs[i]!);
    else {
      constant += lc.coeffs[i]! * w[x]!;
      if (deps) sources |= deps[x]!;
    }
  }
  for (const [x, c] of coeffs) coeffs.set(x, mod(c));
  return { coeffs, constant: mod(constant), deps: sources };
}

/** sum(k * form) over the terms (coefficients only; the caller sets the constant). */
function combine(terms: [Form, bigint][]): Form {
  const coeffs = new Map<number, bigint>();
  for (const [form, k] of terms) {
    if (k === 0n) continue;
    for (const [x, c] of form.coeffs) coeffs.set(x, (coeffs.get(x) ?? 0n) + k * c);
  }
  for (const [x, c] of coeffs) {
    const r = mod(c);
    if (r === 0n) coeffs.delete(x);
    else coeffs.set(x, r);
  }
  return { coeffs, constant: 0n, deps: 0n };
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
    /** wires only a hint may set (cleared by assign) */
    private readonly reserved: Uint8Array,
    /** wire -> sources of its value, maintained when given */
    private readonly deps?: bigint[],
  ) {}

  /** Whether `lc` has an unknown wire and none of its unknown wires is a pivot. */
  surelyUnknown(lc: Lc, unknown: Uint8Array): boolean {
    let any = false;
    for (const x of lc.wires) {
      if (!unknown[x]) continue;
      if (this.rows.has(x)) return false;
      any = true;
    }
    return any;
  }

  /** `form` with every pivot replaced by its expression in the remaining unknowns. */
  reduce(form: Form): Form {
    // Sums are accumulated unreduced and reduced once at the end (mod dominates the cost).
    const out: Form = { coeffs: new Map(), constant: form.constant, deps: form.deps };
    for (const [x, k] of form.coeffs) {
      const row = this.rows.get(x);
      if (!row) {
        out.coeffs.set(x, (out.coeffs.get(x) ?? 0n) + k);
        continue;
      }
      for (const [y, c] of row.coeffs) out.coeffs.set(y, (out.coeffs.get(y) ?? 0n) - k * c);
      out.constant -= k * row.constant;
      out.deps |= row.deps;
    }
    for (const [x, c] of out.coeffs) {
      const r = mod(c);
      if (r === 0n) out.coeffs.delete(x);
      else out.coeffs.set(x, r);
    }
    out.constant = mod(out.constant);
    return out;
  }

  /** Relations among reserved wires only, kept until a hint assigns one of them. */
  private stash: Form[] = [];

  /** Adds the relation form = 0 (an inconsistent one is dropped: check() will report it). */
  add(relation: Form): void {
    const form = this.reduce(relation);
    // A reserved (hint) wire is never a pivot: it stays a free variable until its hint sets it.
    const pivot = [...form.coeffs.keys()].find((x) => !this.reserved[x]);
    if (pivot === undefined) {
      if (form.coeffs.size > 0) this.stash.push(form);
      return;
    }
    const k = form.coeffs.get(pivot)!;
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
      row.deps |= form.deps;
      touched.push(other);
    }
    this.rows.set(pivot, form);
    this.settle();
    this.changed(touched);
  }

  /** Learns a wire from outside (a hint), whose value comes from `sources`. */
  assign(wire: number, value: bigint, sources = 0n): void {
    this.w[wire] = value;
    if (this.deps) this.deps[wire] = sources;
    this.reserved[wire] = 0;
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
      row.deps |= sources;
      touched.push(pivot);
    }
    const stashed = this.stash;
    this.stash = [];
    for (const form of stashed) {
      const c = form.coeffs.get(wire);
      if (c === undefined) continue;
      form.coeffs.delete(wire);
      form.constant = mod(form.constant + c * value);
      form.deps |= sources;
    }
    this.settle();
    this.changed(touched);
    // Its own row now relates the other wires: value + sum(coeffs * others) + constant = 0.
    if (own) this.add({ coeffs: own.coeffs, constant: mod(own.constant + value), deps: own.deps | sources });
    for (const form of stashed) this.add(form);
  }

  /** Writes every pivot whose row has no other unknown left. */
  private settle(): void {
    for (const [pivot, row] of this.rows) {
      if (row.coeffs.size > 0 || this.reserved[pivot]) continue;
      this.w[pivot] = mod(-row.constant);
      if (this.deps) this.deps[pivot] = row.deps;
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
