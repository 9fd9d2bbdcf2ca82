/**
 * Where a wallet keeps what must survive a restart: the holder, its credentials, its receipts and
 * the probing guard's memory. Losing the guard's memory would reset every verifier's budget, so a
 * wallet reads its store before answering anything and writes it before returning each answer (or
 * refusal).
 *
 * A store keeps one document, {@link WalletState}, read and written whole: no store needs to
 * understand it beyond keeping text. Several wallets may share one store (two tabs on one
 * IndexedDB database, two processes on one file), so the wallet changes it only through
 * {@link WalletStore.update}, a read-modify-write that loses no update: the file store runs it
 * under a lock file and re-reads the file inside it, IndexedDB compares a revision counter in the
 * transaction that writes (compare-and-swap, retried on a conflict), memory chains the calls.
 * A wallet that loaded, decided and then wrote back what it loaded would let two instances spend
 * one verifier's budget twice and drop each other's receipts. `parseWalletState` checks what comes back,
 * strictly, and refuses an unknown format rather than starting from an empty guard. Persistent
 * stores (file, IndexedDB) keep the text through a {@link DocumentCodec}: encrypted under a
 * passphrase (vault.ts) unless the caller explicitly asks for plain JSON.
 */
import type { Credential } from "../core/credential.js";
import { MedzkError } from "../core/errors.js";
import { assertArray, assertHex, assertInstant, assertObject, assertString, isPlainObject } from "../core/validate.js";
import { type Holder, holderCommitment, parseHolder } from "../prover/holder.js";
import type { GuardEntry } from "./guard.js";
import { type Receipt, parseReceipt } from "./receipts.js";
import { VaultKey, parseVault } from "./vault.js";

export const WALLET_STATE_FORMAT = "medzk-wallet/v1";

/** What a wallet store holds: JSON-safe. */
export interface WalletState {
  /** Always "medzk-wallet/v1". */
  format: typeof WALLET_STATE_FORMAT;
  /** The holder (secret and commitment), once the wallet has one. */
  holder?: Holder;
  /** The holder's credentials (checked, signature included, when the wallet loads them). */
  credentials?: Credential[];
  /** Every receipt, oldest first. */
  receipts: Receipt[];
  /** The probing guard's remembered questions. */
  guard: GuardEntry[];
}

/** How a wallet changes its store: from the document as it is now (undefined if never written) to the next one. */
export type WalletStateChange = (current: WalletState | undefined) => WalletState | Promise<WalletState>;

/**
 * A wallet's persistence. `load` gives undefined for a store never written. `update` applies
 * `change` to the document as it is at that moment and writes the result, so that no concurrent
 * update (another wallet instance, tab or process on the same store) is lost; `change` may be
 * called more than once (after a conflict) and must depend only on its argument. If `change`
 * throws, nothing is written and `update` rejects with that error.
 */
export interface WalletStore {
  load(): Promise<WalletState | undefined>;
  update(change: WalletStateChange): Promise<WalletState>;
}

/** Parses a stored state strictly; throws WALLET_STORE_INVALID naming what is wrong. */
export function parseWalletState(value: unknown): WalletState {
  const code = "WALLET_STORE_INVALID" as const;
  const s = assertObject(value, "wallet state", { required: ["format", "receipts", "guard"], optional: ["holder", "credentials"] }, code);
  if (s.format !== WALLET_STATE_FORMAT) {
    throw new MedzkError(code, `the wallet store has format ${JSON.stringify(s.format)}; this version reads only "${WALLET_STATE_FORMAT}"`);
  }
  const receipts = assertArray(s.receipts, "receipts", undefined, code).map((r, i) => parseReceipt(r, `receipts[${i}]`));
  const guard = assertArray(s.guard, "guard", undefined, code).map((g, i): GuardEntry => {
    const e = assertObject(g, `guard[${i}]`, { required: ["verifier", "attribute", "question", "at"] }, code);
    return {
      verifier: assertHex(e.verifier, `guard[${i}].verifier`, 32, code),
      attribute: assertString(e.attribute, `guard[${i}].attribute`, { max: 512 }, code),
      question: assertString(e.question, `guard[${i}].question`, { max: 65_536 }, code),
      at: new Date(assertInstant(e.at, `guard[${i}].at`, code)).toISOString(),
    };
  });
  const state: WalletState = { format: WALLET_STATE_FORMAT, receipts, guard };
  if (s.holder !== undefined) {
    let secret: bigint;
    try {
      secret = parseHolder(s.holder);
    } catch {
      throw new MedzkError(code, `the wallet store's "holder" is malformed`);
    }
    state.holder = { secret: secret.toString(), commitment: holderCommitment(secret).toString() };
  }
  if (s.credentials !== undefined) {
    // Their content (shape, signature) is checked by checkCredential when the wallet loads them.
    state.credentials = assertArray(s.credentials, "credentials", 10_000, code).map((c, i) => {
      if (!isPlainObject(c)) throw new MedzkError(code, `"credentials[${i}]" must be a JSON object`);
      return c as unknown as Credential;
    });
  }
  return state;
}

