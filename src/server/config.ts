/**
 * Verifier service configuration: the `verifier.json` an operator writes, parsed into a resolved
 * {@link ServiceConfig}. Parsing is strict (unknown properties are refused, since a misspelt
 * `maxRootAgeSeconds` would otherwise silently keep the default) and every error names the field
 * and says what to write instead.
 *
 * Secrets are referenced, not written: `signingKey` (the verifier's Ed25519 private key) is
 * `{ "env": "VAR" }` or `{ "file": "path" }`. `{ "hex": "…" }` exists for tests and throwaway
 * setups only: a config file gets copied into repositories, tickets and container images, and a
 * signing key found there lets anyone sign requests in this verifier's name and collect its
 * nullifiers.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DEFAULT_MAX_ROOT_AGE_SECONDS, DEFAULT_REQUEST_TTL_SECONDS, MAX_REQUEST_TTL_SECONDS } from "../core/defaults.js";
import { MedzkError } from "../core/errors.js";
import { tryUnpackPublicKey } from "../core/public-key.js";
import { checkPurpose, checkResponseUrl, verifierScope } from "../core/request.js";
import { defineSchema, type SchemaDefinition } from "../core/schemas.js";
import { assertArray, assertInteger, assertObject, assertString } from "../core/validate.js";
import type { Statement } from "../statements/registry.js";
import { JsonFileIssuerRegistry } from "../verifier/issuer-registry.js";
import { type VerifierKey, parseVerifierKey, verifierKeyFromPrivate } from "../verifier/verifier-key.js";
import { type LogLevel, LOG_LEVELS, isLogLevel } from "./logger.js";
import { parsePresets } from "./presets.js";

/** A resolved configuration: paths absolute, the signing key read. JSON-safe (and secret: never log it). */
export interface ServiceConfig {
  /** Where to listen: the file's `listen`, overridden by MEDZK_HOST / MEDZK_PORT, overridden by `overrides` (`medzk serve --host/--port`). */
  listen: { host: string; port: number };
  /** The lowest level logged (`"logLevel"`, MEDZK_LOG_LEVEL, `--log-level`). Default "info". */
  logLevel?: LogLevel;
  /**
   * Prometheus metrics (`"metrics"`): served at `path` on the service's own listener, or on a
   * listener of their own (`listen`, e.g. an address only the scraper reaches); `false` for none.
   * Default `{ path: "/metrics" }`.
   */
  metrics?: MetricsConfig | false;
  /**
   * The verifier's signing key pair, read from `signingKey`. Every instance of one service shares
   * it: requests are signed with it, and each instance accepts only requests it signs.
   */
  signingKey: VerifierKey;
  /** Display name for logs (`"name"`). */
  name?: string;
  /** Purpose label signed into every request; part of the scope (`"purpose"`). */
  purpose?: string;
  /** Where wallets send answers, signed into every request (`"responseUrl"`). */
  responseUrl?: string;
  /** The derived nullifier scope, "medzk-verifier:<public key>[/<purpose>]". */
  scope: string;
  /**
   * The statements this service may request, by preset name (at least one), normalised by the
   * statement parser. `POST /v1/requests` takes a name; results carry it.
   */
  presets: Record<string, Statement>;
  /**
   * Hide the issuer in every request (`"hideIssuer": true`): requests name the verifier's current
   * trusted issuer set for the preset's schema, and `POST /v1/requests` returns that set beside the
   * request for the wallet. Results then name the set, never the issuer.
   */
  hideIssuer: boolean;
  /** Packed public keys of issuers without a revocation registry. */
  trustedIssuers: string[];
  /** Absolute path of a JsonFileIssuerRegistry file (`medzk-issuers/v1`). */
  issuersFile?: string;
  /** User-defined schemas the verifier may query (built-ins are always known). */
  schemas?: SchemaDefinition[];
  redis?: { url: string; keyPrefix: string };
  /**
   * Trust taken from a MedzkRegistry contract (medzk/chain's ChainIssuerRegistry; needs viem):
   * its JSON-RPC endpoint, the contract's address, and how long a read is used (seconds).
   */
  chain?: { rpcUrl: string; registry: `0x${string}`; cacheSeconds: number };
  requestTtlSeconds: number;
  maxRootAgeSeconds: number;
  /**
   * `bodyBytes`: the largest body; `batchSize`: the most presentations in one batch call;
   * `inFlight`: the most verification calls handled at once per instance, beyond which a call is
   * shed at once with `503 OVERLOADED` and `Retry-After` (./load-shedding.ts), so the latency of
   * what is accepted stays bounded; `eventLoopDelayMs`: shed the same way while the event loop lags
   * more than this (default 0: never; a micro-batch checked in this thread lags the loop by
   * design, so a limit below a batch's time would shed the calls the batch is about to answer).
   */
  limits: { bodyBytes: number; batchSize: number; inFlight: number; eventLoopDelayMs: number };
  /**
   * Micro-batching of single verifications (`"microBatch"`, the verifier policy's option): `false`,
   * or the window and size of a batch and whether its curve work goes to worker threads
   * (`workers`, the policy's `parallel`). Default (and `true`): `{ windowMs: 2, maxBatch: 64,
   * workers: false }`: one instance at 64 connections accepted 1.6–3.0x the valid presentations
   * per second (five runs) at about 40% of the CPU per call, against micro-batching off in the
   * same run (docs/operations.md, "Micro-batching", with the figures and their load averages).
   */
  microBatch: { windowMs: number; maxBatch: number; workers: boolean } | false;
  /** Exact origins (scheme://host[:port]) allowed to call the service from a browser. */
  corsOrigins: string[];
  /** The audit trail every verification is appended to (docs/audit.md), if configured. */
  audit?: AuditConfig;
  /** Absolute path of a key manifest (`"keys"`, medzk-keys/v1): production keys instead of the shipped ones (SECURITY.md). */
  keys?: string;
  /** Absolute paths of the ceremony transcripts the keys must be the ones of (`"ceremonies"`, with `"keys"` only; docs/keys.md). */
  ceremonies?: string[];
  /**
   * OpenID4VP 1.0 endpoints beside the service's own API (`"openid4vp"`, docs/openid4vp.md):
   * `publicUrl` is the service's URL as wallets reach it (https:, http: for localhost, no path
   * query or fragment), from which `request_uri` and `response_uri` are made.
   */
  openid4vp?: { publicUrl: string };
}

