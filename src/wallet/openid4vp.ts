/**
 * A wallet answering an OpenID4VP 1.0 authorization request of medzk's profile
 * (docs/openid4vp.md): an `openid4vp://` link, scanned from a QR code (cross-device) or opened on
 * the same device.
 *
 * The link's client_id is a did:key: the request object must be signed by that key, and the
 * medzk request inside it must be that key's, with its challenge as the nonce and its
 * responseUrl as the response_uri. Then the wallet answers the medzk request as it answers any
 * (`wallet.respond`: the verifier named from the trust list by that key, the policy, the probing
 * guard, the holder's consent, the receipt; the trust entry's `origins` apply to the response
 * URI), and posts the vp_token to the signed response_uri, and nowhere else.
 */
import { MedzkError } from "../core/errors.js";
import type { Presentation } from "../core/presentation.js";
import { parseAuthorizationLink, verifyAuthorizationRequest } from "../openid4vp/authorization-request.js";
import { vpTokenOf } from "../openid4vp/dcql.js";
import type { Wallet } from "./wallet.js";

/** Longest request object a wallet reads from a request_uri. */
const MAX_REQUEST_OBJECT_BYTES = 64 * 1024;

export interface Openid4vpOptions {
  /** How to reach the verifier (request_uri, response_uri). Default: the global fetch. */
  fetch?: typeof fetch;
  /** The wallet's clock, for the request object's `exp` (the medzk request's expiry is checked by `wallet.respond` on its own clock). Default: the system clock. */
  clock?: () => Date;
}

/** What the wallet sent, and where. */
export interface Openid4vpAnswer {
  presentation: Presentation;
  /** The response_uri the vp_token was posted to. */
  responseUri: string;
  state: string;
}

/**
 * Answers an `openid4vp://` link: resolves and checks the request object, has the wallet answer
 * the medzk request inside, and posts the vp_token to its response_uri. Throws MedzkError:
 * OPENID4VP_REQUEST_INVALID, OPENID4VP_REQUEST_UNAVAILABLE, REQUEST_SIGNATURE_INVALID, every
 * refusal of `wallet.respond` (nothing is posted then), or OPENID4VP_RESPONSE_REFUSED.
 */
export async function respondOpenid4vp(wallet: Wallet, link: string, options: Openid4vpOptions = {}): Promise<Openid4vpAnswer> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = (options.clock ?? (() => new Date()))();
  const parsed = parseAuthorizationLink(link);
  if (!parsed.ok) throw new MedzkError("OPENID4VP_REQUEST_INVALID", parsed.message);
  const jws = parsed.value.requestUri === undefined ? parsed.value.request : await fetchRequestObject(fetchFn, parsed.value.requestUri);
  const verified = await verifyAuthorizationRequest(jws, parsed.value.clientId, now);
  if (!verified.ok) throw new MedzkError(verified.code === "REQUEST_SIGNATURE_INVALID" ? "REQUEST_SIGNATURE_INVALID" : "OPENID4VP_REQUEST_INVALID", verified.message);
  const { claims, request } = verified.value;
  const presentation = await wallet.respond(request);
  let response: Response;
  try {
    response = await fetchFn(claims.response_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ vp_token: JSON.stringify(vpTokenOf(presentation)), state: claims.state }).toString(),
      // The answer goes to the signed response_uri only: never to where a redirect points.
      redirect: "error",
    });
  } catch (cause) {
    throw new MedzkError("OPENID4VP_RESPONSE_REFUSED", `the verifier's response_uri could not be reached`, { cause });
  }
  if (response.status !== 200) {
    const code = await errorCodeOf(response);
    throw new MedzkError("OPENID4VP_RESPONSE_REFUSED", `the verifier's response_uri answered ${response.status}${code === undefined ? "" : ` (${code})`}`);
  }
  return { presentation, responseUri: claims.response_uri, state: claims.state };
}

async function fetchRequestObject(fetchFn: typeof fetch, requestUri: string): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(requestUri, { headers: { accept: "application/oauth-authz-req+jwt" }, redirect: "error" });
  } catch (cause) {
    throw new MedzkError("OPENID4VP_REQUEST_UNAVAILABLE", `the request_uri could not be fetched`, { cause });
  }
  if (response.status !== 200) {
    const code = await errorCodeOf(response);
    throw new MedzkError("OPENID4VP_REQUEST_UNAVAILABLE", `the request_uri answered ${response.status}${code === undefined ? "" : ` (${code})`}`);
  }
  const type = response.headers.get("content-type")?.split(";")[0]?.trim();
  if (type !== "application/oauth-authz-req+jwt") throw new MedzkError("OPENID4VP_REQUEST_INVALID", `the request_uri answered ${JSON.stringify(type ?? "")}, not application/oauth-authz-req+jwt`);
  return readCapped(response, MAX_REQUEST_OBJECT_BYTES);
}

/**
 * The body as text, refused (and the stream cancelled) once past `max` bytes: a request_uri is
 * any https: host the link names, and `response.text()` would hold whatever it sends (an
 * endless body, for ever) before the size could be checked.
 */
async function readCapped(response: Response, max: number): Promise<string> {
  const tooLarge = () => new MedzkError("OPENID4VP_REQUEST_INVALID", `the request object is larger than ${max} bytes`);
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The service's error code in an error answer (`{ "error": { "code" } }`), if it is one: for the message only. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    const code = body.error?.code;
    return typeof code === "string" && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
