/**
 * The verifier HTTP service, started for real on 127.0.0.1 (port 0) and driven with fetch:
 * request → prove → verify, replays, concurrent duplicates, hostile bodies, batches, CORS,
 * OpenAPI, readiness, graceful shutdown and what reaches the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssuerSet, type Presentation, type ProofRequest, type Statement, createVerifier, generateVerifierKey, prove } from "../../../src/index.js";
import { type ServiceConfig, type VerifierService, createVerifierService, loadServiceConfig, parseServiceConfig } from "../../../src/server.js";
import { type World, clone, makeWorld } from "../../helpers/fixtures.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SIGNING_KEY = generateVerifierKey();
const RESPONSE_URL = "https://insurer.example/v1/verify";
const ORIGIN = "https://wallet.example";
const QUERY: Statement = {
  type: "query",
  schema: "insurance-coverage/v1",
  where: [{ attribute: "plan", op: "EQ", value: "gold" }],
  disclose: ["coverageEnd"],
};

let world: World;
let config: ServiceConfig;
let service: VerifierService;
let base: string;
const logLines: string[] = [];

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...init });

const PRESETS = { adult: { type: "ageAtLeast", minAge: 18 }, coverage: QUERY } as const;

async function requestFor(preset: keyof typeof PRESETS): Promise<ProofRequest> {
  const res = await post("/v1/requests", { preset });
  expect(res.status).toBe(201);
  return ((await res.json()) as { request: ProofRequest }).request;
}

async function presentationFor(preset: keyof typeof PRESETS): Promise<Presentation> {
  const request = await requestFor(preset);
  const credential = preset === "adult" ? world.record : world.coverage;
  return prove({ credential, holder: world.patient, request, allowDisclosure: ["coverageEnd"] });
}

/** POST /v1/verify with the presentation's own request as `expected` (what an honest caller awaits). */
const verifyOwn = (presentation: Presentation, url = base) =>
  fetch(url + "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ presentation, expected: presentation.request }) });

const age: Statement = { type: "ageAtLeast", minAge: 18 };
let pAccept: Presentation;
let pBatch: Presentation;
let pBatchTampered: Presentation;
let pQuery: Presentation;

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  config = parseServiceConfig(
    {
      listen: { host: "127.0.0.1", port: 0 },
      purpose: "claims",
      responseUrl: RESPONSE_URL,
      presets: PRESETS,
      trustedIssuers: [world.hospital.publicKey, world.insurerKey.publicKey],
      signingKey: { env: "TEST_SIGNING_KEY" },
      limits: { bodyBytes: 64 * 1024, batchSize: 4 },
      corsOrigins: [ORIGIN],
    },
    { env: { TEST_SIGNING_KEY: SIGNING_KEY.privateKey } },
  );
  service = await createVerifierService(config, { logger: { write: (line: string) => void logLines.push(line) } });
  base = await service.listen();
  // Proving takes a second or two each (far more on a loaded CI machine): make the few
  // presentations once, and forge rather than prove what must not verify.
  pAccept = await presentationFor("adult");
  pBatch = await presentationFor("adult");
  // pBatch's proof and signals answering another of the service's requests: only the challenge
  // signal differs, so the request checks pass and the proof itself must fail (INVALID_PROOF).
  const other = await requestFor("adult");
  pBatchTampered = clone(pBatch);
  const at = pBatch.publicSignals.indexOf(pBatch.request.challenge);
  expect(at).toBeGreaterThan(0);
  pBatchTampered.request = other;
  pBatchTampered.publicSignals[at] = other.challenge;
  pQuery = await presentationFor("coverage");
});

afterAll(async () => {
  await service?.close();
});