/** Where the service exposes its metrics. */
export interface MetricsConfig {
  /** The path of the text exposition, e.g. "/metrics". */
  path: string;
  /** A listener for the metrics alone; without it they are served on `listen` beside the API. */
  listen?: { host: string; port: number };
}

/** Where the service keeps its audit trail: a file (one instance) or PostgreSQL (several). */
export interface AuditConfig {
  /** Absolute path of the JSON-lines log (FileAuditLog), for one instance. */
  file?: string;
  /**
   * A PostgreSQL database shared by the instances (PostgresAuditLog). The URL's role must be the
   * writer role of `postgresAuditSchema(writer)`, never the tables' owner (the log refuses to append
   * as a role that could rewrite it; docs/audit.md). Secret: the URL may hold a password.
   */
  postgres?: { url: string };
  /**
   * Where checkpoints are anchored: a file (FileCheckpointAnchor, absolute path), or the
   * MedzkRegistry of `chain` (ChainCheckpointAnchor), sending from the verifier's EVM account
   * (its private key, read from `{ env }` or `{ file }`; the account the registry admitted).
   */
  anchor?: { file: string } | { chain: { privateKey: `0x${string}` } };
  /** Entries per anchored checkpoint (with an anchor). */
  checkpointEvery: number;
  /** With an anchor: anchor whatever is unanchored this often too (seconds). */
  checkpointSeconds: number;
}

export const CONFIG_DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  requestTtlSeconds: DEFAULT_REQUEST_TTL_SECONDS,
  maxRootAgeSeconds: DEFAULT_MAX_ROOT_AGE_SECONDS,
  bodyBytes: 256 * 1024,
  batchSize: 100,
  inFlight: 128,
  eventLoopDelayMs: 0,
  microBatchWindow: { windowMs: 2, maxBatch: 64, workers: false },
  redisKeyPrefix: "medzk:challenge:",
  auditCheckpointEvery: 100,
  auditCheckpointSeconds: 3600,
  logLevel: "info",
  metricsPath: "/metrics",
} as const;

/** The environment variables the service takes its listener and log level from (over the file, under `overrides`). */
export const SERVICE_ENV = { host: "MEDZK_HOST", port: "MEDZK_PORT", logLevel: "MEDZK_LOG_LEVEL" } as const;

