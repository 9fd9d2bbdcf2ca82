/**
 * The wallet: a holder's credentials behind consent. `respond` answers a verifier's request only
 * after deciding, from the request alone, who asks (signature, then the trust list), whether the
 * holder allows it (policy) and whether it stays within the verifier's probing budget (guard);
 * only then does it evaluate the statement and prove. Every call leaves a receipt.
 *
 * Order matters and is fixed: everything that refuses without looking at the record comes first,
 * so those refusals say nothing about it; the guard remembers the question (and the store keeps
 * it) before the statement is evaluated, so a false statement costs the same budget as a true one
 * and a crash while proving cannot forget it.
 *
 * What it holds (the holder, its credentials, receipts, the guard's memory) lives in one store
 * document: the options' holder and credentials initialise or extend it, and a store that already
 * holds them (an encrypted file or IndexedDB, store.ts) is enough to reopen the wallet. The
 * document is read for every call and changed only through the store's `update`, never written
 * back from memory: several instances (tabs, processes) may share one store, and the budget is
 * checked again inside the update that records the question.
 *
 * What a request means is decided from the request and the configuration, never from the
 * credentials: a query's schema must be built in or in `schemas`, a hidden issuer's anonymity set
 * counts only keys the wallet knows (`knownIssuers`, `publishedIssuerSetRoot`). Which credentials
 * can answer (schema, expiry, revocation, set membership) is decided after the guard and before
 * the statement's truth, with one refusal for all of them.
 *
 * Platform-neutral: the proving function is injected (wallet/node.ts gives Node's `prove`).
 */
import { checkKeySet } from "../artifacts/key-manifest.js";
import { type CheckedCredential, type Credential, checkCredential } from "../core/credential.js";
import { tryParseDate } from "../core/dates.js";
import {
  type IssuerSet,
  type IssuerSetMember,
  OPEN_VALID_FROM,
  OPEN_VALID_UNTIL,
  issuerSetWitness,
  parseIssuerSet,
} from "../core/issuer-set.js";
import { MedzkError } from "../core/errors.js";
import type { Presentation } from "../core/presentation.js";
import { tryUnpackPublicKey } from "../core/public-key.js";
import { type ProofRequest, parseRequest, requestScope, requestSignatureValid } from "../core/request.js";
import { EMPTY_REVOCATION_ROOT, type RevocationStatus, parseRevocationStatus, revocationWitness } from "../core/revocation.js";
import { type SchemaDefinition, defineSchema, schemaIdField } from "../core/schemas.js";
import type { Statement } from "../core/statement.js";
import { assertArray, assertClock, assertObject, assertString } from "../core/validate.js";
import { type Holder, holderCommitment, holderEncryptionKey, parseHolder } from "../prover/holder.js";
import { openCredential } from "../prover/open-credential.js";
import { type ProveOptions, checkRequestTiming } from "../prover/prove.js";
import { builtinSchemas, parseStatement, statementDefinition } from "../statements/registry.js";
import { type Asked, ProbingGuard } from "./guard.js";
import { type Rules, type WalletPolicy, checkAllowed, checkAsked, parsePolicy } from "./policy.js";
import type { Receipt } from "./receipts.js";
import { MemoryWalletStore, WALLET_STATE_FORMAT, type WalletState, type WalletStore } from "./store.js";
import { type TrustedVerifier, type VerifierDirectory, checkEntryAllows, verifierDirectory } from "./trust.js";

