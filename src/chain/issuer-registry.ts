/**
 * ChainIssuerRegistry: the verifier's IssuerRegistry (src/verifier/issuer-registry.ts) read from a
 * MedzkRegistry contract: issuers (id = their account address), their packed keys with validity
 * days and status, their revocation roots and the trusted-set roots, each with the block time it
 * stopped being current.
 *
 * The whole registry is read at once and cached for `ttlMs` (default 30 s): a verifier sees a
 * change at most that late, the same bound a file registry's writer gets from its readers. A read
 * that fails (RPC unreachable, malformed answer) throws CHAIN_UNAVAILABLE and is not cached; the
 * verifier turns any registry failure into REGISTRY_UNAVAILABLE and refuses: it fails closed,
 * never falling back to a snapshot older than the TTL.
 */
import { MedzkError } from "../core/errors.js";
import { assertFieldElement } from "../core/validate.js";
import { packPoint } from "../core/public-key.js";
import type { IssuerKeyEntry, IssuerRecord, IssuerRegistry, KeyStatus, RevocationRoots } from "../verifier/issuer-registry.js";
import { type Address, type ChainReader, read, unavailable } from "./client.js";

/** How many replaced roots a lookup returns, newest first (MemoryIssuerRegistry keeps as many). */
const MAX_PREVIOUS_ROOTS = 32;
const STATUSES: Record<number, KeyStatus> = { 1: "active", 2: "retired", 3: "compromised" };
const OPEN_VALID_UNTIL = 99991231;

export interface ChainIssuerRegistryOptions extends ChainReader {
  /** How long a read of the chain is used before the next lookup reads again, in ms. Default 30,000. */
  ttlMs?: number;
  /** The clock the TTL is measured on. Default: Date.now. */
  now?: () => number;
}

interface Snapshot {
  readAt: number;
  issuers: IssuerRecord[];
  byKey: Map<string, { issuer: IssuerRecord; key: IssuerKeyEntry }>;
  roots: Map<string, RevocationRoots>;
}

interface RootEntry {
  root: bigint;
  publishedAt: bigint;
}

