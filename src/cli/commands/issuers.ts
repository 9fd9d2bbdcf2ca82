/**
 * `medzk issuers init|add|add-key|rotate|retire|compromise|root|check`: keeping a verifier's issuer
 * registry file (`medzk-issuers/v1`) by command instead of by hand. Every change is made under
 * the file's lock, checked by the parser verifiers use, and written atomically
 * (cli/issuer-registry-file.ts). docs/issuers.md describes the file and the operations.
 */
import { tryParseDate, utcDate } from "../../core/dates.js";
import { tryUnpackPublicKey } from "../../core/public-key.js";
import { RevocationRegistry } from "../../issuer/revocation-registry.js";
import { type IssuerKeyEntry, type IssuerRecord, type IssuerRegistryFile, MAX_PREVIOUS_ROOTS, assertIssuerRegistryFile, keyRefusal } from "../../verifier/issuer-registry.js";
import { CliError, EXIT, type IssuerRegistryChangeCode, usageError } from "../cli-error.js";
import { changeIssuerRegistry, createIssuerRegistry } from "../issuer-registry-file.js";
import { type Command, type Parsed, fromInput, markSensitive, optional, readJson, required } from "../io.js";

const REGISTRY_OPTION = "  --registry <file>       the issuer registry (medzk issuers init)";
const KEY_OPTION = "  --key <key | file>      the public key (64 hex characters), or a file holding { publicKey }\n                          (a medzk keygen file: only its public key is read)";

export const issuersInit: Command = {
  name: "issuers init",
  summary: "start an issuer registry file",
  help: `Usage: medzk issuers init --out issuers.json

Creates an empty issuer registry (medzk-issuers/v1), the file a verifier's config names as
"issuersFile". Never replaces an existing file.

Options:
  --out <file>   where to create the registry (must not exist)
  -h, --help     show this help`,
  options: { out: { type: "string" } },
  async run(args) {
    await createIssuerRegistry(required(args, "out", this));
    return EXIT.OK;
  },
};

export const issuersAdd: Command = {
  name: "issuers add",
  summary: "add an issuer with its first key",
  help: `Usage: medzk issuers add --registry issuers.json --issuer-id <id> --key <key | file>
                         [--name <name>] [--schema <id> ...] [--valid-from YYYY-MM-DD]
                         [--valid-until YYYY-MM-DD]

Adds an issuer and its first signing key (active). Prints the issuer's entry.

Options:
${REGISTRY_OPTION}
  --issuer-id <id>        the issuer's id (1 to 128 characters), as in its revocation status
${KEY_OPTION}
  --name <name>           a display name for people
  --schema <id>           a schema the issuer may issue (repeat for several); without it, any
  --valid-from <day>      first day presentations under the key are accepted
  --valid-until <day>     last day presentations under the key are accepted
  -h, --help              show this help`,
  options: {
    registry: { type: "string" },
    "issuer-id": { type: "string" },
    key: { type: "string" },
    name: { type: "string" },
    schema: { type: "string", multiple: true },
    "valid-from": { type: "string" },
    "valid-until": { type: "string" },
  },
  async run(args) {
    const file = required(args, "registry", this);
    const id = required(args, "issuer-id", this);
    const key = await keyEntry(args, this);
    const name = optional(args, "name");
    const schemas = args.values["schema"] as unknown as string[] | undefined;
    const record = await changeIssuerRegistry(file, (registry) => {
      if (registry.issuers.some((issuer) => issuer.id === id)) throw refusal("DUPLICATE_ISSUER", `${file} already has an issuer ${JSON.stringify(id)}; add keys with medzk issuers add-key`);
      assertKeyFree(registry, key.publicKey, file);
      const added: IssuerRecord = { id, ...(name === undefined ? {} : { name }), keys: [key], ...(schemas === undefined ? {} : { schemas }) };
      registry.issuers.push(added);
      return added;
    });
    printJson(record);
    return EXIT.OK;
  },
};

export const issuersAddKey: Command = {
  name: "issuers add-key",
  summary: "add a signing key to an issuer",
  help: `Usage: medzk issuers add-key --registry issuers.json --issuer-id <id> --key <key | file>
                             [--valid-from YYYY-MM-DD] [--valid-until YYYY-MM-DD]

Adds an active signing key to an issuer; its other keys stay as they are (to replace a key,
medzk issuers rotate). Prints the issuer's entry.

Options:
${REGISTRY_OPTION}
  --issuer-id <id>        the issuer
${KEY_OPTION}
  --valid-from <day>      first day presentations under the key are accepted
  --valid-until <day>     last day presentations under the key are accepted
  -h, --help              show this help`,
  options: { registry: { type: "string" }, "issuer-id": { type: "string" }, key: { type: "string" }, "valid-from": { type: "string" }, "valid-until": { type: "string" } },
  async run(args) {
    const file = required(args, "registry", this);
    const id = required(args, "issuer-id", this);
    const key = await keyEntry(args, this);
    const record = await changeIssuerRegistry(file, (registry) => {
      const issuer = findIssuer(registry, id, file);
      assertKeyFree(registry, key.publicKey, file);
      issuer.keys.push(key);
      return issuer;
    });
    printJson(record);
    return EXIT.OK;
  },
};

