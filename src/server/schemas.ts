/**
 * JSON schemas of the verifier service's bodies, and the OpenAPI 3.1 document built from them.
 *
 * Request schemas check the envelope only (a JSON object with the right top-level fields, bounded
 * sizes): the library checks everything inside a statement or presentation and answers with a
 * typed code (`MALFORMED_PRESENTATION`, `NON_CANONICAL_SIGNAL`, …), which tells a client more than
 * a schema error would. The same objects are handed to Fastify for validation and copied into
 * `/openapi.json`, so the document cannot drift from what the service enforces. They stay within
 * the JSON Schema subset that draft-07 (Fastify's Ajv) and 2020-12 (OpenAPI 3.1) read alike.
 */
import type { VerifyErrorCode } from "../core/errors.js";
import { statementModules } from "../statements/registry.js";

type Schema = Record<string, unknown>;

/** Stable codes of the service's own errors (`{ "error": { code, message } }`). */
export const HTTP_ERROR_CODES = [
  "BAD_REQUEST",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "ORIGIN_NOT_ALLOWED",
  "SERVICE_UNAVAILABLE",
  // Load shed (503 with Retry-After): limits.inFlight calls in flight, or the event loop lagging
  // past limits.eventLoopDelayMs (./load-shedding.ts). Retry after the header's seconds, or elsewhere.
  "OVERLOADED",
  "INTERNAL_ERROR",
  // POST /v1/requests (or POST /v1/audit/challenges) names a preset the config does not have.
  "UNKNOWN_PRESET",
  // An `expected` request names a statement type that does not exist (the library's code for it).
  "UNKNOWN_STATEMENT",
  // The audit trail cannot be written (or read): verification results are withheld rather than
  // released unrecorded.
  "AUDIT_UNAVAILABLE",
  // POST /v1/audit/entries: the presentation answers no audit challenge of this verifier (no
  // ticket, a ticket of another challenge or verifier, a presentation whose request does not parse).
  "AUDIT_CHALLENGE_INVALID",
  // POST /v1/audit/entries: the verifier refused the presentation (its code is in the message):
  // the caller did not prove it holds a nullifier, so no entries are read.
  "AUDIT_PROOF_REFUSED",
  // OpenID4VP (docs/openid4vp.md): a request_uri already fetched once (single use).
  "OPENID4VP_REQUEST_USED",
  // OpenID4VP: no transaction with this state (or request_uri): never made, or expired.
  "OPENID4VP_UNKNOWN_TRANSACTION",
  // OpenID4VP: a second response for a state already answered; the first one's result stands.
  "OPENID4VP_ALREADY_ANSWERED",
  // OpenID4VP: a direct_post body that is not this profile's (vp_token not the DCQL object of one medzk presentation), or whose presentation does not answer the state's request.
  "OPENID4VP_RESPONSE_INVALID",
  // OpenID4VP: results asked for with a resultToken that is not the transaction's.
  "OPENID4VP_RESULT_TOKEN_INVALID",
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

// Every code the verifier can return, as a record so that the type checker refuses a list that
// misses one (the published document once lacked the hidden-issuer codes).
const VERIFY_ERROR_CODE_SET: Record<VerifyErrorCode, true> = {
  MALFORMED_PRESENTATION: true,
  UNKNOWN_REQUEST: true,
  REQUEST_MISMATCH: true,
  REQUEST_EXPIRED: true,
  REQUEST_REPLAYED: true,
  STATEMENT_MISMATCH: true,
  PUBLIC_SIGNAL_COUNT: true,
  NON_CANONICAL_SIGNAL: true,
  UNTRUSTED_ISSUER: true,
  ISSUER_KEY_RETIRED: true,
  ISSUER_KEY_COMPROMISED: true,
  ISSUER_KEY_NOT_VALID: true,
  SCHEMA_NOT_ALLOWED: true,
  STALE_REVOCATION_ROOT: true,
  UNKNOWN_REVOCATION_ROOT: true,
  REGISTRY_UNAVAILABLE: true,
  AS_OF_MISMATCH: true,
  CHALLENGE_MISMATCH: true,
  SCOPE_MISMATCH: true,
  MALFORMED_PROOF: true,
  INVALID_PROOF: true,
  KEY_MISMATCH: true,
  STORE_UNAVAILABLE: true,
  ISSUER_SET_MISMATCH: true,
  STALE_ISSUER_SET: true,
  UNKNOWN_ISSUER_SET: true,
  INTERNAL_ERROR: true,
};
const VERIFY_ERROR_CODES = Object.keys(VERIFY_ERROR_CODE_SET) as VerifyErrorCode[];
// The service's own refusal: a verified statement that is none of its presets (./presets.ts).
const RESULT_ERROR_CODES: readonly string[] = [...VERIFY_ERROR_CODES, "UNKNOWN_PRESET"];

const decimal = { type: "string", pattern: "^[0-9]{1,78}$" };
const day = { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" };

// Built from the statement modules (src/statements), so a new statement appears here by itself:
// the type enum and each field's JSON type; the library checks every value.
const modules = statementModules();
const Statement: Schema = {
  type: "object",
  description:
    "What to prove: " +
    modules.map((m) => `${m.type} { ${Object.keys(m.fields).map((f) => (m.optional?.includes(f) ? `${f}?` : f)).join(", ")} }`).join(", ") +
    ". Parameters are checked by the library.",
  required: ["type"],
  properties: {
    type: { type: "string", enum: modules.map((m) => m.type) },
    ...Object.assign({}, ...modules.map((m) => m.fields)),
  },
};

const ProofRequest: Schema = {
  type: "object",
  description: "A request for the holder's wallet; echoed verbatim in the presentation. Signed by the verifier's Ed25519 key (verifier), so it needs no server-side state; the nullifier scope is derived from verifier and purpose.",
  required: ["format", "verifier", "challenge", "asOf", "statement", "expiresAt", "signature"],
  properties: {
    format: { type: "string", enum: ["medzk-request/v2"] },
    verifier: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The verifier's Ed25519 public key." },
    purpose: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" },
    responseUrl: { type: "string", format: "uri", description: "Where the wallet sends the presentation, and nowhere else." },
    issuerSet: { ...decimal, description: "Hidden issuer: the root of the verifier's trusted issuer set the proof must show membership of." },
    challenge: decimal,
    asOf: day,
    statement: Statement,
    expiresAt: { type: "string", format: "date-time" },
    signature: { type: "string", pattern: "^[0-9a-f]{128}$" },
  },
};

// What the caller awaits: the request it got from POST /v1/requests, or that request's challenge.
const Expected: Schema = {
  description: "The request the caller got from POST /v1/requests (as received), or its challenge.",
  oneOf: [decimal, ProofRequest],
};

// Only the envelope: the verifier refuses anything else inside with a typed code.
const Presentation: Schema = {
  type: "object",
  description: "A wallet's answer to a request (medzk-presentation/v2, naming its circuit and key; v1 is still accepted). Its content is checked by the verifier, which refuses with a typed code rather than a 400.",
  properties: {
    format: { type: "string", maxLength: 64 },
    request: { type: "object" },
    key: { type: "object" },
    proof: { type: "object" },
    publicSignals: { type: "array", maxItems: 256 },
  },
};

const VerifyResult: Schema = {
  description: "ok: true with what was proven, or ok: false with the library's refusal code.",
  oneOf: [
    {
      type: "object",
      required: ["ok", "preset", "statement", "nullifier", "asOf", "scope", "challenge"],
      properties: {
        ok: { type: "boolean", enum: [true] },
        preset: { type: "string", description: "The preset (config \"presets\") whose statement was proven." },
        statement: Statement,
        nullifier: { ...decimal, description: "Poseidon(holder secret, scope): stable per holder within this scope." },
        issuer: { type: "string", pattern: "^[0-9a-f]{64}$", description: "The issuer key (absent when the issuer is hidden)." },
        issuerId: { type: "string", description: "The issuer's registry id (absent when the issuer is hidden)." },
        issuerSet: { ...decimal, description: "Hidden issuer: the trusted set's root (then no issuer, issuerId)." },
        disclosed: { type: "object", description: "Attributes the query asked to disclose." },
        asOf: day,
        scope: { type: "string" },
        challenge: decimal,
      },
    },
    {
      type: "object",
      required: ["ok", "error"],
      properties: {
        ok: { type: "boolean", enum: [false] },
        error: {
          type: "object",
          required: ["code", "message"],
          properties: { code: { type: "string", enum: RESULT_ERROR_CODES }, message: { type: "string" } },
        },
      },
    },
  ],
};

const Error_: Schema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string", enum: HTTP_ERROR_CODES }, message: { type: "string" } },
    },
  },
};