function day(n: number): string {
  const s = String(n).padStart(8, "0");
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}`;
}

function history([entries, replacedAt]: readonly [readonly RootEntry[], readonly bigint[]]): RevocationRoots | undefined {
  if (entries.length === 0) return undefined;
  const previous = [];
  for (let i = entries.length - 2; i >= 0 && previous.length < MAX_PREVIOUS_ROOTS; i--) {
    previous.push({ root: entries[i]!.root.toString(), replacedAt: new Date(Number(replacedAt[i]!) * 1000).toISOString() });
  }
  return { current: entries[entries.length - 1]!.root.toString(), previous };
}

export class ChainIssuerRegistry implements IssuerRegistry {
  readonly #reader: ChainReader;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #snapshot: Snapshot | undefined;
  #loading: Promise<Snapshot> | undefined;
  readonly #setRoots = new Map<string, { at: number; roots: RevocationRoots | undefined }>();

  constructor(options: ChainIssuerRegistryOptions) {
    if (typeof options?.client?.readContract !== "function") throw new MedzkError("INVALID_ARGUMENT", `"client" must be a viem public client`);
    if (typeof options.registry !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(options.registry)) {
      throw new MedzkError("INVALID_ARGUMENT", `"registry" must be a contract address (0x and 40 hex digits)`);
    }
    const ttl = options.ttlMs ?? 30_000;
    if (!Number.isFinite(ttl) || ttl < 0) throw new MedzkError("INVALID_ARGUMENT", `"ttlMs" must be a number >= 0`);
    this.#reader = { client: options.client, registry: options.registry };
    this.#ttlMs = ttl;
    this.#now = options.now ?? Date.now;
  }

  async lookupKey(publicKey: string): Promise<{ issuer: IssuerRecord; key: IssuerKeyEntry } | undefined> {
    return (await this.#current()).byKey.get(publicKey);
  }

  /** Every issuer of the registry (deep copies), e.g. for a verifier building its trusted sets. */
  async listIssuers(): Promise<IssuerRecord[]> {
    return (await this.#current()).issuers.map((record) => structuredClone(record));
  }

  async revocationRoots(issuerId: string): Promise<RevocationRoots | undefined> {
    return (await this.#current()).roots.get(issuerId);
  }

  /**
   * The trusted-issuer-set roots of one schema (its field id, decimal), current and replaced, as
   * revocation roots are given; read from the chain at most once per TTL. Throws CHAIN_UNAVAILABLE.
   * NOTE: `replacedAt` is when a root stopped being current, nothing more: the contract also
   * refuses a set root published before any key status change and ages one from the first
   * revocation root published after it (docs/ledger.md, "When issuer changes take effect"), so
   * this history alone does not say which roots `verifyPresentation` accepts now.
   */
  async issuerSetRoots(schemaId: string): Promise<RevocationRoots | undefined> {
    const id = assertFieldElement(schemaId, "schemaId");
    const cached = this.#setRoots.get(schemaId);
    if (cached && this.#now() - cached.at < this.#ttlMs) return cached.roots;
    const at = this.#now();
    const roots = history(await read<readonly [readonly RootEntry[], readonly bigint[]]>(this.#reader, "issuerSetRootHistory", [id]));
    this.#setRoots.set(schemaId, { at, roots });
    return roots;
  }

  /** Whether the last read held the key (synchronous: the chain is not read). */
  holdsKey(publicKey: string): boolean {
    return this.#snapshot?.byKey.has(publicKey) ?? false;
  }

  /** Reads the chain now (the next lookups use it for the TTL). Throws CHAIN_UNAVAILABLE. */
  async refresh(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    this.#snapshot = await this.#loading;
  }

  async #current(): Promise<Snapshot> {
    const s = this.#snapshot;
    if (s && this.#now() - s.readAt < this.#ttlMs) return s;
    await this.refresh();
    return this.#snapshot!;
  }

  async #load(): Promise<Snapshot> {
    const readAt = this.#now();
    try {
      const accounts = await read<readonly Address[]>(this.#reader, "issuerList");
      const byKey = new Map<string, { issuer: IssuerRecord; key: IssuerKeyEntry }>();
      const roots = new Map<string, RevocationRoots>();
      const issuers = await Promise.all(accounts.map(async (account) => {
        const id = account.toLowerCase();
        const [name, schemas, , keyIds] = await read<readonly [string, readonly string[], readonly bigint[], readonly `0x${string}`[]]>(this.#reader, "issuer", [account]);
        const keys = await Promise.all(keyIds.map((keyId) =>
          read<{ ax: bigint; ay: bigint; validFrom: number; validUntil: number; status: number }>(this.#reader, "issuerKey", [keyId])));
        const entries: IssuerKeyEntry[] = keys.map((k) => {
          const status = STATUSES[k.status];
          if (!status) throw new MedzkError("CHAIN_UNAVAILABLE", `the registry returned key status ${k.status}`);
          const entry: IssuerKeyEntry = { publicKey: packPoint({ x: k.ax, y: k.ay }), status };
          if (k.validFrom !== 0) entry.validFrom = day(k.validFrom);
          if (k.validUntil !== OPEN_VALID_UNTIL) entry.validUntil = day(k.validUntil);
          return Object.freeze(entry);
        });
        const record: IssuerRecord = { id, name, keys: entries };
        if (schemas.length > 0) record.schemas = [...schemas];
        Object.freeze(record);
        for (const key of entries) byKey.set(key.publicKey, Object.freeze({ issuer: record, key }));
        const h = history(await read<readonly [readonly RootEntry[], readonly bigint[]]>(this.#reader, "revocationRootHistory", [account]));
        if (h) roots.set(id, h);
        return record;
      }));
      return { readAt, issuers, byKey, roots };
    } catch (error) {
      throw unavailable(`reading the issuer registry ${this.#reader.registry}`, error);
    }
  }
}
