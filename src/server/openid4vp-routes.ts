/**
 * OpenID4VP 1.0 beside the service's own API (docs/openid4vp.md): an insurer's back end creates an
 * authorization request for a preset and gets the `openid4vp://` link to show as a QR code or a
 * link; the wallet fetches the signed request object once (request_uri), answers by direct_post
 * to response_uri, and the back end collects the verification result by state and the secret
 * result token it was given (never in the request, so whoever scans the QR code cannot read it).
 */
import { performance } from "node:perf_hooks";
import type { FastifyPluginAsync } from "fastify";
import { authorizationLink, clientIdOf, signAuthorizationRequest } from "../openid4vp/authorization-request.js";
import { checkVpToken } from "../openid4vp/dcql.js";
import { OUTAGE_CODES, sendError } from "./http-errors.js";
import { RedisOpenid4vpTransactions } from "./openid4vp-redis-transactions.js";
import { MemoryOpenid4vpTransactions, type Openid4vpTransactionStore, holdsToken } from "./openid4vp-transactions.js";
import { type ServiceVerifyResult, withPreset } from "./presets.js";
import type { ServiceContext } from "./service-context.js";

/** Verification refusals that say the presentation is not an answer to the transaction's request at all. */
const NOT_AN_ANSWER: ReadonlySet<string> = new Set(["MALFORMED_PRESENTATION", "UNKNOWN_REQUEST", "REQUEST_MISMATCH"]);