export interface WalletOptions {
  /**
   * The holder whose credentials these are (from `createHolder`). Optional when the store already
   * holds one; a store holding another holder is refused (HOLDER_MISMATCH).
   */
  holder?: Holder;
  /**
   * Credentials to hold (added to those in the store, duplicates ignored); a request is answered
   * with one of the schema its statement is about. Each is checked, issuer signature included,
   * and must be bound to the holder (HOLDER_MISMATCH).
   */
  credentials?: Credential[];
  /**
   * The verifiers the holder trusts, by request-signing public key, with the names to show: a
   * list, or a directory (`parseVerifierRegistry`, `JsonFileVerifierRegistry`, your own lookup).
   */
  trustedVerifiers: TrustedVerifier[] | VerifierDirectory;
  /** What each verifier may ask, and the probing budget. Plain JSON; defaults in policy.ts. */
  policy?: WalletPolicy;
  /** Where receipts and the guard's memory survive restarts. Default: in memory only. */
  store?: WalletStore;
  /** The wallet's clock, for the as-of date, expiries, the guard's window and receipts. Default: the system clock. */
  clock?: () => Date;
  /** Where the circuit artifacts are (as prove's `artifacts`). */
  artifacts?: string | URL;
  /** Production keys (as prove's `keys`, from `loadKeys`), instead of the shipped ones; not with `artifacts`. Checked when the wallet is created. */
  keys?: ProveOptions["keys"];
  /** The issuer's published revocation status for a credential (as prove's `revocation`), if it keeps one. Called with the wallet's copy of the credential: match it by content (issuer, schema), not identity. */
  revocation?: (credential: Credential) => RevocationStatus | undefined | Promise<RevocationStatus | undefined>;
  /** Called as proving moves through its stages (as prove's `onProgress`), after the wallet has decided to answer. */
  onProgress?: ProveOptions["onProgress"];
  /**
   * Asks the holder, once the wallet itself would answer (trusted, allowed, within budget, before
   * anything the wallet holds is looked at): resolve true to go on, false to decline
   * (DECLINED_BY_HOLDER). A page shows "Acme Health asks: …" with Share / Decline here. Default:
   * no question (the policy decides alone).
   */
  consent?: (question: ConsentQuestion) => boolean | Promise<boolean>;
  /**
   * The verifier's published trusted issuer set with this root (`medzk-issuer-set/v1`, from
   * `verifier.issuerSet`), for requests that hide the issuer; fetched like a revocation status.
   * The wallet finds its issuer's member locally: nobody learns which.
   */
  issuerSets?: (root: string) => IssuerSet | undefined | Promise<IssuerSet | undefined>;
  /**
   * The issuer keys the holder knows independently of any verifier, each for the schemas it
   * issues (its own trust list, or a lookup into an issuer registry it was given): a list of
   * `{ publicKey, schemas }` (packed key, schema ids), or a function of (key, schema id, the
   * set's member). In a hidden-issuer request only these members of the verifier's set count
   * toward `minIssuerSetSize`, and only for a schema they issue: keys a verifier generated itself
   * hide nobody, and neither does a known insurer's key in a set of patient-record issuers (the
   * verifier chooses a member's schema). NOTE: the verifier also writes each member's revocation
   * root, and a member whose root is not its issuer's current one can be proven by nobody: it
   * hides nobody either. A list cannot tell; a function that knows the issuers' published
   * revocation roots should answer false for such a member (or require the published set,
   * `requirePublishedIssuerSet`). Default: none (a hidden-issuer request is then answered only
   * under a published set).
   */
  knownIssuers?: KnownIssuers;
  /**
   * The issuer set root published for a schema (by id) where the verifier cannot choose it, for
   * example the registry contract's `issuerSetRoots(schemaId)`: every member of that set counts
   * as known, and a policy with `requirePublishedIssuerSet` answers hidden-issuer requests only
   * under it. Errors refuse the request (ISSUER_SET_UNAVAILABLE).
   */
  publishedIssuerSetRoot?: (schemaId: string) => string | undefined | Promise<string | undefined>;
  /**
   * Custom schemas (definitions) verifiers may ask queries about, besides the built-in ones. A
   * query over any other schema is refused like one the policy disallows (REQUEST_NOT_ALLOWED),
   * whatever credentials the wallet holds: the wallet never looks at its credentials to decide
   * what a request means.
   */
  schemas?: SchemaDefinition[];
}

/** Issuer keys a wallet knows, for the schemas (ids) each issues: a list, or a lookup by key, schema id and the verifier set's member (its revocation root and validity included). */
export type KnownIssuers =
  | Array<{ publicKey: string; schemas: string[] }>
  | ((publicKey: string, schemaId: string, member: IssuerSetMember) => boolean | Promise<boolean>);

/** What the holder is asked to agree to: JSON-safe, named from the trust list. */
export interface ConsentQuestion {
  /** The verifier as the holder knows it (from the trust list). */
  verifier: { publicKey: string; name: string };
  /** The request's purpose label, if any. */
  purpose?: string;
  /** The statement to prove, as parsed and normalised. */
  statement: Statement;
  /** Attributes whose values would be shown to the verifier. */
  disclosures: string[];
  /** The as-of date (YYYY-MM-DD) and where the answer goes. */
  asOf: string;
  responseUrl?: string;
  /** When the issuer is hidden: how many keys of the verifier's set for the schema, valid on the as-of day, this wallet knows on its own (the anonymity set). */
  issuerSetSize?: number;
}

