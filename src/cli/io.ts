/**
 * Argument parsing and JSON file I/O for the CLI commands: every failure becomes a CliError
 * with the right exit code and a message naming the flag or file.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { MedzkError } from "../core/errors.js";
import { jsonErrorWhere } from "../server/config.js";
import { CliError, inputError, usageError } from "./cli-error.js";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One CLI command. `name` is what the user types ("verify", "artifacts check"). */
export interface Command {
  name: string;
  summary: string;
  /** The full --help text, starting with the usage line. */
  help: string;
  options: Options;
  positionals?: boolean;
  run(args: Parsed): Promise<number>;
}

export function parse(argv: string[], command: Command): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (error) {
    // parseArgs' messages name the option ("Unknown option '--frob'"); keep them.
    throw usageError(`${(error as Error).message.split(". To specify")[0]} (see medzk ${command.name} --help)`);
  }
}

/** `-q`/`--quiet`, for the commands that report progress: no progress lines (errors still go to stderr). */
export const QUIET_OPTION: Options = { quiet: { type: "boolean", short: "q" } };

/**
 * Progress on stderr (stdout is the command's data): `medzk: <command>: <step> (<ms> ms)` as
 * each step starts, the milliseconds counted from the command's start; nothing with --quiet.
 * Every step that can take more than a few hundred milliseconds gets a line, so a run of
 * seconds is never silent.
 */
export function progress(command: string, args: Parsed): (step: string, elapsedMs?: number) => void {
  if (args.values["quiet"] === true) return () => undefined;
  const started = Date.now();
  return (step, elapsedMs = Date.now() - started) => process.stderr.write(`medzk: ${command}: ${step} (${elapsedMs} ms)\n`);
}

/** A string option the command cannot do without. */
export function required(args: Parsed, name: string, command: Command): string {
  const value = args.values[name];
  if (typeof value !== "string" || value.length === 0) throw usageError(`${command.name} needs --${name} (see medzk ${command.name} --help)`);
  return value;
}

export function optional(args: Parsed, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (cause as Error).message;
    throw inputError(`cannot read ${what} ${path}: ${reason}`, cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    // Never the parser's message: it quotes the text around the error, and the file may hold a
    // key, a holder secret or health data. The position is enough to find the mistake.
    throw inputError(`${what} ${path} is not valid JSON${jsonErrorWhere(cause)}; fix or regenerate the file`);
  }
}

/** A JSON value given inline (starting with "{" or "[") or as the path of a JSON file. */
export async function inlineOrFile(value: string, what: string): Promise<unknown> {
  const trimmed = value.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch (cause) {
      throw inputError(`${what} is not valid JSON${jsonErrorWhere(cause)}`);
    }
  }
  return readJson(value, what);
}

/**
 * How a file written by the CLI is protected:
 * - "secret" (issuer keys, holder secrets): created owner-only (0600) and never overwritten:
 *   losing an issuer key to a typo in --out would orphan every credential it signed;
 * - "private" (credentials, presentations, sealed envelopes: health data): created owner-only
 *   (0600); an existing file is rewritten in place and keeps its mode, which is never widened;
 * - "received" (a credential opened from an envelope): created owner-only (0600) and never
 *   overwritten: the file it would replace may be the holder's only copy of another credential;
 * - "public" (revocation statuses, requests, a holder's public keys: published, nothing secret):
 *   the default mode.
 */
export type FileKind = "secret" | "private" | "received" | "public";

/** Writes JSON to `path`, or to stdout when there is none, protected as its {@link FileKind} says. */
export async function writeJson(path: string | undefined, value: unknown, kind: FileKind): Promise<void> {
  const text = JSON.stringify(value, null, 2) + "\n";
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  const fresh = kind === "secret" || kind === "received";
  if (fresh && existsSync(path)) {
    throw inputError(`${path} already exists; it may hold ${kind === "secret" ? "a key" : "a credential"}: remove it or choose another --out`);
  }
  try {
    // `mode` applies only when the file is created (and the umask can only narrow it); writing
    // an existing file leaves its mode as it was.
    await writeFile(path, text, kind === "public" ? {} : { mode: 0o600, flag: fresh ? "wx" : "w" });
  } catch (cause) {
    throw inputError(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}`, cause);
  }
}

// Values read from secret and health-data inputs (keys, holder secrets, attribute values,
// credential salts and signatures) that no line on stderr may contain. The command is a
// one-shot process, so one list for the run is the whole state.
const sensitive = new Set<string>();

/**
 * Marks every leaf value (strings, numbers, booleans) of `value` as sensitive: {@link redact}
 * removes them from error messages. Library messages name the offending value (`got
 * "1990-02-30"`), which is right for a developer and wrong for a terminal log of health data.
 */
export function markSensitive(value: unknown): void {
  if (Array.isArray(value)) value.forEach(markSensitive);
  else if (typeof value === "object" && value !== null) Object.values(value).forEach(markSensitive);
  else if (typeof value === "string" || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    const text = String(value);
    if (text.length > 0) sensitive.add(text);
  }
}

/** `message` with every sensitive value replaced by "[redacted]" (whole tokens only, longest first). */
export function redact(message: string): string {
  let out = message;
  for (const value of [...sensitive].sort((a, b) => b.length - a.length)) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Whole tokens: a value "18" must not mangle "2018" or "patient-record/v1".
    out = out.replace(new RegExp(`(?<![\\w./-])${escaped}(?![\\w/-])`, "g"), "[redacted]");
  }
  return out;
}

/** Runs a library call on user input: a MedzkError becomes a CliError of its code, naming the source. */
export async function fromInput<T>(source: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MedzkError) throw new CliError(error.code, `${source}: ${error.message}`, { cause: error });
    throw error;
  }
}
