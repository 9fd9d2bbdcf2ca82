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
 * holds them (an encrypted file or IndexedDB, store.ts) is enough to reopen the wallet.
 *
 * Platform-neutral: the proving function is injected (wallet/node.ts gives Node's `prove`).
 */
import { checkKeySet } from "../artifacts/key-manifest.js";
import { type Credential, checkCredential } from "../core/credential.js";
import { type IssuerSet, parseIssuerSet } from "../core/issuer-set.js";
import { MedzkError } from "../core/errors.js";
import type { Presentation } from "../core/presentation.js";
import { type ProofRequest, parseRequest, requestSignatureValid } from "../core/request.js";
import type { RevocationStatus } from "../core/revocation.js";
import { type SchemaDefinition, schemaIdField } from "../core/schemas.js";
import type { Statement } from "../core/statement.js";
import { assertArray, assertClock, assertObject } from "../core/validate.js";
import { type Holder, holderCommitment, holderEncryptionKey, parseHolder } from "../prover/holder.js";
import { openCredential } from "../prover/open-credential.js";
import { type ProveOptions, checkRequestTiming } from "../prover/prove.js";
import { builtinSchemas, parseStatement, statementDefinition } from "../statements/registry.js";
import { ProbingGuard } from "./guard.js";
import { type WalletPolicy, checkAllowed, parsePolicy } from "./policy.js";
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
}

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
  /** When the issuer is hidden: how many keys the verifier's set holds for the schema (the anonymity set). */
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
   * INVALID_REQUEST, REQUEST_SIGNATURE_INVALID, UNTRUSTED_VERIFIER, REQUEST_EXPIRED,
   * REQUEST_REFUSED (as-of date), INVALID_STATEMENT / UNKNOWN_STATEMENT / UNKNOWN_SCHEMA,
   * REQUEST_NOT_ALLOWED, PROBING_LIMIT (all decided from the request), then
   * NO_MATCHING_CREDENTIAL (what the wallet holds), then STATEMENT_NOT_SATISFIED or a proving
   * error (the record); WALLET_STORE_* if the store fails.
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

/** What the wallet holds in memory once loaded. */
interface Held {
  holder: Holder;
  credentials: Credential[];
  receipts: Receipt[];
  guard: ProbingGuard;
}

/** One credential's identity: its issuer signature (unique per signed commitment). */
const signatureOf = (c: Credential): string => JSON.stringify([c.signature.R8x, c.signature.R8y, c.signature.S]);

const OPTION_KEYS = {
  required: ["trustedVerifiers"],
  optional: ["holder", "credentials", "policy", "store", "clock", "artifacts", "keys", "revocation", "onProgress", "consent", "issuerSets"],
} as const;

