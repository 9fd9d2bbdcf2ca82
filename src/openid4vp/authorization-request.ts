/**
 * The medzk profile of an OpenID4VP 1.0 authorization request (docs/openid4vp.md).
 *
 * - `client_id` is "decentralized_identifier:" + the did:key of the verifier's Ed25519
 *   request-signing key (§5.9.3): a wallet gets the key from the identifier itself and names the
 *   verifier from its own trust list by that key, exactly as for a medzk request.
 * - The request object is a JWS (JAR, RFC 9101) with `typ` "oauth-authz-req+jwt" (§5) and `alg`
 *   "EdDSA", `kid` the did:key's verification method, signed by that key (jose).
 * - `response_type` "vp_token", `response_mode` "direct_post" to `response_uri` (§8.2), `nonce`
 *   the medzk challenge, `state` the verifier's transaction handle, `dcql_query` the medzk query
 *   (./dcql.ts), `aud` the static "https://self-issued.me/v2" (§5.8), `iat` and `exp`.
 * - It travels in an `openid4vp://` link, by value (`request`) or by reference (`request_uri`,
 *   fetched with GET, §5.10), with the same `client_id` outside.
 *
 * NOTE: the JWS and the embedded medzk request are signed by the same key, and a wallet refuses
 * a request object whose `nonce`, `response_uri` or key differs from the medzk request's
 * `challenge`, `responseUrl` or `verifier`: the answer (a presentation of that medzk request)
 * can only be accepted by that verifier, for that challenge, and is posted only there.
 */
import { type JWTPayload, SignJWT, base64url, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { type ProofRequest, checkResponseUrl } from "../core/request.js";
import { type Checked, checkObject, checkString } from "../core/validate.js";
import { checkMedzkDcqlQuery, medzkDcqlQuery } from "./dcql.js";
import { didKeyOf, publicKeyOfDidKey } from "./did-key.js";

export const OPENID4VP_SCHEME = "openid4vp:";
/** The JWS `typ` of a request object (OpenID4VP 1.0 §5, RFC 9101 §10.8). */
export const REQUEST_OBJECT_TYPE = "oauth-authz-req+jwt";
/** The client identifier prefix of a verifier named by a DID (OpenID4VP 1.0 §5.9.3). */
export const DID_CLIENT_ID_PREFIX = "decentralized_identifier:";
/** The `aud` of a request object for a wallet found without discovery (OpenID4VP 1.0 §5.8). */
export const STATIC_AUDIENCE = "https://self-issued.me/v2";
/** `state`: 16 to 64 base64url characters, chosen by the verifier per transaction. */
const STATE = /^[A-Za-z0-9_-]{16,64}$/;
/** Longest accepted request object and link: far above any medzk request, far below a DoS. */
const MAX_REQUEST_OBJECT = 64 * 1024;
/** How far the verifier's clock may run ahead of the wallet's for a request object's `iat`. */
const MAX_CLOCK_SKEW_S = 60;

/** The claims of a medzk request object, exactly. */
export interface AuthorizationRequestObject {
  client_id: string;
  response_type: "vp_token";
  response_mode: "direct_post";
  response_uri: string;
  nonce: string;
  state: string;
  dcql_query: ReturnType<typeof medzkDcqlQuery>;
  aud: typeof STATIC_AUDIENCE;
  iat: number;
  exp: number;
}

const CLAIMS = ["client_id", "response_type", "response_mode", "response_uri", "nonce", "state", "dcql_query", "aud", "iat", "exp"] as const;

/** Why a link or request object was refused: stable codes, for wallets to switch on. */
export type AuthorizationRequestRefusal =
  /** Not an `openid4vp://` link of this profile (scheme, parameters, client_id prefix, URLs). */
  | "LINK_INVALID"
  /** The request object is not a JWS of this profile, or its claims are not (unknown, missing, wrong values, inconsistent with the medzk request). */
  | "REQUEST_OBJECT_INVALID"
  /** The JWS is not signed by the key behind its client_id (tampered, or another key). */
  | "REQUEST_SIGNATURE_INVALID";

export type AuthorizationRequestCheck<T> = { ok: true; value: T } | { ok: false; code: AuthorizationRequestRefusal; message: string };

/** The client_id of the verifier with this Ed25519 public key (lowercase hex). */
export function clientIdOf(publicKey: string): string {
  return DID_CLIENT_ID_PREFIX + didKeyOf(publicKey);
}

/**
 * Signs the request object asking for an answer to `request` (a medzk request of the same key,
 * whose `responseUrl` is where the answer goes). `privateKey` is the verifier's Ed25519 seed (hex).
 */
export async function signAuthorizationRequest(options: { request: ProofRequest; privateKey: string; state: string; now: Date }): Promise<string> {
  const { request, privateKey, state, now } = options;
  if (request.responseUrl === undefined) throw new TypeError(`"request.responseUrl" is required: it is the direct_post response_uri`);
  if (!STATE.test(state)) throw new TypeError(`"state" must be 16 to 64 base64url characters`);
  if (bytesToHex(ed25519.getPublicKey(hexToBytes(privateKey))) !== request.verifier) throw new TypeError(`"privateKey" is not the key of "request.verifier"`);
  const did = didKeyOf(request.verifier);
  const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: base64url.encode(hexToBytes(request.verifier)), d: base64url.encode(hexToBytes(privateKey)) }, "EdDSA");
  const claims: Omit<AuthorizationRequestObject, "aud" | "iat" | "exp"> = {
    client_id: DID_CLIENT_ID_PREFIX + did,
    response_type: "vp_token",
    response_mode: "direct_post",
    response_uri: request.responseUrl,
    nonce: request.challenge,
    state,
    dcql_query: medzkDcqlQuery(request),
  };
  return new SignJWT(claims as unknown as JWTPayload)
    .setProtectedHeader({ alg: "EdDSA", typ: REQUEST_OBJECT_TYPE, kid: `${did}#${did.slice("did:key:".length)}` })
    .setAudience(STATIC_AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(Date.parse(request.expiresAt) / 1000))
    .sign(key);
}