const Readiness: Schema = {
  type: "object",
  required: ["ready", "checks"],
  properties: {
    ready: { type: "boolean" },
    checks: {
      type: "object",
      description: "One entry per dependency: \"ok\" or why it is not usable.",
      additionalProperties: { type: "string" },
    },
  },
};

/** The named schemas, with the batch limit of this service's configuration. */
export function serviceSchemas(limits: { batchSize: number }, presets: Readonly<Record<string, unknown>>): Record<string, Schema> {
  return {
    Statement,
    ProofRequest,
    Presentation,
    VerifyResult,
    Error: Error_,
    Readiness,
    CreateRequestBody: {
      type: "object",
      required: ["preset"],
      additionalProperties: false,
      properties: {
        preset: { type: "string", maxLength: 64, description: `A preset of this verifier's config: ${Object.keys(presets).map((n) => JSON.stringify(n)).join(", ")} (UNKNOWN_PRESET otherwise).` },
      },
    },
    VerifyBody: {
      type: "object",
      required: ["presentation", "expected"],
      additionalProperties: false,
      properties: {
        presentation: Presentation,
        expected: { ...Expected, description: `${Expected["description"]} REQUEST_MISMATCH for a presentation that answers another request.` },
      },
    },
    VerifyBatchBody: {
      type: "object",
      required: ["presentations", "expected"],
      additionalProperties: false,
      properties: {
        presentations: { type: "array", minItems: 1, maxItems: limits.batchSize, items: Presentation },
        expected: {
          type: "array",
          minItems: 1,
          maxItems: limits.batchSize,
          items: Expected,
          description: "One awaited request (or challenge) per presentation, in the same order; an array of another length is a 400.",
        },
      },
    },
    CreateRequestResponse: {
      type: "object",
      required: ["request"],
      properties: {
        request: ProofRequest,
        issuerSet: { type: "object", description: "With \"hideIssuer\": the trusted issuer set (medzk-issuer-set/v1) the request names; the wallet proves membership of it locally." },
      },
    },
    AuditChallengeResponse: {
      type: "object",
      required: ["request", "ticket"],
      properties: {
        request: ProofRequest,
        ticket: { type: "string", pattern: "^[0-9a-f]{128}$", description: "Ed25519 signature by the verifier's key over \"medzk-audit-challenge/v1\\0\" and the request's challenge: send it back with the presentation." },
        issuerSet: { type: "object", description: "With \"hideIssuer\": the trusted issuer set the request names." },
      },
    },
    AuditEntriesBody: {
      type: "object",
      required: ["presentation", "ticket"],
      additionalProperties: false,
      properties: {
        presentation: { ...Presentation, description: "The holder's answer to the request of POST /v1/audit/challenges: its proven nullifier is the one whose entries are read." },
        ticket: { type: "string", pattern: "^[0-9a-f]{128}$", description: "The ticket of POST /v1/audit/challenges (128 lowercase hex digits; any other string is a 400)." },
      },
    },
    VerifyResponse: { type: "object", required: ["result"], properties: { result: VerifyResult } },
    Openid4vpRequestBody: {
      type: "object",
      required: ["preset"],
      additionalProperties: false,
      properties: {
        preset: { type: "string", maxLength: 64, description: "A preset of this verifier's config (UNKNOWN_PRESET otherwise)." },
        by: { type: "string", enum: ["reference", "value"], description: "How the link carries the request object: by request_uri (default; fetched once) or by value (the JWS in the link)." },
      },
    },
    Openid4vpRequestResponse: {
      type: "object",
      required: ["link", "state", "resultToken", "expiresAt"],
      properties: {
        link: { type: "string", description: "The openid4vp:// authorization request, for a QR code (cross-device) or a link (same device)." },
        requestUri: { type: "string", description: "With by \"reference\": where the wallet fetches the signed request object (GET, once)." },
        state: { type: "string", description: "The transaction's state, as in the request object and the wallet's response." },
        resultToken: { type: "string", pattern: "^[0-9a-f]{64}$", description: "Secret to the caller (never in the request): send it with the state to POST /v1/openid4vp/results." },
        expiresAt: { type: "string", description: "When the request expires (the medzk request's expiresAt)." },
      },
    },
    Openid4vpResponseBody: {
      type: "object",
      required: ["vp_token", "state"],
      additionalProperties: false,
      properties: {
        vp_token: { type: "string", maxLength: 1_000_000, description: "JSON: { \"medzk\": [<medzk-presentation/v2>] } (OpenID4VP 1.0 §8.1, DCQL)." },
        state: { type: "string", minLength: 1, maxLength: 64 },
      },
    },
    Openid4vpResultsBody: {
      type: "object",
      required: ["state", "resultToken"],
      additionalProperties: false,
      properties: { state: { type: "string", minLength: 1, maxLength: 64 }, resultToken: { type: "string", maxLength: 64 } },
    },
    Openid4vpResults: {
      type: "object",
      required: ["status"],
      properties: {
        status: { type: "string", enum: ["pending", "answered"], description: "\"pending\" until the wallet's response has been verified." },
        result: { ...VerifyResult, description: "With \"answered\": the verification result of the wallet's presentation, as /v1/verify gives it." },
      },
    },
    VerifyBatchResponse: { type: "object", required: ["results"], properties: { results: { type: "array", items: VerifyResult } } },
  };
}

