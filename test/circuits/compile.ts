// Compiled circuits for the circuit tests, from the content-keyed compile cache of
// scripts/circuits.mjs (the same --O2 build as the artifacts, shared with the artifact check,
// so each circuit compiles once per suite whoever asks first).
//
// The circuit test files run one after another on a 2-core machine, so each file also compiles
// the circuits the other files need in the background, one at a time on the idle core, while
// its own tests run; afterAll waits for that work (see prepareCircuit).
import { CIRCUITS, compiledCircuit } from "../../scripts/circuits.mjs";
import type { CircuitFiles } from "../helpers/r1cs.js";

let background: Promise<unknown> = Promise.resolve();

/**
 * The compiled files of circuit `own`; also starts compiling the other shipped circuits in the
 * background, one at a time, unless cached or being compiled elsewhere. Await
 * finishBackgroundCompiles() in afterAll so that work is not cut off when the file ends.
 */
export function prepareCircuit(own: string): Promise<CircuitFiles> {
  const files = compiledCircuit(own);
  for (const { name } of CIRCUITS) {
    if (name === own) continue;
    // A failure here is reported by the file that needs the circuit when it compiles it itself.
    background = background.then(() => compiledCircuit(name, { onlyIfFree: true })).catch(() => undefined);
  }
  return files;
}

export const finishBackgroundCompiles = (): Promise<unknown> => background;
