/**
 * `medzk request` and `medzk verify`: the verifier's side, configured by the same verifier.json
 * as `medzk serve`, so requests made here verify there and the other way round.
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import { MedzkError } from "../../core/errors.js";
import { loadServiceConfig, type ServiceConfig } from "../../server/config.js";
import { recordVerifications } from "../../server/audit.js";
import { configuredVerifier } from "../../server/configured-verifier.js";
import { FileChallengeStore } from "../../verifier/file-challenge-store.js";
import { CliError, EXIT, exitStatusOf, usageError } from "../cli-error.js";
import { withPreset } from "../../server/presets.js";
import { type Command, QUIET_OPTION, fromInput, optional, progress, readJson, redact, required, writeJson } from "../io.js";

/**
 * The verifier config at `path`. A missing or unparseable file is reported like every other file
 * (INPUT); what the config says is the service's parse (its MedzkError codes). Exit 3 either way.
 */
export async function loadConfig(path: string): Promise<ServiceConfig> {
  await readJson(path, "verifier config");
  try {
    return await loadServiceConfig(path);
  } catch (error) {
    if (error instanceof MedzkError) throw new CliError(error.code, error.message, { cause: error });
    throw error;
  }
}

/** Where `medzk verify` keeps used challenges without --challenges: beside the config, `verifier.json` → `verifier.challenges.json`. */
export function defaultChallengeFile(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile, extname(configFile))}.challenges.json`);
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

Writes the request itself; with "hideIssuer" in the config, what POST /v1/requests answers
instead, { "request": …, "issuerSet": … }: the holder needs the trusted issuer set the request
names (medzk prove --request takes both shapes).

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
      throw new CliError("UNKNOWN_PRESET", `--preset: verifier config ${configFile} has no preset ${JSON.stringify(preset)}; it has ${Object.keys(config.presets).join(", ")}`);
    }
    // No Redis needed to make a request: only verification consumes challenges.
    const { redis: _redis, audit: _audit, ...local } = config;
    const { verifier, close } = await fromInput(configFile, () => configuredVerifier(local));
    try {
      const statement = config.presets[preset]!;
      // As POST /v1/requests answers (src/server/verification-routes.ts), so both make the same files.
      const output = config.hideIssuer
        ? await fromInput(configFile, () => verifier.createHiddenRequest({ statement }))
        : verifier.createRequest({ statement });
      await writeJson(optional(args, "out"), output, "public");
    } finally {
      await close();
    }
    return 0;
  },
};

/** One line of `medzk verify`'s output: a file's result, or why it could not be verified. */
type Line = { file: string; result: unknown } | { file: string; error: { code: string; message: string } };

export const verify: Command = {
  name: "verify",
  summary: "verify presentations (exit 0 only if all are accepted)",
  help: `Usage: medzk verify --config verifier.json [--challenges file] [-q] <presentation.json> [...]

Verifies presentations and prints one JSON line per file, in the order given, on stdout:
  {"file": …, "result": { "ok": true, "preset": …, … }}        accepted
  {"file": …, "result": { "ok": false, "error": { code, message } }}   refused (UNKNOWN_PRESET
                                               for a verified statement none of the config's presets)
  {"file": …, "error": { "code": "INPUT", "message": … }}     not read: missing, unreadable, not JSON
A file that cannot be read is also reported on stderr, and the others are verified all the same.
One presentation is verified alone, several as a batch. With "audit" in the config each
verification is appended to the audit trail (docs/audit.md) before anything is printed.

Challenges are consumed: a presentation verifies once, across runs too. The challenges used are
kept in a file, locked so that parallel runs accept a presentation once between them:
verifier.challenges.json beside verifier.json (the config's name with .challenges.json), or
--challenges. With "redis" in the config, Redis keeps them instead (shared with medzk serve).

Exit status: 0 if every presentation was accepted, 1 if any was refused, 3 if any file could not
be read (or the config or challenge store is unusable: then nothing is verified).

Options:
  --config <file>       verifier configuration (docs/service.md)
  --challenges <file>   the file of used challenges (default: beside the config, see above)
  --keys <file>         a key manifest (medzk-keys/v1) instead of the config's "keys" or the shipped keys
  -q, --quiet           no progress lines on stderr
  -h, --help            show this help`,
  options: { config: { type: "string" }, challenges: { type: "string" }, keys: { type: "string" }, ...QUIET_OPTION },
  positionals: true,
  async run(args) {
    const configFile = required(args, "config", this);
    const files = args.positionals;
    if (files.length === 0) throw usageError(`verify needs at least one presentation file (see medzk verify --help)`);
    const step = progress("verify", args);
    const config = withKeys(await loadConfig(configFile), optional(args, "keys"));
    const challenges = optional(args, "challenges");
    if (config.redis !== undefined && challenges !== undefined) throw usageError(`--challenges: verifier config ${configFile} keeps challenges in Redis ("redis")`);
    const store = config.redis === undefined ? new FileChallengeStore(challenges ?? defaultChallengeFile(configFile)) : undefined;
    // A damaged store is named now, not hidden behind every result's STORE_UNAVAILABLE.
    if (store) await fromInput(challenges === undefined ? "challenge store" : "--challenges", () => store.check());
    // One unreadable file is that file's error line; the batch goes on.
    const read = await Promise.all(
      files.map(async (file): Promise<{ presentation: unknown } | { error: CliError }> => {
        try {
          return { presentation: await readJson(file, "presentation") };
        } catch (error) {
          if (error instanceof CliError) return { error };
          throw error;
        }
      }),
    );
    const lines: Line[] = files.map((file, i) => {
      const r = read[i]!;
      return "error" in r ? { file, error: { code: r.error.code, message: redact(r.error.message) } } : { file, result: undefined };
    });
    const toVerify = read.flatMap((r, i) => ("presentation" in r ? [{ i, presentation: r.presentation }] : []));
    let refused = false;
    if (toVerify.length > 0) {
      const { verifier, presets, audit, close } = await fromInput(configFile, () => configuredVerifier(config, store ? { challengeStore: store } : {}));
      try {
        step(toVerify.length === 1 ? "verifying 1 presentation" : `verifying a batch of ${toVerify.length} presentations`);
        const presentations = toVerify.map((v) => v.presentation);
        const results = (presentations.length === 1 ? [await verifier.verify(presentations[0])] : await verifier.verifyBatch(presentations)).map((r) => withPreset(r, presets));
        // As the service does: recorded in the audit trail (if configured) before anything is printed.
        if (audit) {
          step("recording in the audit trail");
          await recordVerifications(audit, results.map((result, k) => ({ result, presentation: presentations[k], expected: undefined })), { presets, purpose: config.purpose, now: new Date() });
        }
        results.forEach((result, k) => (lines[toVerify[k]!.i] = { file: files[toVerify[k]!.i]!, result }));
        refused = results.some((r) => !r.ok);
      } finally {
        await close();
      }
    }
    step("done");
    for (const line of lines) {
      if ("error" in line) process.stderr.write(`medzk: ${line.error.code}: ${line.error.message}\n`);
      process.stdout.write(JSON.stringify(line) + "\n");
    }
    if (toVerify.length < files.length) return exitStatusOf("INPUT");
    return refused ? EXIT.REFUSED : EXIT.OK;
  },
};
