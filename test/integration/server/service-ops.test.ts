/**
 * Running the verifier service: request ids carried from `x-request-id` into the response and
 * every log line of the request (hostile ids replaced), Prometheus metrics scraped after real
 * verifications, registry and audit failures as JSON lines with their request's id, log levels,
 * a metrics listener of its own, UNKNOWN_STATEMENT, CORS headers for the request id, and the
 * host / port / log level precedence (option > environment > file) with strict validation.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Presentation, type ProofRequest, createWallet, generateVerifierKey, prove, respondOpenid4vp } from "../../../src/index.js";
import { type ServiceConfig, type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { freePort } from "../../helpers/free-port.mjs";

const SIGNING_KEY = generateVerifierKey();
const ORIGIN = "https://wallet.example";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let world: World;
let dir: string;
let issuersFile: string;
let registryText: string;
let config: ServiceConfig;
let service: VerifierService;
let base: string;
const logLines: string[] = [];

/** The log entries written so far (pino writes asynchronously: give it a moment). */
async function entries(): Promise<Array<Record<string, unknown>>> {
  await new Promise((r) => setTimeout(r, 50));
  return logLines.flatMap((l) => l.trim().split("\n")).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}, url = base) =>
  fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

async function presentation(): Promise<Presentation> {
  const { request } = (await (await post("/v1/requests", { preset: "adult" })).json()) as { request: ProofRequest };
  return prove({ credential: world.record, holder: world.patient, request });
}

