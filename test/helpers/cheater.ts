/**
 * The cheating prover shared by the circuit soundness tests: it sets chosen circuit inputs of an
 * honest witness, then recomputes every other wire (outputs included) from the constraints and
 * from hints that fill what the constraints leave free, exactly as a malicious prover would.
 * Also the witness-mutation check shared by the tests.
 */
import { expect } from "vitest";
import {
  type ComparatorHint,
  type CredentialHintOptions,
  type Oracle,
  credentialHints,
} from "./circuit-credential.js";
import { type Circuit, failuresOutside, flatten, type Hint, mod, type Signal } from "./r1cs.js";

export type { ComparatorHint } from "./circuit-credential.js";

export interface CheatOptions extends CredentialHintOptions {
  /** The statement's own comparators. */
  comparator?: ComparatorHint;
  /**
   * Recompute every derived wire, not only those that depend on an edit (Circuit.rederiveEdited):
   * slower, used to show that both give the same witness for a consistent edit.
   */
  full?: boolean;
}

/**
 * Builds `cheat(witness, edits, options)` for one circuit and its statement-specific hints;
 * `O` adds the statement's own cheating strategies to the options.
 */
export function cheater<O extends CheatOptions = CheatOptions>(
  circuit: () => Circuit,
  oracle: () => Oracle,
  statementHints: (opts: O) => Hint[],
): (w: bigint[], edits: Record<string, Signal>, opts?: O) => bigint[] {
  return (w, edits, opts = {} as O) => {
    const c = circuit();
    const named = flatten(Object.fromEntries(Object.entries(edits).map(([k, v]) => [`main.${k}`, v])));
    const out = c.with(w, named);
    const hints = [...credentialHints(c, oracle(), opts), ...statementHints(opts)];
    const unresolved = opts.full
      ? c.rederive(out, c.derivedWires(), hints)
      : c.rederiveEdited(out, w, Object.keys(named).map((name) => c.wire(name)), hints);
    // Insists the recomputation is complete: a wire left stale would make a rejection meaningless.
    expect(unresolved.map((x) => c.nameOf(x))).toEqual([]);
    return out;
  };
}

/** Rejected; every violated constraint touches a signal matching `by`, none one matching `notBy`. */
export function expectRejectedBy(circuit: Circuit, w: bigint[], by: RegExp, notBy?: RegExp): void {
  const failures = circuit.check(w);
  expect(failures.length).toBeGreaterThan(0);
  expect(failuresOutside(failures, by)).toEqual([]);
  if (notBy) expect(failures.filter((f) => f.signals.some((s) => notBy.test(s)))).toEqual([]);
}

/** A derived wire whose value the constraints legitimately leave free in some witness. */
export interface FreeWire {
  /** Matches the wire's name. */
  name: RegExp;
  /** Why its value does not matter (written out: this is the point of the list). */
  reason: string;
}

/**
 * Witness mutation over every derived wire (outputs and intermediates: not the constant, not a
 * circuit input): each is changed on its own, by +1 and by a large offset, and check() must then
 * report a violated constraint. The wires that survive must be exactly those matched by
 * `allowed`, and every allow-list entry must match a survivor (no stale or over-broad entries).
 */
export function expectEveryDerivedWireConstrained(circuit: Circuit, w: bigint[], allowed: FreeWire[]): void {
  const derived = circuit.derivedWires();
  expect(derived.length).toBe(circuit.nWires - 1 - circuit.nInputs + circuit.eliminatedInputs.length);
  const survivors = circuit.mutationSurvivors(w, derived, [1n, 0x1234_5678_9abc_def0_1234_5678n]);
  const names = survivors.map((x) => circuit.nameOf(x));
  expect(names.filter((n) => !allowed.some((a) => a.name.test(n)))).toEqual([]);
  for (const entry of allowed) expect(names.filter((n) => entry.name.test(n)), String(entry.name)).not.toEqual([]);
  // The index-based evaluation agrees with a full check() (spot check, evenly spread wires).
  for (let i = 0; i < 8; i++) {
    const wire = derived[Math.floor((i * derived.length) / 8)]!;
    const mutated = [...w];
    mutated[wire] = mod(mutated[wire]! + 1n);
    const survivesIndexed = circuit.mutationSurvivors(w, [wire], [1n]).length > 0;
    expect(circuit.check(mutated).length === 0, circuit.nameOf(wire)).toBe(survivesIndexed);
  }
}
