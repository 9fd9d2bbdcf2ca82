/**
 * ChainVerifierDirectory: a wallet's VerifierDirectory (src/wallet/trust.ts) read from the
 * MedzkRegistry: the verifiers a consortium admitted, with their names, purposes, origins and
 * status, looked up by Ed25519 request key. Entries are cached per key for `ttlMs` (default 30 s).
 * A failed read throws CHAIN_UNAVAILABLE; the wallet then refuses with REGISTRY_UNAVAILABLE.
 *
 * The returned objects have TrustedVerifier's shape (structurally: this module does not import
 * the wallet, so the verifier service may import medzk/chain without reaching the holder's room).
 */
import { MedzkError } from "../core/errors.js";
import { type ChainReader, read, unavailable } from "./client.js";

/** What a wallet trusts about a verifier: src/wallet/trust.ts TrustedVerifier. */
export interface ChainTrustedVerifier {
  publicKey: string;
  name: string;
  purposes?: string[];
  origins?: string[];
  status?: "active" | "suspended";
}

export interface ChainVerifierDirectoryOptions extends ChainReader {
  ttlMs?: number;
  now?: () => number;
}

export class ChainVerifierDirectory {
  readonly #reader: ChainReader;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; entry: ChainTrustedVerifier | undefined }>();

  constructor(options: ChainVerifierDirectoryOptions) {
    if (typeof options?.client?.readContract !== "function") throw new MedzkError("INVALID_ARGUMENT", `"client" must be a viem public client`);
    if (typeof options.registry !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(options.registry)) {
      throw new MedzkError("INVALID_ARGUMENT", `"registry" must be a contract address (0x and 40 hex digits)`);
    }
    this.#reader = { client: options.client, registry: options.registry };
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  async lookup(publicKey: string): Promise<ChainTrustedVerifier | undefined> {
    if (typeof publicKey !== "string" || !/^[0-9a-f]{64}$/.test(publicKey)) return undefined;
    const cached = this.#cache.get(publicKey);
    if (cached && this.#now() - cached.at < this.#ttlMs) return cached.entry;
    const at = this.#now();
    try {
      const v = await read<{ status: number; name: string; purposes: readonly string[]; origins: readonly string[] }>(this.#reader, "verifier", [`0x${publicKey}`]);
      let entry: ChainTrustedVerifier | undefined;
      if (v.status !== 0) {
        entry = { publicKey, name: v.name, purposes: [...v.purposes], status: v.status === 1 ? "active" : "suspended" };
        if (v.origins.length > 0) entry.origins = [...v.origins];
      }
      this.#cache.set(publicKey, { at, entry });
      return entry;
    } catch (error) {
      throw unavailable(`reading verifier ${publicKey} from the registry ${this.#reader.registry}`, error);
    }
  }
}
