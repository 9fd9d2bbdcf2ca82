/**
 * Argument parsing and JSON file I/O for the CLI commands: every failure becomes a CliError
 * with the right exit code and a message naming the flag or file.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { MedzkError } from "../core/errors.js";
import { CliError, EXIT, inputError, usageError } from "./cli-error.js";

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
    throw inputError(`${what} ${path} is not valid JSON (${(cause as Error).message.split("\n")[0]}); fix or regenerate the file`, cause);
  }
}

/** A JSON value given inline (starting with "{" or "[") or as the path of a JSON file. */
export async function inlineOrFile(value: string, what: string): Promise<unknown> {
  const trimmed = value.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(value);
    } catch (cause) {
      throw inputError(`${what} is not valid JSON (${(cause as Error).message})`, cause);
    }
  }
  return readJson(value, what);
}

/**
 * Writes JSON to `path`, or to stdout when there is none. Secret files (issuer keys, holder
 * secrets) are created owner-only and never overwritten: losing an issuer key to a typo in
 * --out would orphan every credential it signed.
 */
export async function writeJson(path: string | undefined, value: unknown, options: { secret?: boolean } = {}): Promise<void> {
  const text = JSON.stringify(value, null, 2) + "\n";
  if (path === undefined) {
    process.stdout.write(text);
    return;
  }
  if (options.secret && existsSync(path)) throw inputError(`${path} already exists; it may hold a key: remove it or choose another --out`);
  try {
    await writeFile(path, text, options.secret ? { mode: 0o600, flag: "wx" } : {});
  } catch (cause) {
    throw inputError(`cannot write ${path}: ${(cause as Error).message}`, cause);
  }
}

/** Runs a library call on user input: a MedzkError becomes an input error naming the source. */
export async function fromInput<T>(source: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MedzkError && error.code !== "PROVING_FAILED") {
      throw new CliError(EXIT.INPUT, error.code, `${source}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