/** One route of the service: the single table both Fastify and the OpenAPI document read. */
export interface RouteSpec {
  method: "GET" | "POST";
  url: string;
  operationId: string;
  summary: string;
  /** Name of the body schema in {@link serviceSchemas}. */
  body?: string;
  /** The body's media type, when not JSON (OpenID4VP's direct_post is a form). */
  bodyType?: "application/x-www-form-urlencoded";
  /** Path parameters (written `:name` in `url`), each a string. */
  params?: Record<string, string>;
  /** Status → [description, schema name]. */
  responses: Record<number, [string, string?]>;
}

// What every POST route answers before its handler runs (the service's body limit and its JSON-only
// content-type parser apply to all of them, the audit routes included).
const JSON_BODY_REFUSALS: RouteSpec["responses"] = {
  413: ["Body larger than limits.bodyBytes", "Error"],
  415: ["Content type is not application/json", "Error"],
};

export const ROUTES: readonly RouteSpec[] = [
  {
    method: "POST",
    url: "/v1/requests",
    operationId: "createRequest",
    summary: "Create a proof request for a wallet",
    body: "CreateRequestBody",
    responses: {
      201: ["The request", "CreateRequestResponse"],
      400: ["Malformed body (e.g. a statement instead of a preset), or a preset this verifier does not have (UNKNOWN_PRESET)", "Error"],
      ...JSON_BODY_REFUSALS,
    },
  },
  {
    method: "POST",
    url: "/v1/verify",
    operationId: "verify",
    summary: "Verify one presentation (a refused presentation is still 200, with result.ok false)",
    body: "VerifyBody",
    responses: {
      200: ["The verification result", "VerifyResponse"],
      400: ["Malformed body, or no \"expected\" (BAD_REQUEST); an \"expected\" request with an unknown statement type (UNKNOWN_STATEMENT)", "Error"],
      ...JSON_BODY_REFUSALS,
      503: ["The audit trail (if configured) cannot be written: the results are withheld (AUDIT_UNAVAILABLE)", "Error"],
    },
  },
  {
    method: "POST",
    url: "/v1/verify-batch",
    operationId: "verifyBatch",
    summary: "Verify several presentations: one result per item, in order, each as /v1/verify would give",
    body: "VerifyBatchBody",
    responses: {
      200: ["One result per presentation", "VerifyBatchResponse"],
      400: ["Malformed body, no \"expected\" or one of another length, or more than limits.batchSize presentations (BAD_REQUEST); an \"expected\" request with an unknown statement type (UNKNOWN_STATEMENT)", "Error"],
      ...JSON_BODY_REFUSALS,
      503: ["The audit trail (if configured) cannot be written: the results are withheld (AUDIT_UNAVAILABLE)", "Error"],
    },
  },
  { method: "GET", url: "/healthz", operationId: "health", summary: "The process is alive", responses: { 200: ["Alive"] } },
  {
    method: "GET",
    url: "/readyz",
    operationId: "ready",
    summary: "The verifier can verify: pinned keys loaded, issuer registry readable, challenge store reachable, audit log writable (when configured)",
    responses: { 200: ["Ready", "Readiness"], 503: ["Not ready, with the failing checks", "Readiness"] },
  },
  { method: "GET", url: "/openapi.json", operationId: "openapi", summary: "This document", responses: { 200: ["OpenAPI 3.1 document"] } },
];

