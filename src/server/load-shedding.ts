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
 * `load: "overloaded"` (503, ./health-routes.ts reads {@link LoadShedding.overloaded}), so an
 * orchestrator stops routing new connections here. Registered after ./request-lifecycle.ts, so
 * a shed call has its request id and its log line like any other.
 */
import underPressure from "@fastify/under-pressure";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./http-errors.js";
import type { ServiceMetrics } from "./metrics.js";

/** How long a shed client should wait before retrying, in seconds (the `Retry-After` header). */
const RETRY_AFTER_SECONDS = 1;

/** The shedding state of one service, and the plugin that sheds. */
export class LoadShedding {
  readonly #limits: { inFlight: number; eventLoopDelayMs: number };
  readonly #metrics: ServiceMetrics | undefined;
  #inFlight = 0;
  #underPressure: () => boolean = () => false;

  constructor(limits: { inFlight: number; eventLoopDelayMs: number }, metrics: ServiceMetrics | undefined) {
    this.#limits = limits;
    this.#metrics = metrics;
    // Not encapsulated (as ./request-lifecycle.ts): its hooks apply to every plugin's routes.
    (this.plugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
  }

  /** True while the in-flight bound is reached or the event loop lags past its limit. */
  get overloaded(): boolean {
    return this.#inFlight >= this.#limits.inFlight || this.#underPressure();
  }

  readonly plugin: FastifyPluginAsync = async (app) => {
    const limits = this.#limits;
    if (limits.eventLoopDelayMs > 0) {
      await app.register(underPressure, {
        maxEventLoopDelay: limits.eventLoopDelayMs,
        retryAfter: RETRY_AFTER_SECONDS,
        pressureHandler: (request, reply) => {
          if (request.method !== "POST") return; // probes and scrapes pass
          this.#shed(request, reply, "event_loop", "the service is overloaded (event loop lagging); retry shortly or elsewhere");
        },
      });
      this.#underPressure = () => app.isUnderPressure();
    }
    app.addHook("onRequest", async (request, reply) => {
      if (request.method !== "POST") return;
      if (this.#inFlight >= limits.inFlight) return this.#shed(request, reply, "in_flight", `the service is at its limit of ${limits.inFlight} calls in flight; retry shortly or elsewhere`);
      this.#inFlight++;
      this.#metrics?.inFlight(this.#inFlight);
      // "close" is emitted once per response, answered or aborted: the slot is always given back.
      reply.raw.once("close", () => {
        this.#inFlight--;
        this.#metrics?.inFlight(this.#inFlight);
      });
    });
  };

  #shed(request: FastifyRequest, reply: FastifyReply, reason: "in_flight" | "event_loop", message: string): FastifyReply {
    this.#metrics?.shed(reason);
    return sendError(request, reply.header("retry-after", String(RETRY_AFTER_SECONDS)), 503, "OVERLOADED", message);
  }
}
