/**
 * A wallet store in the browser's IndexedDB: the wallet's one document (receipts and the probing
 * guard's memory) under one key of one object store, so a page reload or a browser restart keeps
 * every verifier's budget and the holder's log.
 *
 * The document is kept as JSON text, not as a structured clone, so what comes back is parsed as
 * strictly as from a file (parseWalletState) and the three stores hold the same bytes. Writes use
 * a "strict" durability transaction where the browser offers it: the guard's memory must be on
 * disk before the wallet evaluates a request (see wallet.ts), not merely queued.
 *
 * NOTE: IndexedDB is readable by any script of the page's origin. The page must not load scripts
 * it does not control (docs/browser.md's Content-Security-Policy).
 */
import { MedzkError } from "../core/errors.js";
import { assertString } from "../core/validate.js";
import { type WalletState, type WalletStore, parseWalletState } from "./store.js";

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
  #db: Promise<IDBDatabase> | undefined;

  /**
   * @param database The database name (one per wallet; default "medzk-wallet").
   * @param options.indexedDB The IndexedDB factory; default the page's (or worker's) `indexedDB`.
   */
  constructor(database = "medzk-wallet", options: { indexedDB?: IDBFactory } = {}) {
    this.database = assertString(database, "database", { max: 256 });
    this.#factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }

  async load(): Promise<WalletState | undefined> {
    const text = await this.#run("readonly", (store) => store.get(KEY) as IDBRequest<unknown>, "read");
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // Not the parser's message: it would quote the holder's history.
    if (json === undefined) throw new MedzkError("WALLET_STORE_INVALID", `the wallet store (IndexedDB "${this.database}") does not hold a JSON document`);
    return parseWalletState(json);
  }

  async save(state: WalletState): Promise<void> {
    await this.#run("readwrite", (store) => store.put(JSON.stringify(state), KEY), "write");
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
