/**
 * Writing the registry: admitting issuers and their keys, key status, revocation roots (from the
 * issuer's own account), trusted issuer sets, verifiers. Each helper validates its input as medzk
 * does elsewhere (INVALID_ARGUMENT naming the field), then sends one transaction (client.ts `send`).
 */
import { parseDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { type IssuerSet, parseIssuerSet } from "../core/issuer-set.js";
import { unpackPublicKey } from "../core/public-key.js";
import { EMPTY_REVOCATION_ROOT } from "../core/revocation.js";
import { checkPurpose } from "../core/request.js";
import { BUILTIN_SCHEMAS, type SchemaDefinition, schemaIdField } from "../core/schemas.js";
import { assertArray, assertFieldElement, assertHex, assertString, unwrap } from "../core/validate.js";
import { type Address, type ChainWriter, read, send, unavailable } from "./client.js";
import { type Hex, keyIdOf } from "./codec.js";

/** Key status numbers of MedzkRegistry.KeyStatus. */
export const KEY_STATUS = { active: 1, retired: 2, compromised: 3 } as const;
/** Verifier status numbers of MedzkRegistry.VerifierStatus. */
export const VERIFIER_STATUS = { active: 1, suspended: 2 } as const;

const OPEN_VALID_UNTIL = 99991231;

function address(value: unknown, name: string): Address {
  return `0x${assertHex(typeof value === "string" ? value.replace(/^0x/, "").toLowerCase() : value, name, 20)}`;
}

/** Admits an issuer (ISSUER_ADMIN_ROLE). `schemas`: schema ids it may issue (built-in ids or definitions); omitted: any. */
export async function addIssuer(
  writer: ChainWriter,
  issuer: { account: Address; name: string; schemas?: Array<string | SchemaDefinition> },
): Promise<Hex> {
  const account = address(issuer.account, "issuer.account");
  const name = assertString(issuer.name, "issuer.name", { max: 128 });
  const schemas = issuer.schemas === undefined ? [] : assertArray(issuer.schemas, "issuer.schemas", 64).map((s, i) => {
    const definition = typeof s === "string" ? BUILTIN_SCHEMAS[s] : (s as SchemaDefinition);
    if (!definition) throw new MedzkError("UNKNOWN_SCHEMA", `"issuer.schemas[${i}]": unknown schema ${JSON.stringify(s)}`);
    return definition;
  });
  const { hash } = await send(writer, "addIssuer", [account, name, schemas.map((d) => d.id), schemas.map((d) => schemaIdField(d))]);
  return hash;
}

/** Adds a packed BabyJubJub key to an issuer (ISSUER_ADMIN_ROLE), valid on the given UTC days (inclusive; omitted: open). */
export async function addIssuerKey(
  writer: ChainWriter,
  key: { issuer: Address; publicKey: string; validFrom?: string; validUntil?: string },
): Promise<Hex> {
  const point = unpackPublicKey(key.publicKey, "key.publicKey");
  const from = key.validFrom === undefined ? 0 : parseDate(key.validFrom, "key.validFrom");
  const until = key.validUntil === undefined ? OPEN_VALID_UNTIL : parseDate(key.validUntil, "key.validUntil");
  const { hash } = await send(writer, "addIssuerKey", [address(key.issuer, "key.issuer"), point.x, point.y, from, until]);
  return hash;
}

/** Sets a key's status: ISSUER_ADMIN_ROLE, or the issuer's own account for "compromised". Compromised is final. */
export async function setIssuerKeyStatus(writer: ChainWriter, publicKey: string, status: keyof typeof KEY_STATUS): Promise<Hex> {
  const point = unpackPublicKey(publicKey, "publicKey");
  const code = KEY_STATUS[status];
  if (code === undefined) throw new MedzkError("INVALID_ARGUMENT", `"status" must be one of ${Object.keys(KEY_STATUS).join(", ")}`);
  const { hash } = await send(writer, "setKeyStatus", [keyIdOf(point.x, point.y), code]);
  return hash;
}

/** Publishes the writer's (an issuer account's) new revocation root: RevocationStatus.root. */
export async function publishRevocationRoot(writer: ChainWriter, root: string): Promise<Hex> {
  const { hash } = await send(writer, "publishRevocationRoot", [assertFieldElement(root, "root")]);
  return hash;
}

/**
 * Publishes a trusted issuer set's root for its schema (ISSUER_ADMIN_ROLE). The set document is
 * checked first (its root must be its members' root), so a malformed set never reaches the chain;
 * holders get the document itself elsewhere, and only its root is public on chain. The schema is
 * the members' one (a verifier builds one set per schema); name it for an empty set.
 *
 * The set must be the registry's as it is now (docs/ledger.md, "When issuer changes take
 * effect"): every member is a key the registry holds, active, and binds its issuer's current
 * revocation root, all read in one block B (ISSUER_SET_OUTDATED otherwise, INVALID_ARGUMENT for a
 * key the registry does not hold); the transaction names B, and the contract reverts
 * IssuerSetOutdated (CHAIN_TRANSACTION_FAILED) if a key status change or a revocation root lands
 * after B. Rebuild the set then (verifier.issuerSet over a ChainIssuerRegistry) and publish again.
 * NOTE: the members' schema and validity days are not checked here (the registry fixes both when
 * a key is added); the admin vouches for them.
 */
export async function publishIssuerSet(writer: ChainWriter, set: IssuerSet, schema?: string | SchemaDefinition): Promise<Hex> {
  const checked = parseIssuerSet(set);
  let schemaId: bigint;
  if (schema !== undefined) {
    const definition = typeof schema === "string" ? BUILTIN_SCHEMAS[schema] : schema;
    if (!definition) throw new MedzkError("UNKNOWN_SCHEMA", `"schema": unknown schema ${JSON.stringify(schema)}`);
    schemaId = schemaIdField(definition);
    if (checked.members.some((m) => BigInt(m.schemaId) !== schemaId)) throw new MedzkError("INVALID_ARGUMENT", `the set holds members of another schema than "schema"`);
  } else {
    const ids = new Set(checked.members.map((m) => m.schemaId));
    if (ids.size !== 1) throw new MedzkError("INVALID_ARGUMENT", `a set published on chain holds one schema's members; this one holds ${ids.size} schemas (name "schema" for an empty set)`);
    schemaId = BigInt([...ids][0]!);
  }
  const builtAt = await currentAt(writer, checked);
  const { hash } = await send(writer, "publishIssuerSetRoot", [schemaId, BigInt(checked.root), builtAt]);
  return hash;
}

/**
 * The block number at which every member of `set` is a registry key, active, binding its issuer's
 * current revocation root (the empty root for an issuer that published none, as verifiers build
 * it): every read is pinned to that one block, so no change can fall between them.
 */
async function currentAt(writer: ChainWriter, set: IssuerSet): Promise<bigint> {
  let blockNumber: bigint;
  try {
    blockNumber = await writer.client.getBlockNumber({ cacheTime: 0 });
  } catch (error) {
    throw unavailable("reading the block number", error);
  }
  const roots = new Map<Address, string>();
  for (const member of set.members) {
    const point = unpackPublicKey(member.publicKey, "member.publicKey");
    const key = await read<{ issuer: Address; status: number }>(writer, "issuerKey", [keyIdOf(point.x, point.y)], blockNumber);
    if (key.status === 0) throw new MedzkError("INVALID_ARGUMENT", `the set holds ${member.publicKey}, a key the registry does not hold (key mode on chain refuses it)`);
    if (key.status !== KEY_STATUS.active) {
      throw new MedzkError("ISSUER_SET_OUTDATED", `the set holds ${member.publicKey}, no longer active in block ${blockNumber}: rebuild the set from the registry`);
    }
    let root = roots.get(key.issuer);
    if (root === undefined) {
      const [history] = await read<readonly [readonly { root: bigint }[], readonly bigint[]]>(writer, "revocationRootHistory", [key.issuer], blockNumber);
      root = history.length === 0 ? EMPTY_REVOCATION_ROOT : history[history.length - 1]!.root.toString();
      roots.set(key.issuer, root);
    }
    if (member.revocationRoot !== root) {
      throw new MedzkError("ISSUER_SET_OUTDATED", `the set binds ${member.publicKey} to a revocation root its issuer replaced before block ${blockNumber}: rebuild the set from the registry`);
    }
  }
  return blockNumber;
}

/**
 * Registers a verifier (VERIFIER_ADMIN_ROLE): its Ed25519 request key, the account it verifies and
 * anchors from, its name, purposes ("" for requests without one; default [""]) and answer origins.
 */
export async function registerVerifier(
  writer: ChainWriter,
  verifier: { publicKey: string; account: Address; name: string; purposes?: string[]; origins?: string[] },
): Promise<Hex> {
  const publicKey = assertHex(verifier.publicKey, "verifier.publicKey", 32);
  const purposes = verifier.purposes === undefined ? [""] : assertArray(verifier.purposes, "verifier.purposes", 16).map((p, i) =>
    p === "" ? "" : unwrap(checkPurpose(p, `verifier.purposes[${i}]`), "INVALID_ARGUMENT"));
  const origins = verifier.origins === undefined ? [] : assertArray(verifier.origins, "verifier.origins", 64).map((o, i) => assertString(o, `verifier.origins[${i}]`, { max: 256 }));
  const { hash } = await send(writer, "registerVerifier", [
    `0x${publicKey}`, address(verifier.account, "verifier.account"), assertString(verifier.name, "verifier.name", { max: 128 }), purposes, origins,
  ]);
  return hash;
}

/** Suspends or reactivates a verifier (VERIFIER_ADMIN_ROLE). */
export async function setVerifierStatus(writer: ChainWriter, publicKey: string, status: keyof typeof VERIFIER_STATUS): Promise<Hex> {
  const code = VERIFIER_STATUS[status];
  if (code === undefined) throw new MedzkError("INVALID_ARGUMENT", `"status" must be "active" or "suspended"`);
  const { hash } = await send(writer, "setVerifierStatus", [`0x${assertHex(publicKey, "publicKey", 32)}`, code]);
  return hash;
}

/**
 * Moves a verifier to a new account (MedzkRegistry.rotateVerifierAccount): from then on only
 * `account` verifies and anchors for it, and the old one is released. Sent by the verifier's
 * current account while it is active (routine rotation), or by VERIFIER_ADMIN_ROLE (recovering a
 * lost or stolen account: suspend the verifier first, rotate, then reactivate it).
 */
export async function rotateVerifierAccount(writer: ChainWriter, publicKey: string, account: Address): Promise<Hex> {
  const { hash } = await send(writer, "rotateVerifierAccount", [`0x${assertHex(publicKey, "publicKey", 32)}`, address(account, "account")]);
  return hash;
}
