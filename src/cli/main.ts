#!/usr/bin/env node
/**
 * The `medzk` command: issuer, holder and verifier operations on JSON files, the artifact tools
 * and the verifier service. docs/cli.md documents the commands and exit codes.
 */
import packageJson from "../../package.json" with { type: "json" };
import { MedzkError } from "../core/errors.js";
import { CliError, EXIT, exitStatusOf, usageError } from "./cli-error.js";
import { type Command, parse, redact } from "./io.js";

/**
 * Every command by the name the user types, loaded only when run: a command module pulls in its
 * own dependencies (fastify for serve, snarkjs for prove…), and importing them all cost each
 * invocation ~0.3 s of CPU before it did anything. The build splits the CLI into chunks
 * (tsup.config.ts) so each import() below loads one command's code. The name is checked against
 * the module's own `name` when loaded; summaries and help live only in the modules.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  keygen: async () => (await import("./commands/keys.js")).keygen,
  "verifier-key": async () => (await import("./commands/keys.js")).verifierKey,
  holder: async () => (await import("./commands/keys.js")).holder,
  issue: async () => (await import("./commands/issue.js")).issue,
  "issue-fhir": async () => (await import("./commands/issue-fhir.js")).issueFhir,
  open: async () => (await import("./commands/open.js")).open,
  "revocation init": async () => (await import("./commands/issue.js")).revocationInit,
  "revocation revoke": async () => (await import("./commands/issue.js")).revocationRevoke,
  "issuers init": async () => (await import("./commands/issuers.js")).issuersInit,
  "issuers add": async () => (await import("./commands/issuers.js")).issuersAdd,
  "issuers add-key": async () => (await import("./commands/issuers.js")).issuersAddKey,
  "issuers rotate": async () => (await import("./commands/issuers.js")).issuersRotate,
  "issuers retire": async () => (await import("./commands/issuers.js")).issuersRetire,
  "issuers compromise": async () => (await import("./commands/issuers.js")).issuersCompromise,
  "issuers root": async () => (await import("./commands/issuers.js")).issuersRoot,
  "issuers check": async () => (await import("./commands/issuers.js")).issuersCheck,
  request: async () => (await import("./commands/verifier.js")).request,
  prove: async () => (await import("./commands/prove.js")).prove,
  verify: async () => (await import("./commands/verifier.js")).verify,
  serve: async () => (await import("./commands/serve.js")).serve,
  "artifacts check": async () => (await import("./commands/artifacts.js")).artifactsCheck,
  "audit verify": async () => (await import("./commands/audit.js")).auditVerify,
  "ceremony init": async () => (await import("./commands/ceremony.js")).ceremonyInit,
  "ceremony contribute": async () => (await import("./commands/ceremony.js")).ceremonyContribute,
  "ceremony verify": async () => (await import("./commands/ceremony.js")).ceremonyVerify,
  "ceremony finalize": async () => (await import("./commands/ceremony.js")).ceremonyFinalize,
};
const NAMES = Object.keys(COMMANDS);
// Commands spelt as two words ("artifacts check"): the first word alone is a group.
const GROUPS = new Set(NAMES.filter((n) => n.includes(" ")).map((n) => n.split(" ")[0]!));

async function load(name: string): Promise<Command> {
  const command = await COMMANDS[name]!();
  if (command.name !== name) throw new CliError("INTERNAL", `the command table maps "${name}" to "${command.name}"`);
  return command;
}

const listing = async (names: readonly string[]) => (await Promise.all(names.map(load))).map((c) => `  ${c.name.padEnd(19)} ${c.summary}`).join("\n");

const help = async () => `Usage: medzk <command> [options]

Zero-knowledge proofs over signed health records: issue, request, prove, verify.

Commands:
${await listing(NAMES)}

Run medzk <command> --help for a command's options.

Options:
  -h, --help     show this help
  -v, --version  print the version

Exit status: 0 success; 1 verification refused (or artifacts differ, or an audit log is damaged); 2 usage error;
3 input error (a file missing, unreadable, not JSON or refused: credential, request, config…); 4 internal error
or the prover failing. docs/cli.md has the table.`;

export async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) {
    process.stderr.write((await help()) + "\n");
    return EXIT.USAGE;
  }
  if (first === "-h" || first === "--help") {
    process.stdout.write((await help()) + "\n");
    return EXIT.OK;
  }
  if (first === "-v" || first === "--version") {
    process.stdout.write(`${packageJson.version}\n`);
    return EXIT.OK;
  }
  if (first === "help") return main([...argv.slice(1), "--help"]);
  let name = first;
  let rest = argv.slice(1);
  if (GROUPS.has(first)) {
    if (second === undefined || second.startsWith("-")) {
      const sub = NAMES.filter((n) => n.startsWith(`${first} `));
      if (second === "-h" || second === "--help") {
        process.stdout.write(`Usage: medzk ${first} <${sub.map((n) => n.split(" ")[1]).join("|")}>\n\n${await listing(sub)}\n`);
        return EXIT.OK;
      }
      throw usageError(`${first} needs a subcommand: ${sub.map((n) => n.split(" ")[1]).join(", ")}`);
    }
    name = `${first} ${second}`;
    rest = argv.slice(2);
  }
  if (!Object.hasOwn(COMMANDS, name)) throw usageError(`unknown command ${JSON.stringify(name)} (see medzk --help)`);
  const command = await load(name);
  const args = parse(rest, command);
  if (args.values["help"]) {
    process.stdout.write(command.help + "\n");
    return EXIT.OK;
  }
  return command.run(args);
}

/** Exit status ({@link exitStatusOf}) and one-line message for an error; the stack only with MEDZK_DEBUG=1. */
function report(error: unknown): number {
  let code = "INTERNAL";
  let message = error instanceof Error ? error.message : String(error);
  // A CliError or a library refusal of what the user passed in (a bad key, attribute, statement…).
  if (error instanceof CliError || error instanceof MedzkError) code = error.code;
  else message = `unexpected error: ${message} (run with MEDZK_DEBUG=1 for details)`;
  // Redacted: a library message may name a value the user passed in (an attribute, a key).
  process.stderr.write(`medzk: ${code}: ${redact(message.replaceAll("\n", " "))}\n`);
  if (process.env["MEDZK_DEBUG"] === "1" && error instanceof Error) process.stderr.write(`${redact(error.stack ?? "")}\n`);
  return exitStatusOf(code);
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): stdout may still be draining into a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
