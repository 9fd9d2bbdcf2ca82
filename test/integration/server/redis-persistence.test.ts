/**
 * Redis persistence and the challenge store: a service warns at start-up when its Redis keeps no
 * append-only file (a restart would forget used challenges), and with `appendonly yes` and
 * `appendfsync always` a used challenge survives Redis being killed (SIGKILL) and restarted. Real
 * redis-server processes; no proof is made.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { RedisChallengeStore } from "../../../src/verifier/redis-challenge-store.js";
import { freePort } from "../../helpers/free-port.mjs";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the Redis persistence tests");

const started: ChildProcess[] = [];
const clients: Redis[] = [];


/** A redis-server on `port` with its files in `dir`; resolves once a client gets PONG. */
async function redisServer(port: number, dir: string, appendonly: boolean): Promise<{ server: ChildProcess; client: Redis }> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--appendonly", appendonly ? "yes" : "no"];
  if (appendonly) args.push("--appendfsync", "always");
  const server = spawn("redis-server", args, { stdio: "ignore" });
  started.push(server);
  const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on("error", () => {}); // refused until the server is up
  clients.push(client);
  for (let i = 0; i < 200; i++) {
    if ((await client.ping().catch(() => "")) === "PONG") return { server, client };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("redis-server did not start");
}

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of started.splice(0)) s.kill("SIGKILL");
});

const config = (port: number) =>
  parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [generateIssuerKey().publicKey],
    signingKey: { hex: generateVerifierKey().privateKey },
    redis: { url: `redis://127.0.0.1:${port}` },
  });

describe.skipIf(!hasRedis)("Redis persistence", () => {
  it("warns at start-up about a Redis without an append-only file, and not about one with it", async () => {
    for (const appendonly of [false, true]) {
      const port = await freePort();
      await redisServer(port, await mkdtemp(join(tmpdir(), "medzk-aof-")), appendonly);
      const lines: string[] = [];
      const service = await createVerifierService(config(port), { logger: { write: (l: string) => void lines.push(l) } });
      await service.close();
      const warned = lines.flatMap((l) => l.trim().split("\n")).map((l) => JSON.parse(l) as { level: number; redis?: string }).filter((l) => l.redis === "not persistent");
      expect(warned.map((l) => l.level)).toEqual(appendonly ? [] : [40]);
    }
  });

  it("keeps a used challenge across a killed and restarted Redis with appendonly yes, appendfsync always", async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), "medzk-aof-"));
    const first = await redisServer(port, dir, true);
    const store = new RedisChallengeStore(first.client, { prefix: "aof:" });
    expect(await store.consume("used", Date.now() + 600_000)).toBe(true);
    first.server.kill("SIGKILL");
    await new Promise((resolve) => first.server.once("exit", resolve));
    const second = await redisServer(port, dir, true);
    const restarted = new RedisChallengeStore(second.client, { prefix: "aof:" });
    expect(await restarted.isUsed("used")).toBe(true);
    expect(await restarted.consume("used", Date.now() + 600_000)).toBe(false);
  });
});
