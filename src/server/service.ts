/**
 * The verifier HTTP service: a Fastify app around one library verifier, composed of plugins each
 * readable on its own:
 * - ./request-lifecycle.ts: request ids, CORS, draining, the log line, the error shape;
 * - ./verification-routes.ts: requests for presets, verification (one or a batch);
 * - ./audit-routes.ts: audit challenges and a holder's entries (with an audit trail);
 * - ./openid4vp-routes.ts: OpenID4VP 1.0 authorization requests and responses (with `openid4vp`);
 * - ./health-routes.ts: liveness, readiness, the OpenAPI document;
 * - ./metrics-endpoint.ts: the Prometheus scrape, beside the API or on a listener of its own.
 * What they share (the configured verifier, metrics, route table) is ./service-context.ts.
 */
import { type FastifyBaseLogger, type FastifyInstance, LogController, fastify } from "fastify";
import { MedzkError } from "../core/errors.js";
import { auditRoutes } from "./audit-routes.js";
import type { ServiceConfig } from "./config.js";
import { healthRoutes } from "./health-routes.js";
import { LoadShedding } from "./load-shedding.js";
import { metricsListener, metricsRoute } from "./metrics-endpoint.js";
import { openid4vpRoutes } from "./openid4vp-routes.js";
import { REQUEST_ID_HEADER, requestIdOf } from "./request-id.js";
import { requestLifecycle } from "./request-lifecycle.js";
import { type ServiceOptions, createServiceContext } from "./service-context.js";
import { verificationRoutes } from "./verification-routes.js";

export type { ServiceOptions } from "./service-context.js";

export interface VerifierService {
  app: FastifyInstance;
  /** Starts listening on `config.listen` (and `config.metrics.listen`); resolves to the base URL, e.g. "http://127.0.0.1:8080". */
  listen(): Promise<string>;
  /** Where the metrics are scraped once listening, e.g. "http://127.0.0.1:8080/metrics"; undefined with `metrics: false` or before `listen()`. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting connections, lets in-flight requests finish, then closes Redis. Idempotent. */
  close(): Promise<void>;
}

// Generous for a batch of limits.batchSize presentations, but a client trickling a body in
// cannot hold a connection forever.
const REQUEST_TIMEOUT_MS = 30_000;

export async function createVerifierService(config: ServiceConfig, options: ServiceOptions = {}): Promise<VerifierService> {
  if (typeof config !== "object" || config === null || typeof config.listen !== "object") {
    throw new MedzkError("INVALID_ARGUMENT", `"config" must be a ServiceConfig (use parseServiceConfig or loadServiceConfig)`);
  }
  const context = await createServiceContext(config, options);
  const { logger, configured, metricsConfig } = context;

  // Fastify gets a child of its own, so that its "Server listening at …" lines (one per address,
  // the address only in the message text) can be left out in favour of the "listening" line below.
  const fastifyLogger = logger?.child({});
  const app = fastify({
    ...(fastifyLogger ? { loggerInstance: fastifyLogger as FastifyBaseLogger } : { logger: false }),
    // Fastify's own request lines would log URLs and headers; ./request-lifecycle.ts logs instead.
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
    // service's error shape: the lifecycle answers instead.
    return503OnClosing: false,
  });
  let draining = false;
  app.register(requestLifecycle, { context, draining: () => draining });
  const load = new LoadShedding(config.limits, context.metrics);
  app.register(load.plugin);
  app.register(verificationRoutes, { context });
  if (configured.audit) app.register(auditRoutes, { context });
  if (config.openid4vp) app.register(openid4vpRoutes, { context });
  app.register(healthRoutes, { context, overloaded: () => load.overloaded });
  app.register(metricsRoute, { context });
  const metricsServer = metricsListener(context);

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
      if (metricsServer) {
        try {
          metricsUrl = await metricsServer.listen();
        } catch (error) {
          await app.close();
          throw error;
        }
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
            await metricsServer?.close();
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
}
