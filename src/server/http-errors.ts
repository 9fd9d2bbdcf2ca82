/**
 * The service's error answers: every error is `{ "error": { "code", "message" } }` with a stable
 * code (./schemas.ts HTTP_ERROR_CODES), and never carries a stack trace or a fragment of the body
 * (JSON parse errors quote the input, so they are replaced).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { MedzkError } from "../core/errors.js";
import { STATEMENT_TYPES } from "../statements/registry.js";
import { STORE_UNAVAILABLE } from "./openid4vp-redis-transactions.js";
import type { HttpErrorCode } from "./schemas.js";

/** What the onResponse log line reports about a request, filled in by the handlers. */
export interface RequestFacts {
  errorCode?: string;
  presentations?: number;
  accepted?: number;
  refusals?: Record<string, number>;
}

declare module "fastify" {
  interface FastifyRequest {
    medzk: RequestFacts | null;
  }
}

/**
 * Verification refusals that are the service's outage, not the presentation's fault: a route that
 * acts on a verification (an audit read, an OpenID4VP answer) answers 503 for them and decides
 * nothing, so the holder can send the same answer again once the service is back.
 */
export const OUTAGE_CODES: ReadonlySet<string> = new Set(["STORE_UNAVAILABLE", "REGISTRY_UNAVAILABLE", "INTERNAL_ERROR"]);

/** Answers with the service's error shape, and notes the code for the request's log line. */
export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: HttpErrorCode, message: string): FastifyReply {
  if (request.medzk) request.medzk.errorCode = code;
  return reply.code(status).type("application/json").send({ error: { code, message } });
}

/** HTTP status, stable code and client-safe message of an error raised while handling a request. */
export function classify(error: FastifyError): [number, HttpErrorCode, string] {
  // The handlers hand the library only what the body schema and the presets allow, so a
  // MedzkError here is a bug, not the caller's mistake.
  if (error instanceof MedzkError) return [500, "INTERNAL_ERROR", "internal error"];
  if (error.validation) {
    // The one schema failure with a code of its own, as createRequest gives it: an `expected`
    // request whose statement type does not exist (the schema's enum of STATEMENT_TYPES). The
    // value is not quoted: error messages never repeat the body.
    const unknownType = error.validation.find((e) => e.keyword === "enum" && /^\/expected(?:\/\d+)?\/statement\/type$/.test(e.instancePath));
    if (unknownType) {
      const where = unknownType.instancePath.slice(1).replace(/\/(\d+)/g, "[$1]").replaceAll("/", ".");
      return [400, "UNKNOWN_STATEMENT", `"${where}" is no statement type this verifier knows; known: ${STATEMENT_TYPES.join(", ")}`];
    }
    return [400, "BAD_REQUEST", `invalid body: ${error.message}`];
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return [413, "PAYLOAD_TOO_LARGE", "the body is larger than this service accepts (limits.bodyBytes)"];
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      // Every route takes JSON but the OpenID4VP direct_post, which takes a form (OpenAPI says which).
      return [415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json (application/x-www-form-urlencoded to the OpenID4VP response_uri)"];
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return [400, "BAD_REQUEST", "the body is empty; send a JSON object"];
  }
  const status = error.statusCode ?? 500;
  if (error.code === STORE_UNAVAILABLE) return [503, "SERVICE_UNAVAILABLE", "the OpenID4VP transaction store is unreachable; retry later"];
  if (status === 503) return [503, "SERVICE_UNAVAILABLE", "the service is shutting down"];
  // Parse errors carry a quote of the body in their message; it may hold personal data.
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY") return [400, "BAD_REQUEST", "the body is not valid JSON"];
  if (status >= 400 && status < 500) return [400, "BAD_REQUEST", "the request could not be processed"];
  return [500, "INTERNAL_ERROR", "internal error"];
}
