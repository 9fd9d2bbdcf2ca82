/**
 * What operators and clients ask about the service itself: GET /healthz (alive), GET /readyz
 * (each dependency usable) and GET /openapi.json (built from the route table, ./schemas.ts).
 */
import type { FastifyPluginAsync } from "fastify";
import packageJson from "../../package.json" with { type: "json" };
import type { ConfiguredVerifier } from "./configured-verifier.js";
import { errorFacts } from "./logger.js";
import { openApiDocument } from "./schemas.js";
import type { ServiceContext } from "./service-context.js";

const REDIS_PING_TIMEOUT_MS = 1000;

/** The reasons /readyz gives, one per dependency (docs/service.md). */
const READINESS_REASONS = {
  registry: "issuer registry unavailable",
  redis: "challenge store unavailable",
  audit: "audit log unavailable",
} as const;

export const healthRoutes: FastifyPluginAsync<{ context: ServiceContext; overloaded: () => boolean }> = async (app, { context, overloaded }) => {
  const { config, configured } = context;
  const openapi = openApiDocument(context.schemas, { version: packageJson.version, scope: config.scope }, context.routes);
  // The last audit failure /readyz logged, so that a failing probe logs it once.
  let auditReadinessError: string | undefined;
  context.route(app, "health", async () => ({ status: "alive" }));
  context.route(app, "ready", async (request, reply) => {
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
    // Present only while shedding (./load-shedding.ts), so a probe tells an overloaded instance from a broken one.
    if (overloaded()) checks["load"] = "overloaded";
    const ready = Object.values(checks).every((v) => v === "ok");
    return reply.code(ready ? 200 : 503).send({ ready, checks });
  });
  context.route(app, "openapi", async () => openapi);
};

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