/** The largest batch the service accepts whatever the config says: a batch is held in memory and checked in one go. */
export const MAX_BATCH_SIZE = 1000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
// A DNS name, an IPv4 address or an IPv6 address as Node's listen() takes it (no brackets; a zone id allowed).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9]+)?)$/;
const METRICS_PATH = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;
// The service's own routes and prefixes, which a metrics path on the same listener must not shadow.
const RESERVED_PATHS = /^\/(?:v1(?:\/|$)|healthz$|readyz$|openapi\.json$)/;

export interface ParseOptions {
  /** Where `{ "env": … }` references are looked up. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Directory that relative paths (`issuersFile`, `signingKey.file`) are resolved against. Default: the working directory. */
  baseDir?: string;
  /**
   * Settings that win over the file and the environment (`medzk serve --host --port --log-level`).
   * Precedence, highest first: `overrides`, the environment (MEDZK_HOST, MEDZK_PORT,
   * MEDZK_LOG_LEVEL, read from `env`), the file, the defaults.
   */
  overrides?: { host?: string; port?: number | string; logLevel?: string };
}

const CONFIG_SHAPE = {
  required: ["presets"],
  optional: [
    "listen", "signingKey", "name", "purpose", "responseUrl", "scope", "requestKey", "trustedIssuers", "issuersFile",
    "schemas", "redis", "requestTtlSeconds", "maxRootAgeSeconds", "limits", "corsOrigins", "hideIssuer",
    "audit", "chain", "logLevel", "metrics", "keys", "ceremonies", "openid4vp", "microBatch",
  ],
} as const;

/**
 * Validates a parsed `verifier.json`. Throws MedzkError("INVALID_ARGUMENT") naming the field to
 * fix. The issuer registry file is not read here (see {@link loadServiceConfig} and
 * `createVerifier`, which refuse a key both in `trustedIssuers` and in the registry).
 */
