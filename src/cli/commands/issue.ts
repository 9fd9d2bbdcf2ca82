/** `medzk issue` and `medzk revocation init|revoke`: the issuer's side. */
import { existsSync } from "node:fs";
import { issueCredential, type IssueOptions } from "../../issuer/issue-credential.js";
import { parseIssuerKey } from "../../issuer/keys.js";
import { RevocationRegistry } from "../../issuer/revocation-registry.js";
import { BUILTIN_SCHEMAS } from "../../core/schemas.js";
import { usageError } from "../cli-error.js";
import { type Command, fromInput, inlineOrFile, markSensitive, optional, readJson, required, writeJson } from "../io.js";

export const issue: Command = {
  name: "issue",
  summary: "sign a credential for a holder",
  help: `Usage: medzk issue --issuer issuer.json --holder-commitment <commitment | holder.json>
                   --schema <id | schema.json> --attributes <attrs.json | '{…}'>
                   [--expires YYYY-MM-DD] [--revocation status.json] [--out credential.json]

Signs a credential. The attributes are checked against the schema first (dates, bit widths,
enums, rules); nothing is signed if one is wrong.

Options:
  --issuer <file>               issuer key from medzk keygen
  --holder-commitment <value>   the holder's commitment (decimal), or a file holding { commitment }
  --schema <id | file>          built-in id (${Object.keys(BUILTIN_SCHEMAS).join(", ")}) or a schema definition file
  --attributes <file | json>    the attribute values, e.g. '{"dateOfBirth":"1990-04-01"}'
  --expires <date>              last valid day (default: never expires)
  --revocation <file>           the issuer's revocation status (medzk revocation init): the
                                credential gets the next slot and the file is updated
  --out <file>                  where to write the credential (default: stdout)
  -h, --help                    show this help`,
  options: {
    issuer: { type: "string" },
    "holder-commitment": { type: "string" },
    schema: { type: "string" },
    attributes: { type: "string" },
    expires: { type: "string" },
    revocation: { type: "string" },
    out: { type: "string" },
  },
  async run(args) {
    const issuerFile = required(args, "issuer", this);
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
    if (typeof commitment !== "string") throw usageError(`--holder-commitment must be a decimal commitment or a file with a "commitment" field`);
    const schema = BUILTIN_SCHEMAS[schemaArg] || !existsSync(schemaArg) ? schemaArg : ((await readJson(schemaArg, "schema definition")) as IssueOptions["schema"]);
    const attributes = (await inlineOrFile(attributesArg, "--attributes")) as IssueOptions["attributes"];
    markSensitive(attributes);
    const options: IssueOptions = { schema, holderCommitment: commitment, attributes };
    const expires = optional(args, "expires");
    if (expires !== undefined) options.expiresOn = expires;
    const statusFile = optional(args, "revocation");
    let registry: RevocationRegistry | undefined;
    if (statusFile !== undefined) {
      const status = await readJson(statusFile, "revocation status");
      registry = await fromInput(statusFile, () => RevocationRegistry.fromStatus(status));
      options.revocation = registry;
    }
    const credential = await fromInput(`issuing with ${issuerFile}`, () => issueCredential(key, options));
    await writeJson(optional(args, "out"), credential, "private");
    // Written after the credential: if that write failed, the slot stays free.
    if (registry && statusFile) await writeJson(statusFile, registry.publish(), "public");
    return 0;
  },
};

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
    const status = await readJson(file, "revocation status");
    const registry = await fromInput(file, () => RevocationRegistry.fromStatus(status));
    await fromInput(file, () => slots.forEach((slot) => registry.revoke(slot)));
    await writeJson(file, registry.publish(), "public");
    process.stdout.write(`${registry.root}\n`);
    return 0;
  },
};
