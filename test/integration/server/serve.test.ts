/**
 * `medzk serve` as operators run it (the built CLI, dist/cli.js: `npm run test:integration` builds
 * first): every line it writes is JSON on stdout; host, port and log level from options, the
 * environment and the file in that order; SIGTERM drains a request still arriving and exits 0, a
 * second signal exits at once; start-up failures are one JSON line and the documented exit code.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { type ClientRequest, type IncomingMessage, request as httpRequest, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateIssuerKey, generateVerifierKey } from "../../helpers/fixtures.js";

const CLI = resolve("dist/cli.js");
let dir: string;

interface Serve {
  child: ChildProcess;
  /** stdout lines so far, parsed (throws on a line that is not JSON). */
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the first line `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

function serve(args: string[], env: Record<string, string> = {}): Serve {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { cwd: dir, env: { PATH: process.env["PATH"]!, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiting: Array<[(line: Record<string, unknown>) => boolean, (line: Record<string, unknown>) => void]> = [];
  // Complete lines only: a chunk may end inside one.
  const lines = () => stdout.split("\n").slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
  const check = () => {
    for (const [match, done] of [...waiting]) {
      const found = lines().find(match);
      if (found) {
        waiting.splice(waiting.findIndex((w) => w[1] === done), 1);
        done(found);
      }
    }
  };
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d;
    check();
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d));
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exit,
    waitFor: (match) =>
      new Promise((done, fail) => {
        waiting.push([match, done]);
        check();
        void exit.then(() => fail(new Error(`serve exited before the line was written; stdout: ${stdout} stderr: ${stderr}`)));
      }),
  };
}

/**
 * A POST whose body is sent in two parts: the request is in flight until `finish()`. `arrived`
 * resolves once the server has parsed its headers (it answered `Expect: 100-continue`), so a
 * signal sent after it finds the request in flight, however loaded the machine.
 */
function trickle(url: string, first: string, rest: string): { arrived: Promise<void>; finish(): void; response: Promise<{ status: number; body: string }> } {
  let req!: ClientRequest;
  let arrived!: () => void;
  const arrival = new Promise<void>((done) => (arrived = done));
  const response = new Promise<{ status: number; body: string }>((done, fail) => {
    req = httpRequest(
      url + "/v1/verify",
      { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(first + rest)), "x-request-id": "slow-1", expect: "100-continue" } },
      (res: IncomingMessage) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d));
        res.on("end", () => done({ status: res.statusCode!, body }));
      },
    );
    req.on("error", fail);
    req.on("continue", () => {
      req.write(first, () => arrived());
    });
  });
  req.flushHeaders();
  return { arrived: arrival, finish: () => req.end(rest), response };
}

async function busyPort(): Promise<{ port: number; close(): void }> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => done({ port: (s.address() as { port: number }).port, close: () => s.close() }));
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsup, or npm run test:integration)`);
  dir = await mkdtemp(join(tmpdir(), "medzk-serve-"));
  await writeFile(join(dir, "verifier.key"), JSON.stringify(generateVerifierKey()));
  const base = { signingKey: { file: "verifier.key" }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [generateIssuerKey().publicKey] };
  // The file's listener is an address this machine does not have (TEST-NET-3, RFC 5737): serving
  // at all shows that the option and the environment won over it.
  await writeFile(join(dir, "verifier.json"), JSON.stringify({ ...base, listen: { host: "203.0.113.7", port: 8 }, logLevel: "error" }));
  await writeFile(join(dir, "plain.json"), JSON.stringify({ ...base, listen: { host: "127.0.0.1", port: 0 } }));
  await writeFile(join(dir, "issuers.json"), "{ broken");
  await writeFile(join(dir, "broken-registry.json"), JSON.stringify({ ...base, trustedIssuers: undefined, issuersFile: "issuers.json" }));
});

