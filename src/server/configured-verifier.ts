/**
 * Builds the library verifier a {@link ServiceConfig} describes, with the resources it holds (the
 * issuer registry file, the Redis connection). Shared by the HTTP service and the CLI, so a
 * request made by `medzk request` verifies in `medzk serve` and the other way round.
 *
 * ioredis is imported only when Redis is configured: it is an optional peer dependency, so the
 * library and single-instance services install without it.
 */
import type { CheckpointAnchor } from "../audit/anchor.js";
import { MedzkError } from "../core/errors.js";
import { assertClock } from "../core/validate.js";
import { loadViem } from "../chain/client.js";
import { ChainCheckpointAnchor } from "../chain/checkpoint-anchor.js";
import { ChainIssuerRegistry } from "../chain/issuer-registry.js";
import type { ChallengeStore } from "../verifier/challenge-store.js";
import { type IssuerRegistry, JsonFileIssuerRegistry } from "../verifier/issuer-registry.js";
import { RedisChallengeStore } from "../verifier/redis-challenge-store.js";
import { loadKeys } from "../artifacts/node-source.js";
import { type InternalErrorHook, createVerifier, type Verifier, type VerifierPolicy } from "../verifier/create-verifier.js";
import { type ServiceAudit, openAudit } from "./audit.js";
import type { ServiceConfig } from "./config.js";
import type { RedisTransactionClient } from "./openid4vp-redis-transactions.js";
import { type PresetIndex, presetIndex } from "./presets.js";

/** The subset of an ioredis client the service uses (with the OpenID4VP transactions' commands). */
export interface RedisConnection extends RedisTransactionClient {
  readonly status: string;
  set(key: string, value: string, px: "PX", ttlMs: number, nx: "NX"): Promise<string | null>;
  exists(key: string): Promise<number>;
  ping(): Promise<string>;
  info(section: "persistence"): Promise<string>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: "error" | "ready", listener: (arg?: unknown) => void): unknown;
  once(event: "ready", listener: () => void): unknown;
}

export interface ConfiguredVerifier {
  verifier: Verifier;
  /** The clock the verifier reads (the hooks' `clock`, else the system clock): also the audit entries' time. */
  clock: () => Date;
  /** The config's presets, by name and by statement. */
  presets: PresetIndex;
  registry?: JsonFileIssuerRegistry;
  /** The chain-backed issuer registry, when the config names a `chain`. */
  chainRegistry?: ChainIssuerRegistry;
  redis?: RedisConnection;
  /** The audit trail, when the config has `audit`. */
  audit?: ServiceAudit;
  /** Closes the Redis connection (pending commands finish first), anchors what is unanchored and closes the audit log. */
  close(): Promise<void>;
}

export interface VerifierHooks {
  /**
   * The clock for everything that reads the calendar time: the verifier (as-of dates, expiry,
   * root ages), the audit entries' and the anchor file's timestamps. Default: the system clock.
   * NOTE: cache lifetimes (the chain registry's) and lock staleness measure elapsed time and keep
   * the system clock, so a fixed test clock never freezes a cache.
   */
  clock?: () => Date;
  /** Called when the Redis connection fails and when it recovers (for logging). */
  onRedisState?: (state: "down" | "up", reason?: string) => void;
  /**
   * Called once the first connection is up if Redis keeps no append-only file (`aof_enabled:0`):
   * a restart then forgets every used challenge, and a presentation of a still-valid request is
   * accepted a second time (docs/operations.md, "Persistence").
   */
  onRedisNotPersistent?: () => void;
  /** The verifier's `onInternalError`: the cause of every INTERNAL_ERROR result (for logging). */
  onInternalError?: InternalErrorHook;
  /** Called when anchoring an audit checkpoint fails (the next append retries), for logging. */
  onAuditCheckpointError?: (error: unknown) => void;
  /** An anchor for the audit checkpoints instead of the config's `audit.anchor` (e.g. a ChainCheckpointAnchor). */
  auditAnchor?: CheckpointAnchor;
  /** The challenge store when the config has no `redis` (default: the verifier's in-memory one); `medzk verify` passes a file's. */
  challengeStore?: ChallengeStore;
  /**
   * Called when the challenge store (Redis) fails an operation; the verifier then refuses the
   * presentation with STORE_UNAVAILABLE, and this is the only place the cause is seen.
   */
  onChallengeStoreError?: (error: unknown) => void;
  /**
   * Called after every issuer registry lookup (file or chain) with its error, or undefined when
   * it succeeded; the verifier turns an error into REGISTRY_UNAVAILABLE and drops the cause.
   */
  onRegistryLookup?: (error: unknown) => void;
}