/** An `openid4vp://` link: by reference (`requestUri`) or by value (`request`, the JWS). */
export function authorizationLink(options: { clientId: string } & ({ requestUri: string } | { request: string })): string {
  const params = new URLSearchParams({ client_id: options.clientId });
  if ("requestUri" in options) params.set("request_uri", options.requestUri);
  else params.set("request", options.request);
  return `${OPENID4VP_SCHEME}//?${params}`;
}

/** What a link carries: the client_id and the request object or where to fetch it. */
export interface AuthorizationLink {
  clientId: string;
  /** The verifier's key (hex), from the client_id's did:key. */
  publicKey: string;
  requestUri?: string;
  request?: string;
}

/** Parses an `openid4vp://` link of this profile: exactly `client_id` and one of `request`, `request_uri` (with an https: URL, http: for localhost). */
export function parseAuthorizationLink(link: unknown): AuthorizationRequestCheck<AuthorizationLink> {
  const no = (message: string): AuthorizationRequestCheck<AuthorizationLink> => ({ ok: false, code: "LINK_INVALID", message });
  if (typeof link !== "string" || link.length > MAX_REQUEST_OBJECT) return no(`the link must be a string of at most ${MAX_REQUEST_OBJECT} characters`);
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return no("the link is not a URL");
  }
  if (url.protocol !== OPENID4VP_SCHEME) return no(`the link must start with ${OPENID4VP_SCHEME}//`);
  const keys = [...url.searchParams.keys()];
  if (new Set(keys).size !== keys.length) return no("the link repeats a parameter");
  const unknown = keys.find((k) => k !== "client_id" && k !== "request" && k !== "request_uri");
  if (unknown !== undefined) return no(`the link has a parameter this profile does not use: ${JSON.stringify(unknown.slice(0, 32))}`);
  const clientId = url.searchParams.get("client_id");
  const request = url.searchParams.get("request");
  const requestUri = url.searchParams.get("request_uri");
  if (clientId === null) return no(`the link has no client_id`);
  const key = publicKeyOfClientId(clientId);
  if (!key.ok) return no(key.message);
  if ((request === null) === (requestUri === null)) return no("the link must carry exactly one of request and request_uri");
  if (requestUri !== null) {
    const checked = checkResponseUrl(requestUri, "request_uri");
    if (!checked.ok) return no(checked.message);
    return { ok: true, value: { clientId, publicKey: key.value, requestUri } };
  }
  return { ok: true, value: { clientId, publicKey: key.value, request: request! } };
}

function publicKeyOfClientId(clientId: string): Checked<string> {
  if (!clientId.startsWith(DID_CLIENT_ID_PREFIX)) return { ok: false, message: `"client_id" must start with "${DID_CLIENT_ID_PREFIX}" (this profile's client identifier prefix)` };
  const key = publicKeyOfDidKey(clientId.slice(DID_CLIENT_ID_PREFIX.length));
  return key.ok ? key : { ok: false, message: `"client_id" ${key.message}` };
}

