/**
 * The short version of `npm run load` (bench/load.mjs): two verifier services sharing a real
 * redis-server, driven by autocannon over loopback with a mix of valid presentations, replays of
 * them and invalid ones, concurrently. Correctness only (timings are bench/load.mjs's): no 5xx,
 * every valid presentation accepted exactly once across both instances, nothing else accepted;
 * then the same bodies again through the open-loop pacer (`npm run load -- --single`'s fixed-rate
 * phase): every call sent and answered, all refused as replays. Three proofs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drive, pace } from "../../../bench/_drive.mjs";
import { type Presentation, type ProofRequest, prove } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { freePort } from "../../helpers/free-port.mjs";

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedis && process.env["MEDZK_REQUIRE_REDIS"] === "1") throw new Error("redis-server is required (MEDZK_REQUIRE_REDIS=1)");
if (!hasRedis) console.warn("redis-server not found on PATH: skipping the short load test");

let server: ChildProcess | undefined;
let world: World;
/** The first test's bodies, replayed by the second. */
let sent: string[] = [];
const services: VerifierService[] = [];
const urls: string[] = [];


beforeAll(async () => {
  if (!hasRedis) return;
  const port = await freePort();
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", await mkdtemp(`${tmpdir()}/medzk-load-`)], { stdio: "ignore" });
  world = await makeWorld("1980-01-01");
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [world.hospital.publicKey],
    signingKey: { hex: "5d".repeat(32) },
    redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: `load:${Date.now()}:` },
    metrics: false,
  });
  // One instance micro-batches (the default), the other checks each pairing on its own.
  services.push(await createVerifierService(config, { logger: false }), await createVerifierService({ ...config, microBatch: false }, { logger: false }));
  for (const s of services) urls.push(await s.listen());
  for (const url of urls) {
    for (let i = 0; i < 100 && (await fetch(url + "/readyz")).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  server?.kill("SIGTERM");
});

describe.skipIf(!hasRedis)("two instances under a mixed load", () => {
  it("accept each valid presentation exactly once, refuse replays and invalid ones, and never answer 5xx", async () => {
    const valid: Presentation[] = [];
    for (let i = 0; i < 3; i++) {
      const { request } = (await (await fetch(urls[i % 2]! + "/v1/requests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "adult" }) })).json()) as { request: ProofRequest };
      valid.push(await prove({ credential: world.record, holder: world.patient, request }));
    }
    const body = (p: Presentation) => JSON.stringify({ presentation: p, expected: p.request.challenge });
    // Each valid one 20 times (one acceptance, the rest replays), each with another's proof 10 times.
    const bodies = Array.from({ length: 20 }, () => valid.flatMap((p, i) => [body(p), ...(i % 2 === 0 ? [body({ ...p, proof: valid[(i + 1) % 3]!.proof })] : [])])).flat();
    sent = bodies;
    const run = await drive({ urls: urls.map((u) => u + "/v1/verify"), bodies, connections: 16 });
    expect(run.calls).toBe(bodies.length);
    expect([run.errors, run.timeouts]).toEqual([0, 0]);
    expect(Object.keys(run.statuses)).toEqual(["200"]);
    expect(run.codes["OK"]).toBe(3);
    expect(Object.keys(run.codes).sort()).toEqual(expect.arrayContaining(["OK", "REQUEST_REPLAYED"]));
    expect(Object.keys(run.codes).every((c) => ["OK", "REQUEST_REPLAYED", "INVALID_PROOF"].includes(c))).toBe(true);
    expect([...run.accepted.entries()].sort()).toEqual(valid.map((p) => [p.request.challenge, 1]).sort());
  });

  it("through the open-loop pacer: every call sent once and answered, and (all used by now) refused", async () => {
    expect(sent.length).toBeGreaterThan(0);
    // The pacer against the real services (its scheduling and timing are checked against a
    // stand-in below): 80 of the first test's bodies over both instances, tallied like the closed loop's.
    const run = await pace({ urls: urls.map((u) => u + "/v1/verify"), bodies: sent, connections: 2, rate: 40, amount: 80 });
    expect(run.calls).toBe(80);
    expect([run.errors, run.timeouts]).toEqual([0, 0]);
    expect(run.statuses).toEqual({ 200: 80 });
    expect(run.codes).toEqual({ REQUEST_REPLAYED: 80 });
    expect(run.accepted.size).toBe(0);
  });
});

/** A stand-in service for the pacer's own checks: answers each call after `delayMs`, accepted, with the call's body as its challenge; `misbehave` may cut or ignore a call instead. */
async function stub(delayMs: number, misbehave?: (body: string, socket: import("node:net").Socket) => boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (misbehave?.(body, request.socket)) return;
      setTimeout(() => response.end(JSON.stringify({ result: { ok: true, challenge: body } })), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/verify`, server };
}

describe("the open-loop pacer (bench/_drive.mjs pace) against a stand-in service", () => {
  it("sends call k when it is due, whether or not earlier calls were answered, and times it from then", async () => {
    // 2 connections, each answered after 50 ms: 40 calls/s at most, against 100/s offered. The
    // last of 40 calls is due at 0.39 s, and answered no earlier than 20 × 50 ms = 1 s after the
    // start: a latency of at least ~0.6 s, where a pacer timing from when a connection took the
    // call (or sending on answers, a closed loop) would show ~50 ms.
    const { url, server } = await stub(50);
    try {
      const bodies = Array.from({ length: 40 }, (_, i) => `call-${i}`);
      const run = await pace({ urls: [url], bodies, connections: 2, rate: 100, amount: 40 });
      expect([run.calls, run.errors, run.timeouts]).toEqual([40, 0, 0]);
      expect([...run.accepted.entries()].sort()).toEqual(bodies.map((b) => [b, 1]).sort());
      expect(run.seconds).toBeGreaterThanOrEqual(0.95);
      expect(run.p99).toBeGreaterThanOrEqual(500);
      expect(run.peakInFlight).toBeGreaterThan(2);
      expect(run.lateStarts).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it("ends when a call is cut off mid-answer or never answered: counted as an error or a timeout, never a hang", async () => {
    const { url, server } = await stub(0, (body, socket) => {
      if (body === "cut") socket.destroy();
      return body === "cut" || body === "ignored";
    });
    try {
      const run = await pace({ urls: [url], bodies: ["a", "cut", "b", "ignored", "c"], connections: 4, rate: 50, amount: 5, timeoutSeconds: 0.5 });
      expect([run.calls, run.errors, run.timeouts]).toEqual([3, 1, 1]);
      expect(run.codes).toEqual({ OK: 3 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("refuses what it cannot do (no calls, no rate, fewer connections than instances)", async () => {
    await expect(pace({ urls: ["http://127.0.0.1:1/"], bodies: ["x"], connections: 1, rate: 10, amount: 0 })).rejects.toThrow(/amount/);
    await expect(pace({ urls: ["http://127.0.0.1:1/"], bodies: ["x"], connections: 1, rate: 0, amount: 1 })).rejects.toThrow(/rate/);
    await expect(pace({ urls: ["http://127.0.0.1:1/", "http://127.0.0.1:2/"], bodies: ["x"], connections: 1, rate: 1, amount: 1 })).rejects.toThrow(/connections/);
  });
});
