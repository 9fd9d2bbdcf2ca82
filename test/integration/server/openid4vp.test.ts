/**
 * OpenID4VP 1.0 through the real service and a real wallet (docs/openid4vp.md): a request for a
 * preset, the request object fetched once, one proof posted by direct_post, the result collected
 * by state and token; replays, a second response, a tampered request and an untrusted verifier.
 * One proof in all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Wallet, createWallet, generateVerifierKey, respondOpenid4vp } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { freePort } from "../../helpers/free-port.mjs";

const SIGNING_KEY = generateVerifierKey();
let world: World;
let service: VerifierService;
let base: string;
let wallet: Wallet;
const posted: string[] = [];


const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

interface Created {
  link: string;
  requestUri?: string;
  state: string;
  resultToken: string;
  expiresAt: string;
}
const create = async (by?: "value" | "reference"): Promise<Created> => {
  const res = await post("/v1/openid4vp/requests", { preset: "adult", ...(by ? { by } : {}) });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
};
const results = async ({ state, resultToken }: Created) => (await post("/v1/openid4vp/results", { state, resultToken })).json();

/** A fetch that records where the wallet posts. */
const recordingFetch: typeof fetch = (input, init) => {
  if (init?.method === "POST") posted.push(String(input));
  return fetch(input, init);
};

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  const port = await freePort();
  const config = parseServiceConfig(
    {
      listen: { host: "127.0.0.1", port },
      presets: { adult: { type: "ageAtLeast", minAge: 18 } },
      trustedIssuers: [world.hospital.publicKey],
      signingKey: { env: "KEY" },
      openid4vp: { publicUrl: `http://127.0.0.1:${port}` },
    },
    { env: { KEY: SIGNING_KEY.privateKey } },
  );
  service = await createVerifierService(config, { logger: false });
  base = await service.listen();
  wallet = createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: SIGNING_KEY.publicKey, name: "Acme Health" }] });
});

afterAll(async () => {
  await service?.close();
});