/** How a persistent store protects the document: a passphrase (and optionally the scrypt cost), or explicitly none. */
export type StoreProtection =
  | {
      /** The passphrase the store's key is derived from (8 to 1,024 characters). */
      passphrase: string;
      /** scrypt cost as log2(N), 14 to 20; default 17 (128 MiB). Only used when the store is created. */
      kdfCost?: number;
    }
  | {
      /** Plain JSON: for tests, or a store already inside an encrypted volume the caller controls. */
      unencrypted: true;
    };

/** The text a persistent store keeps for a {@link WalletState}, and back. */
export class DocumentCodec {
  readonly #key: VaultKey | undefined;

  constructor(protection: unknown, name = "options") {
    const p = assertObject(protection, name, { required: [], optional: ["passphrase", "kdfCost", "unencrypted"] });
    if (p.unencrypted === true && p.passphrase === undefined && p.kdfCost === undefined) {
      this.#key = undefined;
    } else if (p.unencrypted === undefined && p.passphrase !== undefined) {
      this.#key = new VaultKey(p.passphrase as string, p.kdfCost as number | undefined);
    } else {
      throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be { passphrase } (encrypted at rest) or { unencrypted: true }`);
    }
  }

  /** Whether the text is encrypted. */
  get encrypted(): boolean {
    return this.#key !== undefined;
  }

  async encode(state: WalletState): Promise<string> {
    const json = JSON.stringify(state);
    return this.#key ? JSON.stringify(await this.#key.seal(json)) : json;
  }

  /** Parses stored text; never quotes it (it is the holder's history, or ciphertext). */
  async decode(text: string, where: string): Promise<WalletState> {
    const json = (raw: string, what: string): unknown => {
      try {
        return JSON.parse(raw);
      } catch {
        throw new MedzkError("WALLET_STORE_INVALID", `${what} is not valid JSON`);
      }
    };
    const outer = json(text, `the wallet store ${where}`);
    const sealed = isPlainObject(outer) && typeof outer["format"] === "string" && outer["format"].startsWith("medzk-wallet-vault/");
    if (sealed !== (this.#key !== undefined)) {
      throw new MedzkError(
        "WALLET_STORE_INVALID",
        sealed ? `the wallet store ${where} is encrypted: open it with its passphrase` : `the wallet store ${where} is not encrypted, and a passphrase was given: refusing to mix the two`,
      );
    }
    if (!this.#key) return parseWalletState(outer);
    return parseWalletState(json(await this.#key.open(parseVault(outer)), `the decrypted wallet store ${where}`));
  }
}

/** A store in memory (tests, or a wallet that need not survive its process). Keeps a copy, not the caller's object. */
export class MemoryWalletStore implements WalletStore {
  private json: string | undefined;
  // Updates run one after another: a change awaited by one must not see a document another is replacing.
  private queue: Promise<unknown> = Promise.resolve();

  async load(): Promise<WalletState | undefined> {
    return this.json === undefined ? undefined : parseWalletState(JSON.parse(this.json));
  }

  /** Replaces the document (a new or imported wallet); wallets change it with {@link update}. */
  async save(state: WalletState): Promise<void> {
    this.json = JSON.stringify(state);
  }

  update(change: WalletStateChange): Promise<WalletState> {
    const run = async () => {
      const next = await change(await this.load());
      await this.save(next);
      return next;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