export function parseServiceConfig(json: unknown, opts: ParseOptions = {}): ServiceConfig {
  const env = opts.env ?? process.env;
  const baseDir = opts.baseDir ?? process.cwd();
  const c = assertObject(json, "config", CONFIG_SHAPE);

  const listen = c.listen === undefined ? {} : assertObject(c.listen, "listen", { required: [], optional: ["host", "port"] });
  const overrides = opts.overrides === undefined ? {} : assertObject(opts.overrides, "overrides", { required: [], optional: ["host", "port", "logLevel"] });
  // Each setting from the highest source that has it, checked under that source's name.
  const pick = (key: "host" | "port" | "logLevel", fileName: string, fileValue: unknown): [unknown, string] | undefined => {
    if (overrides[key] !== undefined) return [overrides[key], `overrides.${key}`];
    const fromEnv = env[SERVICE_ENV[key]];
    if (fromEnv !== undefined && fromEnv !== "") return [fromEnv, SERVICE_ENV[key]];
    return fileValue === undefined ? undefined : [fileValue, fileName];
  };
  const hostSetting = pick("host", "listen.host", listen.host);
  const host = hostSetting ? checkHost(hostSetting[0], hostSetting[1]) : CONFIG_DEFAULTS.host;
  const portSetting = pick("port", "listen.port", listen.port);
  const port = portSetting ? checkPort(portSetting[0], portSetting[1], portSetting[1] !== "listen.port") : CONFIG_DEFAULTS.port;
  const levelSetting = pick("logLevel", "logLevel", c.logLevel);
  const logLevel = levelSetting ? checkLogLevel(levelSetting[0], levelSetting[1]) : CONFIG_DEFAULTS.logLevel;
  const metrics = parseMetricsConfig(c.metrics, { host, port });

  // The 0.1 settings, named so an upgrade gets a pointer rather than "unknown property".
  if (c.scope !== undefined) fail(`"scope" is no longer accepted: the scope is derived from "signingKey" (medzk verifier-key) and an optional "purpose"`);
  if (c.requestKey !== undefined) fail(`"requestKey" is no longer accepted: requests are signed with "signingKey" ({ "env": "VAR" } or { "file": "path" }, from medzk verifier-key)`);
  if (c.signingKey === undefined) fail(`"signingKey" is required: { "env": "VAR" } or { "file": "path" } holding the verifier's key (create one with medzk verifier-key --out verifier.key)`);
  const signingKey = readSigningKey(c.signingKey, env, baseDir);
  const name = c.name === undefined ? undefined : assertString(c.name, "name", { min: 1, max: 128 });
  if (c.purpose !== undefined && !checkPurpose(c.purpose).ok) fail(`"purpose" must be 1 to 64 characters of A-Z a-z 0-9 . _ -, e.g. "claims"`);
  let responseUrl: string | undefined;
  if (c.responseUrl !== undefined) {
    const checked = checkResponseUrl(c.responseUrl);
    if (!checked.ok) fail(checked.message);
    responseUrl = c.responseUrl as string;
  }

  const trustedIssuers = c.trustedIssuers ?? [];
  if (!Array.isArray(trustedIssuers)) fail(`"trustedIssuers" must be an array of packed issuer public keys (64 hex characters)`);
  (trustedIssuers as unknown[]).forEach((key, i) => {
    if (tryUnpackPublicKey(key) === undefined) {
      fail(`"trustedIssuers[${i}]" must be a packed issuer public key (64 lowercase hex characters, as printed by "medzk keygen")`);
    }
    if ((trustedIssuers as unknown[]).indexOf(key) !== i) fail(`"trustedIssuers[${i}]" repeats ${String(key)}`);
  });
  let issuersFile: string | undefined;
  if (c.issuersFile !== undefined) {
    issuersFile = resolve(baseDir, assertString(c.issuersFile, "issuersFile"));
  }
  let chain: ServiceConfig["chain"];
  if (c.chain !== undefined) {
    const ch = assertObject(c.chain, "chain", { required: ["rpcUrl", "registry"], optional: ["cacheSeconds"] });
    if (typeof ch.rpcUrl !== "string" || !/^https?:\/\/[^\s]+$/.test(ch.rpcUrl)) fail(`"chain.rpcUrl" must be an http:// or https:// JSON-RPC URL, e.g. "https://rpc.besu.example"`);
    if (typeof ch.registry !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(ch.registry)) fail(`"chain.registry" must be the MedzkRegistry contract's address (0x and 40 hex digits)`);
    if (issuersFile !== undefined) fail(`give "issuersFile" or "chain", not both: the issuers come from one registry`);
    const cacheSeconds = assertInteger(ch.cacheSeconds ?? 30, "chain.cacheSeconds", 0, 3600);
    chain = { rpcUrl: ch.rpcUrl as string, registry: ch.registry as `0x${string}`, cacheSeconds };
  }
  if ((trustedIssuers as unknown[]).length === 0 && issuersFile === undefined && chain === undefined) {
    fail(`give "trustedIssuers" (at least one public key), "issuersFile" (an issuer registry file) or "chain" (a MedzkRegistry contract): a verifier that trusts nobody accepts nothing`);
  }

  let schemas: SchemaDefinition[] | undefined;
  if (c.schemas !== undefined) {
    schemas = assertArray(c.schemas, "schemas").map((definition, i) => {
      try {
        return defineSchema(definition);
      } catch (error) {
        return fail(`"schemas[${i}]": ${(error as Error).message}`);
      }
    });
  }

  const presets = parsePresets(c.presets, schemas);

  let redis: ServiceConfig["redis"];
  if (c.redis !== undefined) {
    const r = assertObject(c.redis, "redis", { required: ["url"], optional: ["keyPrefix"] });
    if (typeof r.url !== "string" || !/^rediss?:\/\//.test(r.url)) fail(`"redis.url" must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"`);
    const keyPrefix = assertString(r.keyPrefix ?? CONFIG_DEFAULTS.redisKeyPrefix, "redis.keyPrefix");
    redis = { url: r.url as string, keyPrefix };
  }

  const requestTtlSeconds = assertInteger(c.requestTtlSeconds ?? CONFIG_DEFAULTS.requestTtlSeconds, "requestTtlSeconds", 1, MAX_REQUEST_TTL_SECONDS);
  const maxRootAgeSeconds = assertInteger(c.maxRootAgeSeconds ?? CONFIG_DEFAULTS.maxRootAgeSeconds, "maxRootAgeSeconds", 0, 365 * 86_400);

  const limits = c.limits === undefined ? {} : assertObject(c.limits, "limits", { required: [], optional: ["bodyBytes", "batchSize", "inFlight", "eventLoopDelayMs"] });
  const bodyBytes = assertInteger(limits.bodyBytes ?? CONFIG_DEFAULTS.bodyBytes, "limits.bodyBytes", 1024, MAX_BODY_BYTES);
  const batchSize = assertInteger(limits.batchSize ?? CONFIG_DEFAULTS.batchSize, "limits.batchSize", 1, MAX_BATCH_SIZE);
  const inFlight = assertInteger(limits.inFlight ?? CONFIG_DEFAULTS.inFlight, "limits.inFlight", 1, 100_000);
  const eventLoopDelayMs = assertInteger(limits.eventLoopDelayMs ?? CONFIG_DEFAULTS.eventLoopDelayMs, "limits.eventLoopDelayMs", 0, 60_000);
  let microBatch: ServiceConfig["microBatch"] = false;
  if (c.microBatch === undefined || c.microBatch === true) microBatch = { ...CONFIG_DEFAULTS.microBatchWindow };
  else if (c.microBatch !== false) {
    const m = assertObject(c.microBatch, "microBatch", { required: [], optional: ["windowMs", "maxBatch", "workers"] });
    const workers = m.workers ?? CONFIG_DEFAULTS.microBatchWindow.workers;
    if (typeof workers !== "boolean") fail(`"microBatch.workers" must be true or false`);
    microBatch = {
      windowMs: assertInteger(m.windowMs ?? CONFIG_DEFAULTS.microBatchWindow.windowMs, "microBatch.windowMs", 0, 50),
      maxBatch: assertInteger(m.maxBatch ?? CONFIG_DEFAULTS.microBatchWindow.maxBatch, "microBatch.maxBatch", 1, 1024),
      workers,
    };
  }

  const corsOrigins = c.corsOrigins ?? [];
  if (!Array.isArray(corsOrigins)) fail(`"corsOrigins" must be an array of origins such as "https://wallet.example"`);
  (corsOrigins as unknown[]).forEach((origin, i) => {
    // Exact origins only: "*" would let any web page drive the verifier from a user's browser.
    if (typeof origin !== "string" || !ORIGIN.test(origin) || origin.endsWith("/")) {
      fail(`"corsOrigins[${i}]" must be an exact origin such as "https://wallet.example" (scheme and host, no path, no "*")`);
    }
    // Browsers send the serialised origin (RFC 6454 §6.2: lowercase host, no default port), and
    // the service compares strings exactly: any other spelling would never match.
    let serialised: string | undefined;
    try {
      serialised = new URL(origin as string).origin;
    } catch {
      serialised = undefined;
    }
    if (serialised !== origin) {
      fail(`"corsOrigins[${i}]" must be written as browsers send it${serialised && serialised !== "null" ? `: ${JSON.stringify(serialised)}` : " (lowercase host, no default port)"}`);
    }
    if ((corsOrigins as unknown[]).indexOf(origin) !== i) fail(`"corsOrigins[${i}]" repeats ${origin as string}`);
  });

  if (c.hideIssuer !== undefined && typeof c.hideIssuer !== "boolean") fail(`"hideIssuer" must be true or false`);

  const config: ServiceConfig = {
    listen: { host, port },
    logLevel,
    metrics,
    signingKey,
    scope: verifierScope(signingKey.publicKey, c.purpose as string | undefined),
    presets,
    hideIssuer: c.hideIssuer === true,
    trustedIssuers: [...(trustedIssuers as string[])],
    requestTtlSeconds,
    maxRootAgeSeconds,
    limits: { bodyBytes, batchSize, inFlight, eventLoopDelayMs },
    microBatch,
    corsOrigins: [...(corsOrigins as string[])],
  };
  if (issuersFile !== undefined) config.issuersFile = issuersFile;
  if (schemas !== undefined) config.schemas = schemas;
  if (name !== undefined) config.name = name;
  if (c.purpose !== undefined) config.purpose = c.purpose as string;
  if (responseUrl !== undefined) config.responseUrl = responseUrl;
  if (redis !== undefined) config.redis = redis;
  if (c.audit !== undefined) config.audit = parseAuditConfig(c.audit, baseDir, env, chain);
  if (chain !== undefined) config.chain = chain;
  if (c.keys !== undefined) config.keys = resolve(baseDir, assertString(c.keys, "keys"));
  if (c.openid4vp !== undefined) config.openid4vp = parseOpenid4vpConfig(c.openid4vp);
  if (c.ceremonies !== undefined) {
    if (c.keys === undefined) fail(`"ceremonies" ties production keys to their ceremonies: give it with "keys"`);
    config.ceremonies = assertArray(c.ceremonies, "ceremonies", 64).map((path, i) => resolve(baseDir, assertString(path, `ceremonies[${i}]`)));
  }
  return config;
}

/** `"openid4vp"`: `{ "publicUrl": "https://verify.acme.example" }`, an origin wallets reach (a response URL without a path). */
function parseOpenid4vpConfig(value: unknown): { publicUrl: string } {
  const o = assertObject(value, "openid4vp", { required: ["publicUrl"] });
  const text = typeof o.publicUrl === "string" && !o.publicUrl.endsWith("/") ? `${o.publicUrl}/` : o.publicUrl;
  const checked = checkResponseUrl(text, "openid4vp.publicUrl");
  if (!checked.ok) fail(checked.message);
  const url = new URL(checked.value);
  if (url.pathname !== "/" || url.search !== "") fail(`"openid4vp.publicUrl" must be an origin with no path or query, e.g. "https://verify.acme.example"`);
  return { publicUrl: url.origin };
}

/** A host to listen on: a DNS name or an IP address; `name` says where the value came from. */
export function checkHost(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length > 253 || !HOST.test(value)) {
    fail(`${quoteName(name)} must be a host name or IP address to listen on, e.g. "127.0.0.1" or "0.0.0.0"${typeof value === "string" ? `, not ${JSON.stringify(value.slice(0, 64))}` : ""}`);
  }
  return value as string;
}

