/** `medzk issue` (plain or sealed to the holder) and `medzk revocation init|revoke`: the issuer's side. */
import { existsSync } from "node:fs";
import { issueCredential, type IssueOptions } from "../../issuer/issue-credential.js";
import { parseIssuerKey } from "../../issuer/keys.js";
import { RevocationRegistry } from "../../issuer/revocation-registry.js";
import { sealCredential } from "../../issuer/seal-credential.js";
import { parseEncryptionKey } from "../../core/envelope.js";
import { BUILTIN_SCHEMAS } from "../../core/schemas.js";
import { assertObject, isPlainObject } from "../../core/validate.js";
import { inputError, usageError } from "../cli-error.js";
import { changeRevocationStatus } from "../revocation-status-file.js";
import { type Command, QUIET_OPTION, fromInput, inlineOrFile, markSensitive, optional, progress, readJson, required, writeJson } from "../io.js";

export const issue: Command = {
  name: "issue",
  summary: "sign a credential for a holder",
  help: `Usage: medzk issue --issuer issuer.json --holder-commitment <commitment | holder.json>
                   --schema <id | schema.json> --attributes <attrs.json | '{…}'>
                   [--expires YYYY-MM-DD] [--revocation status.json]
                   [--seal-to <key | holder.pub.json>] [--out credential.json] [-q]

Signs a credential. The attributes are checked against the schema first (dates, bit widths,
enums, rules); nothing is signed if one is wrong. With --seal-to the output is a sealed envelope
(medzk-envelope/v1) that only that holder can open (medzk open), not the plain credential.
Takes one to two seconds; progress lines (signing, sealing, done) go to stderr.

Options:
  --issuer <file>               issuer key from medzk keygen
  --holder-commitment <value>   the holder's commitment (decimal), or a file holding { commitment }
  --schema <id | file>          built-in id (${Object.keys(BUILTIN_SCHEMAS).join(", ")}) or a schema definition file
  --attributes <file | json>    the attribute values, e.g. '{"dateOfBirth":"1990-04-01"}'
  --expires <date>              last valid day (default: never expires)
  --revocation <file>           the issuer's revocation status (medzk revocation init): the
                                credential gets the next slot and the file is updated
  --seal-to <key | file>        the holder's public encryption key (64 hex characters), or the
                                file medzk holder --public wrote; its commitment, if any, must
                                be the --holder-commitment
  --out <file>                  where to write the credential or envelope (default: stdout)
  -q, --quiet                   no progress lines
  -h, --help                    show this help`,
  options: {
    issuer: { type: "string" },
    "holder-commitment": { type: "string" },
    schema: { type: "string" },
    attributes: { type: "string" },
    expires: { type: "string" },
    revocation: { type: "string" },
    "seal-to": { type: "string" },
    out: { type: "string" },
    ...QUIET_OPTION,
  },
  async run(args) {
    const issuerFile = required(args, "issuer", this);
    const step = progress("issue", args);
    const keyJson = await readJson(issuerFile, "issuer key");
    markSensitive((keyJson as { privateKey?: unknown } | null)?.privateKey);
    const key = await fromInput(issuerFile, () => parseIssuerKey(keyJson));
    const holderArg = required(args, "holder-commitment", this);
    const schemaArg = required(args, "schema", this);
    const attributesArg = required(args, "attributes", this);
    const holderJson = /^[0-9]+$/.test(holderArg) ? undefined : ((await readJson(holderArg, "holder file")) as { commitment?: unknown; secret?: unknown } | null);
    // Only the commitment is used; a holder.json given here also holds the secret.
    markSensitive(holderJson?.secret);
    const commitment = holderJson === undefined ? holderArg : holderJson?.commitment;
    // The file was read: what is wrong is its content (exit 3), not the command line.
    if (typeof commitment !== "string") throw inputError(`--holder-commitment ${holderArg} has no "commitment" (a decimal string): give a holder's public part (medzk holder --public) or the commitment itself`);
    const schema = BUILTIN_SCHEMAS[schemaArg] || !existsSync(schemaArg) ? schemaArg : ((await readJson(schemaArg, "schema definition")) as IssueOptions["schema"]);
    const attributes = (await inlineOrFile(attributesArg, "--attributes")) as IssueOptions["attributes"];
    markSensitive(attributes);
    const options: IssueOptions = { schema, holderCommitment: commitment, attributes };
    const sealArg = optional(args, "seal-to");
    const recipient = sealArg === undefined ? undefined : await sealTo(sealArg, commitment);
    const expires = optional(args, "expires");
    if (expires !== undefined) options.expiresOn = expires;
    const issue = async () => {
      step("signing");
      const credential = await fromInput(`issuing with ${issuerFile}`, () => issueCredential(key, options));
      if (recipient !== undefined) step("sealing");
      const output = recipient === undefined ? credential : await fromInput("--seal-to", () => sealCredential(credential, recipient));
      await writeJson(optional(args, "out"), output, "private");
    };
    const statusFile = optional(args, "revocation");
    if (statusFile === undefined) await issue();
    else {
      step(`taking a revocation slot in ${statusFile}`);
      // The slot is taken under the status file's lock and the status written after the
      // credential: parallel runs get distinct slots, and if the credential's write fails the
      // slot stays free.
      await changeRevocationStatus(statusFile, async (registry) => {
        options.revocation = registry;
        await issue();
      });
    }
    step("done");
    return 0;
  },
};

