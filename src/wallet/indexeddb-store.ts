/**
 * A wallet store in the browser's IndexedDB: the wallet's one document (holder, credentials,
 * receipts and the probing guard's memory) under one key of one object store, so a page reload
 * or a browser restart keeps every verifier's budget and the holder's log.
 *
 * The document is kept as text, encrypted under a passphrase (vault.ts) unless the caller
 * explicitly asks for `{ unencrypted: true }`, not as a structured clone, so what comes back is
 * parsed as strictly as from a file and the stores hold the same bytes. Writes use a "strict"
 * durability transaction where the browser offers it: the guard's memory must be on disk before
 * the wallet evaluates a request (see wallet.ts), not merely queued.
 *
 * Two tabs of one origin share the database. `update` is a compare-and-swap on a revision
 * counter kept beside the document (key "revision"): it reads the document and its revision,
 * applies the change (decrypting and encrypting are asynchronous, which would end an IndexedDB
 * transaction, so they happen between transactions), then writes in ONE readwrite transaction that
 * first re-reads the revision and writes only if it is unchanged, bumping it. A tab that lost the
 * race starts again from the other tab's document. IndexedDB runs readwrite transactions on one
 * object store one at a time, so the re-read and the write cannot interleave with another tab's.
 *
 * NOTE: IndexedDB is readable by any script of the page's origin, and the passphrase is typed
 * into the page: the page must not load scripts it does not control (docs/browser.md's
 * Content-Security-Policy). Encryption protects the data at rest (a stolen disk or profile).
 */
import { MedzkError } from "../core/errors.js";
import { assertString } from "../core/validate.js";
import { DocumentCodec, type StoreProtection, type WalletState, type WalletStateChange, type WalletStore } from "./store.js";

const OBJECT_STORE = "wallet";
const KEY = "state";
const REVISION = "revision";
/** Conflicts in a row before giving up: each is another tab's completed write, so this bounds a livelock, not a race. */
const MAX_ATTEMPTS = 50;

/** The stored revision: absent (a store written before revisions, or never) counts as 0; anything but a count is undefined (malformed). */
const revisionOf = (value: unknown): number | undefined =>
  value === undefined ? 0 : typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

export class IndexedDbWalletStore implements WalletStore {
  /** The IndexedDB database name. */
  readonly database: string;
  readonly #factory: IDBFactory | undefined;
  readonly #codec: DocumentCodec;
  #db: Promise<IDBDatabase> | undefined;

  /**
   * @param database The database name (one per wallet, e.g. "medzk-wallet").
   * @param protection `{ passphrase }` to encrypt at rest (scrypt + XChaCha20-Poly1305), or
   *   `{ unencrypted: true }`; `indexedDB` overrides the page's (or worker's) factory.
   */
  constructor(database: string, protection: StoreProtection & { indexedDB?: IDBFactory }) {
    this.database = assertString(database, "database", { max: 256 });
    const { indexedDB, ...rest } = (protection ?? {}) as StoreProtection & { indexedDB?: IDBFactory };
    this.#codec = new DocumentCodec(rest, "protection");
    this.#factory = indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }

  async load(): Promise<WalletState | undefined> {
    return (await this.#read()).state;
  }

  /** Replaces the document (a new or imported wallet), bumping the revision; wallets change it with {@link update}. */
  async save(state: WalletState): Promise<void> {
    await this.update(() => state);
  }

  /** Compare-and-swap on the revision, retried from the other writer's document on a conflict. */
  async update(change: WalletStateChange): Promise<WalletState> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, revision } = await this.#read();
      const next = await change(state);
      const text = await this.#codec.encode(next);
      const written = await this.#run("readwrite", "write", (store, done) => {
        const current = store.get(REVISION);
        current.onsuccess = () => {
          if (revisionOf(current.result) !== revision) return done(false); // another tab wrote meanwhile
          store.put(text, KEY);
          store.put(revision + 1, REVISION);
          done(true);
        };
      });
      if (written) return next;
    }
    throw new MedzkError("WALLET_STORE_UNAVAILABLE", `the wallet store (IndexedDB "${this.database}") kept changing under this tab; try again`);
  }

  /** The document and its revision, read in one transaction. */
  async #read(): Promise<{ state: WalletState | undefined; revision: number }> {
    const [text, revision] = await this.#run<[unknown, number | undefined]>("readonly", "read", (store, done) => {
      const doc = store.get(KEY);
      const rev = store.get(REVISION);
      rev.onsuccess = () => done([doc.result, revisionOf(rev.result)]);
    });
    if (revision === undefined) throw new MedzkError("WALLET_STORE_INVALID", `the wallet store (IndexedDB "${this.database}") holds a malformed revision`);
    if (text === undefined) return { state: undefined, revision };
    if (typeof text !== "string") throw new MedzkError("WALLET_STORE_INVALID", `the wallet store (IndexedDB "${this.database}") does not hold a text document`);
    return { state: await this.#codec.decode(text, `(IndexedDB "${this.database}")`), revision };
  }

  /**
   * Runs `body` in one transaction; resolves with what it passed to `done` once the transaction
   * has committed (a write is on disk, not merely queued), rejects if it aborted.
   */
  async #run<T>(mode: IDBTransactionMode, what: string, body: (store: IDBObjectStore, done: (value: T) => void) => void): Promise<T> {
    try {
      const db = await this.#open();
      // `durability` is an IndexedDB 3.0 option; browsers without it ignore the dictionary member.
      const tx = db.transaction(OBJECT_STORE, mode, { durability: "strict" });
      let result: { value: T } | undefined;
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
        body(tx.objectStore(OBJECT_STORE), (value) => (result = { value }));
      });
      if (!result) throw new Error("IndexedDB transaction completed without a result");
      return result.value;
    } catch (cause) {
      if (cause instanceof MedzkError) throw cause;
      throw new MedzkError("WALLET_STORE_UNAVAILABLE", `cannot ${what} the wallet store (IndexedDB "${this.database}")`, { cause });
    }
  }

  #open(): Promise<IDBDatabase> {
    const factory = this.#factory;
    if (!factory) return Promise.reject(new MedzkError("WALLET_STORE_UNAVAILABLE", "IndexedDB is not available here"));
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const open = factory.open(this.database, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(OBJECT_STORE);
      open.onsuccess = () => {
        // Another tab upgrading the database: close ours rather than block it.
        open.result.onversionchange = () => open.result.close();
        resolve(open.result);
      };
      open.onerror = () => reject(open.error ?? new Error("cannot open IndexedDB"));
      open.onblocked = () => reject(new Error("IndexedDB open is blocked by another tab"));
    }).catch((error: unknown) => {
      this.#db = undefined; // try again next time
      throw error;
    });
    return this.#db;
  }
}
