/**
 * Two verifier services sharing one real redis-server (started here on a free loopback port, as
 * in redis-store.test.ts) accept a presentation once between them, and an audit answer reads a
 * holder's trail once between them; an OpenID4VP transaction opened on one is fetched, answered
 * and collected on the others (the transaction store's contract, test/helpers, holds on Redis
 * too); when Redis goes away /readyz turns 503 and verification, audit reads and OpenID4VP fail
 * closed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { type Presentation, type ProofRequest, createWallet, prove, respondOpenid4vp } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { RedisOpenid4vpTransactions } from "../../../src/server/openid4vp-redis-transactions.js";
import { verifierKeyFromPrivate } from "../../../src/verifier/verifier-key.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { freePort } from "../../helpers/free-port.mjs";
import { openid4vpStoreContract } from "../../helpers/openid4vp-store-contract.js";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the verifier service Redis tests");

let server: ChildProcess | undefined;
let port: number;
let world: World;
let a: VerifierService;
let b: VerifierService;
let urlA: string;
let urlB: string;
let redis: Redis | undefined;
/** The origin in the OpenID4VP links: a load balancer in front of both instances (the tests route its calls). */
let balancer: string;
const SIGNING_KEY = "7e".repeat(32);


async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const post = (url: string, path: string, body: unknown) =>
  fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function presentation(url: string): Promise<Presentation> {
  const { request } = (await (await post(url, "/v1/requests", { preset: "adult" })).json()) as { request: ProofRequest };
  return prove({ credential: world.record, holder: world.patient, request });
}

/** The holder's answer to an audit challenge of `url`, with its ticket: the body of POST /v1/audit/entries. */
async function auditAnswer(url: string): Promise<{ presentation: Presentation; ticket: string }> {
  const { request, ticket } = (await (await post(url, "/v1/audit/challenges", { preset: "adult" })).json()) as { request: ProofRequest; ticket: string };
  return { presentation: await prove({ credential: world.record, holder: world.patient, request }), ticket };
}

beforeAll(async () => {
  if (!hasRedis) return;
  port = await freePort();
  const dir = await mkdtemp(`${tmpdir()}/medzk-redis-`);
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  world = await makeWorld("1980-01-01");
  balancer = `http://127.0.0.1:${await freePort()}`;
  redis = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // the outage test stops the server under it
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [world.hospital.publicKey],
    signingKey: { hex: SIGNING_KEY },
    openid4vp: { publicUrl: balancer },
    redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: `test:${Date.now()}:` },
    audit: { file: `${dir}/audit.jsonl` },
  });
  [a, b] = await Promise.all([createVerifierService(config, { logger: false }), createVerifierService(config, { logger: false })]);
  [urlA, urlB] = await Promise.all([a.listen(), b.listen()]);
  await waitFor(async () => (await fetch(urlA + "/readyz")).status === 200 && (await fetch(urlB + "/readyz")).status === 200, "both services ready");
});

afterAll(async () => {
  redis?.disconnect();
  await Promise.all([a?.close(), b?.close()]);
  server?.kill("SIGTERM");
});

