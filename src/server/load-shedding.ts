/**
 * Load shedding: beyond what an instance can answer in time, a call is turned away at once
 * (`503 OVERLOADED`, `Retry-After: 1`) instead of queueing without bound, so the latency of the
 * calls it does take stays bounded and a load balancer (or the client) retries elsewhere.
 *
 * Two triggers, both checked when a request arrives, before its body is read:
 * - in flight: more than `limits.inFlight` POST calls (verifications, requests, audit reads)
 *   being handled by this instance. A counter of our own rather than a plugin's, because the
 *   bound that keeps the p99 bounded is exactly this one: at most `inFlight` calls wait for the
 *   verifier, so none waits longer than `inFlight` verifications' worth of work;
 * - event-loop lag: @fastify/under-pressure's `maxEventLoopDelay` (`limits.eventLoopDelayMs`), for
 *   what the counter cannot see (a stalled loop, garbage collection, a neighbour's CPU).
 * Probes, metrics and the OpenAPI document (GET) are never shed. While shedding, /readyz says
 * `load: "overloaded"` (503), so an orchestrator stops routing new connections here.
 */
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceMetrics } from "./metrics.js";

/** What the service reads back: whether it is shedding now (for /readyz). */
export interface LoadShedding {
  /** True while the in-flight bound is reached or the event loop lags past its limit. */
  readonly overloaded: boolean;
}

/** How long a shed client should wait before retrying, in seconds (the `Retry-After` header). */
const RETRY_AFTER_SECONDS = 1;

/**
 * Installs the shedding hooks on `app` (before its routes). `onShed` marks the request's log
 * facts with the code, as every error the service sends is.
 */
export async function installLoadShedding(
  app: FastifyInstance,
  limits: { inFlight: number; eventLoopDelayMs: number },
  metrics: ServiceMetrics | undefined,
  onShed: (request: FastifyRequest) => void,
): Promise<LoadShedding> {
  let inFlight = 0;
  const shed = (request: FastifyRequest, reply: FastifyReply, reason: "in_flight" | "event_loop", message: string): FastifyReply => {
    metrics?.shed(reason);
    onShed(request);
    return reply.code(503).header("retry-after", String(RETRY_AFTER_SECONDS)).type("application/json").send({ error: { code: "OVERLOADED", message } });
  };
  if (limits.eventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: limits.eventLoopDelayMs,
      retryAfter: RETRY_AFTER_SECONDS,
      pressureHandler: (request, reply) => {
        if (request.method !== "POST") return; // probes and scrapes pass
        shed(request, reply, "event_loop", "the service is overloaded (event loop lagging); retry shortly or elsewhere");
      },
    });
  }
  app.addHook("onRequest", async (request, reply) => {
    if (request.method !== "POST") return;
    if (inFlight >= limits.inFlight) return shed(request, reply, "in_flight", `the service is at its limit of ${limits.inFlight} calls in flight; retry shortly or elsewhere`);
    inFlight++;
    metrics?.inFlight(inFlight);
    // "close" is emitted once per response, answered or aborted: the slot is always given back.
    reply.raw.once("close", () => {
      inFlight--;
      metrics?.inFlight(inFlight);
    });
  });
  return {
    get overloaded() {
      return inFlight >= limits.inFlight || (limits.eventLoopDelayMs > 0 && app.isUnderPressure());
    },
  };
}