/** The receipts as exported: JSON-safe, for the holder to keep or inspect elsewhere. */
export interface ReceiptExport {
  /** Always "medzk-receipts/v1". */
  format: "medzk-receipts/v1";
  /** When exported, on the wallet's clock (ISO 8601 UTC). */
  exportedAt: string;
  /** Every receipt, oldest first. */
  receipts: Receipt[];
}

export interface Wallet {
  /**
   * Answers a verifier's request with a presentation, or refuses by throwing a MedzkError:
   * INVALID_REQUEST, REQUEST_SIGNATURE_INVALID, UNTRUSTED_VERIFIER (or REGISTRY_UNAVAILABLE when
   * the trust registry cannot be read), REQUEST_EXPIRED,
   * REQUEST_REFUSED (as-of date), INVALID_STATEMENT / UNKNOWN_STATEMENT, REQUEST_NOT_ALLOWED
   * (the policy, or a schema the wallet does not know), ISSUER_SET_UNAVAILABLE /
   * ISSUER_SET_TOO_SMALL, PROBING_LIMIT, DECLINED_BY_HOLDER (all decided from the request, the
   * configuration and the guard's memory), then NO_MATCHING_CREDENTIAL (no credential that can
   * answer: none of the schema, expired, revoked or not in the verifier's set, one message for
   * all), then STATEMENT_NOT_SATISFIED or a proving error (the record); WALLET_STORE_* if the
   * store fails.
   */
  respond(request: unknown): Promise<Presentation>;
  /** What was shown or refused, to whom and when, oldest first (copies). */
  receipts(): Promise<Receipt[]>;
  /** {@link receipts} as a JSON-safe document. */
  exportReceipts(): Promise<ReceiptExport>;
  /**
   * Adds a credential (checked: shape, issuer signature, bound to this holder) and stores it.
   * Throws INVALID_CREDENTIAL, INVALID_ATTRIBUTE, HOLDER_MISMATCH or a store error. Adding one
   * already held changes nothing.
   */
  addCredential(credential: unknown): Promise<void>;
  /**
   * Opens a credential an issuer sealed to this holder (`sealCredential`, medzk-envelope/v1) and
   * adds it; returns the credential. Throws ENVELOPE_INVALID, ENVELOPE_NOT_FOR_HOLDER,
   * ENVELOPE_DECRYPTION_FAILED, or addCredential's errors.
   */
  receive(envelope: unknown): Promise<Credential>;
  /** The credentials held, oldest first (copies). */
  credentials(): Promise<Credential[]>;
  /**
   * What the holder hands an issuer (both public): the commitment a credential is bound to and
   * the X25519 key a credential is sealed to.
   */
  identity(): Promise<HolderIdentity>;
}

/** A holder's public identity, for issuers. */
export interface HolderIdentity {
  /** Poseidon(secret), decimal: what credentials are bound to. */
  commitment: string;
  /** The X25519 public key (lowercase hex) envelopes are sealed to. */
  encryptionKey: string;
}

/** What the wallet holds, as read from its store for one operation. */
interface Held {
  holder: Holder;
  /** The credentials, checked (issuer signature included), oldest first. */
  credentials: CheckedCredential[];
  /** Every receipt, oldest first (the store's copy). */
  receipts: Receipt[];
  guard: ProbingGuard;
}

/** One credential's identity: its issuer signature (unique per signed commitment). */
const signatureOf = (c: Credential): string => JSON.stringify([c.signature.R8x, c.signature.R8y, c.signature.S]);

const OPTION_KEYS = {
  required: ["trustedVerifiers"],
  optional: [
    "holder",
    "credentials",
    "policy",
    "store",
    "clock",
    "artifacts",
    "keys",
    "revocation",
    "onProgress",
    "consent",
    "issuerSets",
    "knownIssuers",
    "publishedIssuerSetRoot",
    "schemas",
  ],
} as const;

