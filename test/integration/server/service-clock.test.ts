/**
 * The service's `clock` option: the requests it signs, the verifications it makes and the audit
 * entries and anchored checkpoints it writes all read it (one clock, not the system's in some
 * places), and a clock that is no clock is refused before anything starts. One proof.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { type ProofRequest, generateVerifierKey, prove } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, fixedClock, makeWorld } from "../../helpers/fixtures.js";

const KEY = generateVerifierKey();
// Years ahead of the system clock, one second before midnight UTC.
const BEFORE_MIDNIGHT = "2031-03-04T23:59:59.000Z";
const time = fixedClock(BEFORE_MIDNIGHT);
let world: World;
let dir: string;
let service: VerifierService;
let base: string;

const config = (audit = true) =>
  parseServiceConfig(
    {
      listen: { host: "127.0.0.1", port: 0 },
      presets: { adult: { type: "ageAtLeast", minAge: 18 } },
      trustedIssuers: [world.hospital.publicKey],
      signingKey: { hex: KEY.privateKey },
      ...(audit ? { audit: { file: "audit.jsonl", anchor: { file: "anchors.jsonl" }, checkpointEvery: 1 } } : {}),
    },
    { baseDir: dir },
  );
const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const codeOf = async (res: Response) => ((await res.json()) as { result: { ok: boolean; error?: { code: string } } }).result.error?.code ?? "OK";

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  dir = await mkdtemp(join(tmpdir(), "medzk-service-clock-"));
  service = await createVerifierService(config(), { logger: false, clock: time.clock });
  base = await service.listen();
});
afterAll(async () => {
  await service?.close();
});

describe("createVerifierService's clock", () => {
  it("dates requests, verifications, audit entries and anchored checkpoints on the given clock", async () => {
    const { request } = (await (await post("/v1/requests", { preset: "adult" })).json()) as { request: ProofRequest };
    expect(request.asOf).toBe("2031-03-04");
    expect(request.expiresAt).toBe("2031-03-05T00:04:59.000Z");
    const presentation = await prove({ credential: world.record, holder: world.patient, request, clock: time.clock });
    // Past its expiry on the service's clock (on the system's, it has years to go).
    time.advance(301_000);
    expect(await codeOf(await post("/v1/verify", { presentation, expected: request }))).toBe("REQUEST_EXPIRED");
    time.set(BEFORE_MIDNIGHT);
    expect(await codeOf(await post("/v1/verify", { presentation, expected: request }))).toBe("OK");
    await service.close();
    const entries = (await new FileAuditLog(join(dir, "audit.jsonl"), { verifier: KEY.publicKey }).read(0)).map((r) => r.entry);
    expect(entries.map((e) => [e.result, e.time])).toEqual([
      ["REQUEST_EXPIRED", "2031-03-05T00:05:00.000Z"],
      ["OK", BEFORE_MIDNIGHT],
    ]);
    const anchored = (await readFile(join(dir, "anchors.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { anchoredAt: string });
    expect(anchored.length).toBeGreaterThan(0);
    // Anchoring runs after the append, on whichever of the two readings the clock has by then.
    for (const a of anchored) expect([BEFORE_MIDNIGHT, "2031-03-05T00:05:00.000Z"]).toContain(a.anchoredAt);
  });

  it("refuses a clock that is not a function before starting (INVALID_ARGUMENT), and answers 500, never a request dated NaN, when a reading is no Date", async () => {
    await expect(createVerifierService(config(), { logger: false, clock: "now" as unknown as () => Date })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const broken = await createVerifierService(config(false), { logger: false, clock: () => new Date(Number.NaN) });
    try {
      const url = await broken.listen();
      const res = await fetch(`${url}/v1/requests`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "adult" }) });
      expect([res.status, await res.json()]).toEqual([500, { error: { code: "INTERNAL_ERROR", message: expect.any(String) } }]);
    } finally {
      await broken.close();
    }
  });
});
