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
 * NOTE: IndexedDB is readable by any script of the page's origin, and the passphrase is typed
 * into the page: the page must not load scripts it does not control (docs/browser.md's
 * Content-Security-Policy). Encryption protects the data at rest (a stolen disk or profile).
 */
import { MedzkError } from "../core/errors.js";
import { assertString } from "../core/validate.js";
import { DocumentCodec, type StoreProtection, type WalletState, type WalletStore } from "./store.js";

const OBJECT_STORE = "wallet";
const KEY = "state";

/** IndexedDB's request callbacks as a promise. */
function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });
}

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
    const text = await this.#run("readonly", (store) => store.get(KEY) as IDBRequest<unknown>, "read");
    if (text === undefined) return undefined;
    if (typeof text !== "string") throw new MedzkError("WALLET_STORE_INVALID", `the wallet store (IndexedDB "${this.database}") does not hold a text document`);
    return this.#codec.decode(text, `(IndexedDB "${this.database}")`);
  }

  async save(state: WalletState): Promise<void> {
    const text = await this.#codec.encode(state);
    await this.#run("readwrite", (store) => store.put(text, KEY), "write");
  }

  /** One request in one transaction; resolves when the transaction has committed. */
  async #run<T>(mode: IDBTransactionMode, request: (store: IDBObjectStore) => IDBRequest<T>, what: string): Promise<T> {
    try {
      const db = await this.#open();
      // `durability` is an IndexedDB 3.0 option; browsers without it ignore the dictionary member.
      const tx = db.transaction(OBJECT_STORE, mode, { durability: "strict" });
      const result = settled(request(tx.objectStore(OBJECT_STORE)));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
      });
      return await result;
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
