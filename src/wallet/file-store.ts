/**
 * A wallet store in one JSON file (Node). The file holds health-related history (who asked what
 * about the holder), so it is written with mode 0600, and atomically: a new temporary file in the
 * same directory, flushed, then renamed over the old one, so a crash leaves either the old or the
 * new state, never half of one (a torn file would reset the probing guard).
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { MedzkError } from "../core/errors.js";
import { type WalletState, type WalletStore, parseWalletState } from "./store.js";

export class FileWalletStore implements WalletStore {
  constructor(private readonly path: string) {
    if (typeof path !== "string" || path.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"path" must be a non-empty file path`);
  }

  async load(): Promise<WalletState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new MedzkError("WALLET_STORE_UNAVAILABLE", `cannot read the wallet store ${this.path}`, { cause });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the file's text, which is the holder's history.
      throw new MedzkError("WALLET_STORE_INVALID", `the wallet store ${this.path} is not valid JSON`);
    }
    return parseWalletState(json);
  }

  async save(state: WalletState): Promise<void> {
    const temp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      const file = await open(temp, "wx", 0o600);
      try {
        await file.writeFile(JSON.stringify(state), "utf8");
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
