/**
 * RedisChallengeStore against a real redis-server (started here on a free loopback port; CI
 * installs the Debian package). Two verifier instances sharing Redis accept a presentation once,
 * also when Redis's clock runs ten minutes ahead of or behind the verifiers' (./clock-skew.c,
 * compiled here with the system C compiler and preloaded into redis-server).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisChallengeStore } from "../../../src/verifier/redis-challenge-store.js";
import { createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove, type Presentation } from "../../../src/index.js";

const NOW = new Date("2026-06-15T12:00:00Z");
// CI (.ci/run) installs redis-server and sets MEDZK_REQUIRE_REDIS=1, so there a missing server
// fails the run; on a developer machine without it these tests are skipped, loudly.
const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the Redis challenge-store tests");
// The skewed-clock tests build ./clock-skew.c (Debian's faketime deadlocks redis-server: see the
// file's header). CI installs a compiler (.ci/run); MEDZK_REQUIRE_REDIS=1 makes its absence fail.
const hasCc = spawnSync("cc", ["--version"]).status === 0;
if (hasRedis && !hasCc && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("a C compiler (cc) is required for the skewed-clock Redis tests (MEDZK_REQUIRE_REDIS=1)");
if (hasRedis && !hasCc) console.warn("cc not found on PATH: skipping the skewed-clock Redis tests");
let server: ChildProcess;
let port: number;
let redis: Redis;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  if (!hasRedis) return;
  port = await freePort();
  const dir = await mkdtemp(`${tmpdir()}/medzk-redis-`);
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  for (let i = 0; i < 100; i++) {
    try {
      await redis.connect();
      if ((await redis.ping()) === "PONG") break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(async () => {
  redis?.disconnect();
  server?.kill("SIGTERM");
});

describe.skipIf(!hasRedis)("RedisChallengeStore", () => {
  it("gives exactly one winner among 2,000 concurrent consumers", async () => {
    const store = new RedisChallengeStore(redis, { prefix: `t1:${Date.now()}:` });
    const results = await Promise.all(Array.from({ length: 2000 }, () => store.consume("c1", Date.now() + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("reads whether a challenge is used (EXISTS) without using it up", async () => {
    const store = new RedisChallengeStore(redis, { prefix: `t-read:${Date.now()}:` });
    expect(await store.isUsed("c")).toBe(false);
    expect(await store.isUsed("c")).toBe(false);
    expect(await store.consume("c", Date.now() + 60_000)).toBe(true);
    expect(await store.isUsed("c")).toBe(true);
    expect(await store.consume("c", Date.now() + 60_000)).toBe(false);
  });

  it("two verifier instances sharing Redis and a signing key accept a presentation once", async () => {
    const issuer = generateIssuerKey();
    const holder = createHolder();
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
    const verifierKey = generateVerifierKey();
    const make = () => createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => NOW, challengeStore: new RedisChallengeStore(redis, { prefix: "t2:" }) });
    const [a, b] = [make(), make()];
    const presentation: Presentation = await prove({ credential, holder, request: a.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now: NOW });
    const results = await Promise.all([a.verify(structuredClone(presentation)), b.verify(structuredClone(presentation)), b.verify(structuredClone(presentation))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.code === "REQUEST_REPLAYED")).toHaveLength(2);
  });

  it("fails closed with STORE_UNAVAILABLE when Redis is unreachable", async () => {
    const dead = new Redis({ port: await freePort(), host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on("error", () => {}); // the refused connection is the point of this test
    const issuer = generateIssuerKey();
    const holder = createHolder();
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
    const v = createVerifier({ trustedIssuers: [issuer.publicKey], key: generateVerifierKey(), clock: () => NOW, challengeStore: new RedisChallengeStore(dead) });
    const presentation = await prove({ credential, holder, request: v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now: NOW });
    expect(await v.verify(presentation)).toMatchObject({ ok: false, error: { code: "STORE_UNAVAILABLE" } });
    dead.disconnect();
  });
});

const MINUTES_10 = 10 * 60 * 1000;

/** A redis-server whose wall clock is `skewMs` off the host's, and a client for it. */
async function skewedRedis(skewMs: number, shim: string): Promise<{ server: ChildProcess; client: Redis }> {
  const p = await freePort();
  const dir = await mkdtemp(`${tmpdir()}/medzk-redis-skew-`);
  const server = spawn("redis-server", ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
    env: { ...process.env, LD_PRELOAD: shim, MEDZK_CLOCK_SKEW_MS: String(skewMs) },
  });
  const client = new Redis({ port: p, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { server, client };
}

describe.skipIf(!hasRedis || !hasCc)("RedisChallengeStore with Redis's clock ten minutes off the verifiers'", () => {
  const verifierKey = generateVerifierKey();
  const issuer = generateIssuerKey();
  let shim: string;
  let presentation: Presentation;
  const running: Array<{ server: ChildProcess; client: Redis }> = [];

  beforeAll(async () => {
    const dir = await mkdtemp(`${tmpdir()}/medzk-clock-skew-`);
    shim = join(dir, "clock-skew.so");
    execFileSync("cc", ["-shared", "-fPIC", "-O2", "-o", shim, fileURLToPath(new URL("./clock-skew.c", import.meta.url))]);
    const holder = createHolder();
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
    // One presentation serves both Redis servers: each records its challenge on its own.
    const request = createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => NOW }).createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    presentation = await prove({ credential, holder, request, now: NOW });
  });

  afterAll(() => {
    for (const { server, client } of running) {
      client.disconnect();
      server.kill("SIGTERM");
    }
  });

  for (const [label, skewMs] of [["ahead", MINUTES_10], ["behind", -MINUTES_10]] as const) {
    describe(`Redis ${label}`, () => {
      let client: Redis;
      beforeAll(async () => {
        const started = await skewedRedis(skewMs, shim);
        running.push(started);
        client = started.client;
      });

      it("really runs on a skewed clock", async () => {
        const [seconds, micros] = await client.time();
        const redisMs = Number(seconds) * 1000 + Number(micros) / 1000;
        expect(Math.abs(redisMs - Date.now() - skewMs)).toBeLessThan(5_000);
      });

      it("two verifier instances accept the presentation once and refuse its replay until the request expires on their clock", async () => {
        let now = NOW;
        const store = new RedisChallengeStore(client, { prefix: `skew:${label}:` });
        const make = () => createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => now, challengeStore: store });
        const [a, b] = [make(), make()];
        const results = await Promise.all([a.verify(structuredClone(presentation)), b.verify(structuredClone(presentation)), b.verify(structuredClone(presentation))]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.error.code === "REQUEST_REPLAYED")).toHaveLength(2);
        // The key lives the request's remaining lifetime (300 s on the verifiers' clock), whatever
        // Redis's clock says; with an absolute PXAT, Redis ahead dropped it at once.
        const ttl = await client.pttl(`skew:${label}:${presentation.request.challenge}`);
        expect(ttl).toBeGreaterThan(290_000);
        expect(ttl).toBeLessThanOrEqual(300_000);
        // One second before the request expires on the verifiers' clock: still a replay on both.
        now = new Date(NOW.getTime() + 299_000);
        for (const v of [a, b]) expect(await v.verify(structuredClone(presentation))).toMatchObject({ ok: false, error: { code: "REQUEST_REPLAYED" } });
        // At expiry the verifiers refuse by their own clock, before the store is asked.
        now = new Date(NOW.getTime() + 300_000);
        for (const v of [a, b]) expect(await v.verify(structuredClone(presentation))).toMatchObject({ ok: false, error: { code: "REQUEST_EXPIRED" } });
      });

      it("an entry expires after the TTL from the verifier's clock, not before", async () => {
        // The verifier's clock is months off both the host's and Redis's: only the difference counts.
        const verifierNow = NOW.getTime();
        const store = new RedisChallengeStore(client, { prefix: `skew-ttl:${label}:${Date.now()}:` });
        const started = Date.now();
        expect(await store.consume("c", verifierNow + 1_500, verifierNow)).toBe(true);
        await new Promise((r) => setTimeout(r, 1_000 - (Date.now() - started)));
        expect(await store.consume("c", verifierNow + 1_500, verifierNow)).toBe(false);
        await new Promise((r) => setTimeout(r, 1_700 - (Date.now() - started)));
        expect(await store.consume("c", verifierNow + 1_500, verifierNow)).toBe(true);
      });
    });
  }
});
