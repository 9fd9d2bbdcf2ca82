/**
 * A wallet store in one file (Node). The file holds the holder secret, health records and their
 * history (who asked what about the holder), so it is encrypted under a passphrase (vault.ts)
 * unless the caller explicitly asks for `{ unencrypted: true }`, written with mode 0600, and
 * atomically (src/audit/atomic-file.ts): a new temporary file in the same directory, flushed, then renamed over the old one,
 * so a crash leaves either the old or the new state, never half of one (a torn file would reset
 * the probing guard).
 *
 * Several wallets (processes, or instances in one process) may open the same file: `update`
 * holds the lock file `<path>.lock` (src/audit/file-lock.ts) while it re-reads the file, applies
 * the change and replaces the file, so no instance writes back a document another has changed
 * meanwhile. NOTE: the lock is advisory and local to one host (see file-lock.ts): the file must
 * not be shared over a network file system by several hosts.
 */
import { readFile } from "node:fs/promises";
import { replaceFile } from "../audit/atomic-file.js";
import { withFileLock } from "../audit/file-lock.js";
import { MedzkError } from "../core/errors.js";
import { DocumentCodec, type StoreProtection, type WalletState, type WalletStateChange, type WalletStore } from "./store.js";

export class FileWalletStore implements WalletStore {
  readonly #codec: DocumentCodec;

  /**
   * @param path The file (created on the first write).
   * @param protection `{ passphrase }` to encrypt at rest (scrypt + XChaCha20-Poly1305), or `{ unencrypted: true }`.
   */
  constructor(private readonly path: string, protection: StoreProtection) {
    if (typeof path !== "string" || path.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"path" must be a non-empty file path`);
    this.#codec = new DocumentCodec(protection, "protection");
  }

  async load(): Promise<WalletState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new MedzkError("WALLET_STORE_UNAVAILABLE", `cannot read the wallet store ${this.path}`, { cause });
    }
    return this.#codec.decode(text, this.path);
  }

  /** Replaces the document, under the lock (a new or imported wallet); wallets change it with {@link update}. */
  async save(state: WalletState): Promise<void> {
    await this.update(() => state);
  }

  /** Read, change and replace under `<path>.lock`: concurrent updates from any process on this host are applied one after another. */
  update(change: WalletStateChange): Promise<WalletState> {
    return withFileLock(
      `${this.path}.lock`,
      async () => {
        const next = await change(await this.load());
        await this.#write(next);
        return next;
      },
      { code: "WALLET_STORE_UNAVAILABLE" },
    );
  }

  async #write(state: WalletState): Promise<void> {
    try {
      // Atomic (temp file, fsync, rename): a crash leaves the previous state, never half of one.
      await replaceFile(this.path, await this.#codec.encode(state), 0o600);
    } catch (cause) {
      throw new MedzkError("WALLET_STORE_UNAVAILABLE", `cannot write the wallet store ${this.path}`, { cause });
    }
  }
}
