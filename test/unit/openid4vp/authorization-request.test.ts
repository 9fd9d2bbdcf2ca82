import { parseOpenid4vpAuthorizationRequest, resolveOpenid4vpAuthorizationRequest, validateOpenid4vpAuthorizationResponsePayload } from "@openid4vc/openid4vp";
import { createHash } from "node:crypto";
import { DcqlPresentation } from "dcql";
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProofRequest } from "../../../src/core/request.js";
import {
  authorizationLink,
  clientIdOf,
  parseAuthorizationLink,
  signAuthorizationRequest,
  verifyAuthorizationRequest,
} from "../../../src/openid4vp/authorization-request.js";
import { checkMedzkDcqlQuery, checkVpToken, medzkDcqlQuery, vpTokenOf } from "../../../src/openid4vp/dcql.js";
import { didKeyOf, publicKeyOfDidKey } from "../../../src/openid4vp/did-key.js";
import { generateVerifierKey, signRequest } from "../../../src/verifier/verifier-key.js";
import { hexToBytes } from "@noble/hashes/utils";

const key = generateVerifierKey();
const NOW = new Date("2026-12-07T10:00:00.000Z");
const RESPONSE_URI = "https://verify.acme.example/v1/openid4vp/response";
const STATE = "c3RhdGUtb2YtdGhpcy10ZXN0";

function medzkRequest(overrides: Partial<ProofRequest> = {}, signer = key): ProofRequest {
  const { signature: _, ...unsigned } = {
    format: "medzk-request/v2" as const,
    verifier: signer.publicKey,
    responseUrl: RESPONSE_URI,
    challenge: "123456789",
    asOf: "2026-12-07",
    statement: { type: "ageAtLeast", minAge: 18 },
    expiresAt: "2026-12-07T10:05:00.000Z",
    signature: "",
    ...overrides,
  } as ProofRequest;
  return signRequest(hexToBytes(signer.privateKey), unsigned);
}

const sign = (request = medzkRequest(), privateKey = key.privateKey) => signAuthorizationRequest({ request, privateKey, state: STATE, now: NOW });