/**
 * A port: an integer from 0 to 65535 (0: any free port), as a JSON number (the file) or, with
 * `text`, also as decimal digits (the environment, an option). Never `Number()` of the text,
 * which reads "", " 80", "0x50" and "8e3" as numbers and "80a" as NaN.
 */
export function checkPort(value: unknown, name: string, text = false): number {
  const port = text && typeof value === "string" && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`${quoteName(name)} must be an integer from 0 to 65535${typeof value === "string" ? `, not ${JSON.stringify(value.slice(0, 64))}` : ""}`);
  }
  return port as number;
}

/** A pino level name. */
export function checkLogLevel(value: unknown, name: string): LogLevel {
  if (!isLogLevel(value)) fail(`${quoteName(name)} must be one of ${LOG_LEVELS.join(", ")}${typeof value === "string" ? `, not ${JSON.stringify(value.slice(0, 64))}` : ""}`);
  return value as LogLevel;
}

// Config fields are quoted ("listen.port"); environment variables (MEDZK_PORT) and options (--port) are not.
const quoteName = (name: string): string => (/^(?:[A-Z_][A-Z0-9_]*|--[a-z-]+)$/.test(name) ? name : `"${name}"`);

/** `metrics`: `false`, or `{ "path"?: "/metrics", "listen"?: { "host", "port" } }`. */
function parseMetricsConfig(value: unknown, api: { host: string; port: number }): MetricsConfig | false {
  if (value === false) return false;
  const m = value === undefined ? {} : assertObject(value, "metrics", { required: [], optional: ["path", "listen"] });
  const path = m.path ?? CONFIG_DEFAULTS.metricsPath;
  if (typeof path !== "string" || !METRICS_PATH.test(path)) fail(`"metrics.path" must be a path such as "/metrics"`);
  const metrics: MetricsConfig = { path: path as string };
  if (m.listen !== undefined) {
    const l = assertObject(m.listen, "metrics.listen", { required: ["port"], optional: ["host"] });
    const host = l.host === undefined ? CONFIG_DEFAULTS.host : checkHost(l.host, "metrics.listen.host");
    const port = checkPort(l.port, "metrics.listen.port");
    if (port !== 0 && port === api.port) fail(`"metrics.listen.port" must differ from the service's port (${port}); leave out "metrics.listen" to serve the metrics beside the API`);
    metrics.listen = { host, port };
  } else if (RESERVED_PATHS.test(path as string)) {
    fail(`"metrics.path" ${JSON.stringify(path)} is one of the service's own routes`);
  }
  return metrics;
}

