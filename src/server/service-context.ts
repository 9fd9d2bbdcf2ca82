/**
 * What the service's plugins share: the configured verifier, its metrics and logger, the route
 * table, and the few steps every verifying route takes the same way (a request for a preset,
 * recording a verification in the metrics, the log line and the audit trail).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { pino } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import type { CheckpointAnchor } from "../audit/anchor.js";
import type { IssuerSet } from "../core/issuer-set.js";
import type { ProofRequest } from "../core/request.js";
import { type Verification, recordVerifications } from "./audit.js";
import type { ServiceConfig } from "./config.js";
import { type ConfiguredVerifier, configuredVerifier } from "./configured-verifier.js";
import { sendError } from "./http-errors.js";
import { errorFacts, serviceLogger } from "./logger.js";
import { ServiceMetrics, type VerifyEndpoint } from "./metrics.js";
import type { ServiceVerifyResult } from "./presets.js";
import { AUDIT_ROUTES, OPENID4VP_ROUTES, ROUTES, type RouteSpec, serviceSchemas } from "./schemas.js";

export interface ServiceOptions {
  /** Where JSON log lines go (default: stdout); false for no logs. The level is `config.logLevel`. */
  logger?: pino.DestinationStream | false;
  /** Where audit checkpoints are anchored, instead of the config's `audit.anchor` (e.g. a ChainCheckpointAnchor). */
  auditAnchor?: CheckpointAnchor;
  /** The service's clock, injectable for tests (as `createVerifier`'s): as-of dates, expiry, audit times. Default: the system clock. */
  clock?: () => Date;
}