export const issuersRotate: Command = {
  name: "issuers rotate",
  summary: "replace an issuer's key by a new one from a day",
  help: `Usage: medzk issuers rotate --registry issuers.json --issuer-id <id> --key <key | file>
                            [--from YYYY-MM-DD] [--old <key | file>] [--old-until YYYY-MM-DD]

Adds the new key, accepted from --from (default: today, UTC), and ends the old key's validity:
its last day becomes --old-until (default: the day before --from), or stays earlier if it
already was. Presentations under the old key up to that day are still accepted, so holders have
until then to get credentials signed by the new key. The old key is the issuer's one key usable
on the --from day; name it with --old if there are several. To refuse a key at once, use
medzk issuers retire, or medzk issuers compromise if it may have leaked. Prints the issuer's entry.

Options:
${REGISTRY_OPTION}
  --issuer-id <id>        the issuer
${KEY_OPTION.replace("the public key", "the new public key")}
  --from <day>            first day of the new key (default: today, UTC)
  --old <key | file>      the key being replaced (default: the only one usable on --from)
  --old-until <day>       last day of the old key (default: the day before --from)
  -h, --help              show this help`,
  options: { registry: { type: "string" }, "issuer-id": { type: "string" }, key: { type: "string" }, from: { type: "string" }, old: { type: "string" }, "old-until": { type: "string" } },
  async run(args) {
    const file = required(args, "registry", this);
    const id = required(args, "issuer-id", this);
    const from = day(optional(args, "from") ?? utcDate(new Date()), "--from");
    const oldUntil = day(optional(args, "old-until") ?? previousDay(from), "--old-until");
    const fresh: IssuerKeyEntry = { publicKey: await publicKeyOf(required(args, "key", this), "--key"), validFrom: from, status: "active" };
    const oldArg = optional(args, "old");
    const named = oldArg === undefined ? undefined : await publicKeyOf(oldArg, "--old");
    const record = await changeIssuerRegistry(file, (registry) => {
      const issuer = findIssuer(registry, id, file);
      assertKeyFree(registry, fresh.publicKey, file);
      const old = named === undefined ? onlyUsableKey(issuer, from, file) : issuer.keys.find((key) => key.publicKey === named);
      if (old === undefined) throw refusal("UNKNOWN_KEY", `--old: issuer ${JSON.stringify(id)} in ${file} has no such key`);
      if (old.status === "compromised" || old.status === "retired") {
        throw refusal(old.status === "compromised" ? "KEY_COMPROMISED" : "KEY_RETIRED", `--old: the key is already ${old.status}: it is refused on every day, there is nothing to rotate; add the new key with medzk issuers add-key`);
      }
      if (old.validFrom !== undefined && oldUntil < old.validFrom) {
        throw usageError(`--old-until ${oldUntil} is before the old key's first day ${old.validFrom}; to refuse it at once use medzk issuers retire`);
      }
      // Days "YYYY-MM-DD" order as strings. Rotation never extends a key's validity.
      const until = old.validUntil === undefined || oldUntil < old.validUntil ? oldUntil : old.validUntil;
      issuer.keys = issuer.keys.map((key) => (key === old ? keyInOrder({ ...old, validUntil: until }) : key));
      issuer.keys.push(fresh);
      return issuer;
    });
    printJson(record);
    return EXIT.OK;
  },
};

export const issuersRetire: Command = {
  name: "issuers retire",
  summary: "refuse a key from now on (replaced, not leaked)",
  help: `Usage: medzk issuers retire --registry issuers.json --key <key | file>

Marks a key retired: verifiers refuse presentations under it on every day, with
ISSUER_KEY_RETIRED. For a key that may have leaked, use medzk issuers compromise instead (a
compromised key is never trusted again; a retired one may be made compromised later). Prints
the issuer's entry.

Options:
${REGISTRY_OPTION}
${KEY_OPTION}
  -h, --help              show this help`,
  options: { registry: { type: "string" }, key: { type: "string" } },
  run(args) {
    return setStatus(args, this, "retired");
  },
};