describe("did:key", () => {
  it("encodes the did:key spec's Ed25519 vector (all-zero seed) and reads it back, refusing other spellings", () => {
    // w3c-ccg did-method-key test vectors: the Ed25519 key of the all-zero seed.
    const pk = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
    expect(didKeyOf(pk)).toBe("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp");
    expect(publicKeyOfDidKey("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")).toEqual({ ok: true, value: pk });
    for (const bad of ["did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW", "did:web:acme.example", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#x"]) {
      expect(publicKeyOfDidKey(bad).ok).toBe(false);
    }
  });
});

describe("the request object", () => {
  it("verifies: the claims of the profile, and the medzk request it carries", async () => {
    const request = medzkRequest();
    const jws = await sign(request);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: "EdDSA", typ: "oauth-authz-req+jwt", kid: `${didKeyOf(key.publicKey)}#${didKeyOf(key.publicKey).slice(8)}` });
    const checked = await verifyAuthorizationRequest(jws, clientIdOf(key.publicKey), NOW);
    expect(checked).toMatchObject({ ok: true, value: { request, claims: { nonce: request.challenge, state: STATE, response_uri: RESPONSE_URI, response_mode: "direct_post", response_type: "vp_token" } } });
  });

  it("refuses a tampered object (REQUEST_SIGNATURE_INVALID), another key's, and any claim out of the profile (REQUEST_OBJECT_INVALID)", async () => {
    const jws = await sign();
    const [h, p, s] = jws.split(".");
    const payload = decodeJwt(jws);
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, response_uri: "https://evil.example/collect" })).toString("base64url")}.${s}`;
    expect(await verifyAuthorizationRequest(tampered, clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_SIGNATURE_INVALID" });
    const other = generateVerifierKey();
    // Another verifier's object, presented under this one's client_id: its kid gives it away first.
    expect(await verifyAuthorizationRequest(await sign(medzkRequest({}, other), other.privateKey), clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID" });
    // This key signing a request object around another key's medzk request: refused as inconsistent.
    const jwk = { kty: "OKP", crv: "Ed25519", x: Buffer.from(key.publicKey, "hex").toString("base64url"), d: Buffer.from(key.privateKey, "hex").toString("base64url") };
    const foreign = await new SignJWT({ ...payload, dcql_query: medzkDcqlQuery(medzkRequest({}, other)) }).setProtectedHeader(decodeProtectedHeader(jws) as never).sign(await importJWK(jwk, "EdDSA"));
    expect(await verifyAuthorizationRequest(foreign, clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("verifier key differs") });
    const otherNonce = await new SignJWT({ ...payload, nonce: "42" }).setProtectedHeader(decodeProtectedHeader(jws) as never).sign(await importJWK(jwk, "EdDSA"));
    expect(await verifyAuthorizationRequest(otherNonce, clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("nonce") });
    const extra = await new SignJWT({ ...payload, redirect_uri: "https://x.example" }).setProtectedHeader(decodeProtectedHeader(jws) as never).sign(await importJWK(jwk, "EdDSA"));
    expect(await verifyAuthorizationRequest(extra, clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID" });
    // A response_uri other than the medzk request's responseUrl cannot be made (signing needs one) nor accepted.
    expect(await verifyAuthorizationRequest(`${h}.${p}`, clientIdOf(key.publicKey), NOW)).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID" });
    expect(await verifyAuthorizationRequest(jws, clientIdOf(key.publicKey), new Date("2026-12-07T10:06:00.000Z"))).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: "the request object has expired" });
    expect(await verifyAuthorizationRequest(jws, "redirect_uri:https://acme.example", NOW)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    // Time claims (RFC 9101 §10.3): not issued in the future (60 s of skew), expiring after issue, not after the medzk request.
    const resigned = async (claims: Record<string, unknown>) =>
      verifyAuthorizationRequest(await new SignJWT({ ...payload, ...claims }).setProtectedHeader(decodeProtectedHeader(jws) as never).sign(await importJWK(jwk, "EdDSA")), clientIdOf(key.publicKey), NOW);
    const nowS = NOW.getTime() / 1000;
    expect(await resigned({ iat: nowS + 60 })).toMatchObject({ ok: true });
    expect(await resigned({ iat: nowS + 61 })).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("iat") });
    expect(await resigned({ iat: nowS + 30, exp: nowS + 30 })).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("after \"iat\"") });
    expect(await resigned({ aud: ["https://self-issued.me/v2", "https://other.example"] })).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("aud") });
    expect(await resigned({ exp: (payload.exp as number) + 1 })).toMatchObject({ ok: false, code: "REQUEST_OBJECT_INVALID", message: expect.stringContaining("expiresAt") });
  });

  it("is carried by value or by reference in an openid4vp:// link, parsed strictly", async () => {
    const clientId = clientIdOf(key.publicKey);
    const jws = await sign();
    expect(parseAuthorizationLink(authorizationLink({ clientId, request: jws }))).toEqual({ ok: true, value: { clientId, publicKey: key.publicKey, request: jws } });
    const requestUri = "https://verify.acme.example/v1/openid4vp/requests/abc";
    expect(parseAuthorizationLink(authorizationLink({ clientId, requestUri }))).toEqual({ ok: true, value: { clientId, publicKey: key.publicKey, requestUri } });
    for (const bad of [
      `openid4vp://?client_id=${encodeURIComponent(clientId)}`,
      `openid4vp://?client_id=${encodeURIComponent(clientId)}&request=a&request_uri=${encodeURIComponent(requestUri)}`,
      `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent("http://verify.acme.example/r")}`,
      `openid4vp://?client_id=${encodeURIComponent(clientId)}&request=a&request=b`,
      `openid4vp://?client_id=${encodeURIComponent(clientId)}&request=a&response_uri=x`,
      `openid4vp://?client_id=x509_san_dns:acme.example&request=a`,
      `https://acme.example/?client_id=${encodeURIComponent(clientId)}&request=a`,
      42,
    ]) {
      expect(parseAuthorizationLink(bad)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    }
  });
});