/** An optional callback option: absent, or a function. */
function optionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be a function`);
  return value as T | undefined;
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
  if (typeof store.load !== "function" || typeof store.save !== "function") throw new MedzkError("INVALID_ARGUMENT", `"store" must have load() and save()`);
  const revocation = optionalFunction<WalletOptions["revocation"]>(o.revocation, "revocation");
  const onProgress = optionalFunction<WalletOptions["onProgress"]>(o.onProgress, "onProgress");
  const consent = optionalFunction<WalletOptions["consent"]>(o.consent, "consent");
  const issuerSets = optionalFunction<WalletOptions["issuerSets"]>(o.issuerSets, "issuerSets");
  const artifacts = o.artifacts as WalletOptions["artifacts"];
  // A wrong key manifest is a configuration error too: checked now (prove checks it again).
  if (o.keys !== undefined) checkKeySet(o.keys);
  if (o.keys !== undefined && artifacts !== undefined) throw new MedzkError("INVALID_ARGUMENT", `give "keys" (production keys) or "artifacts", not both`);
  const keys = o.keys as WalletOptions["keys"];

  const save = async (s: Held) => {
    const doc: WalletState = { format: WALLET_STATE_FORMAT, holder: s.holder, credentials: s.credentials, receipts: s.receipts, guard: s.guard.snapshot() };
    await store.save(doc);
  };

  /** Checks a credential and that it is this holder's; returns it unless already held. */
  const admit = async (held: Pick<Held, "holder" | "credentials">, credential: unknown): Promise<Credential | undefined> => {
    const checked = await checkCredential(credential);
    if (checked.holderCommitment.toString() !== held.holder.commitment) {
      throw new MedzkError("HOLDER_MISMATCH", "the credential is bound to another holder than this wallet's");
    }
    const c = structuredClone(checked.credential);
    return held.credentials.some((h) => signatureOf(h) === signatureOf(c)) ? undefined : c;
  };

  const load = async (): Promise<Held> => {
    const stored = await store.load();
    let holder = stored?.holder;
    if (holder && givenHolder !== undefined && holder.commitment !== holderCommitment(givenHolder).toString()) {
      throw new MedzkError("HOLDER_MISMATCH", "the wallet store belongs to another holder than the one given");
    }
    if (!holder) {
      if (givenHolder === undefined) throw new MedzkError("INVALID_ARGUMENT", `no holder: give "holder" (a new wallet) or a store that holds one`);
      holder = { secret: givenHolder.toString(), commitment: holderCommitment(givenHolder).toString() };
    }
    const held: Held = { holder, credentials: [], receipts: stored?.receipts ?? [], guard: new ProbingGuard(stored?.guard ?? [], (v) => policy.rulesFor(v).budget) };
    for (const [i, c] of (stored?.credentials ?? []).entries()) {
      try {
        const admitted = await admit(held, c);
        if (admitted) held.credentials.push(admitted);
      } catch (cause) {
        throw new MedzkError("WALLET_STORE_INVALID", `the wallet store's credentials[${i}] is not a valid credential of this holder`, { cause });
      }
    }
    let changed = stored?.holder === undefined;
    for (const c of givenCredentials) {
      const admitted = await admit(held, c);
      if (admitted) {
        held.credentials.push(admitted);
        changed = true;
      }
    }
    if (changed) await save(held);
    return held;
  };
  let state: Promise<Held> | undefined;
  const loaded = () => {
    state ??= load().catch((error: unknown) => {
      state = undefined; // try again next time; never fall back to an empty guard
      throw error;
    });
    return state;
  };

  /** Adds a credential durably (not held unless stored); returns the wallet's copy. */
  const add = async (credential: unknown): Promise<Credential> => {
    const s = await loaded();
    const admitted = await admit(s, credential);
    if (!admitted) return structuredClone(s.credentials.find((c) => signatureOf(c) === signatureOf(credential as Credential))!);
    s.credentials.push(admitted);
    try {
      await save(s);
    } catch (error) {
      s.credentials.pop();
      throw error;
    }
    return structuredClone(admitted);
  };

  /**
   * The verifier's set the request names, parsed strictly, with its anonymity set for the schema
   * (distinct keys). Refuses ISSUER_SET_UNAVAILABLE (no set, or another root) and
   * ISSUER_SET_TOO_SMALL; both decided from public data.
   */
  const trustedSet = async (root: string, schema: SchemaDefinition, rules: { minIssuerSetSize: number }, name: string): Promise<{ set: IssuerSet; size: number }> => {
    let set: IssuerSet | undefined;
    try {
      const found = issuerSets === undefined ? undefined : await issuerSets(root);
      set = found === undefined ? undefined : parseIssuerSet(found);
    } catch (cause) {
      throw new MedzkError("ISSUER_SET_UNAVAILABLE", `the trusted issuer set ${name}'s request names could not be read`, { cause });
    }
    if (set === undefined || set.root !== root) throw new MedzkError("ISSUER_SET_UNAVAILABLE", `the wallet has no copy of the trusted issuer set ${name}'s request names`);
    const field = schemaIdField(schema).toString();
    const size = new Set(set.members.filter((m) => m.schemaId === field).map((m) => m.publicKey)).size;
    if (size < rules.minIssuerSetSize) {
      throw new MedzkError("ISSUER_SET_TOO_SMALL", `${name} hides the issuer among ${size} key(s) for ${schema.id}; this wallet wants at least ${rules.minIssuerSetSize}`);
    }
    return { set, size };
  };

  // A query may be over the holder's own (non-built-in) schema: resolve it from the credentials.
  const schemasOf = (held: Held) => (id: string): SchemaDefinition | undefined => held.credentials.find((c) => c.schema.id === id)?.schema ?? builtinSchemas(id);

  // One request at a time: two concurrent requests must not both see budget the first will spend.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  async function answer(raw: unknown, s: Held, receipt: Receipt): Promise<Presentation> {
    const schemas = schemasOf(s);
    const request: ProofRequest = parseRequest(raw);
    // Who asks, before anything else. A forged request is nobody's: its key and text stay out of the receipt.
    if (!requestSignatureValid(request)) {
      throw new MedzkError("REQUEST_SIGNATURE_INVALID", `the request's signature is not a valid signature by the key it names; refusing`);
    }
    receipt.verifier = { publicKey: request.verifier };
    receipt.statement = request.statement;
    receipt.asOf = request.asOf;
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
    checkRequestTiming(request, now);
    const statement: Statement = parseStatement(request.statement, schemas);
    const rules = policy.rulesFor(verifier.publicKey);
    const disclose = checkAllowed(statement, rules, verifier.name);
    const schema = statementDefinition(statement.type).schema(statement, schemas);
    const schemaId = schema.id;
    // The issuer: revealed, or hidden among the verifier's set (public data, not the record).
    const issuerSet = request.issuerSet === undefined ? undefined : await trustedSet(request.issuerSet, schema, rules, verifier.name);
    if (issuerSet === undefined && rules.hideIssuer) {
      throw new MedzkError("REQUEST_NOT_ALLOWED", `the wallet's policy answers ${verifier.name} only with the issuer hidden, and this request reveals it`);
    }
    // The budget before anything the wallet holds: which credentials it has is itself private
    // (a schema can name a clinic), so a verifier past its budget learns not even that.
    s.guard.check(verifier.publicKey, statement, now, verifier.name);
    // The holder's own say, before the wallet evaluates anything. NOTE: a person who declines
    // knows the record; a decline can say what the person lets it say. It spends no budget.
    if (consent) {
      const question: ConsentQuestion = { verifier: { publicKey: verifier.publicKey, name: verifier.name }, statement: structuredClone(statement), disclosures: [...disclose], asOf: request.asOf };
      if (issuerSet !== undefined) question.issuerSetSize = issuerSet.size;
      if (request.purpose !== undefined) question.purpose = request.purpose;
      if (request.responseUrl !== undefined) question.responseUrl = request.responseUrl;
      if ((await consent(question)) !== true) throw new MedzkError("DECLINED_BY_HOLDER", `the holder declined ${verifier.name}'s request`);
    }
    // From here on the wallet's contents are looked at: remember the question first, durably.
    s.guard.record(verifier.publicKey, statement, now);
    await save(s);
    const candidates = s.credentials.filter((c) => c.schema.id === schemaId);
    if (candidates.length === 0) throw new MedzkError("NO_MATCHING_CREDENTIAL", `the wallet holds no ${schemaId} credential`);
    let refusal: unknown;
    for (const credential of candidates) {
      try {
        const presentation = await prove({
          credential,
          holder: s.holder,
          request,
          allowDisclosure: disclose,
          clock: () => now,
          ...(artifacts === undefined ? {} : { artifacts }),
          ...(keys === undefined ? {} : { keys }),
          ...(onProgress === undefined ? {} : { onProgress }),
          ...(revocation === undefined ? {} : { revocation: await revocation(credential) }),
          ...(issuerSet === undefined ? {} : { issuerSet: issuerSet.set }),
        });
        receipt.outcome = "shown";
        receipt.disclosures = disclose;
        receipt.nullifier = presentation.publicSignals[0]!;
        return presentation;
      } catch (error) {
        refusal = error;
        // Another credential of the schema may satisfy it (or come from an issuer in the
        // verifier's set); any other failure is final.
        if (!(error instanceof MedzkError && (error.code === "STATEMENT_NOT_SATISFIED" || error.code === "ISSUER_NOT_IN_SET"))) break;
      }
    }
    throw refusal;
  }

  return {
    respond: (raw) =>
      serial(async () => {
        const s = await loaded();
        const receipt: Receipt = { disclosures: [], at: clock().toISOString(), outcome: "refused" };
        let presentation: Presentation | undefined;
        let failure: unknown;
        try {
          presentation = await answer(raw, s, receipt);
        } catch (error) {
          failure = error;
          if (error instanceof MedzkError) receipt.code = error.code;
        }
        s.receipts.push(receipt);
        try {
          await save(s);
        } catch (error) {
          // Fail closed: an answer the holder's log does not show is not given (and the log says so).
          if (presentation !== undefined) {
            Object.assign(receipt, { outcome: "refused", disclosures: [], code: error instanceof MedzkError ? error.code : "WALLET_STORE_UNAVAILABLE" });
            delete receipt.nullifier;
          }
          throw error;
        }
        if (presentation === undefined) throw failure;
        return presentation;
      }),
    receipts: async () => structuredClone((await loaded()).receipts),
    credentials: async () => structuredClone((await loaded()).credentials),
    identity: async () => {
      const { holder } = await loaded();
      return { commitment: holder.commitment, encryptionKey: holderEncryptionKey(holder) };
    },
    addCredential: (credential) => serial(async () => void (await add(credential))),
    receive: (envelope) =>
      serial(async () => {
        const s = await loaded();
        return add(await openCredential(envelope, s.holder));
      }),
    exportReceipts: async () => ({
      format: "medzk-receipts/v1",
      exportedAt: clock().toISOString(),
      receipts: JSON.parse(JSON.stringify((await loaded()).receipts)) as Receipt[],
    }),
  };
}
