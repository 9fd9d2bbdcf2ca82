/** The code of the MedzkError that `f` throws (failing the test on any other error), or undefined if it returns. */
import { expect } from "vitest";
import { MedzkError } from "../../src/core/errors.js";

export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MedzkError);
    return (e as MedzkError).code;
  }
  return undefined;
}

/** {@link codeOf} for an async `f`: the code of the MedzkError it rejects with, or undefined if it resolves. */
export async function rejectionCodeOf(f: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(MedzkError);
    return (e as MedzkError).code;
  }
  return undefined;
}
