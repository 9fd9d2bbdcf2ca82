/**
 * RedisChallengeStore on a Redis Cluster: three masters of real redis-server processes
 * (`--cluster-enabled yes`, joined by `redis-cli --cluster create --cluster-replicas 0`), through
 * an ioredis Cluster client. Challenges spread over the masters; of concurrent consumers exactly
 * one wins; while a slot migrates the client follows ASK, and after it moves, MOVED, and the
 * migrated challenge stays used. No proof is made: the store is what is under test.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisChallengeStore } from "../../../src/verifier/redis-challenge-store.js";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0 && spawnSync("redis-cli", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server and redis-cli are required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server or redis-cli not found on PATH: skipping the Redis Cluster tests");

const servers: ChildProcess[] = [];
const ports: number[] = [];
const nodes: Redis[] = [];
let cluster: Cluster;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The node (index) that serves `slot` now. */
async function ownerOf(slot: number): Promise<number> {
  const shards = (await nodes[0]!.call("CLUSTER", "SLOTS")) as Array<[number, number, [string, number, string]]>;
  const [, , [, port]] = shards.find(([from, to]) => slot >= from && slot <= to)!;
  return ports.indexOf(port);
}

const nodeId = async (i: number) => String(await nodes[i]!.call("CLUSTER", "MYID"));

beforeAll(async () => {
  if (!hasRedis) return;
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "medzk-cluster-"));
    ports.push(port);
    servers.push(
      spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(dir, "nodes.conf"), "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" }),
    );
    const node = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    node.on("error", () => {}); // refused until the server is up; the client reconnects
    nodes.push(node);
  }
  await Promise.all(nodes.map((n) => until(async () => (await n.ping()) === "PONG", "redis-server")));
  execFileSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { stdio: "ignore" });
  await until(async () => (await Promise.all(nodes.map(async (n) => String(await n.call("CLUSTER", "INFO"))))).every((i) => i.includes("cluster_state:ok")), "cluster_state:ok");
  // One seed node is enough: the client learns the slot map from it.
  cluster = new Cluster([{ host: "127.0.0.1", port: ports[0]! }], { enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: 1 } });
});

afterAll(async () => {
  cluster?.disconnect();
  for (const n of nodes) n.disconnect();
  for (const s of servers) s.kill("SIGTERM");
});

describe.skipIf(!hasRedis)("RedisChallengeStore on a Redis Cluster", () => {
  it("spreads challenges over the masters and accepts each once among concurrent consumers", async () => {
    const store = new RedisChallengeStore(cluster, { prefix: "c1:" });
    const challenges = Array.from({ length: 60 }, (_, i) => `challenge-${i}`);
    const wins = await Promise.all(challenges.flatMap((c) => [0, 1, 2].map(() => store.consume(c, Date.now() + 60_000))));
    expect(wins.filter(Boolean)).toHaveLength(challenges.length);
    expect(await Promise.all(challenges.map((c) => store.isUsed(c)))).toEqual(challenges.map(() => true));
    // Every master holds some of them.
    const sizes = await Promise.all(nodes.map((n) => n.dbsize()));
    expect(sizes.every((s) => s > 0)).toBe(true);
  });

  it("follows ASK while a slot migrates and MOVED after, and a migrated challenge stays used", async () => {
    const store = new RedisChallengeStore(cluster, { prefix: "c2:" });
    const key = "c2:migrating";
    expect(await store.consume("migrating", Date.now() + 60_000)).toBe(true);
    const slot = Number(await nodes[0]!.call("CLUSTER", "KEYSLOT", key));
    const from = await ownerOf(slot);
    const to = (from + 1) % 3;
    const [fromId, toId] = [await nodeId(from), await nodeId(to)];
    await nodes[to]!.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
    await nodes[from]!.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    await nodes[from]!.call("MIGRATE", "127.0.0.1", ports[to]!, "", 0, 5000, "KEYS", key);
    // The key is gone from its old master, which answers ASK: the client follows it to the new one.
    await expect(nodes[from]!.exists(key)).rejects.toThrow(/^ASK /);
    expect(await store.isUsed("migrating")).toBe(true);
    expect(await store.consume("migrating", Date.now() + 60_000)).toBe(false);
    for (const n of nodes) await n.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
    await until(async () => (await ownerOf(slot)) === to, "the slot to move");
    // The client's map still names the old master: MOVED, followed, and the challenge is still used.
    expect(await store.consume("migrating", Date.now() + 60_000)).toBe(false);
    expect(await store.isUsed("migrating")).toBe(true);
    expect(await nodes[to]!.exists(key)).toBe(1);
  });
});
