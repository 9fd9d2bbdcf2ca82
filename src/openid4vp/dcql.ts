/**
 * The DCQL query of a medzk OpenID4VP request (OpenID4VP 1.0 §6), and the vp_token that answers it
 * (§8.1). One credential query, always the same:
 *
 *   { "credentials": [{ "id": "medzk", "format": "medzk-presentation/v2",
 *                       "meta": { "medzk_request": <the signed medzk-request/v2> } }] }
 *
 * The format identifier is medzk's presentation format (what the vp_token carries, Appendix B
 * style); `meta.medzk_request` carries the statement (predicate, disclosures, schema), the
 * verifier's as-of day, the issuer set root when the issuer is hidden, and the expiry, in the
 * form docs/request.md documents, signed by the same key as the request object. NOTE: the
 * signed medzk request is the one source of truth; the request object's `nonce` and
 * `response_uri` must equal its `challenge` and `responseUrl` (authorization-request.ts).
 *
 * The `dcql` package (v3) validates the vp_token's DCQL shape; its query model knows only the
 * mdoc, SD-JWT and W3C formats, so the query is parsed here, strictly, to exactly this shape.
 */
import { DcqlPresentation } from "dcql";
import { PRESENTATION_FORMAT } from "../core/presentation.js";
import { type ProofRequest, checkRequest } from "../core/request.js";
import { type Checked, checkArray, checkObject, isPlainObject } from "../core/validate.js";

/** The DCQL credential format identifier of a medzk presentation. */
export const MEDZK_DCQL_FORMAT = PRESENTATION_FORMAT;
/** The id of the one credential query: the vp_token's only key. */
export const MEDZK_CREDENTIAL_QUERY_ID = "medzk";

export interface MedzkDcqlQuery {
  credentials: [{ id: typeof MEDZK_CREDENTIAL_QUERY_ID; format: typeof MEDZK_DCQL_FORMAT; meta: { medzk_request: ProofRequest } }];
}

/** The DCQL query asking for an answer to this signed medzk request. */
export function medzkDcqlQuery(request: ProofRequest): MedzkDcqlQuery {
  return { credentials: [{ id: MEDZK_CREDENTIAL_QUERY_ID, format: MEDZK_DCQL_FORMAT, meta: { medzk_request: request } }] };
}

/** Parses a received `dcql_query` to exactly the shape {@link medzkDcqlQuery} makes; returns the medzk request it carries (its signature not yet checked). */
export function checkMedzkDcqlQuery(value: unknown): Checked<ProofRequest> {
  const query = checkObject(value, "dcql_query", { required: ["credentials"] });
  if (!query.ok) return query;
  const credentials = checkArray(query.value.credentials, "dcql_query.credentials", 1);
  if (!credentials.ok) return credentials;
  if (credentials.value.length !== 1) return { ok: false, message: `"dcql_query.credentials" must hold exactly one credential query` };
  const at = "dcql_query.credentials[0]";
  const credential = checkObject(credentials.value[0], at, { required: ["id", "format", "meta"] });
  if (!credential.ok) return credential;
  if (credential.value.id !== MEDZK_CREDENTIAL_QUERY_ID) return { ok: false, message: `"${at}.id" must be "${MEDZK_CREDENTIAL_QUERY_ID}"` };
  if (credential.value.format !== MEDZK_DCQL_FORMAT) return { ok: false, message: `"${at}.format" must be "${MEDZK_DCQL_FORMAT}"` };
  const meta = checkObject(credential.value.meta, `${at}.meta`, { required: ["medzk_request"] });
  if (!meta.ok) return meta;
  return checkRequest(meta.value.medzk_request, `${at}.meta.medzk_request`);
}

/** The vp_token answering the query: the presentation under the query's id (§8.1, one presentation, as `multiple` is false). */
export function vpTokenOf(presentation: unknown): Record<string, [unknown]> {
  return { [MEDZK_CREDENTIAL_QUERY_ID]: [presentation] };
}

/**
 * The presentation in a received vp_token (a JSON object, or its JSON text as direct_post
 * sends it): DCQL-valid (the `dcql` package's DcqlPresentation), with exactly the one key
 * "medzk" and one JSON object under it. The presentation itself is the verifier's to check.
 */
export function checkVpToken(value: unknown): Checked<unknown> {
  let token: unknown;
  try {
    // Parses the JSON text too; throws DcqlParseError on anything not shaped as §8.1 says.
    token = DcqlPresentation.parse(value as DcqlPresentation.Input | string);
  } catch {
    return { ok: false, message: `"vp_token" is not a DCQL presentation object (OpenID4VP 1.0 §8.1)` };
  }
  const shape = checkObject(token, "vp_token", { required: [MEDZK_CREDENTIAL_QUERY_ID] });
  if (!shape.ok) return shape;
  const entries = shape.value[MEDZK_CREDENTIAL_QUERY_ID];
  if (!Array.isArray(entries) || entries.length !== 1 || !isPlainObject(entries[0])) {
    return { ok: false, message: `"vp_token.${MEDZK_CREDENTIAL_QUERY_ID}" must be an array of exactly one presentation object` };
  }
  return { ok: true, value: entries[0] };
}