/**
 * The routes of a service with an audit trail (`audit` in its config): a holder reads its own
 * entries, with inclusion proofs, by proving it holds their nullifier (./audit-access.ts).
 */
export const AUDIT_ROUTES: readonly RouteSpec[] = [
  {
    method: "POST",
    url: "/v1/audit/challenges",
    operationId: "createAuditChallenge",
    summary: "An audit challenge: a signed request for a preset and its ticket, to be answered by the holder whose entries are to be read",
    body: "CreateRequestBody",
    responses: {
      201: ["The request and its ticket", "AuditChallengeResponse"],
      400: ["Malformed body, or a preset this verifier does not have (UNKNOWN_PRESET)", "Error"],
      ...JSON_BODY_REFUSALS,
    },
  },
  {
    method: "POST",
    url: "/v1/audit/entries",
    operationId: "auditEntries",
    summary:
      "The audit entries under the nullifier the presentation proves (answering an audit challenge, with its ticket), each with the hash before it and an RFC 6962 inclusion proof " +
      "against its anchored checkpoint (medzk-audit-entries/v1, docs/audit.md); only that nullifier's entries",
    body: "AuditEntriesBody",
    responses: {
      200: ["The entries, proofs and the checkpoints they refer to"],
      400: ["Malformed body", "Error"],
      403: ["The presentation answers no audit challenge of this verifier (AUDIT_CHALLENGE_INVALID), or the verifier refused it (AUDIT_PROOF_REFUSED)", "Error"],
      503: ["The audit log cannot be written or read (AUDIT_UNAVAILABLE: the read is recorded as a verification first), or the presentation cannot be checked now: challenge store, issuer registry (SERVICE_UNAVAILABLE)", "Error"],
      ...JSON_BODY_REFUSALS,
    },
  },
];

