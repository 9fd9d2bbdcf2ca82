#!/usr/bin/env node
// Load on the verifier service (issue 21): two service instances (processes of their own)
// sharing one real redis-server, driven over loopback by autocannon, with micro-batching off and
// then on in the same run. Per instance pair, four mixes of POST /v1/verify:
//   invalid  each valid presentation with another's proof (an unused challenge: full pairing, refused)
//   valid    each of N distinct valid presentations once (accepted once)
//   replay   R calls re-sending the now-used presentations (refused by the store read)
//   mixed    after FLUSHDB: each presentation, an invalid one and an earlier presentation again, interleaved
// Checks: no 5xx other than 503 OVERLOADED (documented shedding), no challenge accepted twice
// across the two instances, every valid presentation accepted exactly once per epoch.
// Prints a table, writes bench/results/load.json. Everything is bounded in count and time.
// Usage: npm run load [-- --count 300 --replays 4000 --connections 64 --soak [seconds]]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { drive } from "./_drive.mjs";
import { PURPOSE, SIGNING_KEY, STATEMENT, TTL_SECONDS, presentations } from "./_presentations.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : Number(v);
};
const COUNT = arg("count", 300);
const REPLAYS = arg("replays", 4000);
const CONNECTIONS = arg("connections", 64);
const soakArg = arg("soak", false);
const SOAK_SECONDS = soakArg === true ? 300 : soakArg;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startRedis() {
  const port = await freePort();
  const dir = await mkdtemp(join(os.tmpdir(), "medzk-load-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {}); // refused while the server starts: connect() below retries
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url: `redis://127.0.0.1:${port}`, client, stop: () => (client.disconnect(), child.kill("SIGTERM")) };
}

/** A service instance in a process of its own; resolves once it listens. */
function startService(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", "_service.mjs"), JSON.stringify(config)], { stdio: ["ignore", "pipe", "inherit"] });
    child.once("exit", (code) => reject(new Error(`service exited (${code})`)));
    child.stdout.once("data", (line) => {
      const { url, pid } = JSON.parse(String(line));
      resolve({ url, pid, stop: () => new Promise((r) => (child.removeAllListeners("exit"), child.once("exit", r), child.kill("SIGTERM"))) });
    });
  });
}

/** Resident set size of a process, in MB (Linux /proc). */
async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]) / 1024;
}