/** The value of one sample of a text exposition (0 when the series is absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

const scrape = async (url = base + "/metrics"): Promise<string> => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

beforeAll(async () => {
  world = await makeWorld("1985-03-02");
  dir = await mkdtemp(join(tmpdir(), "medzk-ops-"));
  issuersFile = join(dir, "issuers.json");
  registryText = JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey: world.hospital.publicKey }] }] });
  await writeFile(issuersFile, registryText);
  config = parseServiceConfig(
    {
      listen: { host: "127.0.0.1", port: 0 },
      presets: { adult: { type: "ageAtLeast", minAge: 18 } },
      issuersFile: "issuers.json",
      signingKey: { env: "TEST_SIGNING_KEY" },
      limits: { batchSize: 8 },
      corsOrigins: [ORIGIN],
      audit: { file: "audit.jsonl" },
    },
    { env: { TEST_SIGNING_KEY: SIGNING_KEY.privateKey }, baseDir: dir },
  );
  service = await createVerifierService(config, { logger: { write: (line: string) => void logLines.push(line) } });
  base = await service.listen();
});

afterAll(async () => {
  await service?.close();
});

describe("request ids", () => {
  it("carries an incoming x-request-id into the response header and the request's log line", async () => {
    logLines.length = 0;
    const res = await fetch(base + "/healthz", { headers: { "x-request-id": "edge-7f3a/42:b=" } });
    expect(res.headers.get("x-request-id")).toBe("edge-7f3a/42:b=");
    expect(await entries()).toContainEqual(expect.objectContaining({ msg: "request", route: "/healthz", reqId: "edge-7f3a/42:b=" }));
    // Error answers carry it too, and the CORS answer lets a wallet page read it.
    const bad = await post("/v1/verify", {}, { "x-request-id": "wallet-1", origin: ORIGIN });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-request-id")).toBe("wallet-1");
    expect(bad.headers.get("access-control-expose-headers")).toBe("x-request-id");
    const preflight = await fetch(base + "/v1/verify", { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-request-id" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type, x-request-id");
  });

  it("makes a UUID when there is none", async () => {
    logLines.length = 0;
    const a = (await fetch(base + "/healthz")).headers.get("x-request-id")!;
    const b = (await fetch(base + "/nowhere")).headers.get("x-request-id")!;
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    const logged = await entries();
    expect(logged).toContainEqual(expect.objectContaining({ route: "/healthz", reqId: a }));
    expect(logged).toContainEqual(expect.objectContaining({ status: 404, reqId: b }));
  });

  it("replaces an id it will not repeat, and never writes it to a log line", async () => {
    logLines.length = 0;
    const hostile = [
      'x"}{"level":60,"msg":"forged-entry',
      "has space",
      "tab\there",
      "ünïcode-id",
      "long-" + "x".repeat(124),
      "<script>alert(1)</script>",
    ];
    for (const id of hostile) {
      const res = await fetch(base + "/healthz", { headers: { "x-request-id": id } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id"), id).toMatch(UUID);
    }
    // Two ids in one request are one too many.
    const twice = new Headers([["x-request-id", "a1"], ["x-request-id", "b2"]]);
    expect((await fetch(base + "/healthz", { headers: twice })).headers.get("x-request-id")).toMatch(UUID);
    // 128 characters of the alphabet are kept.
    const longest = "k".repeat(128);
    expect((await fetch(base + "/healthz", { headers: { "x-request-id": longest } })).headers.get("x-request-id")).toBe(longest);
    const text = logLines.join("");
    for (const fragment of ["forged-entry", "has space", "nïcode", "x".repeat(124), "<script>"]) expect(text).not.toContain(fragment);
    for (const entry of await entries()) expect(String(entry["reqId"])).toMatch(/^[A-Za-z0-9._\-:/+=@]{1,128}$/);
  });
});

describe("metrics", () => {
  let pAccepted: Presentation;
  let pBatch: Presentation;

  beforeAll(async () => {
    pAccepted = await presentation();
    pBatch = await presentation();
  });

  it("count requests, results by code, verification latency and batch sizes after real verifications", async () => {
    const before = await scrape();
    const ok = await post("/v1/verify", { presentation: pAccepted, expected: pAccepted.request });
    expect(((await ok.json()) as { result: { ok: boolean } }).result.ok).toBe(true);
    const replay = await post("/v1/verify", { presentation: pAccepted, expected: pAccepted.request });
    expect(await replay.json()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
    const batch = await post("/v1/verify-batch", { presentations: [pBatch, { format: "nope" }, pAccepted], expected: [pBatch.request, "1", pAccepted.request] });
    expect(((await batch.json()) as { results: Array<{ ok: boolean; error?: { code: string } }> }).results.map((r) => r.ok || r.error!.code)).toEqual([
      true,
      "MALFORMED_PRESENTATION",
      "REQUEST_REPLAYED",
    ]);
    expect((await post("/v1/requests", { preset: "nope" })).status).toBe(400);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);

    expect(delta("medzk_verification_results_total", { endpoint: "verify", code: "OK" })).toBe(1);
    expect(delta("medzk_verification_results_total", { endpoint: "verify", code: "REQUEST_REPLAYED" })).toBe(1);
    expect(delta("medzk_verification_results_total", { endpoint: "verify-batch", code: "OK" })).toBe(1);
    expect(delta("medzk_verification_results_total", { endpoint: "verify-batch", code: "MALFORMED_PRESENTATION" })).toBe(1);
    expect(delta("medzk_verification_results_total", { endpoint: "verify-batch", code: "REQUEST_REPLAYED" })).toBe(1);
    expect(delta("medzk_verification_duration_seconds_count", { endpoint: "verify" })).toBe(2);
    expect(delta("medzk_verification_duration_seconds_count", { endpoint: "verify-batch" })).toBe(1);
    // Two pairing checks at least (one per accepted proof): more than no time at all.
    expect(delta("medzk_verification_duration_seconds_sum", { endpoint: "verify" })).toBeGreaterThan(0);
    expect(delta("medzk_verify_batch_size_count")).toBe(1);
    expect(delta("medzk_verify_batch_size_sum")).toBe(3);
    expect(delta("medzk_verify_batch_size_bucket", { le: "2" })).toBe(0);
    expect(delta("medzk_verify_batch_size_bucket", { le: "5" })).toBe(1);
    expect(delta("medzk_http_requests_total", { method: "POST", route: "/v1/verify", status: "200" })).toBe(2);
    expect(delta("medzk_http_requests_total", { method: "POST", route: "/v1/verify-batch", status: "200" })).toBe(1);
    expect(delta("medzk_http_requests_total", { method: "POST", route: "/v1/requests", status: "400" })).toBe(1);
    // The scrape before this one was counted; none of the verifications failed a store or the audit.
    expect(delta("medzk_http_requests_total", { method: "GET", route: "/metrics", status: "200" })).toBe(1);
    expect(delta("medzk_challenge_store_errors_total")).toBe(0);
    expect(delta("medzk_audit_errors_total", { operation: "append" })).toBe(0);
    // Exported from the start (at zero), and the process metrics too.
    for (const name of ["medzk_challenge_store_errors_total", "medzk_audit_errors_total", "medzk_issuer_registry_errors_total", "process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds"]) {
      expect(after).toContain(`\n${name}`);
    }
    // Nothing a caller sent or a result holds is a label value.
    expect(after).not.toContain("nope");
    expect(after).not.toContain(pBatch.request.challenge);
  });

  it("count audit failures; the failure's log line carries the request's id", async () => {
    // A trail of its own, one entry long, then that entry edited in place: the log's hash chain
    // no longer holds, and appends are refused.
    const path = join(dir, "audit-broken.jsonl");
    const own = { ...config, audit: { ...config.audit!, file: path } };
    const first = await createVerifierService(own, { logger: false });
    const firstUrl = await first.listen();
    expect((await post("/v1/verify", { presentation: { format: "nope" }, expected: "1" }, {}, firstUrl)).status).toBe(200);
    await first.close();
    const lines = (await readFile(path, "utf8")).split("\n");
    const edited = JSON.parse(lines[0]!) as { entry: { result: string } };
    edited.entry.result = edited.entry.result === "OK" ? "REQUEST_REPLAYED" : "OK";
    lines[0] = JSON.stringify(edited);
    await writeFile(path, lines.join("\n"));
    const other = await createVerifierService(own, { logger: { write: (line: string) => void logLines.push(line) } });
    const url = await other.listen();
    try {
      logLines.length = 0;
      const before = await scrape(url + "/metrics");
      const res = await post("/v1/verify", { presentation: { format: "nope" }, expected: "1" }, { "x-request-id": "audit-fail-1" }, url);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("AUDIT_UNAVAILABLE");
      const after = await scrape(url + "/metrics");
      expect(sample(after, "medzk_audit_errors_total", { operation: "append" }) - sample(before, "medzk_audit_errors_total", { operation: "append" })).toBe(1);
      const mine = (await entries()).filter((e) => e["reqId"] === "audit-fail-1");
      expect(mine.map((e) => e["msg"])).toEqual(["audit entry not written", "request"]);
      expect(mine[0]).toMatchObject({ level: 50, err: { code: expect.any(String) } });
      expect(mine[1]).toMatchObject({ status: 503, errorCode: "AUDIT_UNAVAILABLE" });
    } finally {
      await other.close();
    }
  });
});

describe("failures are JSON lines", () => {
  it("logs a broken issuer registry file with the id of the request that noticed, counts it, and logs the fix", async () => {
    const before = await scrape();
    await writeFile(issuersFile, "{ broken");
    logLines.length = 0;
    const res = await fetch(base + "/readyz", { headers: { "x-request-id": "probe-1" } });
    expect(res.status).toBe(503);
    // Noticed once: a second look at the same broken file logs nothing new.
    await fetch(base + "/readyz", { headers: { "x-request-id": "probe-2" } });
    let logged = await entries();
    const broken = logged.filter((e) => e["registry"] === "stale");
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ level: 50, reqId: "probe-1", service: "medzk-verifier", msg: expect.stringContaining("issuer registry file not usable"), err: { code: "INVALID_REGISTRY" } });
    expect(sample(await scrape(), "medzk_issuer_registry_errors_total") - sample(before, "medzk_issuer_registry_errors_total")).toBe(1);
    await writeFile(issuersFile, registryText + "\n");
    logLines.length = 0;
    expect((await fetch(base + "/readyz", { headers: { "x-request-id": "probe-3" } })).status).toBe(200);
    logged = await entries();
    expect(logged).toContainEqual(expect.objectContaining({ level: 30, reqId: "probe-3", registry: "up", msg: "issuer registry file usable again" }));
  });

  it("logs a failing chain registry once, with the id of the request whose verification met it, and counts every failure", async () => {
    // Nothing listens on port 1: every lookup is refused at once.
    const lines: string[] = [];
    const chained = await createVerifierService(
      parseServiceConfig({
        listen: { host: "127.0.0.1", port: 0 },
        presets: { adult: { type: "ageAtLeast", minAge: 18 } },
        chain: { rpcUrl: "http://127.0.0.1:1", registry: "0x" + "11".repeat(20) },
        signingKey: { hex: SIGNING_KEY.privateKey },
      }),
      { logger: { write: (l: string) => void lines.push(l) } },
    );
    const url = await chained.listen();
    try {
      const { request } = (await (await post("/v1/requests", { preset: "adult" }, {}, url)).json()) as { request: ProofRequest };
      const p1 = await prove({ credential: world.record, holder: world.patient, request });
      const first = await post("/v1/verify", { presentation: p1, expected: request }, { "x-request-id": "chain-1" }, url);
      expect(await first.json()).toMatchObject({ result: { ok: false, error: { code: "REGISTRY_UNAVAILABLE" } } });
      const second = await post("/v1/verify", { presentation: p1, expected: request }, { "x-request-id": "chain-2" }, url);
      expect(await second.json()).toMatchObject({ result: { ok: false, error: { code: "REGISTRY_UNAVAILABLE" } } });
      await new Promise((r) => setTimeout(r, 50));
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const failures = logged.filter((e) => e["msg"] === "issuer registry lookup failed");
      // The line comes from deep inside the verifier (its registry), yet names the request.
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ level: 50, reqId: "chain-1", registry: "down", err: { message: expect.any(String) } });
      expect(logged).toContainEqual(expect.objectContaining({ reqId: "chain-2", msg: "request", refusals: { REGISTRY_UNAVAILABLE: 1 } }));
      const text = await scrape(url + "/metrics");
      expect(sample(text, "medzk_issuer_registry_errors_total")).toBeGreaterThanOrEqual(2);
      expect(sample(text, "medzk_verification_results_total", { endpoint: "verify", code: "REGISTRY_UNAVAILABLE" })).toBe(2);
    } finally {
      await chained.close();
    }
  });

  it("leaves an OpenID4VP transaction open when the registry is down at the answer: 503 to the wallet, pending to the back end, nothing used up", async () => {
    const port = await freePort();
    const chained = await createVerifierService(
      parseServiceConfig({
        listen: { host: "127.0.0.1", port },
        presets: { adult: { type: "ageAtLeast", minAge: 18 } },
        chain: { rpcUrl: "http://127.0.0.1:1", registry: "0x" + "11".repeat(20) },
        signingKey: { hex: SIGNING_KEY.privateKey },
        openid4vp: { publicUrl: `http://127.0.0.1:${port}` },
      }),
      { logger: false },
    );
    const url = await chained.listen();
    try {
      const opened = (await (await post("/v1/openid4vp/requests", { preset: "adult" }, {}, url)).json()) as { link: string; state: string; resultToken: string };
      const statuses: number[] = [];
      const recording: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (init?.method === "POST") statuses.push(res.status);
        return res;
      };
      const wallet = createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: SIGNING_KEY.publicKey, name: "Acme Health" }] });
      await expect(respondOpenid4vp(wallet, opened.link, { fetch: recording })).rejects.toMatchObject({ code: "OPENID4VP_RESPONSE_REFUSED" });
      expect(statuses).toEqual([503]);
      // Not decided by the outage: the back end still sees it open, and the wallet's answer can come again.
      expect(await (await post("/v1/openid4vp/results", { state: opened.state, resultToken: opened.resultToken }, {}, url)).json()).toEqual({ status: "pending" });
    } finally {
      await chained.close();
    }
  });

  it("answers an expected request with an unknown statement type with UNKNOWN_STATEMENT, and uses up nothing", async () => {
    const p = await presentation();
    const alien = { ...p.request, statement: { type: "bloodTypeIs", group: "AB" } };
    const one = await post("/v1/verify", { presentation: p, expected: alien });
    expect(one.status).toBe(400);
    const body = (await one.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("UNKNOWN_STATEMENT");
    expect(body.error.message).toContain('"expected.statement.type"');
    expect(body.error.message).not.toContain("bloodTypeIs");
    const batch = await post("/v1/verify-batch", { presentations: [p, p], expected: [p.request, alien] });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "UNKNOWN_STATEMENT", message: expect.stringContaining('"expected[1].statement.type"') });
    // Any other schema failure of "expected" stays BAD_REQUEST.
    const other = await post("/v1/verify", { presentation: p, expected: { ...p.request, statement: { type: "ageAtLeast", minAge: "18" } } });
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    // Nothing was verified: the presentation is still good.
    expect(await (await post("/v1/verify", { presentation: p, expected: p.request })).json()).toMatchObject({ result: { ok: true } });
    // And the OpenAPI document lists the code.
    const doc = (await (await fetch(base + "/openapi.json")).json()) as { components: { schemas: { Error: unknown } } };
    expect(JSON.stringify(doc.components.schemas.Error)).toContain("UNKNOWN_STATEMENT");
  });
});

describe("listeners and levels", () => {
  const minimal = (extra: Record<string, unknown>, env: Record<string, string> = {}, overrides?: Record<string, unknown>) =>
    parseServiceConfig(
      { listen: { host: "127.0.0.1", port: 0 }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: SIGNING_KEY.privateKey }, ...extra },
      { env, ...(overrides ? { overrides } : {}) },
    );

  it("serves the metrics on a listener of their own, and not beside the API", async () => {
    const lines: string[] = [];
    const own = await createVerifierService(minimal({ metrics: { path: "/internal/metrics", listen: { host: "127.0.0.1", port: 0 } } }), { logger: { write: (l: string) => void lines.push(l) } });
    const url = await own.listen();
    try {
      expect(own.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/internal\/metrics$/);
      expect(new URL(own.metricsUrl!).port).not.toBe(new URL(url).port);
      expect((await fetch(url + "/metrics")).status).toBe(404);
      expect((await fetch(url + "/internal/metrics")).status).toBe(404);
      await fetch(url + "/healthz");
      const text = await scrape(own.metricsUrl!);
      expect(sample(text, "medzk_http_requests_total", { route: "/healthz", status: "200" })).toBe(1);
      expect(sample(text, "medzk_http_requests_total", { route: "(none)", status: "404" })).toBe(2);
      const elsewhere = await fetch(own.metricsUrl!.replace("/internal/metrics", "/other"));
      expect(elsewhere.status).toBe(404);
      expect(await elsewhere.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
      await new Promise((r) => setTimeout(r, 50));
      const listening = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e["msg"] === "listening");
      expect(listening).toMatchObject({ url, metricsUrl: own.metricsUrl });
    } finally {
      await own.close();
    }
    // Closed with the service.
    await expect(fetch(own.metricsUrl!)).rejects.toThrow();
  });

  it("serves no metrics with metrics: false", async () => {
    const none = await createVerifierService(minimal({ metrics: false }), { logger: false });
    const url = await none.listen();
    try {
      expect(none.metricsUrl).toBeUndefined();
      expect((await fetch(url + "/metrics")).status).toBe(404);
    } finally {
      await none.close();
    }
  });

  it("logs at the configured level: warn drops the request lines, keeps the failures", async () => {
    const lines: string[] = [];
    const quiet = await createVerifierService(minimal({ logLevel: "warn" }), { logger: { write: (l: string) => void lines.push(l) } });
    const url = await quiet.listen();
    try {
      await fetch(url + "/healthz");
      await quiet.close();
      expect(lines).toEqual([]);
    } finally {
      await quiet.close();
    }
    // MEDZK_LOG_LEVEL over the file; an override over both.
    expect(minimal({ logLevel: "warn" }, { MEDZK_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(minimal({ logLevel: "warn" }, { MEDZK_LOG_LEVEL: "debug" }, { logLevel: "error" }).logLevel).toBe("error");
  });

  it("finishes a request in flight when closing, and turns away one arriving on its connection with SERVICE_UNAVAILABLE", async () => {
    const s = await createVerifierService(minimal({}), { logger: false });
    let arrived!: () => void;
    const arrival = new Promise<void>((done) => (arrived = done));
    s.app.addHook("onRequest", async (request) => {
      if (request.id === "first") arrived();
    });
    const url = new URL(await s.listen());
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.on("data", (d: Buffer) => (received += d));
    const ended = new Promise<void>((done) => socket.on("close", () => done()));
    const body = '{"presentation":{"format":"nope"},"expected":"1"}';
    socket.write(`POST /v1/verify HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nx-request-id: first\r\n\r\n${body.slice(0, 10)}`);
    await arrival;
    const closed = s.close();
    // The rest of the first body, and a second request pipelined behind it on the same connection.
    socket.write(`${body.slice(10)}GET /healthz HTTP/1.1\r\nhost: x\r\nx-request-id: second\r\n\r\n`);
    await closed;
    await ended;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toContain("MALFORMED_PRESENTATION");
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nx-request-id: second\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(second!.slice(second!.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "SERVICE_UNAVAILABLE", message: "the service is shutting down" } });
  });

  it("logs start-up, listening and a graceful close as JSON lines", async () => {
    const lines: string[] = [];
    const s = await createVerifierService(minimal({ corsOrigins: [ORIGIN] }), { logger: { write: (l: string) => void lines.push(l) } });
    const url = await s.listen();
    await s.close();
    await new Promise((r) => setTimeout(r, 50));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((e) => e["msg"])).toEqual(["verifier configured", "listening", "closing: no new connections, finishing requests in flight", "closed"]);
    expect(logged[0]).toMatchObject({ level: 30, service: "medzk-verifier", logLevel: "info", metrics: { path: "/metrics" }, corsOrigins: [ORIGIN], issuerRegistry: false });
    expect(logged[1]).toMatchObject({ url, metricsUrl: url + "/metrics" });
    for (const e of logged) expect(e["time"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe("host, port and log level from the file, the environment and overrides", () => {
  const file = (listen?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [world.hospital.publicKey],
    signingKey: { hex: SIGNING_KEY.privateKey },
    ...(listen ? { listen } : {}),
    ...extra,
  });
  const parse = (json: unknown, env: Record<string, string> = {}, overrides?: Record<string, unknown>) => parseServiceConfig(json, { env, ...(overrides ? { overrides } : {}) });

  it("takes the option over the environment over the file over the defaults", () => {
    expect(parse(file())).toMatchObject({ listen: { host: "127.0.0.1", port: 8080 }, logLevel: "info", metrics: { path: "/metrics" } });
    expect(parse(file({ host: "0.0.0.0", port: 8000 }, { logLevel: "warn" }))).toMatchObject({ listen: { host: "0.0.0.0", port: 8000 }, logLevel: "warn" });
    const env = { MEDZK_HOST: "::", MEDZK_PORT: "9000", MEDZK_LOG_LEVEL: "debug" };
    expect(parse(file({ host: "0.0.0.0", port: 8000 }, { logLevel: "warn" }), env)).toMatchObject({ listen: { host: "::", port: 9000 }, logLevel: "debug" });
    expect(parse(file({ host: "0.0.0.0", port: 8000 }), env, { host: "localhost", port: 0, logLevel: "error" })).toMatchObject({ listen: { host: "localhost", port: 0 }, logLevel: "error" });
    // One override at a time: the others still come from the environment.
    expect(parse(file({ port: 8000 }), env, { port: "9100" })).toMatchObject({ listen: { host: "::", port: 9100 }, logLevel: "debug" });
    // An empty variable is an unset one (a container's `MEDZK_PORT=`).
    expect(parse(file({ port: 8000 }), { MEDZK_PORT: "" }).listen.port).toBe(8000);
  });

  it("refuses a bad port, host or level with INVALID_ARGUMENT naming where it came from, never NaN", () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parse(file(), { MEDZK_PORT: "80a" }), /^MEDZK_PORT must be an integer from 0 to 65535, not "80a"$/],
      [() => parse(file(), { MEDZK_PORT: " 80" }), /MEDZK_PORT must be an integer/],
      [() => parse(file(), { MEDZK_PORT: "0x50" }), /MEDZK_PORT must be an integer/],
      [() => parse(file(), { MEDZK_PORT: "8e3" }), /MEDZK_PORT must be an integer/],
      [() => parse(file(), { MEDZK_PORT: "65536" }), /MEDZK_PORT must be an integer from 0 to 65535, not "65536"/],
      [() => parse(file(), { MEDZK_PORT: "-1" }), /MEDZK_PORT/],
      [() => parse(file(), {}, { port: "abc" }), /"overrides.port" must be an integer/],
      [() => parse(file(), {}, { port: 1.5 }), /"overrides.port"/],
      [() => parse(file({ port: "8080" })), /"listen.port" must be an integer from 0 to 65535/],
      [() => parse(file({ port: 70000 })), /"listen.port" must be an integer from 0 to 65535/],
      [() => parse(file(), { MEDZK_HOST: "exa mple" }), /^MEDZK_HOST must be a host name or IP address/],
      [() => parse(file(), { MEDZK_HOST: "host:8080" }), /MEDZK_HOST/],
      [() => parse(file({ host: "" })), /"listen.host"/],
      [() => parse(file({ host: "http://x" })), /"listen.host"/],
      [() => parse(file(), { MEDZK_LOG_LEVEL: "verbose" }), /^MEDZK_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"$/],
      [() => parse(file(undefined, { logLevel: "INFO" })), /"logLevel" must be one of/],
      [() => parse(file(), {}, { logLevel: 30 }), /"overrides.logLevel"/],
      [() => parse(file(), {}, { colour: true }), /"overrides".*colour/],
      [() => parse(file(undefined, { metrics: true })), /"metrics"/],
      [() => parse(file(undefined, { metrics: { path: "metrics" } })), /"metrics.path" must be a path/],
      [() => parse(file(undefined, { metrics: { path: "/v1/verify" } })), /"metrics.path" "\/v1\/verify" is one of the service's own routes/],
      [() => parse(file(undefined, { metrics: { path: "/healthz" } })), /own routes/],
      [() => parse(file({ port: 9000 }, { metrics: { listen: { port: 9000 } } })), /"metrics.listen.port" must differ/],
      [() => parse(file(undefined, { metrics: { listen: { port: "x" } } })), /"metrics.listen.port"/],
      [() => parse(file(undefined, { metrics: { listen: {} } })), /"metrics.listen"/],
      [() => parse(file(undefined, { metrics: { enabled: true } })), /"metrics".*enabled/],
      [() => parse(file(undefined, { corsOrigins: ["https://Wallet.example"] })), /"corsOrigins\[0\]" must be written as browsers send it: "https:\/\/wallet.example"/],
      [() => parse(file(undefined, { corsOrigins: ["https://wallet.example:443"] })), /"corsOrigins\[0\]".*"https:\/\/wallet.example"/],
      [() => parse(file(undefined, { corsOrigins: [ORIGIN, ORIGIN] })), /"corsOrigins\[1\]" repeats/],
      [() => parse(file(undefined, { corsOrigins: ["null"] })), /"corsOrigins\[0\]"/],
    ];
    for (const [run, message] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toMatchObject({ name: "MedzkError", code: "INVALID_ARGUMENT", message: expect.stringMatching(message) });
    }
    // A metrics listener may share the host, and a metrics path elsewhere is fine.
    expect(parse(file(undefined, { metrics: { path: "/ops/metrics", listen: { port: 9464 } } })).metrics).toEqual({ path: "/ops/metrics", listen: { host: "127.0.0.1", port: 9464 } });
  });
});