describe("OpenID4VP through the service", () => {
  it("honest flow by reference: the wallet proves, posts once to response_uri, the back end collects the result; replays and a second post are refused", async () => {
    const created = await create();
    expect(created.link).toMatch(/^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Akey%3Az6Mk[^&]+&request_uri=/);
    expect(await results(created)).toEqual({ status: "pending" });
    const answer = await respondOpenid4vp(wallet, created.link, { fetch: recordingFetch });
    expect(posted).toEqual([`${base}/v1/openid4vp/response`]);
    expect(answer.state).toBe(created.state);
    const collected = (await results(created)) as { status: string; result: { ok: boolean; preset: string } };
    expect(collected).toMatchObject({ status: "answered", result: { ok: true, preset: "adult" } });
    // The receipt is the wallet's usual one, naming the verifier from the trust list.
    const receipts = await wallet.receipts();
    expect(receipts.at(-1)).toMatchObject({ outcome: "shown", verifier: { publicKey: SIGNING_KEY.publicKey, name: "Acme Health" }, responseUrl: `${base}/v1/openid4vp/response` });

    // The request_uri is single use: a second fetch (a photographed QR code) gets nothing.
    const again = await fetch(created.requestUri!);
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ error: { code: "OPENID4VP_REQUEST_USED" } });
    await expect(respondOpenid4vp(wallet, created.link)).rejects.toMatchObject({ code: "OPENID4VP_REQUEST_UNAVAILABLE", message: expect.stringContaining("OPENID4VP_REQUEST_USED") });

    // The same response posted again: refused, and the first result stands.
    const form = new URLSearchParams({ vp_token: JSON.stringify({ medzk: [answer.presentation] }), state: created.state });
    const twice = await fetch(`${base}/v1/openid4vp/response`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ error: { code: "OPENID4VP_ALREADY_ANSWERED" } });
    expect(await results(created)).toEqual(collected);
    // That presentation posted under another transaction's state (anyone who learned it) does not
    // decide it: refused, and the other transaction stays open for its own wallet.
    const other = await create();
    const crossed = new URLSearchParams({ vp_token: JSON.stringify({ medzk: [answer.presentation] }), state: other.state });
    const wrong = await fetch(`${base}/v1/openid4vp/response`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: crossed.toString() });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string; message: string } }).error]).toEqual([400, { code: "OPENID4VP_RESPONSE_INVALID", message: expect.stringContaining("REQUEST_MISMATCH") }]);
    expect(await results(other)).toEqual({ status: "pending" });
    // Nor does a presentation that is none.
    const none = new URLSearchParams({ vp_token: JSON.stringify({ medzk: [{ format: "medzk-presentation/v2" }] }), state: other.state });
    expect((await fetch(`${base}/v1/openid4vp/response`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: none.toString() })).status).toBe(400);
    expect(await results(other)).toEqual({ status: "pending" });
    // Only the token holder reads the result.
    const stranger = await post("/v1/openid4vp/results", { state: created.state, resultToken: "0".repeat(64) });
    expect(stranger.status).toBe(403);
  });

  it("by value: a request object tampered in transit is refused before anything is proven or posted", async () => {
    const created = await create("value");
    expect(created.requestUri).toBeUndefined();
    const url = new URL(created.link);
    const [h, p, s] = url.searchParams.get("request")!.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    url.searchParams.set("request", `${h}.${Buffer.from(JSON.stringify({ ...claims, response_uri: "https://evil.example/collect" })).toString("base64url")}.${s}`);
    posted.length = 0;
    const before = (await wallet.receipts()).length;
    await expect(respondOpenid4vp(wallet, url.toString(), { fetch: recordingFetch })).rejects.toMatchObject({ code: "REQUEST_SIGNATURE_INVALID" });
    expect(posted).toEqual([]);
    expect((await wallet.receipts()).length).toBe(before);
    expect(await results(created)).toEqual({ status: "pending" });
  });

  it("a wallet that does not trust the key behind client_id refuses (UNTRUSTED_VERIFIER) and posts nothing", async () => {
    const created = await create();
    const stranger = createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [] });
    posted.length = 0;
    await expect(respondOpenid4vp(stranger, created.link, { fetch: recordingFetch })).rejects.toMatchObject({ code: "UNTRUSTED_VERIFIER" });
    expect(posted).toEqual([]);
  });

  it("refuses malformed responses and unknown states with typed codes, and documents the routes in OpenAPI", async () => {
    const created = await create();
    const send = (body: string, type = "application/x-www-form-urlencoded") => fetch(`${base}/v1/openid4vp/response`, { method: "POST", headers: { "content-type": type }, body });
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await code(await send(new URLSearchParams({ vp_token: "{}", state: created.state }).toString()))).toEqual([400, "OPENID4VP_RESPONSE_INVALID"]);
    expect(await code(await send(new URLSearchParams({ vp_token: '{"medzk":[{}]}', state: "A".repeat(22) }).toString()))).toEqual([404, "OPENID4VP_UNKNOWN_TRANSACTION"]);
    expect(await code(await send(`vp_token=1&vp_token=2&state=${created.state}`))).toEqual([400, "BAD_REQUEST"]);
    expect(await code(await send(new URLSearchParams({ vp_token: "{}", state: created.state, extra: "1" }).toString()))).toEqual([400, "BAD_REQUEST"]);
    expect(await code(await send("{}", "text/plain"))).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    // direct_post is a form and only a form; the JSON routes beside it take no form (a cross-site
    // form post needs no CORS preflight); "__proto__" is a key like any other, unknown.
    expect(await code(await send(JSON.stringify({ vp_token: "{}", state: created.state }), "application/json"))).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    expect(await code(await send(`__proto__=x&${new URLSearchParams({ vp_token: "{}", state: created.state })}`))).toEqual([400, "BAD_REQUEST"]);
    const asForm = (path: string, body: Record<string, string>) => fetch(base + path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(body).toString() });
    expect(await code(await asForm("/v1/openid4vp/requests", { preset: "adult" }))).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    expect(await code(await asForm("/v1/openid4vp/results", { state: created.state, resultToken: created.resultToken }))).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    // A refused response leaves the transaction open for the wallet's real answer.
    expect(await results(created)).toEqual({ status: "pending" });
    expect(await code(await fetch(`${base}/v1/openid4vp/requests/nope`))).toEqual([404, "OPENID4VP_UNKNOWN_TRANSACTION"]);
    const doc = (await (await fetch(base + "/openapi.json")).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; parameters?: unknown[] }>> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/v1/openid4vp")).sort()).toEqual(["/v1/openid4vp/requests", "/v1/openid4vp/requests/{id}", "/v1/openid4vp/response", "/v1/openid4vp/results"]);
    expect(Object.keys(doc.paths["/v1/openid4vp/response"]!["post"]!.requestBody!.content)).toEqual(["application/x-www-form-urlencoded"]);
    expect(doc.paths["/v1/openid4vp/requests/{id}"]!["get"]!.parameters).toHaveLength(1);
  });

  it("takes openid4vp.publicUrl as an origin only, refusing anything else by name", () => {
    const config = (openid4vp: unknown) =>
      parseServiceConfig({ presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [world.hospital.publicKey], signingKey: { env: "KEY" }, openid4vp }, { env: { KEY: SIGNING_KEY.privateKey } }).openid4vp;
    expect(config({ publicUrl: "https://verify.acme.example" })).toEqual({ publicUrl: "https://verify.acme.example" });
    expect(config({ publicUrl: "https://verify.acme.example/" })).toEqual({ publicUrl: "https://verify.acme.example" });
    expect(config(undefined)).toBeUndefined();
    for (const bad of [{ publicUrl: "https://verify.acme.example/v1" }, { publicUrl: "http://verify.acme.example" }, { publicUrl: "https://verify.acme.example/?a=1" }, { publicUrl: 1 }, {}, { publicUrl: "https://x.example", extra: 1 }, "https://x.example"]) {
      expect(() => config(bad)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("openid4vp") }));
    }
  });
});