function check(name, run, expectAccepted) {
  const fiveHundreds = Object.entries(run.statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
  const shed = run.codes["HTTP OVERLOADED"] ?? 0;
  const doubles = [...run.accepted.values()].filter((n) => n > 1).length;
  const problems = [];
  if (fiveHundreds !== shed) problems.push(`${fiveHundreds - shed} 5xx other than OVERLOADED`);
  if (doubles > 0) problems.push(`${doubles} challenges accepted twice`);
  if (run.errors > 0 || run.timeouts > 0) problems.push(`${run.errors} connection errors, ${run.timeouts} timeouts`);
  if (expectAccepted !== undefined && run.accepted.size + shed < expectAccepted) problems.push(`${run.accepted.size} accepted, expected ${expectAccepted}`);
  return { mix: name, calls: run.calls, rps: run.rps, p50: run.p50, p99: run.p99, seconds: run.seconds, shed, doubles, codes: run.codes, problems };
}

const serviceConfig = (redisUrl, microBatch, prefix) => ({
  listen: { host: "127.0.0.1", port: 0 },
  presets: { adult: STATEMENT },
  trustedIssuers: [issuer],
  signingKey: { hex: SIGNING_KEY.privateKey },
  purpose: PURPOSE,
  requestTtlSeconds: TTL_SECONDS,
  redis: { url: redisUrl, keyPrefix: prefix },
  microBatch,
  metrics: false,
});

console.log(`load: ${COUNT} valid presentations, ${REPLAYS} replays per mode, ${CONNECTIONS} connections, ${os.cpus().length} cores (${os.loadavg()[0].toFixed(1)} load average)`);
const { issuer, presentations: valid } = await presentations(COUNT, (m) => console.log(m));
const body = (p) => JSON.stringify({ presentation: p, expected: p.request.challenge });
const validBodies = valid.map(body);
// Another presentation's proof: well-formed points, signature and signals intact, the pairing fails.
const invalidBodies = valid.map((p, i) => body({ ...p, proof: valid[(i + 1) % valid.length].proof }));
const replayBodies = Array.from({ length: REPLAYS }, (_, i) => validBodies[i % validBodies.length]);
const mixedBodies = validBodies.flatMap((b, i) => [b, invalidBodies[(i + 7) % invalidBodies.length], validBodies[Math.max(0, i - 5)]]);

const redis = await startRedis();
const report = { date: new Date().toISOString(), cores: os.cpus().length, loadAverage: os.loadavg(), count: COUNT, connections: CONNECTIONS, modes: {} };
const rows = [];
let failed = false;
try {
  for (const mode of ["off", "on"]) {
    const microBatch = mode === "on" ? { windowMs: 2, maxBatch: 64 } : false;
    const prefix = `load:${mode}:`;
    const services = await Promise.all([startService(serviceConfig(redis.url, microBatch, prefix)), startService(serviceConfig(redis.url, microBatch, prefix))]);
    const urls = services.map((s) => `${s.url}/v1/verify`);
    const run = (bodies, duration) => drive({ urls, bodies, connections: CONNECTIONS, duration });
    try {
      // Warm-up (prepared keys, JIT), not measured: invalid calls use no challenge up.
      await run(invalidBodies.slice(0, 32));
      const mixes = [];
      mixes.push(check("invalid", await run(invalidBodies)));
      mixes.push(check("valid", await run(validBodies), validBodies.length));
      mixes.push(check("replay", await run(replayBodies)));
      await redis.client.flushdb();
      mixes.push(check("mixed", await run(mixedBodies), validBodies.length));
      report.modes[mode] = mixes;
      for (const m of mixes) {
        rows.push({ microBatch: mode, ...m, codes: Object.entries(m.codes).map(([c, n]) => `${c}:${n}`).join(" "), problems: m.problems.join("; ") || "none" });
        if (m.problems.length > 0) failed = true;
      }
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  }
  const rate = (mode, mix) => report.modes[mode].find((m) => m.mix === mix).rps;
  report.ratios = Object.fromEntries(["invalid", "valid", "replay", "mixed"].map((mix) => [mix, Math.round((rate("on", mix) / rate("off", mix)) * 100) / 100]));

  if (SOAK_SECONDS) {
    const services = await Promise.all([0, 1].map(() => startService(serviceConfig(redis.url, { windowMs: 2, maxBatch: 64 }, "load:soak:"))));
    const urls = services.map((s) => `${s.url}/v1/verify`);
    // Warm up, then measure RSS from there: what grows with traffic, not start-up allocation.
    // The first half of the presentations are accepted (then replayed); the second half's
    // challenges stay unused, so their invalid variants keep costing a pairing.
    const half = Math.floor(validBodies.length / 2);
    await drive({ urls, bodies: validBodies.slice(0, half), connections: CONNECTIONS });
    const before = await Promise.all(services.map((s) => rssMb(s.pid)));
    const samples = [];
    const sampler = setInterval(async () => samples.push(await Promise.all(services.map((s) => rssMb(s.pid)))), 10_000);
    const soakBodies = validBodies.slice(0, half).flatMap((b, i) => [b, b, b, invalidBodies[half + (i % (validBodies.length - half))]]);
    const soak = check("soak", await drive({ urls, bodies: soakBodies, connections: CONNECTIONS, duration: SOAK_SECONDS }));
    clearInterval(sampler);
    const after = await Promise.all(services.map((s) => rssMb(s.pid)));
    await Promise.all(services.map((s) => s.stop()));
    // RSS saws up and down with garbage collection: growth is the median of the last third of
    // the samples against the median of the first third, not two points that may sit on a peak.
    const median = (xs) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
    const third = Math.max(1, Math.floor(samples.length / 3));
    const growth = services.map((_, i) => {
      const [first, last] = [median(samples.slice(0, third).map((s) => s[i])), median(samples.slice(-third).map((s) => s[i]))];
      return Math.round(((last - first) / first) * 1000) / 10;
    });
    report.soak = { seconds: SOAK_SECONDS, ...soak, rssBeforeMb: before.map(Math.round), rssAfterMb: after.map(Math.round), rssGrowthPercent: growth, samplesMb: samples.map((s) => s.map(Math.round)) };
    rows.push({ microBatch: "on", ...soak, codes: Object.entries(soak.codes).map(([c, n]) => `${c}:${n}`).join(" "), problems: [...soak.problems, `RSS growth ${growth.join("% / ")}%`].join("; ") });
    if (soak.problems.length > 0 || growth.some((g) => g >= 10)) failed = true;
  }
} finally {
  redis.stop();
}

console.table(rows.map(({ microBatch, mix, calls, rps, p50, p99, shed, doubles, problems }) => ({ microBatch, mix, calls, "calls/s": rps, "p50 ms": p50, "p99 ms": p99, shed, "accepted twice": doubles, problems })));
console.log("on/off throughput ratio:", report.ratios);
for (const r of rows) console.log(`${r.microBatch} ${r.mix}: ${r.codes}`);
const out = join(ROOT, "bench", "results", "load.json");
await writeFile(out, JSON.stringify(report, null, 2) + "\n");
console.log(`wrote ${out}`);
process.exit(failed ? 1 : 0);
