/**
 * What happens to every request, whatever its route: its id, CORS for browser wallets, refusal
 * while draining, one log line (with fields chosen here: method, route, status, duration, error
 * code, presentation counts, refusal codes; never bodies, results, disclosed values, proofs or
 * keys) and the service's error shape for unknown routes and thrown errors.
 */
import type { FastifyError, FastifyPluginAsync } from "fastify";
import { classify, sendError } from "./http-errors.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import type { ServiceContext } from "./service-context.js";

export interface RequestLifecycleOptions {
  context: ServiceContext;
  /** True once the service is closing. */
  draining: () => boolean;
}

const lifecycle: FastifyPluginAsync<RequestLifecycleOptions> = async (app, { context, draining }) => {
  const { config, metrics } = context;
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
  app.addHook("onRequest", async (request, reply) => {
    if (draining()) return sendError(request, reply.header("connection", "close"), 503, "SERVICE_UNAVAILABLE", "the service is shutting down");
  });
  // Once a request in flight while the service closes is answered, its keep-alive connection is
  // idle: closed then (a request already pipelined behind it is not idle, and gets the 503
  // above), or close() waited for the client's keep-alive to time out (Fastify's
  // keepAliveTimeout, 72 s). setImmediate: after Node has marked the connection idle.
  app.addHook("onResponse", async () => {
    if (draining()) setImmediate(() => app.server.closeIdleConnections());
  });

  app.addHook("onResponse", async (request, reply) => {
    const facts = request.medzk ?? {};
    const route = request.routeOptions.url ?? "(none)";
    metrics?.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    context.noteRegistryFile(request.log);
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
};
// Not encapsulated (what the fastify-plugin package does, by Fastify's documented symbol): its
// hooks and handlers are the app's, so they apply to the routes of every other plugin.
(lifecycle as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;

export const requestLifecycle: FastifyPluginAsync<RequestLifecycleOptions> = lifecycle;
