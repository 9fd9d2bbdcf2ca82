/**
 * respondOpenid4vp reading a request_uri: the host is whatever the link names, so its answer is
 * read only up to the request object's limit, never whole first.
 */
import { expect, it } from "vitest";
import { createHolder, createWallet, generateVerifierKey, respondOpenid4vp } from "../../../src/index.js";
import { authorizationLink, clientIdOf } from "../../../src/openid4vp/authorization-request.js";

const link = authorizationLink({ clientId: clientIdOf(generateVerifierKey().publicKey), requestUri: "https://requests.example/r/1" });
const wallet = createWallet({ holder: createHolder(), trustedVerifiers: [] });
const headers = { "content-type": "application/oauth-authz-req+jwt" };

it("refuses a request_uri answer past 64 KiB while reading it: an endless body, and a declared length", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(new Uint8Array(16 * 1024).fill(0x41));
    },
  });
  const refused = { code: "OPENID4VP_REQUEST_INVALID", message: expect.stringContaining("larger than") };
  await expect(respondOpenid4vp(wallet, link, { fetch: async () => new Response(endless, { headers }) })).rejects.toMatchObject(refused);
  expect(pulled).toBeLessThan(8);
  const declared = new Response("x", { headers: { ...headers, "content-length": String(1 << 20) } });
  await expect(respondOpenid4vp(wallet, link, { fetch: async () => declared })).rejects.toMatchObject(refused);
});