describe("verifier service", () => {
  it("reports its base URL on a real port", () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("creates requests the library prover accepts, and verifies the presentation once: exactly one of 20 concurrent submissions", async () => {
    // Every request names the service's key, purpose and response URL, under its signature.
    expect(pAccept.request).toMatchObject({ format: "medzk-request/v2", verifier: SIGNING_KEY.publicKey, purpose: "claims", responseUrl: RESPONSE_URL });
    // expected given as the request or as its challenge alike.
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post("/v1/verify", { presentation: pAccept, expected: i % 2 ? pAccept.request : pAccept.request.challenge })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const results = await Promise.all(responses.map(async (r) => ((await r.json()) as { result: { ok: boolean; error?: { code: string } } }).result));
    const accepted = results.filter((r) => r.ok);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ ok: true, preset: "adult", statement: age, scope: `medzk-verifier:${SIGNING_KEY.publicKey}/claims` });
    expect(results.filter((r) => r.error?.code === "REQUEST_REPLAYED")).toHaveLength(19);
    const replay = await verifyOwn(pAccept);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ result: { ok: false, error: { code: "REQUEST_REPLAYED", message: expect.any(String) } } });
  });

  it("asks only for its presets: an unknown name or a statement of the caller's is refused", async () => {
    const cases: Array<[unknown, string]> = [
      [{ preset: "child" }, "UNKNOWN_PRESET"],
      [{ preset: "__proto__" }, "UNKNOWN_PRESET"],
      [{ preset: "constructor" }, "UNKNOWN_PRESET"],
      [{ preset: "ADULT" }, "UNKNOWN_PRESET"],
      [{ statement: { type: "ageAtLeast", minAge: 0 } }, "BAD_REQUEST"],
      [{ preset: "adult", statement: { type: "ageAtLeast", minAge: 0 } }, "BAD_REQUEST"],
      [{ preset: { type: "ageAtLeast", minAge: 0 } }, "BAD_REQUEST"],
      [{ preset: "x".repeat(65) }, "BAD_REQUEST"],
    ];
    for (const [body, code] of cases) {
      const res = await post("/v1/requests", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it("never accepts a statement outside its presets: minAge 0 gives no ok result", async () => {
    // The only way to get a minAge-0 request the service's key vouches for: the library with the
    // same signing key and purpose (the service itself no longer takes statements from callers).
    const sameKey = createVerifier({ key: SIGNING_KEY, purpose: "claims", trustedIssuers: [world.hospital.publicKey] });
    const request = sameKey.createRequest({ statement: { type: "ageAtLeast", minAge: 0 } });
    const presentation = await prove({ credential: world.record, holder: world.patient, request });
    // "expected" is required: without it the body is refused and nothing is consumed.
    const missing = await post("/v1/verify", { presentation });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    expect(await (await post("/v1/verify", { presentation, expected: request })).json()).toEqual({
      result: { ok: false, error: { code: "UNKNOWN_PRESET", message: expect.any(String) } },
    });
    const request2 = sameKey.createRequest({ statement: { type: "ageAtLeast", minAge: 0 } });
    const presentation2 = await prove({ credential: world.record, holder: world.patient, request: request2 });
    expect(await (await post("/v1/verify-batch", { presentations: [presentation2], expected: [request2.challenge] })).json()).toEqual({
      results: [{ ok: false, error: { code: "UNKNOWN_PRESET", message: expect.any(String) } }],
    });
  });

  it("verifies a batch with one result per item, bad items refused with their codes", async () => {
    const presentations = [pBatch, pBatchTampered, { format: "nope" }];
    const expected = [pBatch.request, pBatchTampered.request.challenge, pBatch.request.challenge];
    // "expected" is required, one per item: missing or of another length is a 400, and nothing is consumed.
    for (const body of [{ presentations }, { presentations, expected: expected.slice(0, 2) }, { presentations, expected: [...expected, "1"] }]) {
      const bad = await post("/v1/verify-batch", body);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    }
    const res = await post("/v1/verify-batch", { presentations, expected });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ ok: boolean; error?: { code: string } }> };
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ ok: true, preset: "adult", statement: age });
    expect(results[1]).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
  });

  it("refuses a batch larger than limits.batchSize, and an empty one", async () => {
    for (const presentations of [Array(5).fill({}), []]) {
      const res = await post("/v1/verify-batch", { presentations, expected: presentations.map(() => "1") });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    }
  });

  it("answers hostile bodies with JSON errors and keeps serving", async () => {
    const raw = (body: string, type = "application/json") => fetch(base + "/v1/verify", { method: "POST", headers: { "content-type": type }, body });
    const cases: Array<[Promise<Response>, number, string]> = [
      [raw('{"presentation": {"secret-value-123": '), 400, "BAD_REQUEST"],
      [raw(""), 400, "BAD_REQUEST"],
      [raw("[]"), 400, "BAD_REQUEST"],
      [raw('{"presentation": 5}'), 400, "BAD_REQUEST"],
      [raw("{}"), 400, "BAD_REQUEST"],
      [raw('{"presentation": {}, "extra": 1}'), 400, "BAD_REQUEST"],
      [raw('{"presentation": {"__proto__": {"ok": true}}}'), 400, "BAD_REQUEST"],
      [raw(JSON.stringify({ presentation: pAccept }), "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE"],
      [raw(JSON.stringify({ presentation: { pad: "x".repeat(70 * 1024) } })), 413, "PAYLOAD_TOO_LARGE"],
      [post("/v1/requests", {}), 400, "BAD_REQUEST"],
      [post("/v1/requests", { statement: { type: "ageAtLeast", minAge: -3 } }), 400, "BAD_REQUEST"],
      [post("/v1/nowhere", {}), 404, "NOT_FOUND"],
      [fetch(base + "/v1/verify"), 404, "NOT_FOUND"],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect(res.status, code).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).not.toContain("secret-value-123");
      expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
    }
    expect((await fetch(base + "/healthz")).status).toBe(200);
  });

  it("survives deeply nested and oddly typed bodies", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    // Within limits.bodyBytes (64 KiB), as deep as that allows.
    const nested = '{"a":'.repeat(4_000) + "1" + "}".repeat(4_000);
    const bodies = [
      `{"presentation":${deep(30_000)}}`,
      `{"presentation":{"format":"medzk-presentation/v1","request":${nested}}}`,
      `{"presentations":[${Array(2).fill(`{"request":${nested}}`).join(",")}],"expected":["1","2"]}`,
      `{"presentation":{},"expected":${nested}}`,
      JSON.stringify({ presentation: { ...pQuery, publicSignals: pQuery.publicSignals.map(Number) }, expected: pQuery.request }),
      JSON.stringify({ presentation: { ...pQuery, proof: { pi_a: [[[["1"]]]] } }, expected: pQuery.request }),
      JSON.stringify({ presentation: { ...pQuery, request: { ...pQuery.request, statement: { type: "query", where: "x" } } }, expected: pQuery.request }),
    ];
    for (const body of bodies) {
      const path = body.startsWith('{"presentations"') ? "/v1/verify-batch" : "/v1/verify";
      const res = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect([200, 400]).toContain(res.status);
      const answer = (await res.json()) as { result?: { ok: boolean }; results?: Array<{ ok: boolean }>; error?: { code: string } };
      if (res.status === 400) expect(answer.error!.code).toBe("BAD_REQUEST");
      else for (const r of answer.results ?? [answer.result!]) expect(r.ok).toBe(false);
    }
    // pQuery itself is still unused: nothing above consumed its challenge.
    expect((await fetch(base + "/healthz")).status).toBe(200);
  });

  it("passes presentation content to the library, which refuses it with a typed code", async () => {
    const tampered = clone(pQuery);
    tampered.publicSignals[0] = "01";
    const res = await post("/v1/verify", { presentation: tampered, expected: tampered.request });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { ok: false, error: { code: "NON_CANONICAL_SIGNAL" } } });
    const wrong = await post("/v1/verify", { presentation: pQuery, expected: "12345" });
    expect(await wrong.json()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_MISMATCH" } } });
  });

  it("logs one line per request without disclosed values, proofs, signals or keys", async () => {
    logLines.length = 0;
    const res = await verifyOwn(pQuery);
    const { result } = (await res.json()) as { result: { ok: boolean; disclosed: Record<string, string>; nullifier: string } };
    expect(result).toMatchObject({ ok: true, preset: "coverage", disclosed: { coverageEnd: "2026-12-31" } });
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.join("");
    const entries = logLines.flatMap((l) => l.trim().split("\n")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = entries.find((e) => e["route"] === "/v1/verify");
    expect(line).toMatchObject({ method: "POST", route: "/v1/verify", status: 200, presentationCount: 1, accepted: 1 });
    expect(typeof line!["durationMs"]).toBe("number");
    const secrets = [
      "2026-12-31", // the disclosed value
      "20261231",
      world.coverage.attributes["memberId"] as string,
      result.nullifier,
      pQuery.proof.pi_a[0]!,
      pQuery.proof.pi_c[1]!,
      pQuery.publicSignals[3]!,
      pQuery.request.challenge,
      pQuery.request.signature,
      SIGNING_KEY.privateKey,
      world.patient.secret,
      world.insurerKey.publicKey,
    ];
    for (const s of secrets) expect(lines, `log contains ${s}`).not.toContain(s);
  });

  it("logs the refusal code of a failed verification and the error code of a bad request", async () => {
    logLines.length = 0;
    await verifyOwn(pAccept);
    await fetch(base + "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    await new Promise((r) => setTimeout(r, 50));
    const entries = logLines.flatMap((l) => l.trim().split("\n")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(expect.objectContaining({ route: "/v1/verify", status: 200, accepted: 0, refusals: { REQUEST_REPLAYED: 1 } }));
    expect(entries).toContainEqual(expect.objectContaining({ route: "/v1/verify", status: 400, errorCode: "BAD_REQUEST" }));
    expect(logLines.join("")).not.toContain("nope");
  });

  it("serves CORS to configured origins only", async () => {
    const preflight = (origin: string) =>
      fetch(base + "/v1/verify", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(ok.headers.get("access-control-allow-headers")).toContain("content-type");
    const refused = await preflight("https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await fetch(base + "/healthz", { headers: { origin: ORIGIN } });
    expect(simple.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await fetch(base + "/healthz", { headers: { origin: "https://evil.example" } })).headers.get("access-control-allow-origin")).toBeNull();
    // A wallet must be able to read error bodies too.
    const error = await fetch(base + "/v1/verify", { method: "POST", headers: { origin: ORIGIN, "content-type": "application/json" }, body: "{}" });
    expect(error.status).toBe(400);
    expect(error.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(error.headers.get("vary")).toContain("Origin");
  });

  it("serves an OpenAPI 3.1 document built from the validation schemas", async () => {
    const doc = (await (await fetch(base + "/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: { "application/json": { schema: { $ref: string } } } } }>>;
      components: { schemas: Record<string, { properties?: Record<string, { maxItems?: number }> }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/healthz", "/openapi.json", "/readyz", "/v1/requests", "/v1/verify", "/v1/verify-batch"]);
    expect(doc.paths["/v1/verify"]!["post"]!.requestBody!.content["application/json"].schema.$ref).toBe("#/components/schemas/VerifyBody");
    // The batch limit in the document is the configured one, the one the validator enforces.
    expect(doc.components.schemas["VerifyBatchBody"]!.properties!["presentations"]!.maxItems).toBe(4);
    // The bodies as enforced: a preset name only; "expected" required, per item in a batch.
    const schemas = doc.components.schemas as Record<string, { required?: string[]; properties?: Record<string, { description?: string }> }>;
    expect(schemas["CreateRequestBody"]).toMatchObject({ required: ["preset"], additionalProperties: false });
    expect(Object.keys(schemas["CreateRequestBody"]!.properties!)).toEqual(["preset"]);
    expect(schemas["CreateRequestBody"]!.properties!["preset"]!.description).toContain('"adult", "coverage"');
    expect(schemas["VerifyBody"]!.required).toEqual(["presentation", "expected"]);
    expect(schemas["VerifyBatchBody"]!.required).toEqual(["presentations", "expected"]);
    expect(JSON.stringify(schemas["VerifyResult"])).toContain("UNKNOWN_PRESET");
    for (const name of ["Presentation", "ProofRequest", "VerifyResult", "Statement", "Error"]) expect(doc.components.schemas).toHaveProperty(name);
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/(\w+)/g) ?? [];
    for (const r of refs) expect(doc.components.schemas).toHaveProperty(r.split("/").pop()!);
  });

  it("is alive and ready", async () => {
    expect(await (await fetch(base + "/healthz")).json()).toEqual({ status: "alive" });
    const ready = await fetch(base + "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { keys: "ok" } });
  });

  it("finishes an in-flight verification when closed, then refuses connections", async () => {
    // A second instance with the same signing key: it verifies the first instance's requests.
    const other = await createVerifierService(config, { logger: false });
    // Close once the verification is being handled (not after a fixed delay: on a loaded machine
    // the request may not have arrived yet, and a closing server rightly answers 503).
    let arrived!: () => void;
    const handling = new Promise<void>((resolve) => (arrived = resolve));
    other.app.addHook("preHandler", async (request) => {
      if (request.url.endsWith("/v1/verify")) arrived();
    });
    const url = await other.listen();
    const presentation = await presentationFor("adult");
    const pending = verifyOwn(presentation, url);
    await handling;
    await other.close();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { ok: boolean } }).result.ok).toBe(true);
    await expect(fetch(url + "/healthz")).rejects.toThrow();
    await other.close(); // idempotent
  });
});

describe("a service that hides the issuer", () => {
  it("sends the trusted set with each request; the wallet's proof is accepted once and the result names the set, not the issuer", async () => {
    const hidden = await createVerifierService({ ...config, hideIssuer: true }, { logger: false });
    const url = await hidden.listen();
    try {
      const res = await fetch(url + "/v1/requests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ preset: "adult" }) });
      expect(res.status).toBe(201);
      const { request, issuerSet } = (await res.json()) as { request: ProofRequest; issuerSet: IssuerSet };
      expect(issuerSet).toMatchObject({ format: "medzk-issuer-set/v1", root: request.issuerSet });
      expect(issuerSet.members.map((m) => m.publicKey).sort()).toEqual([world.hospital.publicKey, world.insurerKey.publicKey].sort());
      const presentation = await prove({ credential: world.record, holder: world.patient, request, issuerSet });
      expect(JSON.stringify(presentation)).not.toContain(world.hospital.publicKey);
      const verify = () => fetch(url + "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ presentation, expected: request }) }).then((r) => r.json());
      const { result } = (await verify()) as { result: Record<string, unknown> };
      expect(result).toMatchObject({ ok: true, preset: "adult", issuerSet: issuerSet.root });
      expect(result).not.toHaveProperty("issuer");
      expect(result).not.toHaveProperty("issuerId");
      expect(await verify()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
    } finally {
      await hidden.close();
    }
  });

  it("refuses a hideIssuer that is not a boolean", () => {
    expect(() => parseServiceConfig({ presets: PRESETS, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: SIGNING_KEY.privateKey }, hideIssuer: "yes" })).toThrow(/hideIssuer/);
  });
});

describe("service configuration", () => {
  const signing = generateVerifierKey();
  const key = signing.privateKey;
  const valid = { presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: ["0".repeat(64)], signingKey: { hex: key } };

  it("fills in defaults", async () => {
    const w = await makeWorld();
    const c = parseServiceConfig({ signingKey: { hex: key }, presets: { adult: { minAge: 18, type: "ageAtLeast" } }, trustedIssuers: [w.hospital.publicKey] });
    expect(c).toEqual({
      listen: { host: "127.0.0.1", port: 8080 },
      logLevel: "info",
      metrics: { path: "/metrics" },
      signingKey: signing,
      scope: `medzk-verifier:${signing.publicKey}`,
      presets: { adult: { type: "ageAtLeast", minAge: 18 } },
      hideIssuer: false,
      trustedIssuers: [w.hospital.publicKey],
      requestTtlSeconds: 300,
      maxRootAgeSeconds: 3600,
      limits: { bodyBytes: 262144, batchSize: 100, inFlight: 128, eventLoopDelayMs: 0 },
      microBatch: { windowMs: 2, maxBatch: 64, workers: false },
      corsOrigins: [],
    });
  });

  it("refuses mistakes with a message naming the field", async () => {
    const w = await makeWorld();
    const ok = { ...valid, trustedIssuers: [w.hospital.publicKey] };
    const cases: Array<[unknown, RegExp]> = [
      [null, /"config" must be a JSON object/],
      [{ ...ok, scope: "acme-health/claims" }, /"scope" is no longer accepted.*"signingKey".*"purpose"/],
      [{ ...ok, requestKey: { hex: key } }, /"requestKey" is no longer accepted.*"signingKey"/],
      [{ ...ok, purpose: "a/b" }, /"purpose"/],
      [{ ...ok, purpose: "" }, /"purpose"/],
      [{ ...ok, name: "" }, /"name"/],
      [{ ...ok, responseUrl: "http://insurer.example/" }, /"responseUrl" must be an https: URL/],
      [{ ...ok, responseUrl: "https://insurer.example" }, /"responseUrl" must be written in canonical form/],
      [{ ...ok, trustedIssuers: ["abc"] }, /"trustedIssuers\[0\]"/],
      [{ signingKey: ok.signingKey, presets: ok.presets }, /give "trustedIssuers".*"issuersFile".*or "chain"/],
      [{ ...ok, presets: undefined }, /"presets"/],
      [{ ...ok, presets: {} }, /"presets" must name at least one statement/],
      [{ ...ok, presets: [] }, /"presets" must be an object/],
      [{ ...ok, presets: { adult: { type: "ageAtLeast", minAge: -1 } } }, /"presets.adult": .*minAge/],
      [{ ...ok, presets: { adult: { type: "ageAtLeast" } } }, /"presets.adult"/],
      [{ ...ok, presets: { adult: { type: "ageAtLeast", minAge: 18, extra: 1 } } }, /"presets.adult"/],
      [{ ...ok, presets: { a: { type: "query", schema: "nope/v1", where: [] } } }, /"presets.a"/],
      [{ ...ok, presets: { "bad name": { type: "ageAtLeast", minAge: 18 } } }, /not a preset name/],
      [{ ...ok, presets: { a: { type: "ageAtLeast", minAge: 18 }, b: { minAge: 18, type: "ageAtLeast" } } }, /"presets.b" is the same statement as "presets.a"/],
      [{ ...ok, maxRootAgeSecs: 1 }, /unknown property "maxRootAgeSecs"/],
      [{ ...ok, listen: { port: 70000 } }, /"listen.port" must be an integer from 0 to 65535/],
      [{ ...ok, signingKey: undefined }, /"signingKey" is required/],
      [{ ...ok, signingKey: key }, /"signingKey" must be a JSON object/],
      [{ ...ok, signingKey: { hex: "abcd" } }, /"signingKey": "signingKey.hex" must hold a verifier private key/],
      [{ ...ok, signingKey: { hex: key.toUpperCase() } }, /must hold a verifier private key/],
      [{ ...ok, signingKey: { hex: JSON.stringify({ ...signing, publicKey: generateVerifierKey().publicKey }) } }, /public key is not its private key's/],
      [{ ...ok, signingKey: { hex: `{"privateKey": "${key}"` } }, /must hold a verifier private key/],
      [{ ...ok, signingKey: { env: "NOPE_NOT_SET" } }, /NOPE_NOT_SET is not set/],
      [{ ...ok, signingKey: { file: "missing.key" } }, /cannot read file .*missing.key: ENOENT/],
      [{ ...ok, signingKey: { env: "A", file: "b" } }, /exactly one of/],
      [{ ...ok, redis: { url: "http://x" } }, /"redis.url"/],
      [{ ...ok, corsOrigins: ["*"] }, /"corsOrigins\[0\]" must be an exact origin/],
      [{ ...ok, corsOrigins: ["https://a.example/"] }, /"corsOrigins\[0\]"/],
      [{ ...ok, limits: { batchSize: 0 } }, /"limits.batchSize"/],
      [{ ...ok, schemas: [{ id: "x" }] }, /"schemas\[0\]"/],
    ];
    for (const [json, message] of cases) {
      let error: unknown;
      try {
        parseServiceConfig(json, { env: {}, baseDir: tmpdir() });
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toMatchObject({ name: "MedzkError", code: "INVALID_ARGUMENT", message: expect.stringMatching(message) });
      // A secret given inline must never be echoed back in an error message.
      expect((error as Error).message).not.toContain(key);
    }
  });

  it("refuses to start with a key both in trustedIssuers and issuersFile, or a registry file it cannot use", async () => {
    const w = await makeWorld();
    const dir = await mkdtemp(join(tmpdir(), "medzk-trust-"));
    const issuers = join(dir, "issuers.json");
    await writeFile(issuers, JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey: w.hospital.publicKey, status: "compromised" }] }] }));
    const start = (extra: Record<string, unknown>) =>
      createVerifierService(parseServiceConfig({ signingKey: { hex: key }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, listen: { host: "127.0.0.1", port: 0 }, ...extra }, { baseDir: dir }), { logger: false });
    await expect(start({ trustedIssuers: [w.hospital.publicKey], issuersFile: "issuers.json" })).rejects.toMatchObject({
      name: "MedzkError",
      code: "TRUST_CONFLICT",
      message: expect.stringContaining(w.hospital.publicKey),
    });
    await expect(start({ issuersFile: "missing.json" })).rejects.toMatchObject({ code: "REGISTRY_UNREADABLE" });
    await writeFile(issuers, JSON.stringify({ format: "medzk-issuers/v1", issuers: [], extra: true }));
    await expect(start({ issuersFile: "issuers.json" })).rejects.toMatchObject({ code: "INVALID_REGISTRY", message: expect.stringContaining("extra") });
  });

  it("loads a file, resolving paths relative to it, and names the file in errors", async () => {
    const w = await makeWorld();
    const dir = await mkdtemp(join(tmpdir(), "medzk-config-"));
    await writeFile(join(dir, "verifier.key"), JSON.stringify(signing) + "\n");
    await writeFile(join(dir, "bare.key"), key + "\n");
    await writeFile(
      join(dir, "issuers.json"),
      JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey: w.hospital.publicKey }] }] }),
    );
    await writeFile(join(dir, "verifier.json"), JSON.stringify({ signingKey: { file: "verifier.key" }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, issuersFile: "issuers.json" }));
    const c = await loadServiceConfig(join(dir, "verifier.json"));
    expect(c.issuersFile).toBe(join(dir, "issuers.json"));
    expect(c.signingKey).toEqual(signing);
    // A file may hold the key pair medzk verifier-key writes, or the private key alone.
    await writeFile(join(dir, "bare.json"), JSON.stringify({ signingKey: { file: "bare.key" }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, issuersFile: "issuers.json" }));
    expect((await loadServiceConfig(join(dir, "bare.json"))).signingKey).toEqual(signing);
    await writeFile(join(dir, "bad.json"), "{ nope");
    await expect(loadServiceConfig(join(dir, "bad.json"))).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("bad.json is not valid JSON") });
    await expect(loadServiceConfig(join(dir, "none.json"))).rejects.toMatchObject({ message: expect.stringContaining("none.json: ENOENT") });
    // The registry file is checked by readiness: break it and /readyz says so.
    const service = await createVerifierService({ ...c, listen: { host: "127.0.0.1", port: 0 } }, { logger: false });
    const url = await service.listen();
    try {
      expect((await fetch(url + "/readyz")).status).toBe(200);
      // The reason is generic: the probe is unauthenticated, and the cause (a path, errno, a parse error) is for the logs.
      for (const breakIt of [() => writeFile(join(dir, "issuers.json"), "{ broken"), () => rm(join(dir, "issuers.json"))]) {
        await breakIt();
        const res = await fetch(url + "/readyz");
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ ready: false, checks: { keys: "ok", registry: "issuer registry unavailable" } });
        for (const leak of [dir, "issuers.json", "ENOENT", "JSON"]) expect(text).not.toContain(leak);
      }
    } finally {
      await service.close();
    }
  });
});
