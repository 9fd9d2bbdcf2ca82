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
import { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController, fastify } from "fastify";
import { pino } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import type { CheckpointAnchor } from "../audit/anchor.js";
import { auditEntriesFor } from "../audit/inclusion.js";
import { MedzkError } from "../core/errors.js";
import { parseCanonical } from "../core/field.js";
import type { ProofRequest } from "../core/request.js";
import type { ServiceConfig } from "./config.js";
import { type ConfiguredVerifier, configuredVerifier } from "./configured-verifier.js";
import { type Verification, recordVerifications } from "./audit.js";
import { type ServiceVerifyResult, withPreset } from "./presets.js";
import { AUDIT_ROUTE, type HttpErrorCode, ROUTES, openApiDocument, serviceSchemas } from "./schemas.js";

export interface VerifierService {
  app: FastifyInstance;
  /** Starts listening on `config.listen`; resolves to the base URL, e.g. "http://127.0.0.1:8080". */
  listen(): Promise<string>;
  /** Stops accepting connections, lets in-flight requests finish, then closes Redis. Idempotent. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Where JSON log lines go (default: stdout); false for no logs. */
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

// Field names that must never reach a log line, whatever a future log call passes.
const REDACT = [
  "body",
  "presentation",
  "presentations",
  "proof",
  "publicSignals",
  "disclosed",
  "result",
  "results",
  "requestKey",
  "signingKey",
  "privateKey",
  "secret",
  "holder",
  "config",
  "req.headers.authorization",
  "req.headers.cookie",
  "*.body",
  "*.presentation",
  "*.presentations",
  "*.proof",
  "*.disclosed",
  "*.requestKey",
  "*.signingKey",
  "*.privateKey",
  "*.secret",
];

// Generous for a batch of limits.batchSize presentations, but a client trickling a body in
// cannot hold a connection forever.
const REQUEST_TIMEOUT_MS = 30_000;
const REDIS_PING_TIMEOUT_MS = 1000;

export async function createVerifierService(config: ServiceConfig, options: ServiceOptions = {}): Promise<VerifierService> {
  if (typeof config !== "object" || config === null || typeof config.listen !== "object") {
    throw new MedzkError("INVALID_ARGUMENT", `"config" must be a ServiceConfig (use parseServiceConfig or loadServiceConfig)`);
  }
  const logger =
    options.logger === false
      ? undefined
      : pino(
          {
            level: "info",
            base: { service: "medzk-verifier" },
            timestamp: pino.stdTimeFunctions.isoTime,
            redact: { paths: REDACT, censor: "[redacted]" },
          },
          options.logger ?? pino.destination({ dest: 1, sync: false }),
        );
  const configured: ConfiguredVerifier = await configuredVerifier(config, {
    onRedisState: (state, reason) =>
      state === "down" ? logger?.warn({ redis: "down", reason }, "redis unreachable") : logger?.info({ redis: "up" }, "redis reachable"),
    // The cause of an INTERNAL_ERROR result: its type, code, message and stack, which medzk's
    // own errors write without personal data; never the presentation.
    onInternalError: (error, context) => {
      const err = error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code, message: error.message, stack: error.stack } : { type: typeof error };
      logger?.error({ err, operation: context.operation, ...(context.item !== undefined ? { item: context.item } : {}) }, "verification internal error");
    },
    // The code and message only: medzk's audit errors name files and seqs, never entries.
    onAuditCheckpointError: (error) => logger?.warn({ err: errorFacts(error) }, "audit checkpoint not anchored"),
    ...(options.auditAnchor ? { auditAnchor: options.auditAnchor } : {}),
  });
  const { verifier } = configured;
  // What an operator needs to confirm the deployment, and nothing secret (no key, no Redis URL).
  logger?.info(
    {
      scope: config.scope,
      presets: Object.keys(config.presets),
      trustedIssuerCount: config.trustedIssuers.length,
      issuerRegistry: config.issuersFile !== undefined,
      verifierKey: config.signingKey.publicKey,
      ...(config.responseUrl !== undefined ? { responseUrl: config.responseUrl } : {}),
      redisStore: config.redis !== undefined,
      ...(config.audit ? { auditStore: config.audit.file !== undefined ? "file" : "postgres", auditAnchor: configured.audit?.anchor !== undefined } : {}),
      corsOriginCount: config.corsOrigins.length,
      limits: config.limits,
    },
    "verifier configured",
  );
  const schemas = serviceSchemas(config.limits, config.presets);
  const presetNames = Object.keys(config.presets).map((n) => JSON.stringify(n)).join(", ");
  const routes = configured.audit ? [...ROUTES, AUDIT_ROUTE] : ROUTES;
  const openapi = openApiDocument(schemas, { version: packageJson.version, scope: config.scope }, routes);

  const app = fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    // Fastify's own request lines would log URLs and headers; the onResponse hook below logs instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.bodyBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Ajv must not rewrite the body: coercing 1 to "1" or dropping unknown properties would make
    // the library see a different presentation from the one the client sent.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  // JSON only. Fastify also parses text/plain by default, which is what a cross-site form can
  // send without a CORS preflight: without a parser it gets 415 before reaching a handler.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("medzk", null);
  app.addHook("onRequest", async (request) => {
    request.medzk = {};
  });

