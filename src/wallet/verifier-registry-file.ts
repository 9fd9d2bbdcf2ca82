/**
 * A verifier registry in a JSON file (Node): `medzk-verifiers/v1`, see trust.ts. Re-read when
 * the file changes (size, modification time or inode), so a holder or an administrator can add or
 * suspend a verifier without restarting the wallet.
 *
 * Unlike the verifier's issuer registry, which keeps its last good content when an edit breaks
 * the file, this one fails closed: while the file is unreadable or malformed every lookup throws
 * and the wallet refuses every request with REGISTRY_UNAVAILABLE. A wallet that answers on a
 * stale list could keep answering a verifier its holder has just suspended.
 */
import { readFile, stat } from "node:fs/promises";
import { MedzkError } from "../core/errors.js";
import { assertString } from "../core/validate.js";
import { type TrustedVerifier, type VerifierDirectory, parseVerifierRegistry } from "./trust.js";

export class JsonFileVerifierRegistry implements VerifierDirectory {
  /** The registry file, as given to the constructor. */
  readonly path: string;
  #signature = "";
  #directory: Promise<VerifierDirectory> | undefined;

  constructor(path: string) {
    this.path = assertString(path, "path");
  }

  /** Throws MedzkError REGISTRY_UNAVAILABLE if the file cannot be read or is malformed now. */
  async lookup(publicKey: string): Promise<TrustedVerifier | undefined> {
    return (await this.#current()).lookup(publicKey);
  }

  async #current(): Promise<VerifierDirectory> {
    let signature: string;
    try {
      const s = await stat(this.path, { bigint: true });
      signature = `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (cause) {
      this.#directory = undefined;
      throw new MedzkError("REGISTRY_UNAVAILABLE", `cannot read the verifier registry ${this.path}`, { cause });
    }
    if (signature !== this.#signature || this.#directory === undefined) {
      this.#signature = signature;
      this.#directory = this.#read();
      // A failed read is not kept: the next lookup tries the file again.
      this.#directory.catch(() => {
        this.#directory = undefined;
      });
    }
    return this.#directory;
  }

  async #read(): Promise<VerifierDirectory> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.path, "utf8"));
    } catch (cause) {
      throw new MedzkError("REGISTRY_UNAVAILABLE", `the verifier registry ${this.path} cannot be read as JSON`, { cause });
    }
    try {
      return parseVerifierRegistry(json);
    } catch (cause) {
      throw new MedzkError("REGISTRY_UNAVAILABLE", `the verifier registry ${this.path} is malformed: ${(cause as Error).message}`, { cause });
    }
  }
}
