/**
 * CLI errors and exit codes. Scripts branch on the exit code, people read the one-line message:
 * `medzk: <code>: <message>` on stderr.
 */

/** Exit codes, documented in docs/cli.md; stable. */
export const EXIT = {
  OK: 0,
  /** A check said no: a presentation was not accepted, or the artifacts do not match. */
  REFUSED: 1,
  /** Unknown command or option, missing argument. */
  USAGE: 2,
  /** A file is missing or not valid JSON, or its content is invalid (credential, config, …). */
  INPUT: 3,
  /** Anything unexpected (a bug, or the prover failing). */
  INTERNAL: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override readonly name = "CliError";

  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.USAGE, "USAGE", message);
export const inputError = (message: string, cause?: unknown): CliError => new CliError(EXIT.INPUT, "INPUT", message, { cause });
