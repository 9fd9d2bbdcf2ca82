/**
 * `medzk request` and `medzk verify`: the verifier's side, configured by the same verifier.json
 * as `medzk serve`, so requests made here verify there and the other way round.
 */
import { MedzkError } from "../../core/errors.js";
import { loadServiceConfig, type ServiceConfig } from "../../server/config.js";
import { configuredVerifier } from "../../server/configured-verifier.js";
import { CliError, EXIT, inputError } from "../cli-error.js";
import { type Command, fromInput, inlineOrFile, optional, readJson, required, writeJson } from "../io.js";
import { isPlainObject } from "../../core/validate.js";

export async function loadConfig(path: string): Promise<ServiceConfig> {
  try {
    return await loadServiceConfig(path);
  } catch (error) {
    if (error instanceof MedzkError) throw new CliError(EXIT.INPUT, error.code, error.message, { cause: error });
    throw error;
  }
}

export const request: Command = {
  name: "request",
  summary: "create a proof request",
  help: `Usage: medzk request --config verifier.json --statement <json | file> [--out request.json]

Creates a request for a holder to prove a statement, authenticated with the config's request
key (so the config must have "requestKey": a random per-process key could never be checked).

Statements:
  '{"type":"ageAtLeast","minAge":18}'
  '{"type":"insuranceActive","insurerId":"acme-health"}'
  '{"type":"query","schema":"patient-record/v1","where":[…],"disclose":[…]}'

Options:
  --config <file>       verifier configuration (docs/service.md)
  --statement <value>   the statement, inline JSON or a file
  --out <file>          where to write the request (default: stdout)
  -h, --help            show this help`,
  options: { config: { type: "string" }, statement: { type: "string" }, out: { type: "string" } },
  async run(args) {
    const configFile = required(args, "config", this);
    const statement = await inlineOrFile(required(args, "statement", this), "--statement");
    const config = await loadConfig(configFile);
    if (config.requestKey === undefined) {
      throw inputError(`verifier config ${configFile} has no "requestKey": requests made without one cannot be verified later; add { "env": "VAR" } or { "file": "path" }`);
    }
    // No Redis needed to make a request: only verification consumes challenges.
    const { redis: _redis, ...local } = config;
    const { verifier, close } = await fromInput(configFile, () => configuredVerifier(local));
    try {
      // The verifier validates the statement itself (INVALID_STATEMENT naming the field); only its outer shape is checked here.
      const proofRequest = await fromInput("--statement", () => {
        if (!isPlainObject(statement)) throw new MedzkError("INVALID_STATEMENT", `the statement must be a JSON object such as {"type":"ageAtLeast","minAge":18}`);
        return verifier.createRequest({ statement });
      });
      await writeJson(optional(args, "out"), proofRequest);
    } finally {
      await close();
    }
    return 0;
  },
};

export const verify: Command = {
  name: "verify",
  summary: "verify presentations (exit 0 only if all are accepted)",
  help: `Usage: medzk verify --config verifier.json <presentation.json> [<presentation.json> ...]

Verifies presentations and prints one JSON line per file: {"file": …, "result": …}, where result
is { ok: true, … } or { ok: false, error: { code, message } }. One file is verified alone,
several as a batch. Challenges are consumed: a presentation verifies once. Without "redis" in
the config the record of used challenges lives only as long as this command, so use the service
(medzk serve) or Redis to refuse replays across runs.

Exit status: 0 if every presentation was accepted, 1 if any was refused, 3 if a file is
missing or not JSON.

Options:
  --config <file>   verifier configuration (docs/service.md)
  -h, --help        show this help`,
  options: { config: { type: "string" } },
  positionals: true,
  async run(args) {
    const configFile = required(args, "config", this);
    if (args.positionals.length === 0) throw new CliError(EXIT.USAGE, "USAGE", `verify needs at least one presentation file (see medzk verify --help)`);
    const presentations = [];
    for (const file of args.positionals) presentations.push(await readJson(file, "presentation"));
    const config = await loadConfig(configFile);
    const { verifier, close } = await fromInput(configFile, () => configuredVerifier(config));
    try {
      const results = presentations.length === 1 ? [await verifier.verify(presentations[0])] : await verifier.verifyBatch(presentations);
      results.forEach((result, i) => process.stdout.write(JSON.stringify({ file: args.positionals[i], result }) + "\n"));
      return results.every((r) => r.ok) ? EXIT.OK : EXIT.REFUSED;
    } finally {
      await close();
    }
  },
};
