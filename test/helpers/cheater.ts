/**
 * The cheating prover shared by the circuit soundness tests: it sets chosen circuit inputs of an
 * honest witness, then recomputes every other wire (outputs included) from the constraints and
 * from hints that fill what the constraints leave free, exactly as a malicious prover would.
 */
import { expect } from "vitest";
import { type Oracle, type SCheckHint, credentialHints } from "./circuit-credential.js";
import { type Circuit, failuresOutside, type Hint } from "./r1cs.js";

/** How the cheater fills a comparator's free bits: honestly, or so that it claims "true". */
export type ComparatorHint = "honest" | "claim-true";

export interface CheatOptions {
  comparator?: ComparatorHint;
  sCheck?: SCheckHint;
}

/** Builds `cheat(witness, edits, options)` for one circuit and its statement-specific hints. */
export function cheater(
  circuit: () => Circuit,
  oracle: () => Oracle,
  statementHints: (comparator: ComparatorHint) => Hint[],
): (w: bigint[], edits: Record<string, bigint>, opts?: CheatOptions) => bigint[] {
  return (w, edits, opts = {}) => {
    const c = circuit();
    const out = c.with(w, Object.fromEntries(Object.entries(edits).map(([k, v]) => [`main.${k}`, v])));
    const hints = [...credentialHints(c, oracle(), opts.sCheck), ...statementHints(opts.comparator ?? "honest")];
    const unresolved = c.rederive(out, c.derivedWires(), hints);
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
