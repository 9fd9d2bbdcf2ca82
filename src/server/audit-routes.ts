/**
 * The audit routes of a service with an audit trail (`audit` in its config): a holder reads its
 * own entries, with inclusion proofs, by proving it holds their nullifier (./audit-access.ts,
 * docs/audit.md).
 */
import type { FastifyPluginAsync } from "fastify";
import { auditEntriesFor } from "../audit/inclusion.js";
import { auditChallengeOf, auditTicket } from "./audit-access.js";
import { OUTAGE_CODES, sendError } from "./http-errors.js";
import { errorFacts } from "./logger.js";
import { withPreset } from "./presets.js";
import type { ServiceContext } from "./service-context.js";

/** Refusals that say a dependency of the verifier failed, not that the presentation is wrong. */

export const auditRoutes: FastifyPluginAsync<{ context: ServiceContext }> = async (app, { context }) => {
  const { config, configured, metrics } = context;
  const { verifier } = configured;
  const audit = configured.audit!;
  context.route(app, "createAuditChallenge", async (request, reply) => {
    // A preset, as for any request: the verifier signs only statements its config names, so an
    // audit challenge is nothing a wallet would not be asked anyway.
    const { preset } = request.body as { preset: string };
    const made = await context.requestFor(preset);
    if (made === undefined) return context.unknownPreset(request, reply, preset);
    return reply.code(201).send({ ...made, ticket: auditTicket(config.signingKey, made.request.challenge) });
  });
  context.route(app, "auditEntries", async (request, reply) => {
    const { presentation, ticket } = request.body as { presentation: unknown; ticket: unknown };
    const challenge = auditChallengeOf(presentation, ticket, verifier.publicKey);
    if (challenge === undefined) return sendError(request, reply, 403, "AUDIT_CHALLENGE_INVALID", "the presentation answers no audit challenge of this verifier (POST /v1/audit/challenges)");
    // The verifier's own checks, expecting the ticket's challenge; the nullifier read is the one proven.
    const result = withPreset(await verifier.verify(presentation, { expected: challenge }), configured.presets);
    // A verification like any other, so recorded like any other, accepted or refused: else this
    // endpoint would tell whoever holds an answer (a page that relayed the challenge to a
    // holder) that its statement holds, with no entry.
    if (!(await context.audited(request, [{ result, presentation, expected: challenge }]))) return context.auditUnavailable(request, reply);
    if (!result.ok) {
      // A dependency down is the service's failure, not the holder's: retry later.
      if (OUTAGE_CODES.has(result.error.code)) return sendError(request, reply, 503, "SERVICE_UNAVAILABLE", `the presentation cannot be checked now (${result.error.code})`);
      return sendError(request, reply, 403, "AUDIT_PROOF_REFUSED", `the presentation was refused (${result.error.code}): no entries are read`);
    }
    try {
      return await auditEntriesFor(audit.log, audit.anchor, result.nullifier);
    } catch (error) {
      metrics?.auditError("read");
      request.log.error({ err: errorFacts(error) }, "audit log not readable");
      return sendError(request, reply, 503, "AUDIT_UNAVAILABLE", "the audit trail cannot be read");
    }
  });
};