  // CORS for browser wallets: exact origins only, answered here rather than by a plugin so the
  // whole policy is these few lines.
  const origins = new Set(config.corsOrigins);
  if (origins.size > 0) {
    app.addHook("onRequest", async (request, reply) => {
      reply.header("vary", "Origin");
      const origin = request.headers.origin;
      if (origin !== undefined && origins.has(origin)) reply.header("access-control-allow-origin", origin);
    });
    app.options("/*", async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !origins.has(origin)) {
        return sendError(request, reply, 403, "ORIGIN_NOT_ALLOWED", "this origin may not call the verifier");
      }
      reply
        .header("access-control-allow-methods", "GET, POST")
        .header("access-control-allow-headers", "content-type")
        .header("access-control-max-age", "600");
      return reply.code(204).send();
    });
  }

  app.addHook("onResponse", async (request, reply) => {
    const facts = request.medzk ?? {};
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(none)",
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
  const handlers: Record<string, (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    createRequest: async (request, reply) => {
      // Only a preset name: the config decides what holders are asked, never the caller.
      const { preset } = request.body as { preset: string };
      const statement = configured.presets.statement(preset);
      if (statement === undefined) return sendError(request, reply, 400, "UNKNOWN_PRESET", `no preset ${JSON.stringify(preset)}; this verifier has ${presetNames}`);
      if (!config.hideIssuer) return reply.code(201).send({ request: verifier.createRequest({ statement }) });
      // The set is rebuilt from the trust sources each time (deterministic: every instance gets the
      // same root), and travels with the request: the wallet proves membership locally.
      const issuerSet = await verifier.issuerSet({ statement });
      return reply.code(201).send({ request: verifier.createRequest({ statement, issuerSet: issuerSet.root }), issuerSet });
    },
    verify: async (request, reply) => {
      const { presentation, expected } = request.body as { presentation: unknown; expected: ProofRequest | string };
      const result = withPreset(await verifier.verify(presentation, { expected }), configured.presets);
      record(request, [result]);
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
      const results = (await verifier.verifyBatch(presentations, { expected })).map((r) => withPreset(r, configured.presets));
      record(request, results);
      if (!(await audited(request, results.map((result, i) => ({ result, presentation: presentations[i], expected: expected[i] }))))) return auditUnavailable(request, reply);
      return { results };
    },
    health: async () => ({ status: "alive" }),
    ready: async (_request, reply) => {
      const checks = await readiness(configured);
      const ready = Object.values(checks).every((v) => v === "ok");
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
    openapi: async () => openapi,
    auditEntries: async (request, reply) => {
      const { nullifier } = request.query as { nullifier?: unknown };
      if (typeof nullifier !== "string" || parseCanonical(nullifier) === undefined) {
        return sendError(request, reply, 400, "BAD_REQUEST", `give one "nullifier": a canonical decimal field element`);
      }
      try {
        return await auditEntriesFor(configured.audit!.log, configured.audit!.anchor, nullifier);
      } catch (error) {
        request.log.error({ err: errorFacts(error) }, "audit log not readable");
        return sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be read");
      }
    },
  };
  for (const route of routes) {
    app.route({ method: route.method, url: route.url, schema: routeSchema(route.body), handler: handlers[route.operationId]! });
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    async listen() {
      return app.listen({ host: config.listen.host, port: config.listen.port });
    },
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await configured.close();
          logger?.flush();
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
      request.log.error({ err: errorFacts(error) }, "audit entry not written");
      return false;
    }
  }

  function auditUnavailable(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be written; the verification result is withheld");
  }

  function record(request: FastifyRequest, results: ServiceVerifyResult[]): void {
    const facts = request.medzk!;
    facts.presentations = results.length;
    facts.accepted = results.filter((r) => r.ok).length;
    facts.refusals = {};
    for (const r of results) if (!r.ok) facts.refusals[r.error.code] = (facts.refusals[r.error.code] ?? 0) + 1;
  }
}

/** The type, code and message of an error, for a log line (medzk's messages hold no personal data). */
function errorFacts(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code, message: error.message } : { type: typeof error };
}

/** Readiness of each dependency: "ok" or the reason it cannot be used. */
async function readiness({ registry, redis, audit }: ConfiguredVerifier): Promise<Record<string, string>> {
  // The pinned verification keys were hash-checked when the verifier was created: a service
  // with broken keys never starts, so a running one has them.
  const checks: Record<string, string> = { keys: "ok" };
  if (registry) {
    await registry.refresh();
    checks["registry"] = registry.lastError ? `issuer registry not usable: ${registry.lastError.message}` : "ok";
  }
  if (redis) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_PING_TIMEOUT_MS} ms`)), REDIS_PING_TIMEOUT_MS);
      });
      const reply = await Promise.race([redis.ping(), timeout]);
      checks["redis"] = reply === "PONG" ? "ok" : `unexpected PING reply`;
    } catch (error) {
      checks["redis"] = `redis unreachable: ${(error as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }
  if (audit) {
    try {
      await audit.log.head();
      checks["audit"] = "ok";
    } catch (error) {
      checks["audit"] = `audit log not usable: ${(error as Error).message}`;
    }
  }
  return checks;
}

/** HTTP status, stable code and client-safe message of an error raised while handling a request. */
function classify(error: FastifyError): [number, HttpErrorCode, string] {
  // The handlers hand the library only what the body schema and the presets allow, so a
  // MedzkError here is a bug, not the caller's mistake.
  if (error instanceof MedzkError) return [500, "INTERNAL_ERROR", "internal error"];
  if (error.validation) return [400, "BAD_REQUEST", `invalid body: ${error.message}`];
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
