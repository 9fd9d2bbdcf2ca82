#!/usr/bin/env node
/**
 * The `medzk` command: issuer, holder and verifier operations on JSON files, the artifact tools
 * and the verifier service. docs/cli.md documents the commands and exit codes.
 */
import packageJson from "../../package.json" with { type: "json" };
import { MedzkError } from "../core/errors.js";
import { CliError, EXIT, exitStatusOf, usageError } from "./cli-error.js";
import { artifactsCheck } from "./commands/artifacts.js";
import { auditVerify } from "./commands/audit.js";
import { ceremonyContribute, ceremonyFinalize, ceremonyInit, ceremonyVerify } from "./commands/ceremony.js";
import { issue, revocationInit, revocationRevoke } from "./commands/issue.js";
import { issueFhir } from "./commands/issue-fhir.js";
import { issuersAdd, issuersAddKey, issuersCheck, issuersCompromise, issuersInit, issuersRetire, issuersRoot, issuersRotate } from "./commands/issuers.js";
import { holder, keygen, verifierKey } from "./commands/keys.js";
import { open } from "./commands/open.js";
import { prove } from "./commands/prove.js";
import { serve } from "./commands/serve.js";
import { request, verify } from "./commands/verifier.js";
import { type Command, parse, redact } from "./io.js";

const COMMANDS: readonly Command[] = [
  keygen,
  verifierKey,
  holder,
  issue,
  issueFhir,
  open,
  revocationInit,
  revocationRevoke,
  issuersInit,
  issuersAdd,
  issuersAddKey,
  issuersRotate,
  issuersRetire,
  issuersCompromise,
  issuersRoot,
  issuersCheck,
  request,
  prove,
  verify,
  serve,
  artifactsCheck,
  auditVerify,
  ceremonyInit, ceremonyContribute, ceremonyVerify, ceremonyFinalize,
];
// Commands spelt as two words ("artifacts check"): the first word alone is a group.
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]!));

const HELP = `Usage: medzk <command> [options]

Zero-knowledge proofs over signed health records: issue, request, prove, verify.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(19)} ${c.summary}`).join("\n")}

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
    process.stderr.write(HELP + "\n");
    return EXIT.USAGE;
  }
  if (first === "-h" || first === "--help") {
    process.stdout.write(HELP + "\n");
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
      const sub = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
      const text = `Usage: medzk ${first} <${sub.map((c) => c.name.split(" ")[1]).join("|")}>\n\n${sub.map((c) => `  ${c.name.padEnd(19)} ${c.summary}`).join("\n")}\n`;
      if (second === "-h" || second === "--help") {
        process.stdout.write(text);
        return EXIT.OK;
      }
      throw usageError(`${first} needs a subcommand: ${sub.map((c) => c.name.split(" ")[1]).join(", ")}`);
    }
    name = `${first} ${second}`;
    rest = argv.slice(2);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw usageError(`unknown command ${JSON.stringify(name)} (see medzk --help)`);
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
