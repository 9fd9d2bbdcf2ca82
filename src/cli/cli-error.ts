/**
 * CLI errors and exit statuses. Scripts branch on the exit status, people read the one-line
 * message: `medzk: <code>: <message>` on stderr. The exit status of an error is decided here and
 * nowhere else, from its code ({@link exitStatusOf}); docs/cli.md's "Exit status" table is this
 * mapping in words, and test/e2e/cli.test.ts checks it case by case.
 */

import type { MedzkErrorCode } from "../core/errors.js";

/** Exit statuses, documented in docs/cli.md; stable. */
export const EXIT = {
  OK: 0,
  /** A check said no: a presentation was not accepted, the artifacts differ, an audit log is damaged. */
  REFUSED: 1,
  /** Unknown command or option, missing option or argument. */
  USAGE: 2,
  /** A file is missing, unreadable or not valid JSON, or its content is invalid (credential, config, …). */
  INPUT: 3,
  /** Anything unexpected (a bug), or the prover failing. */
  INTERNAL: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The CLI's own error codes. Every other code on stderr is a library `MedzkError` code, which
 * names what was wrong with the user's input or setup.
 */
export type CliCode = "USAGE" | "INPUT" | "INTERNAL" | "UNKNOWN_PRESET" | IssuerRegistryChangeCode;

/** Why `medzk issuers …` refused a change to an issuer registry file (the file is left as it was). */
export type IssuerRegistryChangeCode = "UNKNOWN_ISSUER" | "UNKNOWN_KEY" | "DUPLICATE_ISSUER" | "DUPLICATE_KEY" | "KEY_COMPROMISED" | "KEY_RETIRED";

/**
 * The exit status of an error code: 1 for a ceremony that does not verify (a check said no), 2 for
 * usage errors, 4 for a bug or a failing prover, 3 for
 * everything else (every MedzkError code but PROVING_FAILED is a refusal of a file, option or
 * config the user gave, or of the setup it points at: a port, Redis, a lock).
 */
export function exitStatusOf(code: string): ExitCode {
  switch (code) {
    case "CEREMONY_INVALID":
      return EXIT.REFUSED;
    case "USAGE":
      return EXIT.USAGE;
    case "INTERNAL":
    case "PROVING_FAILED":
      return EXIT.INTERNAL;
    default:
      return EXIT.INPUT;
  }
}

export class CliError extends Error {
  override readonly name = "CliError";
  /** Always {@link exitStatusOf}(code). */
  readonly exitCode: ExitCode;

  constructor(
    readonly code: CliCode | MedzkErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.exitCode = exitStatusOf(code);
  }
}

export const usageError = (message: string): CliError => new CliError("USAGE", message);
export const inputError = (message: string, cause?: unknown): CliError => new CliError("INPUT", message, { cause });
