/**
 * The verifier service's Prometheus metrics (prom-client), in a registry of the service's own:
 * two services in one process (tests, a blue/green swap) never share or clash on counters.
 *
 * Labels are bounded sets only: route templates (never raw URLs), status codes, the library's
 * refusal codes and fixed operation names. Nothing a caller sends becomes a label value, so a
 * client cannot blow up the series count, and nothing personal (nullifiers, issuers, presets'
 * disclosed values) is ever exported.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The verify endpoints, as the `endpoint` label names them ("openid4vp": the direct_post response endpoint). */
export type VerifyEndpoint = "verify" | "verify-batch" | "openid4vp";

/** Where an audit operation failed, as the `operation` label names it. */
export type AuditOperation = "append" | "read" | "checkpoint";

export class ServiceMetrics {
  readonly registry = new Registry();

  readonly #requests = new Counter({
    name: "medzk_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly #requestSeconds = new Histogram({
    name: "medzk_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route template",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #results = new Counter({
    name: "medzk_verification_results_total",
    help: 'Presentations verified, by endpoint and result code ("OK" for accepted, else the refusal code)',
    labelNames: ["endpoint", "code"] as const,
    registers: [this.registry],
  });
  readonly #verifySeconds = new Histogram({
    name: "medzk_verification_duration_seconds",
    help: "Time the verifier took for one /v1/verify presentation or one whole /v1/verify-batch, by endpoint",
    labelNames: ["endpoint"] as const,
    // A Groth16 pairing check is ~20 ms of CPU; a batch of 1000 takes seconds.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #batchSize = new Histogram({
    name: "medzk_verify_batch_size",
    help: "Presentations per /v1/verify-batch call",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });
  readonly #storeErrors = new Counter({
    name: "medzk_challenge_store_errors_total",
    help: "Challenge store (replay protection) operations that failed; each refused a presentation with STORE_UNAVAILABLE",
    registers: [this.registry],
  });
  readonly #auditErrors = new Counter({
    name: "medzk_audit_errors_total",
    help: "Audit trail failures, by operation (append: results withheld with 503; read: /v1/audit/entries 503; checkpoint: anchoring, retried)",
    labelNames: ["operation"] as const,
    registers: [this.registry],
  });
  readonly #registryErrors = new Counter({
    name: "medzk_issuer_registry_errors_total",
    help: "Issuer registry lookups that failed (REGISTRY_UNAVAILABLE) or registry file versions that could not be used",
    registers: [this.registry],
  });

  readonly #shed = new Counter({
    name: "medzk_shed_total",
    help: "Calls turned away with 503 OVERLOADED, by reason (in_flight: limits.inFlight reached; event_loop: lag past limits.eventLoopDelayMs)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly #inFlight = new Gauge({
    name: "medzk_calls_in_flight",
    help: "POST calls being handled by this instance (shed beyond limits.inFlight)",
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, event-loop lag, GC and handles: measured when scraped.
    collectDefaultMetrics({ register: this.registry });
    // Every code is exported from the start (at 0), so rate() and alerts work before the first failure.
    this.#storeErrors.inc(0);
    this.#registryErrors.inc(0);
    for (const operation of ["append", "read", "checkpoint"] as const) this.#auditErrors.inc({ operation }, 0);
    for (const reason of ["in_flight", "event_loop"] as const) this.#shed.inc({ reason }, 0);
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#requestSeconds.observe({ method, route }, seconds);
  }

  /** One verify call: its duration, its result codes and, for a batch, its size. */
  verification(endpoint: VerifyEndpoint, seconds: number, codes: readonly string[]): void {
    this.#verifySeconds.observe({ endpoint }, seconds);
    if (endpoint === "verify-batch") this.#batchSize.observe(codes.length);
    for (const code of codes) this.#results.inc({ endpoint, code });
  }

  challengeStoreError(): void {
    this.#storeErrors.inc();
  }

  auditError(operation: AuditOperation): void {
    this.#auditErrors.inc({ operation });
  }

  shed(reason: "in_flight" | "event_loop"): void {
    this.#shed.inc({ reason });
  }

  inFlight(calls: number): void {
    this.#inFlight.set(calls);
  }

  registryError(): void {
    this.#registryErrors.inc();
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
