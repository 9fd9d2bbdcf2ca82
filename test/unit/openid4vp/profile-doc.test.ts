/**
 * docs/openid4vp.md's examples are this code's output: the request object (header, claims, the
 * JWS itself: Ed25519 is deterministic), the link, and the direct_post response, for a fixed key,
 * request, state and time. A change to the profile that the document does not follow fails here.
 */
import { validateOpenid4vpAuthorizationResponsePayload } from "@openid4vc/openid4vp";
import { readFileSync } from "node:fs";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { expect, it } from "vitest";
import { hexToBytes } from "@noble/hashes/utils";
import { authorizationLink, clientIdOf, signAuthorizationRequest, verifyAuthorizationRequest } from "../../../src/openid4vp/authorization-request.js";
import { checkVpToken } from "../../../src/openid4vp/dcql.js";
import { parseStatement } from "../../../src/statements/registry.js";
import type { UnsignedRequest } from "../../../src/core/request.js";
import { signRequest, verifierKeyFromPrivate } from "../../../src/verifier/verifier-key.js";

const DOC = readFileSync(new URL("../../../docs/openid4vp.md", import.meta.url), "utf8");
/** The fenced block after `<!-- example: name -->`. */
const example = (name: string): string => {
  const m = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/openid4vp.md has no example "${name}"`);
  return m[1]!;
};

const KEY = verifierKeyFromPrivate("01".repeat(32));
const NOW = new Date("2026-12-07T10:00:00.000Z");
const STATE = "Vq3rZ8mC2xTnL5kQ9wYb4A";
const unsigned: UnsignedRequest = {
  format: "medzk-request/v2",
  verifier: KEY.publicKey,
  responseUrl: "https://verify.acme.example/v1/openid4vp/response",
  challenge: "362436069123456789012345678901234567890123456789012345678901234567890",
  asOf: "2026-12-07",
  statement: parseStatement({ type: "ageAtLeast", minAge: 18 }),
  expiresAt: "2026-12-07T10:05:00.000Z",
};
const REQUEST = signRequest(hexToBytes(KEY.privateKey), unsigned);

it("the request object, its link and the direct_post response in docs/openid4vp.md are what the code makes and accepts", async () => {
  const jws = await signAuthorizationRequest({ request: REQUEST, privateKey: KEY.privateKey, state: STATE, now: NOW });
  expect(JSON.parse(example("header"))).toEqual(decodeProtectedHeader(jws));
  expect(JSON.parse(example("claims"))).toEqual(decodeJwt(jws));
  expect(example("jws").replace(/\s+/g, "")).toBe(jws);
  const requestUri = "https://verify.acme.example/v1/openid4vp/requests/3nV7c8kPq2LzX0wR5tYb1g";
  expect(example("link-by-reference")).toBe(authorizationLink({ clientId: clientIdOf(KEY.publicKey), requestUri }));
  expect((await verifyAuthorizationRequest(jws, clientIdOf(KEY.publicKey), NOW)).ok).toBe(true);

  // The response: a form with the vp_token (its presentation shortened in the document) and the state.
  const form = new URLSearchParams(example("response").replace(/\s+/g, ""));
  expect([...form.keys()]).toEqual(["vp_token", "state"]);
  expect(form.get("state")).toBe(STATE);
  const presentation = checkVpToken(form.get("vp_token"));
  expect(presentation).toMatchObject({ ok: true, value: { format: "medzk-presentation/v2", request: REQUEST } });
  validateOpenid4vpAuthorizationResponsePayload({
    authorizationRequestPayload: decodeJwt(jws) as never,
    authorizationResponsePayload: { vp_token: JSON.parse(form.get("vp_token")!), state: STATE },
  });
});
