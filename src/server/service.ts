/**
 * The verifier HTTP service: a Fastify app around one library verifier.
 *
 * - Bodies are JSON, validated against the envelope schemas of ./schemas.ts; the library checks
 *   the rest and answers with typed codes. A refused presentation is a successful call (200 with
 *   `result.ok === false`): the HTTP status says whether the service did its job, the result says
 *   what it found, and clients switch on one field (`result.error.code`) for every refusal.
 * - Every error is `{ "error": { "code", "message" } }` with a stable code, and never carries a
 *   stack trace or a fragment of the body (JSON parse errors quote the input, so they are replaced).
 * - One log line per request with fields chosen here (method, route, status, duration, error
 *   code, presentation counts, refusal codes). Bodies, results, disclosed values, proofs and keys
 *   are never logged; pino's `redact` guards the same names in case a future log call slips.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController, fastify } from "fastify";
import type { pino } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import type { CheckpointAnchor } from "../audit/anchor.js";
import { auditEntriesFor } from "../audit/inclusion.js";
import { MedzkError } from "../core/errors.js";
import type { IssuerSet } from "../core/issuer-set.js";
import type { ProofRequest } from "../core/request.js";
import { STATEMENT_TYPES } from "../statements/registry.js";
import type { ServiceConfig } from "./config.js";
import { type ConfiguredVerifier, configuredVerifier } from "./configured-verifier.js";
import { type Verification, recordVerifications } from "./audit.js";
import { errorFacts, serviceLogger } from "./logger.js";
import { installLoadShedding } from "./load-shedding.js";
import { ServiceMetrics, type VerifyEndpoint } from "./metrics.js";
import { type ServiceVerifyResult, withPreset } from "./presets.js";
import { REQUEST_ID_HEADER, requestIdOf } from "./request-id.js";
import { AUDIT_ROUTES, type HttpErrorCode, ROUTES, openApiDocument, serviceSchemas } from "./schemas.js";
import { auditChallengeOf, auditTicket } from "./audit-access.js";

export interface VerifierService {
  app: FastifyInstance;
  /** Starts listening on `config.listen` (and `config.metrics.listen`); resolves to the base URL, e.g. "http://127.0.0.1:8080". */
  listen(): Promise<string>;
  /** Where the metrics are scraped once listening, e.g. "http://127.0.0.1:8080/metrics"; undefined with `metrics: false` or before `listen()`. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting connections, lets in-flight requests finish, then closes Redis. Idempotent. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Where JSON log lines go (default: stdout); false for no logs. The level is `config.logLevel`. */
  logger?: pino.DestinationStream | false;
  /** Where audit checkpoints are anchored, instead of the config's `audit.anchor` (e.g. a ChainCheckpointAnchor). */
  auditAnchor?: CheckpointAnchor;
}

/** What the onResponse log line reports about a request, filled in by the handlers. */
interface RequestFacts {
  errorCode?: string;
  presentations?: number;
  accepted?: number;
  refusals?: Record<string, number>;
}

declare module "fastify" {
  interface FastifyRequest {
    medzk: RequestFacts | null;
  }
}

// Generous for a batch of limits.batchSize presentations, but a client trickling a body in
// cannot hold a connection forever.
const REQUEST_TIMEOUT_MS = 30_000;
const REDIS_PING_TIMEOUT_MS = 1000;

