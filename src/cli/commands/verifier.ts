/**
 * `medzk request` and `medzk verify`: the verifier's side, configured by the same verifier.json
 * as `medzk serve`, so requests made here verify there and the other way round.
 */
import { resolve } from "node:path";
import { MedzkError } from "../../core/errors.js";
import { loadServiceConfig, type ServiceConfig } from "../../server/config.js";
import { recordVerifications } from "../../server/audit.js";
import { configuredVerifier } from "../../server/configured-verifier.js";
import { CliError, EXIT } from "../cli-error.js";
import { withPreset } from "../../server/presets.js";
import { type Command, fromInput, optional, readJson, required, writeJson } from "../io.js";

export async function loadConfig(path: string): Promise<ServiceConfig> {
  try {
    return await loadServiceConfig(path);
  } catch (error) {
    if (error instanceof MedzkError) throw new CliError(EXIT.INPUT, error.code, error.message, { cause: error });
    throw error;
  }
}

/** The config with `--keys` (a key manifest path, relative to the working directory) in place of its own "keys". */
const withKeys = (config: ServiceConfig, keys: string | undefined): ServiceConfig => (keys === undefined ? config : { ...config, keys: resolve(keys) });

export const request: Command = {
  name: "request",
  summary: "create a proof request",
  help: `Usage: medzk request --config verifier.json --preset <name> [--out request.json]

Creates a request for a holder to prove one of the config's presets (its "presets" object, e.g.
"adult": {"type":"ageAtLeast","minAge":18}), signed with the config's "signingKey" (so it
verifies in medzk serve and medzk verify with the same config), carrying its "purpose" and
"responseUrl". As with POST /v1/requests, only the config decides what holders are asked.

Options:
  --config <file>       verifier configuration (docs/service.md)
  --preset <name>       a preset of the config
  --keys <file>         a key manifest (medzk-keys/v1) instead of the config's "keys" or the shipped keys
  --out <file>          where to write the request (default: stdout)
  -h, --help            show this help`,
  options: { config: { type: "string" }, preset: { type: "string" }, out: { type: "string" }, keys: { type: "string" } },
  async run(args) {
    const configFile = required(args, "config", this);
    const preset = required(args, "preset", this);
    const config = withKeys(await loadConfig(configFile), optional(args, "keys"));
    // Own-property lookup: "constructor" or "__proto__" is no preset.
    if (!Object.hasOwn(config.presets, preset)) {
      throw new CliError(EXIT.INPUT, "UNKNOWN_PRESET", `--preset: verifier config ${configFile} has no preset ${JSON.stringify(preset)}; it has ${Object.keys(config.presets).join(", ")}`);
    }
    // No Redis needed to make a request: only verification consumes challenges.
    const { redis: _redis, audit: _audit, ...local } = config;
    const { verifier, close } = await fromInput(configFile, () => configuredVerifier(local));
    try {
      await writeJson(optional(args, "out"), verifier.createRequest({ statement: config.presets[preset]! }), "public");
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
is { ok: true, preset, … } or { ok: false, error: { code, message } } (UNKNOWN_PRESET for a
verified statement that is none of the config's presets). One file is verified alone,
several as a batch. With "audit" in the config each verification is also appended to the audit
trail (docs/audit.md). Challenges are consumed: a presentation verifies once. Without "redis" in
the config the record of used challenges lives only as long as this command, so use the service
(medzk serve) or Redis to refuse replays across runs.

Exit status: 0 if every presentation was accepted, 1 if any was refused, 3 if a file is
missing or not JSON.

Options:
  --config <file>   verifier configuration (docs/service.md)
  --keys <file>     a key manifest (medzk-keys/v1) instead of the config's "keys" or the shipped keys
  -h, --help        show this help`,
  options: { config: { type: "string" }, keys: { type: "string" } },
  positionals: true,
  async run(args) {
    const configFile = required(args, "config", this);
    if (args.positionals.length === 0) throw new CliError(EXIT.USAGE, "USAGE", `verify needs at least one presentation file (see medzk verify --help)`);
    const presentations: unknown[] = [];
    for (const file of args.positionals) presentations.push(await readJson(file, "presentation"));
    const config = withKeys(await loadConfig(configFile), optional(args, "keys"));
    const { verifier, presets, audit, close } = await fromInput(configFile, () => configuredVerifier(config));
    try {
      const results = (presentations.length === 1 ? [await verifier.verify(presentations[0])] : await verifier.verifyBatch(presentations)).map((r) => withPreset(r, presets));
      // As the service does: recorded in the audit trail (if configured) before anything is printed.
      if (audit) await recordVerifications(audit, results.map((result, i) => ({ result, presentation: presentations[i], expected: undefined })), { presets, purpose: config.purpose, now: new Date() });
      results.forEach((result, i) => process.stdout.write(JSON.stringify({ file: args.positionals[i], result }) + "\n"));
      return results.every((r) => r.ok) ? EXIT.OK : EXIT.REFUSED;
    } finally {
      await close();
    }
  },
};
