/**
 * How a verification step refuses: it throws a {@link Refusal} with the verifier's own code, and
 * {@link settle} turns it into a `{ ok: false, error }` result. Anything else thrown is a bug or an
 * unexpected failure: it becomes INTERNAL_ERROR, and its cause goes to the policy's
 * `onInternalError` hook (never into the result, which may travel to the holder).
 */
import type { VerifyError, VerifyErrorCode } from "../core/errors.js";

/** A presentation refused by a step, with the code the caller sees. */
export class Refusal {
  constructor(
    readonly code: VerifyErrorCode,
    readonly message: string,
  ) {}
}

/** Refuses the presentation being checked: throws a {@link Refusal}. */
export function refuse(code: VerifyErrorCode, message: string): never {
  throw new Refusal(code, message);
}

/** A refused presentation: nothing about it was accepted. */
export interface VerifyFailure {
  /** Always false. */
  ok: false;
  /** Why it was refused: a stable code and a message. */
  error: VerifyError;
}

/** Where an INTERNAL_ERROR happened, for the `onInternalError` hook. No presentation data. */
export interface InternalErrorContext {
  /** The verifier method that failed. */
  operation: "verify" | "verifyBatch";
  /** For verifyBatch: the index of the presentation whose check failed, if one did. */
  item?: number;
}

/** Receives the cause of every INTERNAL_ERROR result (for logging); its own failures are ignored. */
export type InternalErrorHook = (error: unknown, context: InternalErrorContext) => void;

export function isFailure(value: unknown): value is VerifyFailure {
  return (value as VerifyFailure).ok === false;
}

/** Runs a check, turning refusals (and anything unexpected) into typed results: never throws. */
export async function settle<T>(check: () => Promise<T>, onInternalError: InternalErrorHook | undefined, context: InternalErrorContext): Promise<T | VerifyFailure> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, error: { code: error.code, message: error.message } };
    // Not reachable by design; if it is, refuse rather than throw at the caller, and report the cause.
    try {
      onInternalError?.(error, context);
    } catch {
      // A failing logger must not turn a refusal into an exception.
    }
    return { ok: false, error: { code: "INTERNAL_ERROR", message: "verification failed unexpectedly" } };
  }
}