export async function createVerifierService(config: ServiceConfig, options: ServiceOptions = {}): Promise<VerifierService> {
  if (typeof config !== "object" || config === null || typeof config.listen !== "object") {
    throw new MedzkError("INVALID_ARGUMENT", `"config" must be a ServiceConfig (use parseServiceConfig or loadServiceConfig)`);
  }
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
  });
  const { verifier } = configured;
  // The last audit failure /readyz logged, so that a failing probe logs it once.
  let auditReadinessError: string | undefined;
  // The registry file keeps serving its last valid version when an edit is broken: that is
  // logged (once per distinct error) when a lookup or /readyz notices it, and when it is fixed.
  let fileRegistryError: string | undefined;
  const noteRegistryFile = (requestLogger: FastifyBaseLogger): void => {
    const error = configured.registry?.lastError;
    if (error?.message === fileRegistryError) return;
    if (error) {
      metrics?.registryError();
      requestLogger.error({ registry: "stale", err: errorFacts(error) }, "issuer registry file not usable; the last valid version stays in use");
    } else {
      requestLogger.info({ registry: "up" }, "issuer registry file usable again");
    }
    fileRegistryError = error?.message;
  };
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
  const presetNames = Object.keys(config.presets).map((n) => JSON.stringify(n)).join(", ");
  const routes = configured.audit ? [...ROUTES, ...AUDIT_ROUTES] : ROUTES;
  const openapi = openApiDocument(schemas, { version: packageJson.version, scope: config.scope }, routes);

  // Fastify gets a child of its own, so that its "Server listening at …" lines (one per address,
  // the address only in the message text) can be left out in favour of the "listening" line below.
  const fastifyLogger = logger?.child({});
  const app = fastify({
    ...(fastifyLogger ? { loggerInstance: fastifyLogger as FastifyBaseLogger } : { logger: false }),
    // Fastify's own request lines would log URLs and headers; the onResponse hook below logs instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    bodyLimit: config.limits.bodyBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Ajv must not rewrite the body: coercing 1 to "1" or dropping unknown properties would make
    // the library see a different presentation from the one the client sent.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    // The id is ours to choose (./request-id.ts), not Fastify's copy of whatever header arrives.
    requestIdHeader: false,
    genReqId: (raw) => requestIdOf(raw.headers[REQUEST_ID_HEADER]),
    // Fastify's own 503 while closing is `{ "error": "Service Unavailable", … }`, not this
    // service's error shape: the hook below answers instead.
    return503OnClosing: false,
  });
  // JSON only. Fastify also parses text/plain by default, which is what a cross-site form can
  // send without a CORS preflight: without a parser it gets 415 before reaching a handler.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("medzk", null);
  app.addHook("onRequest", async (request, reply) => {
    request.medzk = {};
    // On every answer, errors included: the id a client quotes when something went wrong.
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  // CORS for browser wallets: an allow-list of exact origins (config "corsOrigins", written as
  // browsers serialise them), answered here rather than by a plugin so the whole policy is these
  // few lines. No credentials, no wildcard, no reflection of an origin not on the list.
  const origins = new Set(config.corsOrigins);
  if (origins.size > 0) {
    app.addHook("onRequest", async (request, reply) => {
      reply.header("vary", "Origin");
      const origin = request.headers.origin;
      if (origin !== undefined && origins.has(origin)) {
        reply.header("access-control-allow-origin", origin).header("access-control-expose-headers", REQUEST_ID_HEADER);
      }
    });
    app.options("/*", async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !origins.has(origin)) {
        return sendError(request, reply, 403, "ORIGIN_NOT_ALLOWED", "this origin may not call the verifier");
      }
      reply
        .header("access-control-allow-methods", "GET, POST")
        .header("access-control-allow-headers", `content-type, ${REQUEST_ID_HEADER}`)
        .header("access-control-max-age", "600");
      return reply.code(204).send();
    });
  }

  // Draining: a request that arrives on a connection still open (keep-alive, pipelined) while the
  // service closes is turned away, so a load balancer retries it elsewhere; requests that
  // arrived before keep running.
  let draining = false;
  app.addHook("onRequest", async (request, reply) => {
    if (draining) return sendError(request, reply.header("connection", "close"), 503, "SERVICE_UNAVAILABLE", "the service is shutting down");
  });
  const shedding = await installLoadShedding(app, config.limits, metrics, (request) => {
    if (request.medzk) request.medzk.errorCode = "OVERLOADED";
  });

  app.addHook("onResponse", async (request, reply) => {
    const facts = request.medzk ?? {};
    const route = request.routeOptions.url ?? "(none)";
    metrics?.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    noteRegistryFile(request.log);
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...(facts.errorCode ? { errorCode: facts.errorCode } : {}),
        ...(facts.presentations !== undefined ? { presentationCount: facts.presentations, accepted: facts.accepted } : {}),
        ...(facts.refusals && Object.keys(facts.refusals).length > 0 ? { refusals: facts.refusals } : {}),
      },
      "request",
    );
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, "NOT_FOUND", `no route ${request.method} ${new URL(request.url, "http://x").pathname}`));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const [status, code, message] = classify(error);
    if (status >= 500) request.log.error({ err: { type: error.name, code: error.code, message: error.message, stack: error.stack } }, "internal error");
    return sendError(request, reply, status, code, message);
  });

  const routeSchema = (name: string | undefined) => (name ? { body: schemas[name] } : {});
  /** A request for a preset (with its issuer set when the issuer is hidden), or undefined for a name the config does not have. */
  const requestFor = async (preset: string): Promise<{ request: ProofRequest; issuerSet?: IssuerSet } | undefined> => {
    const statement = configured.presets.statement(preset);
    if (statement === undefined) return undefined;
    if (!config.hideIssuer) return { request: verifier.createRequest({ statement }) };
    // The set is rebuilt from the trust sources each time, then signed (deterministic: every
    // instance gets the same root), and travels with the request: the wallet proves membership locally.
    return verifier.createHiddenRequest({ statement });
  };
  const unknownPreset = (request: FastifyRequest, reply: FastifyReply, preset: string) =>
    sendError(request, reply, 400, "UNKNOWN_PRESET", `no preset ${JSON.stringify(preset)}; this verifier has ${presetNames}`);
  const handlers: Record<string, (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    createRequest: async (request, reply) => {
      // Only a preset name: the config decides what holders are asked, never the caller.
      const { preset } = request.body as { preset: string };
      const made = await requestFor(preset);
      if (made === undefined) return unknownPreset(request, reply, preset);
      return reply.code(201).send(made);
    },
    createAuditChallenge: async (request, reply) => {
      // A preset, as for any request: the verifier signs only statements its config names, so an
      // audit challenge is nothing a wallet would not be asked anyway.
      const { preset } = request.body as { preset: string };
      const made = await requestFor(preset);
      if (made === undefined) return unknownPreset(request, reply, preset);
      return reply.code(201).send({ ...made, ticket: auditTicket(config.signingKey, made.request.challenge) });
    },
    verify: async (request, reply) => {
      const { presentation, expected } = request.body as { presentation: unknown; expected: ProofRequest | string };
      const started = performance.now();
      const result = withPreset(await verifier.verify(presentation, { expected }), configured.presets);
      record(request, "verify", started, [result]);
      if (!(await audited(request, [{ result, presentation, expected }]))) return auditUnavailable(request, reply);
      return { result };
    },
    verifyBatch: async (request, reply) => {
      const { presentations, expected } = request.body as { presentations: unknown[]; expected: Array<ProofRequest | string> };
      // Checked here rather than by the library's INVALID_ARGUMENT, so the client sees the same
      // BAD_REQUEST as for any other malformed body.
      if (expected.length !== presentations.length) {
        return sendError(request, reply, 400, "BAD_REQUEST", `"expected" must hold one request or challenge per presentation (${presentations.length}), not ${expected.length}`);
      }
      const started = performance.now();
      const results = (await verifier.verifyBatch(presentations, { expected })).map((r) => withPreset(r, configured.presets));
      record(request, "verify-batch", started, results);
      if (!(await audited(request, results.map((result, i) => ({ result, presentation: presentations[i], expected: expected[i] }))))) return auditUnavailable(request, reply);
      return { results };
    },
    health: async () => ({ status: "alive" }),
    ready: async (request, reply) => {
      const checks = await readiness(configured, (error) => {
        // Once per distinct failure: probes come every few seconds.
        const facts = errorFacts(error);
        if (facts["message"] === auditReadinessError) return;
        auditReadinessError = String(facts["message"]);
        request.log.error({ audit: "down", err: facts }, "audit log not usable");
      });
      if (checks["audit"] === "ok" && auditReadinessError !== undefined) {
        auditReadinessError = undefined;
        request.log.info({ audit: "up" }, "audit log usable again");
      }
      // Present only while shedding, so a probe tells an overloaded instance from a broken one.
      if (shedding.overloaded) checks["load"] = "overloaded";
      const ready = Object.values(checks).every((v) => v === "ok");
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
    openapi: async () => openapi,
    auditEntries: async (request, reply) => {
      const { presentation, ticket } = request.body as { presentation: unknown; ticket: unknown };
      const challenge = auditChallengeOf(presentation, ticket, verifier.publicKey);
      if (challenge === undefined) return sendError(request, reply, 403, "AUDIT_CHALLENGE_INVALID", "the presentation answers no audit challenge of this verifier (POST /v1/audit/challenges)");
      // The verifier's own checks, expecting the ticket's challenge; the nullifier read is the one proven.
      const result = withPreset(await verifier.verify(presentation, { expected: challenge }), configured.presets);
      // A verification like any other, so recorded like any other, accepted or refused: else this
      // endpoint would tell whoever holds an answer (a page that relayed the challenge to a
      // holder) that its statement holds, with no entry.
      if (!(await audited(request, [{ result, presentation, expected: challenge }]))) return auditUnavailable(request, reply);
      if (!result.ok) {
        // A dependency down is the service's failure, not the holder's: retry later.
        if (OUTAGES.has(result.error.code)) return sendError(request, reply, 503, "SERVICE_UNAVAILABLE", `the presentation cannot be checked now (${result.error.code})`);
        return sendError(request, reply, 403, "AUDIT_PROOF_REFUSED", `the presentation was refused (${result.error.code}): no entries are read`);
      }
      try {
        return await auditEntriesFor(configured.audit!.log, configured.audit!.anchor, result.nullifier);
      } catch (error) {
        metrics?.auditError("read");
        request.log.error({ err: errorFacts(error) }, "audit log not readable");
        return sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be read");
      }
    },
  };
  for (const route of routes) {
    const handler = handlers[route.operationId]!;
    app.route({ method: route.method, url: route.url, schema: routeSchema(route.body), handler: (request, reply) => requestLog.run(request.log, () => handler(request, reply)) });
  }

  // The metrics: beside the API, or on a listener of their own that only the scraper reaches.
  let metricsServer: Server | undefined;
  if (metrics && metricsConfig !== false) {
    const scrape = async (): Promise<{ contentType: string; body: string }> => metrics.exposition();
    if (metricsConfig.listen === undefined) {
      app.get(metricsConfig.path, async (_request, reply) => {
        const { contentType, body } = await scrape();
        return reply.type(contentType).send(body);
      });
    } else {
      metricsServer = createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://x").pathname;
        if (req.method !== "GET" || path !== metricsConfig.path) {
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "NOT_FOUND", message: `metrics are at GET ${metricsConfig.path}` } }));
          return;
        }
        scrape().then(
          ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
          (error: unknown) => {
            logger?.error({ err: errorFacts(error) }, "metrics not collected");
            res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "INTERNAL_ERROR", message: "internal error" } }));
          },
        );
      });
    }
  }

  let metricsUrl: string | undefined;
  let closing: Promise<void> | undefined;
  return {
    app,
    get metricsUrl() {
      return metricsUrl;
    },
    async listen() {
      const level = fastifyLogger?.level;
      if (fastifyLogger && fastifyLogger.levelVal < 40) fastifyLogger.level = "warn";
      let url: string;
      try {
        url = await app.listen({ host: config.listen.host, port: config.listen.port });
      } finally {
        if (fastifyLogger && level !== undefined) fastifyLogger.level = level;
      }
      if (metricsServer && metricsConfig !== false && metricsConfig.listen) {
        const { host, port } = metricsConfig.listen;
        try {
          await new Promise<void>((resolve, reject) => {
            metricsServer!.once("error", reject);
            metricsServer!.listen({ host, port }, () => {
              metricsServer!.off("error", reject);
              resolve();
            });
          });
        } catch (error) {
          await app.close();
          throw error;
        }
        metricsUrl = `http://${urlHost(host)}:${(metricsServer.address() as AddressInfo).port}${metricsConfig.path}`;
      } else if (metricsConfig !== false) {
        metricsUrl = url + metricsConfig.path;
      }
      logger?.info({ url, ...(metricsUrl !== undefined ? { metricsUrl } : {}) }, "listening");
      return url;
    },
    close() {
      closing ??= (async () => {
        draining = true;
        logger?.info("closing: no new connections, finishing requests in flight");
        try {
          await app.close();
        } finally {
          try {
            if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
            await configured.close();
          } finally {
            logger?.info("closed");
            logger?.flush();
          }
        }
      })();
      return closing;
    },
  };

  /**
   * Appends the verifications to the audit trail, if there is one; false when it cannot be
   * written. NOTE: the results are then withheld (503), so nothing is accepted unrecorded; the
   * challenges of accepted presentations are used up, and their holders need new requests.
   */
  async function audited(request: FastifyRequest, verifications: Verification[]): Promise<boolean> {
    if (!configured.audit) return true;
    try {
      await recordVerifications(configured.audit, verifications, { presets: configured.presets, purpose: config.purpose, now: new Date() });
      return true;
    } catch (error) {
      metrics?.auditError("append");
      request.log.error({ err: errorFacts(error) }, "audit entry not written");
      return false;
    }
  }

  function auditUnavailable(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be written; the verification result is withheld");
  }

  function record(request: FastifyRequest, endpoint: VerifyEndpoint, started: number, results: ServiceVerifyResult[]): void {
    metrics?.verification(endpoint, (performance.now() - started) / 1000, results.map((r) => (r.ok ? "OK" : r.error.code)));
    const facts = request.medzk!;
    facts.presentations = results.length;
    facts.accepted = results.filter((r) => r.ok).length;
    facts.refusals = {};
    for (const r of results) if (!r.ok) facts.refusals[r.error.code] = (facts.refusals[r.error.code] ?? 0) + 1;
  }
}