/** An optional callback option: absent, or a function. */
function optionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be a function`);
  return value as T | undefined;
}

/**
 * The `knownIssuers` option as one lookup by (key, schema id): the list's pairs, or the caller's.
 * NOTE: a key is known only for the schemas listed with it. A key known "for every schema" would
 * let a verifier pad a set of patient-record issuers with the holder's insurer: an anonymity set
 * of two that hides nobody, and two such sets tell the holder's hospital apart.
 */
function knownIssuerLookup(value: unknown): (schema: string, member: IssuerSetMember) => Promise<boolean> {
  if (value === undefined) return async () => false;
  if (typeof value === "function") {
    const lookup = value as Exclude<KnownIssuers, unknown[]>;
    return async (schema, member) => (await lookup(member.publicKey, schema, structuredClone(member))) === true;
  }
  const known = new Set<string>();
  assertArray(value, "knownIssuers").forEach((entry, i) => {
    const e = assertObject(entry, `knownIssuers[${i}]`, { required: ["publicKey", "schemas"] });
    if (typeof e.publicKey !== "string" || tryUnpackPublicKey(e.publicKey) === undefined) {
      throw new MedzkError("INVALID_ARGUMENT", `"knownIssuers[${i}].publicKey" must be a packed issuer public key (64 lowercase hex characters)`);
    }
    const schemas = assertArray(e.schemas, `knownIssuers[${i}].schemas`);
    if (schemas.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"knownIssuers[${i}].schemas" must name at least one schema id`);
    schemas.forEach((id, j) => known.add(JSON.stringify([e.publicKey, assertString(id, `knownIssuers[${i}].schemas[${j}]`, { max: 128 })])));
  });
  return async (schema, member) => known.has(JSON.stringify([member.publicKey, schema]));
}

/** The `schemas` option: custom schema definitions by id, each validated; a built-in id may not be redefined. */
function customSchemas(value: unknown): ReadonlyMap<string, SchemaDefinition> {
  const byId = new Map<string, SchemaDefinition>();
  if (value === undefined) return byId;
  assertArray(value, "schemas").forEach((d, i) => {
    let schema: SchemaDefinition;
    try {
      schema = defineSchema(d);
    } catch (cause) {
      throw new MedzkError("INVALID_ARGUMENT", `"schemas[${i}]": ${(cause as Error).message}`, { cause });
    }
    if (byId.has(schema.id) || builtinSchemas(schema.id) !== undefined) throw new MedzkError("INVALID_ARGUMENT", `"schemas[${i}]": schema ${JSON.stringify(schema.id)} is defined twice (or is built in)`);
    byId.set(schema.id, schema);
  });
  return byId;
}

/** Is the day (YYYYMMDD) inside a set member's validity window? */
function memberValidOn(member: IssuerSetMember, day: number): boolean {
  const from = member.validFrom === undefined ? OPEN_VALID_FROM : tryParseDate(member.validFrom)!;
  const until = member.validUntil === undefined ? OPEN_VALID_UNTIL : tryParseDate(member.validUntil)!;
  return from <= day && day <= until;
}