/**
 * Builds the verifier of a config. Throws MedzkError: REGISTRY_UNREADABLE / INVALID_REGISTRY for
 * the issuer registry file, MISSING_DEPENDENCY when Redis is configured without ioredis installed,
 * TRUST_CONFLICT for a key both in `trustedIssuers` and the registry file, and the policy's codes.
 */

export async function configuredVerifier(config: ServiceConfig, hooks: VerifierHooks = {}): Promise<ConfiguredVerifier> {
  // Checked first, like the keys: a bad clock fails before any connection is opened.
  const clock = assertClock(hooks.clock, "clock");
  // Production keys first: a bad manifest fails before any connection is opened.
  const keys = config.keys === undefined ? undefined : await loadKeys(config.keys, config.ceremonies === undefined ? {} : { transcript: config.ceremonies });
  const registry = config.issuersFile === undefined ? undefined : new JsonFileIssuerRegistry(config.issuersFile);
  const chainRegistry = config.chain === undefined ? undefined : await chainIssuerRegistry(config.chain);
  const redis = config.redis === undefined ? undefined : await connectRedis(config.redis.url, hooks);
  let audit: ServiceAudit | undefined;
  try {
    const anchor = hooks.auditAnchor ?? (config.audit?.anchor !== undefined && "chain" in config.audit.anchor ? await chainCheckpointAnchor(config.chain!, config.audit.anchor.chain.privateKey) : undefined);
    audit = config.audit === undefined ? undefined : await openAudit(config.audit, config.signingKey.publicKey, anchor, hooks.onAuditCheckpointError ?? (() => undefined), clock);
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
  const policy: VerifierPolicy = {
    key: config.signingKey,
    trustedIssuers: config.trustedIssuers,
    requestTtlSeconds: config.requestTtlSeconds,
    maxRootAgeSeconds: config.maxRootAgeSeconds,
    clock,
  };
  if (config.microBatch) {
    policy.microBatch = { windowMs: config.microBatch.windowMs, maxBatch: config.microBatch.maxBatch };
    // A batch of 8 or more spreads its per-proof curve work over worker threads, one per core
    // (the verifier's `parallel`); the event loop meanwhile keeps parsing and refusing calls.
    if (config.microBatch.workers) policy.parallel = true;
  }
  const issuers: IssuerRegistry | undefined = registry ?? chainRegistry;
  if (issuers) policy.issuers = hooks.onRegistryLookup ? reportingRegistry(issuers, hooks.onRegistryLookup) : issuers;
  if (config.schemas) policy.schemas = config.schemas;
  if (config.name !== undefined) policy.name = config.name;
  if (config.purpose !== undefined) policy.purpose = config.purpose;
  if (config.responseUrl !== undefined) policy.responseUrl = config.responseUrl;
  // A file store (medzk verify) fails as Redis can, so its failures are reported the same way.
  const store = redis ? new RedisChallengeStore(redis, { prefix: config.redis!.keyPrefix }) : hooks.challengeStore;
  if (store) policy.challengeStore = hooks.onChallengeStoreError ? reportingStore(store, hooks.onChallengeStoreError) : store;
  if (hooks.onInternalError) policy.onInternalError = hooks.onInternalError;
  if (keys) policy.keys = keys;
  let verifier: Verifier;
  try {
    verifier = createVerifier(policy);
  } catch (error) {
    redis?.disconnect();
    await audit?.log.close();
    throw error;
  }
  return {
    verifier,
    clock,
    presets: presetIndex(config.presets),
    ...(registry ? { registry } : {}),
    ...(chainRegistry ? { chainRegistry } : {}),
    ...(redis ? { redis } : {}),
    ...(audit ? { audit } : {}),
    async close() {
      if (audit) {
        // Anchor what is unanchored, so a stopped service leaves no entry protected by the chain alone.
        audit.checkpointer?.stop();
        await audit.checkpointer?.flush();
        await audit.log.close();
      }
      if (!redis) return;
      // quit() lets queued commands finish; on a connection that is down it would wait for a
      // reconnect that may never come, so drop it instead.
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** The store, calling `onError` with the cause of each failed operation (then rejecting as before). */
function reportingStore(store: ChallengeStore, onError: (error: unknown) => void): ChallengeStore {
  const report = (error: unknown): never => {
    onError(error);
    throw error;
  };
  const reporting: ChallengeStore = { consume: (challenge, expiresAtMs, nowMs) => store.consume(challenge, expiresAtMs, nowMs).catch(report) };
  // Optional stays optional: without it the verifier skips the early read.
  if (store.isUsed) reporting.isUsed = (challenge) => store.isUsed!(challenge).catch(report);
  return reporting;
}

/** The registry, reporting the outcome of each lookup; its answers and rejections pass through unchanged. */
function reportingRegistry(registry: IssuerRegistry, report: (error: unknown) => void): IssuerRegistry {
  const observe = async <T>(call: () => T | Promise<T>): Promise<T> => {
    try {
      const value = await call();
      report(undefined);
      return value;
    } catch (error) {
      report(error);
      throw error;
    }
  };
  const wrapped: IssuerRegistry = {
    lookupKey: (publicKey) => observe(() => registry.lookupKey(publicKey)),
    revocationRoots: (issuerId) => observe(() => registry.revocationRoots(issuerId)),
  };
  // Optional methods stay optional: the verifier changes behaviour on their presence.
  if (registry.holdsKey) wrapped.holdsKey = (publicKey) => registry.holdsKey!(publicKey);
  if (registry.listIssuers) wrapped.listIssuers = () => observe(() => registry.listIssuers!());
  return wrapped;
}

/**
 * The issuer registry of a MedzkRegistry contract over JSON-RPC (viem's HTTP transport; viem is an
 * optional peer dependency, MISSING_DEPENDENCY without it). Nothing is read yet: the first lookup
 * reads the chain, and an unreachable RPC then refuses presentations (REGISTRY_UNAVAILABLE).
 */
async function chainIssuerRegistry(chain: NonNullable<ServiceConfig["chain"]>): Promise<ChainIssuerRegistry> {
  const viem = await loadViem();
  const client = viem.createPublicClient({ transport: viem.http(chain.rpcUrl, { timeout: 5000, retryCount: 1 }) });
  return new ChainIssuerRegistry({ client, registry: chain.registry, ttlMs: chain.cacheSeconds * 1000 });
}

/**
 * The audit anchor in the MedzkRegistry of `chain`: checkpoints sent from the verifier's EVM
 * account (the one the registry admitted for its request key; only it may anchor its log).
 */
export async function chainCheckpointAnchor(chain: NonNullable<ServiceConfig["chain"]>, privateKey: `0x${string}`): Promise<ChainCheckpointAnchor> {
  const viem = await loadViem();
  const { privateKeyToAccount } = await import("viem/accounts");
  const transport = viem.http(chain.rpcUrl, { timeout: 5000, retryCount: 1 });
  const client = viem.createPublicClient({ transport });
  const wallet = viem.createWalletClient({ account: privateKeyToAccount(privateKey), transport });
  return new ChainCheckpointAnchor({ client, wallet, registry: chain.registry });
}

async function connectRedis(url: string, hooks: VerifierHooks): Promise<RedisConnection> {
  let Redis: new (url: string, options: object) => RedisConnection;
  try {
    ({ Redis } = (await import("ioredis")) as unknown as { Redis: typeof Redis });
  } catch (cause) {
    throw new MedzkError("MISSING_DEPENDENCY", `"redis" is configured but the ioredis package is not installed: run npm install ioredis`, { cause });
  }
  const client = new Redis(url, {
    // Fail fast while disconnected: a command queued until Redis returns would hold an HTTP
    // request open; refusing at once (STORE_UNAVAILABLE) is the fail-closed answer.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // Reconnect forever, at most every 2 s: /readyz reports the outage meanwhile.
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
    // The commands of one event-loop turn (the EXISTS of every replay and the SET NX of every
    // acceptance that arrived together) go out as one pipeline, in one socket write: profiled
    // under 64 concurrent replays, a write per command was the largest single cost of a refusal
    // (docs/operations.md, "What a call costs"). Semantics are unchanged: each command is still
    // its own atomic Redis command with its own reply (a pipeline is not a transaction), and a
    // connection that fails rejects every queued command, so the verifier still fails closed.
    enableAutoPipelining: true,
  });
  let down = false;
  // Without an error listener ioredis reports every failed reconnect as an unhandled error event.
  client.on("error", (error) => {
    if (down) return;
    down = true;
    hooks.onRedisState?.("down", (error as Error)?.message ?? String(error));
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    hooks.onRedisState?.("up");
  });
  // Give the first connection a moment, so that a service's first requests (and a CLI run)
  // find it ready; if Redis is down the service starts anyway and /readyz says why.
  if (client.status !== "ready") {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
      client.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (client.status === "ready" && hooks.onRedisNotPersistent) {
    // INFO rather than CONFIG GET: managed Redis services often disable CONFIG. A Redis that
    // does not answer is not warned about: it is down, and that is reported already.
    const info = await client.info("persistence").catch(() => undefined);
    if (info !== undefined && /^aof_enabled:0\r?$/m.test(info)) hooks.onRedisNotPersistent();
  }
  return client;
}

const FIRST_CONNECT_WAIT_MS = 2000;