describe("DCQL", () => {
  it("the query round-trips, and nothing else is taken for it", () => {
    const request = medzkRequest();
    expect(checkMedzkDcqlQuery(JSON.parse(JSON.stringify(medzkDcqlQuery(request))))).toEqual({ ok: true, value: request });
    const q = medzkDcqlQuery(request);
    for (const bad of [
      { ...q, credential_sets: [] },
      { credentials: [{ ...q.credentials[0], format: "dc+sd-jwt" }] },
      { credentials: [{ ...q.credentials[0], id: "other" }] },
      { credentials: [{ ...q.credentials[0], claims: [{ path: ["x"] }] }] },
      { credentials: [q.credentials[0], q.credentials[0]] },
      { credentials: [{ ...q.credentials[0], meta: { medzk_request: { ...request, extra: 1 } } }] },
    ]) {
      expect(checkMedzkDcqlQuery(bad).ok).toBe(false);
    }
  });

  it("the vp_token is a DCQL presentation (the dcql package's model) with exactly one presentation under \"medzk\"", () => {
    const presentation = { format: "medzk-presentation/v2", any: "thing" };
    const token = vpTokenOf(presentation);
    expect(DcqlPresentation.parse(token as DcqlPresentation.Input)).toEqual(token);
    expect(checkVpToken(JSON.stringify(token))).toEqual({ ok: true, value: presentation });
    for (const bad of ["{", "[]", { medzk: [] }, { medzk: [presentation, presentation] }, { medzk: ["a-string"] }, { medzk: [presentation], other: [presentation] }, { other: [presentation] }]) {
      expect(checkVpToken(typeof bad === "string" ? bad : JSON.stringify(bad)).ok).toBe(false);
    }
  });
});

describe("interoperability: @openid4vc/openid4vp (an independent OpenID4VP 1.0 implementation)", () => {
  // The library checks the request object's exp against the system clock (its verifyJwt takes no
  // `now` here): the clock is set to the fixtures' NOW (Date only), so the test does not expire.
  afterEach(() => void vi.useRealTimers());
  it("parses the link, resolves the signed request object as decentralized_identifier, and validates a vp_token response", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const request = medzkRequest();
    const jws = await sign(request);
    const clientId = clientIdOf(key.publicKey);
    const parsed = parseOpenid4vpAuthorizationRequest({ authorizationRequest: authorizationLink({ clientId, request: jws }) });
    expect(parsed.type).toBe("jar");
    let signer: unknown;
    const resolved = await resolveOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params as Parameters<typeof resolveOpenid4vpAuthorizationRequest>[0]["authorizationRequestPayload"],
      callbacks: {
        // The profile has no encrypted responses: a call would fail the test.
        decryptJwe: () => {
          throw new Error("no JWE in this profile");
        },
        hash: (data, alg) => new Uint8Array(createHash(alg.replace("-", "").toLowerCase()).update(data).digest()),
        // The library names the signer (the DID URL); resolving did:key and checking the signature is ours, as the library asks.
        verifyJwt: async (jwtSigner, jwt) => {
          signer = jwtSigner;
          const didUrl = (jwtSigner as { didUrl: string }).didUrl;
          const pk = publicKeyOfDidKey(didUrl.split("#")[0]!);
          if (!pk.ok) return { verified: false };
          const jwk = { kty: "OKP", crv: "Ed25519", x: Buffer.from(pk.value, "hex").toString("base64url") };
          try {
            await jwtVerify(jwt.compact, await importJWK(jwk, "EdDSA"), { currentDate: NOW });
            return { verified: true, signerJwk: jwk };
          } catch {
            return { verified: false };
          }
        },
      },
    });
    expect(signer).toMatchObject({ method: "did", didUrl: `${didKeyOf(key.publicKey)}#${didKeyOf(key.publicKey).slice(8)}` });
    expect(resolved.client).toMatchObject({ prefix: "decentralized_identifier", identifier: didKeyOf(key.publicKey) });
    expect(resolved.version).toBe(100); // 1.0 final
    expect(resolved.dcql?.query).toEqual(medzkDcqlQuery(request));
    const validated = validateOpenid4vpAuthorizationResponsePayload({
      authorizationRequestPayload: resolved.authorizationRequestPayload,
      authorizationResponsePayload: { vp_token: vpTokenOf({ format: "medzk-presentation/v2" }) as never, state: STATE },
    });
    expect(validated.type).toBe("dcql");
  });
});
