/**
 * Load shedding: with `limits.inFlight` calls in flight the next POST is turned away at once
 * (503 OVERLOADED, Retry-After), /readyz says so, probes still answer, and the slot comes back
 * when the call in flight ends (here: a body that is still arriving, which holds its slot
 * deterministically, with no timing). No proof is made.
 */
import { type Socket, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";

let service: VerifierService;
let base: string;
const lines: string[] = [];

const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A POST /v1/verify whose body is announced but not sent: in flight until the socket is ended. */
async function holdSlot(): Promise<Socket> {
  const { port } = new URL(base);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(`POST /v1/verify HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"presentation":`);
  // In flight once the server has read the headers: /readyz then reports the load.
  await until(async () => (await fetch(base + "/readyz")).status === 503);
  return socket;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

beforeAll(async () => {
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [generateIssuerKey().publicKey],
    signingKey: { hex: generateVerifierKey().privateKey },
    limits: { inFlight: 1 },
  });
  service = await createVerifierService(config, { logger: { write: (l: string) => void lines.push(l) } });
  base = await service.listen();
});

afterAll(() => service?.close());

describe("load shedding", () => {
  it("sheds beyond limits.inFlight with 503 OVERLOADED and Retry-After, reports it in /readyz, and recovers", async () => {
    expect((await post("/v1/requests", { preset: "adult" })).status).toBe(201);
    const socket = await holdSlot();
    const shed = await post("/v1/requests", { preset: "adult" });
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(await shed.json()).toEqual({ error: { code: "OVERLOADED", message: expect.stringContaining("limit of 1") } });
    const ready = await fetch(base + "/readyz");
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false, checks: { keys: "ok", load: "overloaded" } }]);
    expect((await fetch(base + "/healthz")).status).toBe(200);
    const metrics = await (await fetch(base + "/metrics")).text();
    expect(metrics).toMatch(/^medzk_shed_total\{reason="in_flight"\} 1$/m);
    expect(metrics).toMatch(/^medzk_calls_in_flight 1$/m);

    socket.destroy();
    await until(async () => (await fetch(base + "/readyz")).status === 200);
    expect(await (await fetch(base + "/readyz")).json()).toEqual({ ready: true, checks: { keys: "ok" } });
    expect((await post("/v1/requests", { preset: "adult" })).status).toBe(201);
    const logged = lines.flatMap((l) => l.trim().split("\n")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ msg: "request", status: 503, errorCode: "OVERLOADED" }));
  });

  it("refuses limits that are not positive integers", () => {
    const base = { presets: { adult: { type: "ageAtLeast", minAge: 18 } }, signingKey: { hex: "7e".repeat(32) }, trustedIssuers: [generateIssuerKey().publicKey] };
    expect(() => parseServiceConfig({ ...base, limits: { inFlight: 0 } })).toThrow(/"limits.inFlight"/);
    expect(() => parseServiceConfig({ ...base, limits: { eventLoopDelayMs: -1 } })).toThrow(/"limits.eventLoopDelayMs"/);
    expect(() => parseServiceConfig({ ...base, microBatch: { windowMs: 2, size: 3 } })).toThrow(/microBatch/);
    expect(() => parseServiceConfig({ ...base, microBatch: { workers: "yes" } })).toThrow(/"microBatch.workers"/);
    // On by default since the measurements of docs/operations.md; false turns it off.
    expect(parseServiceConfig({ ...base }).microBatch).toEqual({ windowMs: 2, maxBatch: 64, workers: false });
    expect(parseServiceConfig({ ...base, microBatch: true }).microBatch).toEqual({ windowMs: 2, maxBatch: 64, workers: false });
    expect(parseServiceConfig({ ...base, microBatch: false }).microBatch).toBe(false);
    expect(parseServiceConfig({ ...base, microBatch: { workers: true } }).microBatch).toEqual({ windowMs: 2, maxBatch: 64, workers: true });
  });
});

describe("load shedding on event-loop lag", () => {
  it("answers 503 OVERLOADED once (no second send), and passes probes", async () => {
    const logged: string[] = [];
    const config = parseServiceConfig({
      listen: { host: "127.0.0.1", port: 0 },
      presets: { adult: { type: "ageAtLeast", minAge: 18 } },
      trustedIssuers: [generateIssuerKey().publicKey],
      signingKey: { hex: generateVerifierKey().privateKey },
      limits: { eventLoopDelayMs: 1 },
    });
    const lagging = await createVerifierService(config, { logger: { write: (l: string) => void logged.push(l) } });
    // Every send of a shed reply passes the onSend hooks: a shed call must pass them once.
    const sends = new Map<string, number[]>();
    lagging.app.addHook("onSend", async (request, reply, payload) => {
      if (request.method === "POST") sends.set(request.id, [...(sends.get(request.id) ?? []), reply.statusCode]);
      return payload;
    });
    try {
      const url = await lagging.listen();
      // Stall the loop until under-pressure's sampler (once a second) reports the lag; bounded.
      let shed: Response | undefined;
      for (let i = 0; i < 50 && shed?.status !== 503; i++) {
        const until = Date.now() + 100;
        while (Date.now() < until);
        shed = await fetch(url + "/v1/requests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "adult" }) });
      }
      expect(shed!.status).toBe(503);
      expect(shed!.headers.get("retry-after")).toBe("1");
      expect(await shed!.json()).toEqual({ error: { code: "OVERLOADED", message: expect.stringContaining("event loop") } });
      expect((await fetch(url + "/healthz")).status).toBe(200);
      expect((await fetch(url + "/metrics")).status).toBe(200);
      const records = logged.flatMap((l) => l.trim().split("\n")).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toContainEqual(expect.objectContaining({ msg: "request", status: 503, errorCode: "OVERLOADED" }));
      // A shed reply is sent once: no second send of the reply object, no "already sent" warning.
      await new Promise((resolve) => setImmediate(resolve));
      expect([...sends.values()].filter((codes) => codes.includes(503))).toEqual([[503]]);
      expect(logged.join("\n")).not.toMatch(/ALREADY_SENT|already sent|circular/i);
    } finally {
      await lagging.close();
    }
  });
});