/**
 * Verifies a request object received for `clientId` (the link's): a JWS of this profile's header,
 * signed by the key behind `clientId`, with exactly this profile's claims, consistent with the
 * medzk request it carries. Returns the claims and that request (whose own signature the wallet
 * checks as for any medzk request). `now` is the wallet's clock (for `exp`).
 */
export async function verifyAuthorizationRequest(
  jws: unknown,
  clientId: string,
  now: Date,
): Promise<AuthorizationRequestCheck<{ claims: AuthorizationRequestObject; request: ProofRequest }>> {
  const invalid = (message: string) => ({ ok: false as const, code: "REQUEST_OBJECT_INVALID" as const, message });
  const key = publicKeyOfClientId(clientId);
  if (!key.ok) return { ok: false, code: "LINK_INVALID", message: key.message };
  if (typeof jws !== "string" || jws.length > MAX_REQUEST_OBJECT || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws)) {
    return invalid("the request object must be a compact JWS");
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return invalid("the request object's header is not JSON");
  }
  const did = clientId.slice(DID_CLIENT_ID_PREFIX.length);
  const headerShape = checkObject(header, "header", { required: ["alg", "typ", "kid"] });
  if (!headerShape.ok) return invalid(headerShape.message);
  if (header.alg !== "EdDSA" || header.typ !== REQUEST_OBJECT_TYPE || header.kid !== `${did}#${did.slice("did:key:".length)}`) {
    return invalid(`the request object's header must be alg "EdDSA", typ "${REQUEST_OBJECT_TYPE}" and kid the client_id's did:key verification method`);
  }
  let payload: JWTPayload;
  try {
    const publicKey = await importJWK({ kty: "OKP", crv: "Ed25519", x: base64url.encode(hexToBytes(key.value)) }, "EdDSA");
    ({ payload } = await jwtVerify(jws, publicKey, { algorithms: ["EdDSA"], typ: REQUEST_OBJECT_TYPE, audience: STATIC_AUDIENCE, currentDate: now }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return { ok: false, code: "REQUEST_SIGNATURE_INVALID", message: "the request object is not signed by the key behind its client_id" };
    if (code === "ERR_JWT_EXPIRED") return invalid("the request object has expired");
    return invalid("the request object is not a valid JWT of this profile");
  }
  const shape = checkObject(payload, "request object", { required: CLAIMS });
  if (!shape.ok) return invalid(shape.message);
  const c = shape.value;
  if (c.client_id !== clientId) return invalid(`"client_id" in the request object must be the link's`);
  if (c.response_type !== "vp_token" || c.response_mode !== "direct_post") return invalid(`"response_type" must be "vp_token" and "response_mode" "direct_post"`);
  // jose's audience check also takes an array that contains it: the profile's `aud` is the one string.
  if (c.aud !== STATIC_AUDIENCE) return invalid(`"aud" must be "${STATIC_AUDIENCE}"`);
  const responseUri = checkResponseUrl(c.response_uri, "response_uri");
  if (!responseUri.ok) return invalid(responseUri.message);
  const state = checkString(c.state, "state", { max: 64 });
  if (!state.ok || !STATE.test(state.value)) return invalid(`"state" must be 16 to 64 base64url characters`);
  if (!Number.isSafeInteger(c.iat) || !Number.isSafeInteger(c.exp)) return invalid(`"iat" and "exp" must be integers (NumericDate)`);
  const request = checkMedzkDcqlQuery(c.dcql_query);
  if (!request.ok) return invalid(request.message);
  const r = request.value;
  if (r.verifier !== key.value) return invalid("the medzk request is not the client_id's: its verifier key differs");
  if (c.nonce !== r.challenge) return invalid(`"nonce" must be the medzk request's challenge`);
  if (c.response_uri !== r.responseUrl) return invalid(`"response_uri" must be the medzk request's responseUrl`);
  // jose checks `exp` against `now` but takes any `iat`. RFC 9101 §10.3 and OpenID4VP 1.0 §5: a
  // request object is fresh: issued no later than now (allowing MAX_CLOCK_SKEW_S between the
  // verifier's clock and the wallet's), before it expires, and not living past the medzk request
  // it carries (one expiry, the signed request's; the signer sets `exp` to it).
  const nowS = Math.floor(now.getTime() / 1000);
  if ((c.iat as number) > nowS + MAX_CLOCK_SKEW_S) return invalid(`"iat" is in the future`);
  if ((c.exp as number) <= (c.iat as number)) return invalid(`"exp" must be after "iat"`);
  if ((c.exp as number) * 1000 > Date.parse(r.expiresAt)) return invalid(`"exp" must not be after the medzk request's expiresAt`);
  return { ok: true, value: { claims: c as unknown as AuthorizationRequestObject, request: r } };
}