export const issuersCompromise: Command = {
  name: "issuers compromise",
  summary: "mark a key compromised: refused on every day, for good",
  help: `Usage: medzk issuers compromise --registry issuers.json --key <key | file>

Marks a key compromised: verifiers refuse every presentation under it, whatever its dates and
whenever its credentials were signed (whoever holds a leaked key can sign with any date), with
ISSUER_KEY_COMPROMISED. Final: no command makes the key usable again. Add a new key (medzk
issuers add-key) and re-issue the credentials. Prints the issuer's entry.

Options:
${REGISTRY_OPTION}
${KEY_OPTION}
  -h, --help              show this help`,
  options: { registry: { type: "string" }, key: { type: "string" } },
  run(args) {
    return setStatus(args, this, "compromised");
  },
};

export const issuersRoot: Command = {
  name: "issuers root",
  summary: "publish an issuer's revocation root from its status file",
  help: `Usage: medzk issuers root --registry issuers.json --status status.json

Makes the root of a revocation status (medzk revocation init / revoke) its issuer's current
root in the registry. The issuer is the status's "issuer", which must be an issuer id of the
registry. The replaced root is kept in "previous" with the time of replacement, so proofs made
against it are still accepted for the verifier's maxRootAgeSeconds (${MAX_PREVIOUS_ROOTS} replaced
roots are kept). Prints the issuer's roots.

Options:
${REGISTRY_OPTION}
  --status <file>         the issuer's revocation status
  -h, --help              show this help`,
  options: { registry: { type: "string" }, status: { type: "string" } },
  async run(args) {
    const file = required(args, "registry", this);
    const statusFile = required(args, "status", this);
    const status = await fromInput(statusFile, async () => RevocationRegistry.fromStatus(await readJson(statusFile, "revocation status")));
    const root = status.root;
    const now = new Date().toISOString();
    const roots = await changeIssuerRegistry(file, (registry) => {
      findIssuer(registry, status.issuer, file);
      const revocation = (registry.revocation ??= {});
      const old = Object.hasOwn(revocation, status.issuer) ? revocation[status.issuer] : undefined;
      if (old?.current === root) return old;
      const previous = old === undefined ? [] : [{ root: old.current, replacedAt: now }, ...(old.previous ?? [])].slice(0, MAX_PREVIOUS_ROOTS);
      const roots = { current: root, previous };
      // defineProperty: an issuer id "__proto__" must become a key of the map, not its prototype.
      Object.defineProperty(revocation, status.issuer, { value: roots, enumerable: true, writable: true, configurable: true });
      return roots;
    });
    printJson(roots);
    return EXIT.OK;
  },
};

export const issuersCheck: Command = {
  name: "issuers check",
  summary: "validate a registry file and show which keys are accepted on a day",
  help: `Usage: medzk issuers check --registry issuers.json [--on YYYY-MM-DD]

Reads the registry as verifiers do (exit 3 with INVALID_REGISTRY naming the field if they would
refuse it) and prints, as one JSON line, each key with whether a verifier accepts presentations
under it on the day (a request's asOf day): { on, keys: [{ issuer, publicKey, accepted, code? }] },
code being the verifier's refusal (ISSUER_KEY_RETIRED, ISSUER_KEY_COMPROMISED,
ISSUER_KEY_NOT_VALID). Changes nothing: check a hand-edited file before it replaces the registry.

Options:
${REGISTRY_OPTION}
  --on <day>              the day (default: today, UTC)
  -h, --help              show this help`,
  options: { registry: { type: "string" }, on: { type: "string" } },
  async run(args) {
    const file = required(args, "registry", this);
    const on = day(optional(args, "on") ?? utcDate(new Date()), "--on");
    const json = await readJson(file, "issuer registry");
    const registry = await fromInput(file, () => assertIssuerRegistryFile(json));
    const keys = registry.issuers.flatMap((issuer) =>
      issuer.keys.map((key) => {
        const refused = keyRefusal(key, tryParseDate(on)!);
        return { issuer: issuer.id, publicKey: key.publicKey, accepted: refused === undefined, ...(refused ? { code: refused.code } : {}) };
      }),
    );
    printJson({ on, keys });
    return EXIT.OK;
  },
};

// ---------------------------------------------------------------------------------------------