/**
 * The OpenID4VP 1.0 routes of a service with `openid4vp` in its config (docs/openid4vp.md): the
 * insurer's back end creates a request and collects its result; the wallet fetches the request
 * object and posts its response.
 */
export const OPENID4VP_ROUTES: readonly RouteSpec[] = [
  {
    method: "POST",
    url: "/v1/openid4vp/requests",
    operationId: "createOpenid4vpRequest",
    summary: "An OpenID4VP authorization request for a preset: the openid4vp:// link, its state and the secret to collect the result with",
    body: "Openid4vpRequestBody",
    responses: {
      201: ["The link and transaction", "Openid4vpRequestResponse"],
      400: ["Malformed body, or a preset this verifier does not have (UNKNOWN_PRESET)", "Error"],
      503: ["Too many transactions open, or the transaction store (Redis) unreachable (SERVICE_UNAVAILABLE)", "Error"],
      ...JSON_BODY_REFUSALS,
    },
  },
  {
    method: "GET",
    url: "/v1/openid4vp/requests/:id",
    operationId: "getOpenid4vpRequestObject",
    summary: "The signed request object (application/oauth-authz-req+jwt) of a request_uri: served once",
    params: { id: "The request_uri's last segment" },
    responses: {
      200: ["The request object, a JWS (typ oauth-authz-req+jwt, alg EdDSA)"],
      404: ["No such request (OPENID4VP_UNKNOWN_TRANSACTION)", "Error"],
      410: ["Already fetched: a request_uri is single use (OPENID4VP_REQUEST_USED)", "Error"],
      503: ["The transaction store (Redis) is unreachable (SERVICE_UNAVAILABLE)", "Error"],
    },
  },
  {
    method: "POST",
    url: "/v1/openid4vp/response",
    operationId: "postOpenid4vpResponse",
    summary: "The response_uri: the wallet's direct_post (application/x-www-form-urlencoded vp_token and state); verified at once, the result kept for the state",
    body: "Openid4vpResponseBody",
    bodyType: "application/x-www-form-urlencoded",
    responses: {
      200: ["Received and verified (the result goes to whoever holds the resultToken, not to the wallet)"],
      400: ["Malformed body or vp_token (BAD_REQUEST), or a vp_token that does not answer this state's request (OPENID4VP_RESPONSE_INVALID; the transaction stays open)", "Error"],
      404: ["No transaction with this state, or it expired (OPENID4VP_UNKNOWN_TRANSACTION)", "Error"],
      409: ["This state was answered already; the first answer's result stands (OPENID4VP_ALREADY_ANSWERED)", "Error"],
      413: ["Body larger than limits.bodyBytes", "Error"],
      415: ["Content type is not application/x-www-form-urlencoded", "Error"],
      503: ["The audit trail (if configured) cannot be written (AUDIT_UNAVAILABLE), or the service cannot check the presentation now: its challenge store, issuer registry or transaction store is unreachable (SERVICE_UNAVAILABLE; the transaction stays open, send the answer again)", "Error"],
    },
  },
  {
    method: "POST",
    url: "/v1/openid4vp/results",
    operationId: "getOpenid4vpResults",
    summary: "The result of an OpenID4VP transaction, for its state and resultToken: poll until \"answered\"",
    body: "Openid4vpResultsBody",
    responses: {
      200: ["Pending, or the verification result", "Openid4vpResults"],
      400: ["Malformed body", "Error"],
      403: ["Not the transaction's resultToken (OPENID4VP_RESULT_TOKEN_INVALID)", "Error"],
      404: ["No transaction with this state, or it expired (OPENID4VP_UNKNOWN_TRANSACTION)", "Error"],
      503: ["The transaction store (Redis) is unreachable (SERVICE_UNAVAILABLE)", "Error"],
      ...JSON_BODY_REFUSALS,
    },
  },
];

/** The OpenAPI 3.1 document of a service with these schemas. */
export function openApiDocument(schemas: Record<string, Schema>, info: { version: string; scope: string }, routes: readonly RouteSpec[] = ROUTES): Schema {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) {
    const operation: Schema = {
      operationId: route.operationId,
      summary: route.summary,
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, [description, schema]]) => [
          status,
          schema ? { description, content: { "application/json": { schema: ref(schema) } } } : { description },
        ]),
      ),
    };
    if (route.body) operation.requestBody = { required: true, content: { [route.bodyType ?? "application/json"]: { schema: ref(route.body) } } };
    if (route.params) {
      operation.parameters = Object.entries(route.params).map(([name, description]) => ({ name, in: "path", required: true, description, schema: { type: "string" } }));
    }
    (paths[route.url.replace(/:(\w+)/g, "{$1}")] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "medzk verifier",
      version: info.version,
      description: `Verifies medzk zero-knowledge presentations for scope ${JSON.stringify(info.scope)}. Errors are { "error": { "code", "message" } }.`,
    },
    paths,
    components: { schemas },
  };
}