export const openid4vpRoutes: FastifyPluginAsync<{ context: ServiceContext }> = async (app, { context }) => {
  const clock = context.configured.clock;
  const { config, configured } = context;
  const { verifier } = configured;
  const publicUrl = config.openid4vp!.publicUrl;
  const responseUri = `${publicUrl}/v1/openid4vp/response`;
  const clientId = clientIdOf(config.signingKey.publicKey);
  // Shared by the instances when they share Redis; this instance's own otherwise.
  const transactions: Openid4vpTransactionStore = configured.redis ? new RedisOpenid4vpTransactions(configured.redis, config.redis!.keyPrefix) : new MemoryOpenid4vpTransactions();

  context.route(app, "createOpenid4vpRequest", async (request, reply) => {
    const { preset, by = "reference" } = request.body as { preset: string; by?: "reference" | "value" };
    const made = await context.requestFor(preset, responseUri);
    if (made === undefined) return context.unknownPreset(request, reply, preset);
    const now = clock();
    const opened = await transactions.open(made.request, now.getTime());
    if (opened === undefined) return sendError(request, reply, 503, "SERVICE_UNAVAILABLE", "too many OpenID4VP transactions are open; retry later");
    const { state, requestId, resultToken } = opened;
    const jws = await signAuthorizationRequest({ request: made.request, privateKey: config.signingKey.privateKey, state, now });
    const answer = { state, resultToken, expiresAt: made.request.expiresAt };
    if (by === "value") return reply.code(201).send({ link: authorizationLink({ clientId, request: jws }), ...answer });
    await transactions.putRequestObject(requestId, made.request, jws, now.getTime());
    const requestUri = `${publicUrl}/v1/openid4vp/requests/${requestId}`;
    return reply.code(201).send({ link: authorizationLink({ clientId, requestUri }), requestUri, ...answer });
  });

  context.route(app, "getOpenid4vpRequestObject", async (request, reply) => {
    const { id } = request.params as { id: string };
    // Single use: whoever fetched first holds the request; a second fetch (a photographed QR
    // code, a replay), on any instance, gets nothing.
    const taken = await transactions.takeRequestObject(id, clock().getTime());
    if (taken.status === "unknown") return sendError(request, reply, 404, "OPENID4VP_UNKNOWN_TRANSACTION", "no such request, or it expired");
    if (taken.status === "used") return sendError(request, reply, 410, "OPENID4VP_REQUEST_USED", "this request_uri was fetched already: it is single use");
    return reply.type("application/oauth-authz-req+jwt").header("cache-control", "no-store").send(taken.jws);
  });

  // direct_post is a form (OpenID4VP 1.0 §8.2), and only direct_post: in a scope of its own, so
  // the JSON routes beside it take no form (a cross-site form post needs no CORS preflight) and
  // the response route takes no JSON. A repeated key is refused: which of two vp_tokens would be
  // the answer? The form is a null-prototype object, so "__proto__" is a key like any other
  // (and refused by the body schema as unknown).
  await app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const form: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of params) {
        if (Object.hasOwn(form, key)) return done(Object.assign(new Error(`the form repeats "${key.slice(0, 32)}"`), { statusCode: 400 }), undefined);
        form[key] = value;
      }
      done(null, form);
    });

    context.route(scope, "postOpenid4vpResponse", async (request, reply) => {
      const { vp_token: vpToken, state } = request.body as { vp_token: string; state: string };
      const transaction = await transactions.byState(state, clock().getTime());
      if (transaction === undefined) return sendError(request, reply, 404, "OPENID4VP_UNKNOWN_TRANSACTION", "no transaction with this state, or it expired");
      if (transaction.answer.status !== "pending") return sendError(request, reply, 409, "OPENID4VP_ALREADY_ANSWERED", "this state was answered already");
      const presentation = checkVpToken(vpToken);
      if (!presentation.ok) return sendError(request, reply, 400, "OPENID4VP_RESPONSE_INVALID", presentation.message);
      // One atomic step of the store: of two responses racing (on this instance or on two), exactly one is verified.
      const claim = await transactions.claim(state, clock().getTime());
      if (claim === undefined) return sendError(request, reply, 409, "OPENID4VP_ALREADY_ANSWERED", "this state was answered already");
      const started = performance.now();
      const expected = transaction.request;
      let result: ServiceVerifyResult;
      let audited: boolean;
      try {
        result = withPreset(await verifier.verify(presentation.value, { expected }), configured.presets);
        context.record(request, "openid4vp", started, [result]);
        audited = await context.audited(request, [{ result, presentation: presentation.value, expected }]);
      } catch (error) {
        // Not left "verifying" (every later response 409): the error handler answers 500.
        await transactions.release(state, claim).catch(() => {});
        throw error;
      }
      if (!audited) {
        await transactions.release(state, claim);
        return context.auditUnavailable(request, reply);
      }
      // Only an answer to this state's request decides it: a presentation that is not one, or
      // answers another request (another state's, posted here by whoever learned this state),
      // is refused and the transaction stays open for the wallet's real answer.
      if (!result.ok && NOT_AN_ANSWER.has(result.error.code)) {
        await transactions.release(state, claim);
        return sendError(request, reply, 400, "OPENID4VP_RESPONSE_INVALID", `the presentation does not answer this state's request (${result.error.code})`);
      }
      // Nor does the service's own outage (its challenge store, registry or a bug): the wallet
      // may post the same answer again once the service is back (its challenge was not used).
      if (!result.ok && OUTAGE_CODES.has(result.error.code)) {
        await transactions.release(state, claim);
        return sendError(request, reply, 503, "SERVICE_UNAVAILABLE", `the presentation cannot be checked now (${result.error.code}); send it again later`);
      }
      // A claim that lapsed (verification slower than CLAIM_MS) and was taken by another response: that one decides.
      if (!(await transactions.settle(state, claim, result, clock().getTime()))) return sendError(request, reply, 409, "OPENID4VP_ALREADY_ANSWERED", "this state was answered already");
      // §8.2: 200 with an empty object (no redirect_uri: cross-device, the insurer's page moves on).
      return {};
    });
  });

  context.route(app, "getOpenid4vpResults", async (request, reply) => {
    const { state, resultToken } = request.body as { state: string; resultToken: string };
    const transaction = await transactions.byState(state, clock().getTime());
    if (transaction === undefined) return sendError(request, reply, 404, "OPENID4VP_UNKNOWN_TRANSACTION", "no transaction with this state, or it expired");
    if (!holdsToken(transaction, resultToken)) return sendError(request, reply, 403, "OPENID4VP_RESULT_TOKEN_INVALID", "not this transaction's resultToken");
    const answer = transaction.answer;
    return answer.status === "answered" ? { status: "answered", result: answer.result } : { status: "pending" };
  });
};