async function setStatus(args: Parsed, command: Command, status: "retired" | "compromised"): Promise<number> {
  const file = required(args, "registry", command);
  const publicKey = await publicKeyOf(required(args, "key", command), "--key");
  const record = await changeIssuerRegistry(file, (registry) => {
    const issuer = registry.issuers.find((i) => i.keys.some((key) => key.publicKey === publicKey));
    if (issuer === undefined) throw refusal("UNKNOWN_KEY", `--key: ${file} has no issuer with this key`);
    const key = issuer.keys.find((k) => k.publicKey === publicKey)!;
    // Nothing signed by a compromised key can be trusted again: no status replaces it.
    if (key.status === "compromised" && status !== "compromised") {
      throw refusal("KEY_COMPROMISED", `--key: the key of ${JSON.stringify(issuer.id)} is compromised, which is final; add a new key instead`);
    }
    issuer.keys = issuer.keys.map((k) => (k === key ? keyInOrder({ ...key, status }) : k));
    return issuer;
  });
  printJson(record);
  return EXIT.OK;
}

/** The key entry of --key with --valid-from / --valid-until. */
async function keyEntry(args: Parsed, command: Command): Promise<IssuerKeyEntry> {
  const publicKey = await publicKeyOf(required(args, "key", command), "--key");
  const from = optional(args, "valid-from");
  const until = optional(args, "valid-until");
  const entry: IssuerKeyEntry = { publicKey };
  if (from !== undefined) entry.validFrom = day(from, "--valid-from");
  if (until !== undefined) entry.validUntil = day(until, "--valid-until");
  if (entry.validFrom !== undefined && entry.validUntil !== undefined && entry.validFrom > entry.validUntil) {
    throw usageError(`--valid-from ${entry.validFrom} is after --valid-until ${entry.validUntil}`);
  }
  entry.status = "active";
  return entry;
}

/**
 * A public key given as 64 hex characters or as a file with `publicKey` (an issuer key file from
 * medzk keygen: its private key is read too, and kept out of every message).
 */
async function publicKeyOf(value: string, option: string): Promise<string> {
  let key: unknown = value;
  if (!/^[0-9a-fA-F]{64}$/.test(value)) {
    const json = await readJson(value, `${option} file`);
    markSensitive((json as { privateKey?: unknown } | null)?.privateKey);
    key = (json as { publicKey?: unknown } | null)?.publicKey;
    if (key === undefined) throw new CliError("INVALID_KEY", `${option} ${value} has no "publicKey"`);
  }
  if (tryUnpackPublicKey(key) === undefined) {
    throw new CliError("INVALID_KEY", `${option} must be a packed BabyJubJub public key (64 lowercase hex characters, as medzk keygen prints it)`);
  }
  return key as string;
}

function day(value: string, option: string): string {
  if (tryParseDate(value) === undefined) throw new CliError("INVALID_DATE", `${option} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

function previousDay(value: string): string {
  return utcDate(new Date(Date.parse(`${value}T00:00:00Z`) - 86_400_000));
}

function findIssuer(registry: IssuerRegistryFile, id: string, file: string): IssuerRecord {
  const issuer = registry.issuers.find((i) => i.id === id);
  if (issuer === undefined) throw refusal("UNKNOWN_ISSUER", `${file} has no issuer ${JSON.stringify(id)}; add it with medzk issuers add`);
  return issuer;
}

function assertKeyFree(registry: IssuerRegistryFile, publicKey: string, file: string): void {
  const owner = registry.issuers.find((i) => i.keys.some((key) => key.publicKey === publicKey));
  if (owner) throw refusal("DUPLICATE_KEY", `--key: the key already belongs to issuer ${JSON.stringify(owner.id)} in ${file}`);
}

/** The issuer's keys usable on `day` (active, in their validity): the rotation's old key if exactly one. */
function onlyUsableKey(issuer: IssuerRecord, day: string, file: string): IssuerKeyEntry {
  const usable = issuer.keys.filter((key) => (key.status ?? "active") === "active" && (key.validFrom ?? day) <= day && (key.validUntil ?? day) >= day);
  if (usable.length === 1) return usable[0]!;
  if (usable.length === 0) throw refusal("UNKNOWN_KEY", `issuer ${JSON.stringify(issuer.id)} in ${file} has no key usable on ${day} to rotate; add the new key with medzk issuers add-key`);
  throw usageError(`issuer ${JSON.stringify(issuer.id)} has ${usable.length} keys usable on ${day}: name the one to replace with --old`);
}

/** The entry with its properties in the documented order (publicKey, validFrom, validUntil, status). */
function keyInOrder(key: IssuerKeyEntry): IssuerKeyEntry {
  const { publicKey, validFrom, validUntil, status } = key;
  return { publicKey, ...(validFrom === undefined ? {} : { validFrom }), ...(validUntil === undefined ? {} : { validUntil }), ...(status === undefined ? {} : { status }) };
}

function refusal(code: IssuerRegistryChangeCode, message: string): CliError {
  return new CliError(code, message);
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}