type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface ServiceContext {
  readonly config: ServiceConfig;
  readonly configured: ConfiguredVerifier;
  readonly logger: pino.Logger | undefined;
  readonly metrics: ServiceMetrics | undefined;
  /** `config.metrics` with its default. */
  readonly metricsConfig: Exclude<ServiceConfig["metrics"], undefined>;
  /** Every route this service serves, in the order of its OpenAPI document. */
  readonly routes: readonly RouteSpec[];
  readonly schemas: ReturnType<typeof serviceSchemas>;
  /** Adds the route of the table named `operationId`, with its body schema; its handler runs with the request's logger as the one the verifier's hooks write to. */
  route(app: FastifyInstance, operationId: string, handler: RouteHandler): void;
  /** A request for a preset (with its issuer set when the issuer is hidden), or undefined for a name the config does not have; `responseUrl` instead of the config's. */
  requestFor(preset: string, responseUrl?: string): Promise<{ request: ProofRequest; issuerSet?: IssuerSet } | undefined>;
  unknownPreset(request: FastifyRequest, reply: FastifyReply, preset: string): FastifyReply;
  /**
   * Appends the verifications to the audit trail, if there is one; false when it cannot be
   * written. NOTE: the results are then withheld (503, {@link ServiceContext.auditUnavailable}),
   * so nothing is accepted unrecorded; the challenges of accepted presentations are used up,
   * and their holders need new requests.
   */
  audited(request: FastifyRequest, verifications: Verification[]): Promise<boolean>;
  auditUnavailable(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Counts the results in the metrics and notes them for the request's log line. */
  record(request: FastifyRequest, endpoint: VerifyEndpoint, started: number, results: ServiceVerifyResult[]): void;
  /** Logs (once per distinct error) that the registry file is broken and its last valid version serves, or that it is fixed. */
  noteRegistryFile(requestLogger: FastifyBaseLogger): void;
}

/** Sets up the verifier (keys, stores, registry, audit) of a service and what its plugins share. */
export async function createServiceContext(config: ServiceConfig, options: ServiceOptions): Promise<ServiceContext> {
  const logger = options.logger === false ? undefined : serviceLogger(config.logLevel ?? "info", options.logger);
  // The logger of the request being handled (with its reqId), for lines written by the verifier's
  // hooks deep inside a verification; outside a request (timers, Redis events) the service's own.
  const requestLog = new AsyncLocalStorage<FastifyBaseLogger>();
  const log = (): FastifyBaseLogger | undefined => requestLog.getStore() ?? (logger as FastifyBaseLogger | undefined);
  const metricsConfig = config.metrics === undefined ? { path: "/metrics" } : config.metrics;
  const metrics = metricsConfig === false ? undefined : new ServiceMetrics();
  let registryDown: string | undefined;
  const configured: ConfiguredVerifier = await configuredVerifier(config, {
    onRedisState: (state, reason) =>
      state === "down" ? logger?.warn({ redis: "down", reason }, "redis unreachable") : logger?.info({ redis: "up" }, "redis reachable"),
    onRedisNotPersistent: () =>
      logger?.warn({ redis: "not persistent" }, "redis keeps no append-only file: a restart forgets used challenges (set appendonly yes; docs/operations.md)"),
    // The cause of an INTERNAL_ERROR result: its type, code, message and stack, which medzk's
    // own errors write without personal data; never the presentation.
    onInternalError: (error, context) => {
      const err = error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code, message: error.message, stack: error.stack } : { type: typeof error };
      log()?.error({ err, operation: context.operation, ...(context.item !== undefined ? { item: context.item } : {}) }, "verification internal error");
    },
    // The code and message only: medzk's audit errors name files and seqs, never entries.
    onAuditCheckpointError: (error) => {
      metrics?.auditError("checkpoint");
      log()?.warn({ err: errorFacts(error) }, "audit checkpoint not anchored");
    },
    // Counted, not logged: while Redis is down every verification fails the same way, and the
    // outage itself is logged once ("redis unreachable").
    onChallengeStoreError: () => metrics?.challengeStoreError(),
    // Each failure counted; logged when the registry goes from usable to failing and back.
    onRegistryLookup: (error) => {
      if (error === undefined) {
        if (registryDown === undefined) return;
        registryDown = undefined;
        log()?.info({ registry: "up" }, "issuer registry readable again");
        return;
      }
      metrics?.registryError();
      const facts = errorFacts(error);
      if (registryDown === facts["message"]) return;
      registryDown = String(facts["message"]);
      log()?.error({ registry: "down", err: facts }, "issuer registry lookup failed");
    },
    ...(options.auditAnchor ? { auditAnchor: options.auditAnchor } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  });
  const { verifier } = configured;
  // What an operator needs to confirm the deployment, and nothing secret (no key, no Redis URL).
  logger?.info(
    {
      scope: config.scope,
      presets: Object.keys(config.presets),
      trustedIssuerCount: config.trustedIssuers.length,
      issuerRegistry: config.issuersFile !== undefined ? "file" : config.chain !== undefined ? "chain" : false,
      verifierKey: config.signingKey.publicKey,
      ...(config.responseUrl !== undefined ? { responseUrl: config.responseUrl } : {}),
      redisStore: config.redis !== undefined,
      ...(config.audit ? { auditStore: config.audit.file !== undefined ? "file" : "postgres", auditAnchor: configured.audit?.anchor !== undefined } : {}),
      corsOrigins: config.corsOrigins,
      limits: config.limits,
      logLevel: config.logLevel ?? "info",
      metrics: metricsConfig,
      version: packageJson.version,
    },
    "verifier configured",
  );
  const schemas = serviceSchemas(config.limits, config.presets);
  const routes = [...ROUTES, ...(configured.audit ? AUDIT_ROUTES : []), ...(config.openid4vp ? OPENID4VP_ROUTES : [])];
  const presetNames = Object.keys(config.presets).map((n) => JSON.stringify(n)).join(", ");
  // The registry file keeps serving its last valid version when an edit is broken: that is
  // logged (once per distinct error) when a lookup or /readyz notices it, and when it is fixed.
  let fileRegistryError: string | undefined;

  return {
    config,
    configured,
    logger,
    metrics,
    metricsConfig,
    routes,
    schemas,
    route(app, operationId, handler) {
      const spec = routes.find((r) => r.operationId === operationId);
      if (spec === undefined) throw new Error(`no route ${operationId} in this service's table`);
      app.route({
        method: spec.method,
        url: spec.url,
        schema: spec.body ? { body: schemas[spec.body] } : {},
        handler: (request, reply) => requestLog.run(request.log, () => handler(request, reply)),
      });
    },
    async requestFor(preset, responseUrl) {
      const statement = configured.presets.statement(preset);
      if (statement === undefined) return undefined;
      const options = responseUrl === undefined ? { statement } : { statement, responseUrl };
      if (!config.hideIssuer) return { request: verifier.createRequest(options) };
      // The set is rebuilt from the trust sources each time, then signed (deterministic: every
      // instance gets the same root), and travels with the request: the wallet proves membership locally.
      return verifier.createHiddenRequest(options);
    },
    unknownPreset: (request, reply, preset) => sendError(request, reply, 400, "UNKNOWN_PRESET", `no preset ${JSON.stringify(preset)}; this verifier has ${presetNames}`),
    async audited(request, verifications) {
      if (!configured.audit) return true;
      try {
        await recordVerifications(configured.audit, verifications, { presets: configured.presets, purpose: config.purpose, now: configured.clock() });
        return true;
      } catch (error) {
        metrics?.auditError("append");
        request.log.error({ err: errorFacts(error) }, "audit entry not written");
        return false;
      }
    },
    auditUnavailable: (request, reply) => sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be written; the verification result is withheld"),
    record(request, endpoint, started, results) {
      metrics?.verification(endpoint, (performance.now() - started) / 1000, results.map((r) => (r.ok ? "OK" : r.error.code)));
      const facts = request.medzk!;
      facts.presentations = results.length;
      facts.accepted = results.filter((r) => r.ok).length;
      facts.refusals = {};
      for (const r of results) if (!r.ok) facts.refusals[r.error.code] = (facts.refusals[r.error.code] ?? 0) + 1;
    },
    noteRegistryFile(requestLogger) {
      const error = configured.registry?.lastError;
      if (error?.message === fileRegistryError) return;
      if (error) {
        metrics?.registryError();
        requestLogger.error({ registry: "stale", err: errorFacts(error) }, "issuer registry file not usable; the last valid version stays in use");
      } else {
        requestLogger.info({ registry: "up" }, "issuer registry file usable again");
      }
      fileRegistryError = error?.message;
    },
  };
}