describe.skipIf(!hasRedis)("verifier services sharing Redis", () => {
  it("report Redis in readiness", async () => {
    expect(await (await fetch(urlA + "/readyz")).json()).toEqual({ ready: true, checks: { keys: "ok", redis: "ok", audit: "ok" } });
  });

  it("accept a presentation once between two instances, under concurrent submissions", async () => {
    const p = await presentation(urlA);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 ? urlA : urlB, "/v1/verify", { presentation: p, expected: p.request })));
    const results = await Promise.all(responses.map(async (r) => ((await r.json()) as { result: { ok: boolean; error?: { code: string } } }).result));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => r.error?.code === "REQUEST_REPLAYED")).toHaveLength(9);
  });

  it("serve one OpenID4VP transaction from any instance: opened on A, request object from B (once), two racing answers on A and B (one verified), collected on either", async () => {
    const opened = (await (await post(urlA, "/v1/openid4vp/requests", { preset: "adult" })).json()) as { link: string; requestUri: string; state: string; resultToken: string };
    expect(opened.requestUri.startsWith(`${balancer}/v1/openid4vp/requests/`)).toBe(true);
    const results = async (url: string) => (await post(url, "/v1/openid4vp/results", { state: opened.state, resultToken: opened.resultToken })).json();
    expect(await results(urlB)).toEqual({ status: "pending" });
    const statuses: number[] = [];
    // The balancer: the wallet's fetch of the request object goes to B; its answer is posted to A and B at once.
    const balanced: typeof fetch = async (input, init) => {
      const path = String(input).slice(balancer.length);
      if (init?.method !== "POST") return fetch(urlB + path, init);
      const both = await Promise.all([fetch(urlA + path, init), fetch(urlB + path, init)]);
      statuses.push(...both.map((r) => r.status));
      return both.find((r) => r.ok) ?? both[0]!;
    };
    const wallet = createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: verifierKeyFromPrivate(SIGNING_KEY).publicKey, name: "Acme Health" }] });
    const answer = await respondOpenid4vp(wallet, opened.link, { fetch: balanced });
    expect(answer.state).toBe(opened.state);
    expect(statuses.sort()).toEqual([200, 409]);
    for (const url of [urlA, urlB]) expect(await results(url)).toMatchObject({ status: "answered", result: { ok: true, preset: "adult" } });
    // The request_uri was fetched on B: A has nothing left to hand out.
    const again = await fetch(urlA + opened.requestUri.slice(balancer.length));
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([410, "OPENID4VP_REQUEST_USED"]);
    // The presentation itself was accepted once, by whichever instance verified it.
    const replay = await post(urlB, "/v1/verify", { presentation: answer.presentation, expected: answer.presentation.request });
    expect(await replay.json()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
  });

  describe("the OpenID4VP transaction store's contract, on Redis", () => {
    let n = 0;
    openid4vpStoreContract((max) => new RedisOpenid4vpTransactions(redis!, `test:${process.pid}:${Date.now()}:${n++}:`, max));
  });

  it("turn /readyz to 503 and refuse with STORE_UNAVAILABLE when Redis is down, and recover", async () => {
    const p = await presentation(urlB);
    const q = await auditAnswer(urlA);
    const storeErrors = async () => Number(/^medzk_challenge_store_errors_total (\d+)$/m.exec(await (await fetch(urlB + "/metrics")).text())?.[1]);
    expect(await storeErrors()).toBe(0);
    server!.kill("SIGTERM");
    await new Promise((resolve) => server!.once("exit", resolve));
    const res = await fetch(urlA + "/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, checks: { keys: "ok", redis: "challenge store unavailable", audit: "ok" } });
    const verify = await post(urlB, "/v1/verify", { presentation: p, expected: p.request });
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ result: { ok: false, error: { code: "STORE_UNAVAILABLE" } } });
    // The failed store operation is counted (its cause is not in the result).
    expect(await storeErrors()).toBe(1);
    // An audit read cannot use its challenge up: the service's outage, not the holder's refusal.
    const down = await post(urlB, "/v1/audit/entries", q);
    expect([down.status, ((await down.json()) as { error: { code: string } }).error.code]).toEqual([503, "SERVICE_UNAVAILABLE"]);
    // Nor can an OpenID4VP transaction be opened (or read) without its store.
    const noStore = await post(urlA, "/v1/openid4vp/requests", { preset: "adult" });
    expect([noStore.status, await noStore.json()]).toEqual([503, { error: { code: "SERVICE_UNAVAILABLE", message: "the OpenID4VP transaction store is unreachable; retry later" } }]);

    // A restarted Redis is picked up again without restarting the services.
    const dir = await mkdtemp(`${tmpdir()}/medzk-redis-`);
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
    await waitFor(async () => (await fetch(urlA + "/readyz")).status === 200, "readiness after Redis restart");
    await waitFor(async () => (await fetch(urlB + "/readyz")).status === 200, "readiness after Redis restart");
    expect(await (await post(urlB, "/v1/verify", { presentation: p, expected: p.request.challenge })).json()).toMatchObject({ result: { ok: true, preset: "adult" } });
    // One audit answer reads once between the instances (the challenge is used up in Redis), and
    // is then no verification either.
    const reads = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 ? urlA : urlB, "/v1/audit/entries", q)));
    const outcomes = await Promise.all(reads.map(async (r) => [r.status, ((await r.json()) as { error?: { code: string; message: string } }).error?.message ?? "entries"]));
    expect(outcomes.filter(([status]) => status === 200)).toHaveLength(1);
    expect(outcomes.filter(([status, message]) => status === 403 && String(message).includes("REQUEST_REPLAYED"))).toHaveLength(5);
    const relayed = await post(urlA, "/v1/verify", { presentation: q.presentation, expected: q.presentation.request });
    expect(await relayed.json()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
  });
});
