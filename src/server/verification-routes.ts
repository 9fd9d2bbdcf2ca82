/**
 * The verifier's own API: POST /v1/requests (a request for a preset), POST /v1/verify and
 * POST /v1/verify-batch. A refused presentation is a successful call (200 with `result.ok ===
 * false`): the HTTP status says whether the service did its job, the result says what it found,
 * and clients switch on one field (`result.error.code`) for every refusal.
 */
import { performance } from "node:perf_hooks";
import type { FastifyPluginAsync } from "fastify";
import type { ProofRequest } from "../core/request.js";
import { sendError } from "./http-errors.js";
import { withPreset } from "./presets.js";
import type { ServiceContext } from "./service-context.js";

export const verificationRoutes: FastifyPluginAsync<{ context: ServiceContext }> = async (app, { context }) => {
  const { configured } = context;
  const { verifier } = configured;
  context.route(app, "createRequest", async (request, reply) => {
    // Only a preset name: the config decides what holders are asked, never the caller.
    const { preset } = request.body as { preset: string };
    const made = await context.requestFor(preset);
    if (made === undefined) return context.unknownPreset(request, reply, preset);
    return reply.code(201).send(made);
  });
  context.route(app, "verify", async (request, reply) => {
    const { presentation, expected } = request.body as { presentation: unknown; expected: ProofRequest | string };
    const started = performance.now();
    const result = withPreset(await verifier.verify(presentation, { expected }), configured.presets);
    context.record(request, "verify", started, [result]);
    if (!(await context.audited(request, [{ result, presentation, expected }]))) return context.auditUnavailable(request, reply);
    return { result };
  });
  context.route(app, "verifyBatch", async (request, reply) => {
    const { presentations, expected } = request.body as { presentations: unknown[]; expected: Array<ProofRequest | string> };
    // Checked here rather than by the library's INVALID_ARGUMENT, so the client sees the same
    // BAD_REQUEST as for any other malformed body.
    if (expected.length !== presentations.length) {
      return sendError(request, reply, 400, "BAD_REQUEST", `"expected" must hold one request or challenge per presentation (${presentations.length}), not ${expected.length}`);
    }
    const started = performance.now();
    const results = (await verifier.verifyBatch(presentations, { expected })).map((r) => withPreset(r, configured.presets));
    context.record(request, "verify-batch", started, results);
    if (!(await context.audited(request, results.map((result, i) => ({ result, presentation: presentations[i], expected: expected[i] }))))) {
      return context.auditUnavailable(request, reply);
    }
    return { results };
  });
};