/**
 * The encryption key of --seal-to: the key itself, or a file { encryptionKey, commitment? }
 * (medzk holder --public) whose commitment must be the one the credential is bound to. A holder
 * file (with its secret) is refused: the secret has no business on the issuer's machine.
 */
async function sealTo(value: string, commitment: string): Promise<string> {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? value : await sealToFile(value, commitment);
  // Checked before anything is signed or a revocation slot taken.
  await fromInput("--seal-to", () => parseEncryptionKey(key, "--seal-to", "INVALID_KEY"));
  return key;
}

async function sealToFile(value: string, commitment: string): Promise<string> {
  const card = await readJson(value, "--seal-to file");
  markSensitive((card as { secret?: unknown } | null)?.secret);
  if (isPlainObject(card) && "secret" in card) {
    throw inputError(`--seal-to ${value} is a holder file with its secret; give the issuer the output of medzk holder --public instead`);
  }
  const c = await fromInput(value, () => assertObject(card, "--seal-to file", { required: ["encryptionKey"], optional: ["commitment"] }));
  if (c.commitment !== undefined && c.commitment !== commitment) {
    throw inputError(`--seal-to ${value} belongs to another holder: its commitment is not the --holder-commitment`);
  }
  if (typeof c.encryptionKey !== "string") throw inputError(`--seal-to ${value}: "encryptionKey" must be a string`);
  return c.encryptionKey;
}

export const revocationInit: Command = {
  name: "revocation init",
  summary: "start an issuer's revocation status file",
  help: `Usage: medzk revocation init --issuer-id <id> --out status.json

Creates an empty revocation status (medzk-revocation/v1) for an issuer. Pass it to
medzk issue --revocation to give credentials revocation slots; publish it to holders, and its
root to verifiers (the "revocation" section of their issuer registry file).

Options:
  --issuer-id <id>   the issuer's id in verifiers' registries, e.g. st-mary
  --out <file>       where to write the status (default: stdout)
  -h, --help         show this help`,
  options: { "issuer-id": { type: "string" }, out: { type: "string" } },
  async run(args) {
    const issuer = required(args, "issuer-id", this);
    const registry = await fromInput("--issuer-id", () => new RevocationRegistry({ issuer }));
    await writeJson(optional(args, "out"), registry.publish(), "public");
    return 0;
  },
};

export const revocationRevoke: Command = {
  name: "revocation revoke",
  summary: "revoke credentials by slot",
  help: `Usage: medzk revocation revoke --status status.json <slot> [<slot> ...]

Revokes the credentials with these revocation slots (a credential's "revocationSlot") and
rewrites the status file; prints the new root, which verifiers must learn.

Options:
  --status <file>   the issuer's revocation status
  -h, --help        show this help`,
  options: { status: { type: "string" } },
  positionals: true,
  async run(args) {
    const file = required(args, "status", this);
    if (args.positionals.length === 0) throw usageError(`revocation revoke needs at least one slot number`);
    const slots = args.positionals.map((s) => {
      if (!/^[0-9]+$/.test(s)) throw usageError(`slot ${JSON.stringify(s)} is not a non-negative integer`);
      return Number(s);
    });
    const root = await changeRevocationStatus(file, async (registry) => {
      await fromInput(file, () => slots.forEach((slot) => registry.revoke(slot)));
      return registry.root;
    });
    process.stdout.write(`${root}\n`);
    return 0;
  },
};