/** A wallet proving with `prove` (Node's or the browser's). */
export function createWalletWith(options: WalletOptions, prove: (options: ProveOptions) => Promise<Presentation>): Wallet {
  const o = assertObject(options, "options", OPTION_KEYS);
  // A wrong holder is a configuration error: say so now, not on the first request.
  const givenHolder = o.holder === undefined ? undefined : parseHolder(o.holder);
  const givenCredentials = o.credentials === undefined ? [] : assertArray(o.credentials, "credentials");
  const trusted = verifierDirectory(o.trustedVerifiers);
  const policy = parsePolicy(o.policy);
  const clock = assertClock(o.clock);
  const store = (o.store ?? new MemoryWalletStore()) as WalletStore;
  if (typeof store.load !== "function" || typeof store.update !== "function") {
    throw new MedzkError("INVALID_ARGUMENT", `"store" must have load() and update(change) (a read-modify-write that loses no concurrent update; see WalletStore)`);
  }
  const revocation = optionalFunction<WalletOptions["revocation"]>(o.revocation, "revocation");
  const onProgress = optionalFunction<WalletOptions["onProgress"]>(o.onProgress, "onProgress");
  const consent = optionalFunction<WalletOptions["consent"]>(o.consent, "consent");
  const issuerSets = optionalFunction<WalletOptions["issuerSets"]>(o.issuerSets, "issuerSets");
  const publishedRoot = optionalFunction<WalletOptions["publishedIssuerSetRoot"]>(o.publishedIssuerSetRoot, "publishedIssuerSetRoot");
  // Without a published root to compare with, such a policy would refuse every hidden-issuer request, silently.
  if (policy.requiresPublishedIssuerSet && publishedRoot === undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `the policy sets "requirePublishedIssuerSet": give "publishedIssuerSetRoot" (where the wallet reads the set root published for a schema)`);
  }
  const knowsIssuer = knownIssuerLookup(o.knownIssuers);
  const custom = customSchemas(o.schemas);
  // What a request may be about is decided from the built-in schemas and the holder's own list,
  // never from the credentials held: whether the wallet holds a credential of a schema is private.
  const knownSchemas = (id: string): SchemaDefinition | undefined => custom.get(id) ?? builtinSchemas(id);
  const artifacts = o.artifacts as WalletOptions["artifacts"];
  // A wrong key manifest is a configuration error too: checked now (prove checks it again).
  if (o.keys !== undefined) checkKeySet(o.keys);
  if (o.keys !== undefined && artifacts !== undefined) throw new MedzkError("INVALID_ARGUMENT", `give "keys" (production keys) or "artifacts", not both`);
  const keys = o.keys as WalletOptions["keys"];
  const budgetOf = (v: string) => policy.rulesFor(v).budget;

  // Credentials are checked (issuer signature included) once per wallet instance, not on every read.
  const checkedCache = new Map<string, CheckedCredential>();
  /** Checks a credential and that it is this holder's; returns the checked copy. */
  const admit = async (commitment: string, credential: unknown): Promise<CheckedCredential> => {
    let key: string | undefined;
    try {
      key = JSON.stringify(credential);
    } catch {
      key = undefined; // not JSON: checkCredential says why
    }
    let checked = key === undefined ? undefined : checkedCache.get(key);
    if (!checked) {
      const result = await checkCredential(credential);
      checked = { ...result, credential: structuredClone(result.credential) };
      if (key !== undefined) checkedCache.set(key, checked);
    }
    if (checked.holderCommitment.toString() !== commitment) {
      throw new MedzkError("HOLDER_MISMATCH", "the credential is bound to another holder than this wallet's");
    }
    return checked;
  };

  /** The holder of a stored document, checked against the one given. */
  const holderOf = (current: WalletState | undefined): Holder => {
    const holder = current?.holder;
    if (holder && givenHolder !== undefined && holder.commitment !== holderCommitment(givenHolder).toString()) {
      throw new MedzkError("HOLDER_MISMATCH", "the wallet store belongs to another holder than the one given");
    }
    if (holder) return holder;
    if (givenHolder === undefined) throw new MedzkError("INVALID_ARGUMENT", `no holder: give "holder" (a new wallet) or a store that holds one`);
    return { secret: givenHolder.toString(), commitment: holderCommitment(givenHolder).toString() };
  };

  /** A stored document the wallet changes: it must be this wallet's (another instance may have written it since). */
  const ours = (current: WalletState | undefined): WalletState & { holder: Holder } => {
    if (current?.holder === undefined) throw new MedzkError("WALLET_STORE_INVALID", "the wallet store no longer holds this wallet");
    return { ...current, holder: holderOf(current) };
  };

  /** First use: the holder and the given credentials go into the store (one update, so nothing another instance wrote is lost). */
  const initialise = async (current: WalletState | undefined): Promise<WalletState> => {
    const holder = holderOf(current);
    const credentials = [...(current?.credentials ?? [])];
    for (const c of givenCredentials) {
      const { credential } = await admit(holder.commitment, c);
      if (!credentials.some((h) => signatureOf(h) === signatureOf(credential))) credentials.push(credential);
    }
    return { format: WALLET_STATE_FORMAT, holder, credentials, receipts: current?.receipts ?? [], guard: current?.guard ?? [] };
  };

  let initialised = false;
  /** The store's document as it is now: read for every operation, since other instances may share the store. */
  const read = async (): Promise<Held> => {
    let stored = await store.load();
    holderOf(stored); // a store of another holder is refused before anything is written to it
    if (!initialised) {
      if (stored?.holder === undefined || givenCredentials.length > 0) stored = await store.update(initialise);
      initialised = true;
    }
    const holder = holderOf(stored);
    const credentials: CheckedCredential[] = [];
    for (const [i, c] of (stored?.credentials ?? []).entries()) {
      try {
        credentials.push(await admit(holder.commitment, c));
      } catch (cause) {
        throw new MedzkError("WALLET_STORE_INVALID", `the wallet store's credentials[${i}] is not a valid credential of this holder`, { cause });
      }
    }
    return { holder, credentials, receipts: stored?.receipts ?? [], guard: new ProbingGuard(stored?.guard ?? [], budgetOf) };
  };

  /** Adds a credential durably; returns the wallet's copy. */
  const add = async (credential: unknown): Promise<Credential> => {
    const held = await read();
    const admitted = (await admit(held.holder.commitment, credential)).credential;
    const same = (c: Credential) => signatureOf(c) === signatureOf(admitted);
    const existing = held.credentials.find((c) => same(c.credential));
    if (existing) return structuredClone(existing.credential);
    await store.update((current) => {
      const cur = ours(current);
      const credentials = cur.credentials ?? [];
      return credentials.some(same) ? cur : { ...cur, credentials: [...credentials, admitted] };
    });
    return structuredClone(admitted);
  };

  /**
   * The verifier's set the request names, parsed strictly, and its anonymity set: the distinct
   * keys of the set, for the schema and valid on the as-of day, that this wallet knows
   * independently of the verifier (`knownIssuers`, or every member when the set is the one
   * `publishedIssuerSetRoot` gives for the schema). A key the verifier made up hides nobody: a
   * set of one real clinic and three such keys identifies the clinic. Refuses
   * ISSUER_SET_UNAVAILABLE (no set, another root, a lookup that fails), REQUEST_NOT_ALLOWED (the
   * policy requires the published set and this is not it) and ISSUER_SET_TOO_SMALL; all decided
   * from public data and the wallet's configuration, never from the credentials.
   */
  const trustedSet = async (root: string, schema: SchemaDefinition, rules: Rules, name: string, asOf: number): Promise<{ set: IssuerSet; size: number }> => {
    let set: IssuerSet | undefined;
    let published: string | undefined;
    try {
      const found = issuerSets === undefined ? undefined : await issuerSets(root);
      set = found === undefined ? undefined : parseIssuerSet(found);
      published = publishedRoot === undefined ? undefined : ((await publishedRoot(schema.id)) ?? undefined);
    } catch (cause) {
      throw new MedzkError("ISSUER_SET_UNAVAILABLE", `the trusted issuer set ${name}'s request names could not be read`, { cause });
    }
    if (set === undefined || set.root !== root) throw new MedzkError("ISSUER_SET_UNAVAILABLE", `the wallet has no copy of the trusted issuer set ${name}'s request names`);
    if (rules.requirePublishedIssuerSet && published !== root) {
      throw new MedzkError("REQUEST_NOT_ALLOWED", `the wallet's policy answers ${name} only under the issuer set published for ${schema.id}, and this request names another`);
    }
    const field = schemaIdField(schema).toString();
    // One member per (key, schema) in a parsed set: these are distinct keys.
    const members = set.members.filter((m) => m.schemaId === field && memberValidOn(m, asOf));
    let known = members;
    if (published !== root) {
      try {
        const flags = await Promise.all(members.map((m) => knowsIssuer(schema.id, m)));
        known = members.filter((_, i) => flags[i]);
      } catch (cause) {
        throw new MedzkError("ISSUER_SET_UNAVAILABLE", `the wallet could not check the issuers of the set ${name}'s request names`, { cause });
      }
    }
    if (known.length < rules.minIssuerSetSize) {
      throw new MedzkError(
        "ISSUER_SET_TOO_SMALL",
        `${name} hides the issuer among ${known.length} key(s) this wallet knows for ${schema.id}; this wallet wants at least ${rules.minIssuerSetSize}`,
      );
    }
    return { set, size: known.length };
  };

  /**
   * The statement, parsed against the schemas the wallet knows, once the rules have allowed its
   * type and schema as received (policy.ts checkAsked): an unknown schema is refused exactly like
   * one the policy disallows, before its predicates are read against any definition.
   */
  const parseAsked = (raw: unknown, rules: Rules, verifierName: string): Statement => {
    checkAsked(raw, rules, verifierName, (id) => knownSchemas(id) !== undefined);
    return parseStatement(raw, knownSchemas);
  };

  // One request at a time per instance; other instances on the same store are kept apart by the store's update.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  async function answer(raw: unknown, held: Held, receipt: Receipt): Promise<Presentation> {
    const request: ProofRequest = parseRequest(raw);
    // Who asks, before anything else. A forged request is nobody's: its key and text stay out of the receipt.
    if (!requestSignatureValid(request)) {
      throw new MedzkError("REQUEST_SIGNATURE_INVALID", `the request's signature is not a valid signature by the key it names; refusing`);
    }
    // What the holder needs to match this receipt with the verifier's audit entries (purpose,
    // challenge) and to know what was asked of whom (statement, as-of day, issuer set).
    receipt.verifier = { publicKey: request.verifier };
    receipt.statement = request.statement;
    receipt.asOf = request.asOf;
    receipt.scope = requestScope(request);
    if (request.purpose !== undefined) receipt.purpose = request.purpose;
    receipt.challenge = request.challenge;
    if (request.issuerSet !== undefined) receipt.issuerSet = request.issuerSet;
    if (request.responseUrl !== undefined) receipt.responseUrl = request.responseUrl;
    let verifier: TrustedVerifier | undefined;
    try {
      verifier = await trusted.lookup(request.verifier);
    } catch (cause) {
      // Fail closed: a trust list that cannot be read trusts nobody.
      throw new MedzkError("REGISTRY_UNAVAILABLE", `the wallet's verifier registry could not be read; refusing`, { cause });
    }
    if (!verifier) throw new MedzkError("UNTRUSTED_VERIFIER", `the request is signed by a verifier this wallet does not trust; refusing`);
    receipt.verifier.name = verifier.name;
    checkEntryAllows(verifier, request);
    const now = new Date(receipt.at);
    const asOf = checkRequestTiming(request, now);
    const rules = policy.rulesFor(verifier.publicKey);
    const statement = parseAsked(request.statement, rules, verifier.name);
    const disclose = checkAllowed(statement, rules, verifier.name);
    const schema = statementDefinition(statement.type).schema(statement, knownSchemas);
    // The issuer: revealed, or hidden among the verifier's set (public data, not the record).
    const issuerSet = request.issuerSet === undefined ? undefined : await trustedSet(request.issuerSet, schema, rules, verifier.name, asOf);
    if (issuerSet === undefined && rules.hideIssuer) {
      throw new MedzkError("REQUEST_NOT_ALLOWED", `the wallet's policy answers ${verifier.name} only with the issuer hidden, and this request reveals it`);
    }
    // What is asked: the statement on its as-of day, and under which issuer set (guard.ts).
    const asked: Asked = { statement, asOf, ...(request.issuerSet === undefined ? {} : { issuerSet: { root: request.issuerSet, schema: schema.id } }) };
    // The budget before anything the wallet holds: which credentials it has is itself private
    // (a schema can name a clinic), so a verifier past its budget learns not even that.
    held.guard.check(verifier.publicKey, asked, now, verifier.name);
    // The holder's own say, before the wallet evaluates anything. NOTE: a person who declines
    // knows the record; a decline can say what the person lets it say. It spends no budget.
    if (consent) {
      const question: ConsentQuestion = { verifier: { publicKey: verifier.publicKey, name: verifier.name }, statement: structuredClone(statement), disclosures: [...disclose], asOf: request.asOf };
      if (issuerSet !== undefined) question.issuerSetSize = issuerSet.size;
      if (request.purpose !== undefined) question.purpose = request.purpose;
      if (request.responseUrl !== undefined) question.responseUrl = request.responseUrl;
      if ((await consent(question)) !== true) throw new MedzkError("DECLINED_BY_HOLDER", `the holder declined ${verifier.name}'s request`);
    }
    // From here on the wallet's contents are looked at: remember the question first, durably, in
    // the store as it is now (another tab or process may have spent this verifier's budget while
    // the holder was deciding), checking the budget again there.
    await store.update((current) => {
      const cur = ours(current);
      const guard = new ProbingGuard(cur.guard, budgetOf);
      guard.check(verifier.publicKey, asked, now, verifier.name);
      guard.record(verifier.publicKey, asked, now);
      return { ...cur, guard: guard.snapshot() };
    });
    // Which credentials can answer at all (schema, expiry, revocation, the verifier's set), before
    // whether the statement holds, and with one refusal for all of them: the code and message
    // must not say which check failed, which issuer, slot or expiry day, or whether any
    // credential of the schema is held.
    const field = schemaIdField(schema);
    const usable: Array<{ credential: Credential; revocation: RevocationStatus | undefined }> = [];
    const reasons: unknown[] = [];
    for (const c of held.credentials) {
      if (schemaIdField(c.schema) !== field) continue;
      try {
        if (asOf > c.expiresOn) throw new MedzkError("STATEMENT_NOT_SATISFIED", `the credential expired on ${c.credential.expiresAt}`);
        const found = revocation === undefined ? undefined : await revocation(c.credential);
        const status = found === undefined ? undefined : parseRevocationStatus(found, "revocation");
        if (status !== undefined) revocationWitness(status, c.credential.revocationSlot);
        if (issuerSet !== undefined) {
          issuerSetWitness(issuerSet.set, { publicKey: c.credential.issuer, schemaId: field.toString(), revocationRoot: status?.root ?? EMPTY_REVOCATION_ROOT, asOf });
        }
        usable.push({ credential: c.credential, revocation: status });
      } catch (reason) {
        reasons.push(reason); // for the holder (the error's cause), not for the message
      }
    }
    if (usable.length === 0) {
      throw new MedzkError("NO_MATCHING_CREDENTIAL", `the wallet holds no credential that can answer this request`, ...(reasons.length === 0 ? [] : [{ cause: new AggregateError(reasons, "why each credential of the schema cannot answer") }]));
    }
    let refusal: unknown;
    for (const { credential, revocation: status } of usable) {
      try {
        const presentation = await prove({
          credential,
          holder: held.holder,
          request,
          allowDisclosure: disclose,
          clock: () => now,
          ...(artifacts === undefined ? {} : { artifacts }),
          ...(keys === undefined ? {} : { keys }),
          ...(onProgress === undefined ? {} : { onProgress }),
          ...(status === undefined ? {} : { revocation: status }),
          ...(issuerSet === undefined ? {} : { issuerSet: issuerSet.set }),
        });
        receipt.outcome = "shown";
        receipt.disclosures = disclose;
        receipt.nullifier = presentation.publicSignals[0]!;
        if (issuerSet === undefined) receipt.issuer = credential.issuer; // revealed to the verifier by the proof itself
        return presentation;
      } catch (error) {
        refusal = error;
        // Another usable credential of the schema may satisfy it; any other failure is final.
        if (!(error instanceof MedzkError && error.code === "STATEMENT_NOT_SATISFIED")) break;
      }
    }
    throw refusal;
  }

  return {
    respond: (raw) =>
      serial(async () => {
        // The store as it is now (it may be shared): a store that cannot be read answers nothing.
        const held = await read();
        const receipt: Receipt = { disclosures: [], at: clock().toISOString(), outcome: "refused" };
        let presentation: Presentation | undefined;
        let failure: unknown;
        try {
          presentation = await answer(raw, held, receipt);
        } catch (error) {
          failure = error;
          if (error instanceof MedzkError) receipt.code = error.code;
        }
        // Appended to the store as it is now: receipts another instance wrote meanwhile stay.
        // Fail closed: if it cannot be written, the answer the holder's log would not show is not given.
        await store.update((current) => {
          const cur = ours(current);
          return { ...cur, receipts: [...cur.receipts, receipt] };
        });
        if (presentation === undefined) throw failure;
        return presentation;
      }),
    receipts: async () => (await read()).receipts,
    credentials: async () => (await read()).credentials.map((c) => structuredClone(c.credential)),
    identity: async () => {
      const { holder } = await read();
      return { commitment: holder.commitment, encryptionKey: holderEncryptionKey(holder) };
    },
    addCredential: (credential) => serial(async () => void (await add(credential))),
    receive: (envelope) =>
      serial(async () => {
        const { holder } = await read();
        return add(await openCredential(envelope, holder));
      }),
    exportReceipts: async () => {
      const { receipts } = await read();
      return { format: "medzk-receipts/v1", exportedAt: clock().toISOString(), receipts: JSON.parse(JSON.stringify(receipts)) as Receipt[] };
    },
  };
}