/**
 * `audit`: `{ "file": "audit.jsonl", "anchor"?: { "file": "anchors.jsonl" }, "checkpointEvery"?: n, "checkpointSeconds"?: s }`
 * or `{ "postgres": { "url": "postgres://…" }, … }`. Paths are resolved against `baseDir`.
 */
function parseAuditConfig(value: unknown, baseDir: string, env: Record<string, string | undefined>, chain: ServiceConfig["chain"]): AuditConfig {
  const a = assertObject(value, "audit", { required: [], optional: ["file", "postgres", "anchor", "checkpointEvery", "checkpointSeconds"] });
  if ((a.file === undefined) === (a.postgres === undefined)) {
    fail(`"audit" needs exactly one of "file" (a JSON-lines log, one instance) or "postgres": { "url": "postgres://…" } (several instances)`);
  }
  const checkpointEvery = assertInteger(a.checkpointEvery ?? CONFIG_DEFAULTS.auditCheckpointEvery, "audit.checkpointEvery", 1, 1_000_000);
  const checkpointSeconds = assertInteger(a.checkpointSeconds ?? CONFIG_DEFAULTS.auditCheckpointSeconds, "audit.checkpointSeconds", 1, 7 * 86_400);
  const audit: AuditConfig = { checkpointEvery, checkpointSeconds };
  if (a.file !== undefined) audit.file = resolve(baseDir, assertString(a.file, "audit.file"));
  if (a.postgres !== undefined) {
    const pg = assertObject(a.postgres, "audit.postgres", { required: ["url"] });
    // Never echo the URL: it may carry a password.
    if (typeof pg.url !== "string" || !/^postgres(ql)?:\/\//.test(pg.url)) fail(`"audit.postgres.url" must be a postgres:// URL, e.g. "postgres://medzk@db.internal/medzk"`);
    audit.postgres = { url: pg.url as string };
  }
  if (a.anchor !== undefined) {
    const anchor = assertObject(a.anchor, "audit.anchor", { required: [], optional: ["file", "chain"] });
    if ((anchor.file === undefined) === (anchor.chain === undefined)) fail(`"audit.anchor" needs exactly one of "file" or "chain": { "account": { "env": "VAR" } }`);
    if (anchor.file !== undefined) audit.anchor = { file: resolve(baseDir, assertString(anchor.file, "audit.anchor.file")) };
    else {
      if (chain === undefined) fail(`"audit.anchor.chain" anchors in the registry of "chain": give "chain": { "rpcUrl", "registry" } too`);
      const c = assertObject(anchor.chain, "audit.anchor.chain", { required: ["account"] });
      const { text, where } = readSecretText(c.account, "audit.anchor.chain.account", "the verifier's EVM account private key (0x and 64 hex digits)", env, baseDir);
      if (!/^0x[0-9a-fA-F]{64}$/.test(text)) fail(`"audit.anchor.chain.account": ${where} must hold an EVM private key (0x and 64 hex digits)`);
      audit.anchor = { chain: { privateKey: text.toLowerCase() as `0x${string}` } };
    }
  } else if (a.checkpointEvery !== undefined || a.checkpointSeconds !== undefined) {
    fail(`"audit.checkpointEvery" and "audit.checkpointSeconds" need "audit.anchor" ({ "file": "anchors.jsonl" }): checkpoints are anchored there`);
  }
  return audit;
}

/**
 * Refuses (TRUST_CONFLICT, naming the key) a key listed in `trustedIssuers` that the issuer
 * registry file also holds: the registry's status, validity days, schema pins and revocation
 * roots must not be bypassable by a second listing. Reads the file as the service will.
 */
async function checkTrustConflicts(config: ServiceConfig): Promise<void> {
  if (config.issuersFile === undefined || config.trustedIssuers.length === 0) return;
  const registry = new JsonFileIssuerRegistry(config.issuersFile);
  for (const key of config.trustedIssuers) {
    const held = await registry.lookupKey(key);
    if (held) {
      throw new MedzkError(
        "TRUST_CONFLICT",
        `"trustedIssuers" lists ${key}, which the issuer registry ${config.issuersFile} holds for issuer ${JSON.stringify(held.issuer.id)}: list it in one place only (the registry, to keep its status, validity and revocation roots)`,
      );
    }
  }
}

/** Reads and parses a `verifier.json`; relative paths in it are relative to the file. */
export async function loadServiceConfig(path: string, opts: Omit<ParseOptions, "baseDir"> = {}): Promise<ServiceConfig> {
  if (typeof path !== "string" || path.length === 0) fail(`"path" must be the path of a verifier config file`);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new MedzkError("INVALID_ARGUMENT", `cannot read verifier config ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    // A config may hold `{ "hex": … }` signing keys and Redis credentials: give the position only.
    throw new MedzkError("INVALID_ARGUMENT", `verifier config ${path} is not valid JSON${jsonErrorWhere(cause)}`);
  }
  try {
    const config = parseServiceConfig(json, { ...opts, baseDir: dirname(resolve(path)) });
    await checkTrustConflicts(config);
    return config;
  } catch (error) {
    if (error instanceof MedzkError) throw new MedzkError(error.code, `verifier config ${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The signing key a `signingKey` reference points at: an environment variable holding the
 * private key (64 hex digits), a file holding it or the JSON key pair `medzk verifier-key`
 * writes, or (tests only) the hex inline. The public key is derived, or checked against the pair.
 */
/**
 * The text a secret reference points at: `{ "env": "VAR" }`, `{ "file": "path" }` (relative to
 * `baseDir`) or, for tests only, `{ "hex": "…" }` inline. Messages name where, never the value.
 */
function readSecretText(value: unknown, name: string, what: string, env: Record<string, string | undefined>, baseDir: string): { text: string; where: string } {
  const ref = assertObject(value, name, { required: [], optional: ["env", "file", "hex"] });
  if (Object.keys(ref).length !== 1) fail(`"${name}" must be exactly one of { "env": "VAR_NAME" } or { "file": "path" }`);
  if (ref.env !== undefined) {
    if (typeof ref.env !== "string" || !ENV_NAME.test(ref.env)) fail(`"${name}.env" must be an environment variable name`);
    const where = `environment variable ${ref.env}`;
    const v = env[ref.env as string];
    if (v === undefined || v === "") fail(`"${name}": ${where} is not set; set it to ${what}`);
    return { text: v!.trim(), where };
  }
  if (ref.file !== undefined) {
    if (typeof ref.file !== "string" || ref.file.length === 0) fail(`"${name}.file" must be a path`);
    const path = resolve(baseDir, ref.file as string);
    const where = `file ${path}`;
    try {
      return { text: readFileSync(path, "utf8").trim(), where };
    } catch (cause) {
      throw new MedzkError("INVALID_ARGUMENT", `"${name}": cannot read ${where}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
    }
  }
  if (typeof ref.hex !== "string") fail(`"${name}.hex" must be a hex string`);
  return { text: ref.hex as string, where: `"${name}.hex"` };
}

function readSigningKey(value: unknown, env: Record<string, string | undefined>, baseDir: string): VerifierKey {
  const { text, where } = readSecretText(value, "signingKey", `a verifier private key (the "privateKey" of medzk verifier-key)`, env, baseDir);
  // Never echo the value or a parse error quoting it: it is a secret, and messages end up in logs.
  const invalid = () => fail(`"signingKey": ${where} must hold a verifier private key (32 bytes of lowercase hex) or the key pair written by medzk verifier-key`);
  try {
    if (text.startsWith("{")) {
      let pair: unknown;
      try {
        pair = JSON.parse(text);
      } catch {
        return invalid();
      }
      return parseVerifierKey(pair, "signingKey");
    }
    return verifierKeyFromPrivate(text, "signingKey");
  } catch (error) {
    if (error instanceof MedzkError && /does not match|is not the public key/.test(error.message)) {
      fail(`"signingKey": ${where} holds a key pair whose public key is not its private key's`);
    }
    return invalid();
  }
}

/**
 * Where a JSON.parse error is (" at position 30", or "" when the engine does not say), and
 * nothing else: V8's message quotes the text around the error ("…, "{"secret": "12…" is not
 * valid JSON"), and the text may be a key or health data.
 */
export function jsonErrorWhere(cause: unknown): string {
  const position = cause instanceof SyntaxError ? /at position (\d+)/.exec(cause.message)?.[1] : undefined;
  return position === undefined ? "" : ` (at position ${position})`;
}

function fail(message: string): never {
  throw new MedzkError("INVALID_ARGUMENT", message);
}
