/**
 * The Redis OpenID4VP transaction store (src/server/openid4vp-redis-transactions.ts) on what it
 * meets in deployments beyond test/integration/server/service-redis.test.ts: a Redis older than
 * 6.2 (no GETDEL: Debian 11's and Ubuntu 22.04's redis-server are 6.0.16), emulated by a
 * redis-server whose GETDEL is renamed away (it then answers "ERR unknown command" as 6.0 does);
 * and a claim that lapses (CLAIM_MS) while its holder is still verifying. No proof is made.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisOpenid4vpTransactions } from "../../../src/server/openid4vp-redis-transactions.js";
import { type Openid4vpTransactionStore, dropTime } from "../../../src/server/openid4vp-transactions.js";
import type { ServiceVerifyResult } from "../../../src/server/presets.js";
import { freePort } from "../../helpers/free-port.mjs";
import { CONTRACT_REQUEST, openid4vpStoreContract } from "../../helpers/openid4vp-store-contract.js";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the Redis OpenID4VP store tests");

let server: ChildProcess | undefined;
let redis: Redis | undefined;
let n = 0;
const store = (max?: number): Openid4vpTransactionStore => new RedisOpenid4vpTransactions(redis!, `test:${process.pid}:${n++}:`, max);

beforeAll(async () => {
  if (!hasRedis) return;
  const port = await freePort();
  const dir = await mkdtemp(`${tmpdir()}/medzk-redis-`);
  await writeFile(`${dir}/redis.conf`, `port ${port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir ${dir}\nrename-command GETDEL ""\n`);
  server = spawn("redis-server", [`${dir}/redis.conf`], { stdio: "ignore" });
  redis = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 20 });
  redis.on("error", () => {}); // refused until redis-server listens
  await new Promise((resolve) => redis!.once("ready", resolve));
  await expect(redis.call("GETDEL", "x")).rejects.toThrow(/unknown command/);
});

afterAll(() => {
  redis?.disconnect();
  server?.kill("SIGTERM");
});

describe.skipIf(!hasRedis)("the Redis OpenID4VP transaction store", () => {
  describe("on a Redis without GETDEL (older than 6.2)", () => {
    openid4vpStoreContract(store);
  });

  it("holds the bound across instances sharing the key prefix: of 12 racing opens on two instances with room for 5, 5 open", async () => {
    const prefix = `test:${process.pid}:shared:`;
    const [a, b] = [new RedisOpenid4vpTransactions(redis!, prefix, 5), new RedisOpenid4vpTransactions(redis!, prefix, 5)];
    const opened = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).open(CONTRACT_REQUEST, Date.now())));
    expect(opened.filter((o) => o !== undefined)).toHaveLength(5);
  });

  it("records the result of a holder whose claim lapsed while it verified, when no other response holds the transaction", async () => {
    const s = store();
    const t = (await s.open(CONTRACT_REQUEST, Date.now()))!;
    // A claim taken 30 ms before the transaction's drop time holds 30 ms (min(CLAIM_MS, TTL)):
    // the lapse of a verification slower than CLAIM_MS, without waiting 60 s.
    const claim = (await s.claim(t.state, dropTime(CONTRACT_REQUEST) - 30))!;
    expect(claim).toBeDefined();
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.byState(t.state, Date.now()))!.answer).toEqual({ status: "pending" });
    // The route then answers the wallet 200: the result must be there for the back end's poll.
    const result = { ok: true, preset: "adult" } as unknown as ServiceVerifyResult;
    expect(await s.settle(t.state, claim, result, Date.now())).toBe(true);
    expect((await s.byState(t.state, Date.now()))!.answer).toEqual({ status: "answered", result });
  });
});
