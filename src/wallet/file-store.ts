/**
 * A wallet store in one file (Node). The file holds the holder secret, health records and their
 * history (who asked what about the holder), so it is encrypted under a passphrase (vault.ts)
 * unless the caller explicitly asks for `{ unencrypted: true }`, written with mode 0600, and
 * atomically: a new temporary file in the same directory, flushed, then renamed over the old one,
 * so a crash leaves either the old or the new state, never half of one (a torn file would reset
 * the probing guard).
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { MedzkError } from "../core/errors.js";
import { DocumentCodec, type StoreProtection, type WalletState, type WalletStore } from "./store.js";

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

  async save(state: WalletState): Promise<void> {
    const temp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      const file = await open(temp, "wx", 0o600);
      try {
        await file.writeFile(await this.#codec.encode(state), "utf8");
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
    } catch (cause) {
      await unlink(temp).catch(() => undefined);
      throw new MedzkError("WALLET_STORE_UNAVAILABLE", `cannot write the wallet store ${this.path}`, { cause });
    }
  }
}
