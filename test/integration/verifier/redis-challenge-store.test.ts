/**
 * RedisChallengeStore against a real redis-server (started here on a free loopback port; CI
 * installs the Debian package). Two verifier instances sharing Redis accept a presentation once.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisChallengeStore } from "../../../src/verifier/redis-challenge-store.js";
import { createHolder, createVerifier, generateIssuerKey, issueCredential, prove, type Presentation } from "../../../src/index.js";

const NOW = new Date("2026-06-15T12:00:00Z");
// CI (.ci/run) installs redis-server and sets MEDZK_REQUIRE_REDIS=1, so there a missing server
// fails the run; on a developer machine without it these tests are skipped, loudly.
const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the Redis challenge-store tests");
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

  it("two verifier instances sharing Redis and a request key accept a presentation once", async () => {
    const issuer = generateIssuerKey();
    const holder = createHolder();
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
    const requestKey = "33".repeat(32);
    const make = () => createVerifier({ trustedIssuers: [issuer.publicKey], scope: "redis", clock: () => NOW, requestKey, challengeStore: new RedisChallengeStore(redis, { prefix: "t2:" }) });
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
    const v = createVerifier({ trustedIssuers: [issuer.publicKey], scope: "redis", clock: () => NOW, challengeStore: new RedisChallengeStore(dead) });
    const presentation = await prove({ credential, holder, request: v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now: NOW });
    expect(await v.verify(presentation)).toMatchObject({ ok: false, error: { code: "STORE_UNAVAILABLE" } });
    dead.disconnect();
  });
});