/** Refusals that say a dependency of the verifier failed, not that the presentation is wrong. */
const OUTAGES: ReadonlySet<string> = new Set(["STORE_UNAVAILABLE", "REGISTRY_UNAVAILABLE", "INTERNAL_ERROR"]);

/** A host as written in a URL: IPv6 addresses in brackets. */
const urlHost = (host: string): string => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);

/**
 * Readiness of each dependency: "ok" or a fixed, generic reason. The probe is unauthenticated, so
 * a reason never carries an error's text (file paths, errno, hosts); the cause goes to the logs
 * (`onAuditError` here; the registry's and Redis's where their failures are seen).
 */
async function readiness({ registry, redis, audit }: ConfiguredVerifier, onAuditError: (error: unknown) => void): Promise<Record<string, string>> {
  // The pinned verification keys were hash-checked when the verifier was created: a service
  // with broken keys never starts, so a running one has them.
  const checks: Record<string, string> = { keys: "ok" };
  if (registry) {
    await registry.refresh();
    checks["registry"] = registry.lastError ? READINESS_REASONS.registry : "ok";
  }
  if (redis) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_PING_TIMEOUT_MS} ms`)), REDIS_PING_TIMEOUT_MS);
      });
      checks["redis"] = (await Promise.race([redis.ping(), timeout])) === "PONG" ? "ok" : READINESS_REASONS.redis;
    } catch {
      checks["redis"] = READINESS_REASONS.redis;
    } finally {
      clearTimeout(timer);
    }
  }
  if (audit) {
    try {
      await audit.log.writable();
      checks["audit"] = "ok";
    } catch (error) {
      onAuditError(error);
      checks["audit"] = READINESS_REASONS.audit;
    }
  }
  return checks;
}

/** The reasons /readyz gives, one per dependency (docs/service.md). */
const READINESS_REASONS = {
  registry: "issuer registry unavailable",
  redis: "challenge store unavailable",
  audit: "audit log unavailable",
} as const;

/** HTTP status, stable code and client-safe message of an error raised while handling a request. */
function classify(error: FastifyError): [number, HttpErrorCode, string] {
  // The handlers hand the library only what the body schema and the presets allow, so a
  // MedzkError here is a bug, not the caller's mistake.
  if (error instanceof MedzkError) return [500, "INTERNAL_ERROR", "internal error"];
  if (error.validation) {
    // The one schema failure with a code of its own, as createRequest gives it: an `expected`
    // request whose statement type does not exist (the schema's enum of STATEMENT_TYPES). The
    // value is not quoted: error messages never repeat the body.
    const unknownType = error.validation.find((e) => e.keyword === "enum" && /^\/expected(?:\/\d+)?\/statement\/type$/.test(e.instancePath));
    if (unknownType) {
      const where = unknownType.instancePath.slice(1).replace(/\/(\d+)/g, "[$1]").replaceAll("/", ".");
      return [400, "UNKNOWN_STATEMENT", `"${where}" is no statement type this verifier knows; known: ${STATEMENT_TYPES.join(", ")}`];
    }
    return [400, "BAD_REQUEST", `invalid body: ${error.message}`];
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return [413, "PAYLOAD_TOO_LARGE", "the body is larger than this service accepts (limits.bodyBytes)"];
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return [415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json"];
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return [400, "BAD_REQUEST", "the body is empty; send a JSON object"];
  }
  const status = error.statusCode ?? 500;
  if (status === 503) return [503, "SERVICE_UNAVAILABLE", "the service is shutting down"];
  // Parse errors carry a quote of the body in their message; it may hold personal data.
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY") return [400, "BAD_REQUEST", "the body is not valid JSON"];
  if (status >= 400 && status < 500) return [400, "BAD_REQUEST", "the request could not be processed"];
  return [500, "INTERNAL_ERROR", "internal error"];
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: HttpErrorCode, message: string): FastifyReply {
  if (request.medzk) request.medzk.errorCode = code;
  return reply.code(status).type("application/json").send({ error: { code, message } });
}