describe("medzk serve", () => {
  it("writes only JSON lines, listens where the option and the environment say, and drains a request in flight on SIGTERM", async () => {
    const s = serve(["--config", "verifier.json", "--host", "127.0.0.1"], { MEDZK_PORT: "0", MEDZK_HOST: "203.0.113.8", MEDZK_LOG_LEVEL: "info" });
    const listening = await s.waitFor((l) => l["msg"] === "listening");
    const url = listening["url"] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening["metricsUrl"]).toBe(url + "/metrics");
    expect((await fetch(url + "/healthz", { headers: { "x-request-id": "cli-1" } })).headers.get("x-request-id")).toBe("cli-1");
    expect(await (await fetch(url + "/metrics")).text()).toContain('medzk_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    // A verification whose body is still arriving when the signal comes.
    const slow = trickle(url, '{"presentation":{"format":"nope"},', '"expected":"1"}');
    await s.waitFor((l) => l["msg"] === "request" && l["route"] === "/metrics");
    await slow.arrived;
    s.child.kill("SIGTERM");
    await s.waitFor((l) => l["msg"] === "shutting down");
    slow.finish();
    const answer = await slow.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ result: { ok: false, error: { code: "MALFORMED_PRESENTATION" } } });
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toBe("");
    const lines = s.lines();
    for (const line of lines) expect(line).toMatchObject({ service: "medzk-verifier", level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });
    expect(lines.map((l) => l["msg"])).toEqual([
      "verifier configured",
      "listening",
      "request",
      "request",
      "shutting down",
      "closing: no new connections, finishing requests in flight",
      "request",
      "closed",
    ]);
    expect(lines[0]).toMatchObject({ logLevel: "info" });
    expect(lines[2]).toMatchObject({ reqId: "cli-1", route: "/healthz", status: 200 });
    expect(lines[4]).toMatchObject({ level: 30, signal: "SIGTERM" });
    expect(lines[6]).toMatchObject({ reqId: "slow-1", route: "/v1/verify", status: 200, refusals: { MALFORMED_PRESENTATION: 1 } });
  });

  it("exits at once on a second signal, with the shell's status for it", async () => {
    const s = serve(["--config", "plain.json"]);
    const url = (await s.waitFor((l) => l["msg"] === "listening"))["url"] as string;
    const slow = trickle(url, '{"presentation":', "{}}");
    slow.response.catch(() => undefined);
    await slow.arrived;
    s.child.kill("SIGTERM");
    await s.waitFor((l) => l["msg"] === "shutting down");
    s.child.kill("SIGINT");
    expect(await s.exit, JSON.stringify(s.lines().map((l) => l["msg"]))).toBe(130);
    expect(s.lines()).toContainEqual(expect.objectContaining({ level: 40, signal: "SIGINT", msg: "second signal: exiting without finishing requests in flight" }));
    expect(s.stderr()).toBe("");
  });

  it("logs a start-up failure as one JSON line and exits with the documented status", async () => {
    const busy = await busyPort();
    try {
      const cases: Array<[string[], Record<string, string>, number, Record<string, unknown>]> = [
        [["--config", "plain.json"], { MEDZK_PORT: "80a" }, 3, { code: "INVALID_ARGUMENT", message: expect.stringContaining('MEDZK_PORT must be an integer from 0 to 65535, not "80a"') }],
        [["--config", "plain.json"], { MEDZK_LOG_LEVEL: "loud" }, 3, { code: "INVALID_ARGUMENT", message: expect.stringContaining("MEDZK_LOG_LEVEL must be one of") }],
        [["--config", "plain.json", "--port", "99999"], {}, 2, { code: "INVALID_ARGUMENT", message: expect.stringContaining('--port must be an integer from 0 to 65535, not "99999"') }],
        [["--config", "plain.json", "--host", "a b"], {}, 2, { message: expect.stringContaining("--host must be a host name") }],
        [["--config", "plain.json", "--log-level", "loud"], {}, 2, { message: expect.stringContaining("--log-level must be one of") }],
        [["--config", "broken-registry.json"], {}, 3, { code: "INVALID_REGISTRY" }],
        [["--config", "missing.json"], {}, 3, { code: "INPUT", message: "cannot read verifier config missing.json: no such file" }],
        [["--config", "plain.json", "--port", String(busy.port)], {}, 3, { code: "EADDRINUSE" }],
      ];
      for (const [args, env, status, err] of cases) {
        const s = serve(args, env);
        expect(await s.exit, args.join(" ")).toBe(status);
        expect(s.stderr()).toBe("");
        const lines = s.lines();
        const fatal = lines.filter((l) => l["level"] === 60);
        expect(fatal, args.join(" ")).toHaveLength(1);
        expect(fatal[0]).toMatchObject({ service: "medzk-verifier", exitCode: status, msg: expect.stringMatching(/^not started/), err });
      }
    } finally {
      busy.close();
    }
  });
});
