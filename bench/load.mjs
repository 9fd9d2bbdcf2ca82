#!/usr/bin/env node
// Load on the verifier service (issue 21), over loopback with autocannon, against service
// instances in processes of their own and one real redis-server. The load generator runs in this
// process; the CPU time of every process (services with their worker threads, this one, Redis) is
// read for each phase, so the cost of a call can be stated per core even on a busy machine.
//
// Default: two instances sharing Redis, micro-batching off, on, and on with worker threads, in
// the same run. Per setting, four mixes of POST /v1/verify, in this order:
//   valid    each of N distinct valid presentations once (accepted once)
//   replay   R calls re-sending the now-used presentations (refused by the store read)
//   invalid  after FLUSHDB: each valid presentation with another's proof (an unused challenge: full pairing, refused)
//   mixed    after FLUSHDB: each presentation, an invalid one and an earlier presentation again, interleaved
// Checks: no 5xx other than 503 OVERLOADED (documented shedding), no challenge accepted twice
// across the two instances, every valid presentation accepted exactly once per epoch.
//
// --single: the issue's goal figures directly: one instance, `--connections` (64), three phases
// per setting: "valid" (V calls in a closed loop, all accepted: the N presentations cycled, each
// one's used challenge deleted from Redis by this process right after it was accepted, as if its
// request had expired, so a few hundred proofs serve thousands of acceptances), "valid@500/s"
// (P valid calls in an open loop at a fixed offered rate, `--rate`, over the same connections:
// latency from when each call was due, bench/_drive.mjs pace()) and "replay" (R calls
// re-sending used presentations). Every valid call must be accepted, every replay refused.
// A closed loop measures the most a setting can answer, and its latency is the queue that the
// 64 callers themselves keep full (mean latency = 64 / throughput); the open loop measures the
// latency a service answering that rate gives its callers.
//
// --soak [seconds]: two instances (micro-batching on) under a mix for 300 s (or the seconds
// given); resident memory sampled every 10 s; fails on a growth of 10% or more.
// --profile: the services run with --cpu-prof (profiles in bench/results/profiles/).
// --bare: the services without request logs and metrics (default: both on, logs to /dev/null).
//
// Prints a table, writes bench/results/load.json (load-single.json with --single). Everything is
// bounded in count and time.
// Usage: npm run load [-- --single] [-- --count 300 --replays 20000 --valid-calls 10000
//        --rate 500 --paced-calls 10000 --connections 64 --modes off,on,workers --soak [seconds] --profile]
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { drive, pace } from "./_drive.mjs";
import { freePort } from "../test/helpers/free-port.mjs";
import { PURPOSE, SIGNING_KEY, STATEMENT, TTL_SECONDS, presentations } from "./_presentations.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : Number(v);
};
const SINGLE = arg("single", false) === true;
const COUNT = arg("count", 300);
const REPLAYS = arg("replays", SINGLE ? 20_000 : 4000);
// Long enough that the p99 is not the warm-up's: with micro-batching on workers, 3,000 calls gave
// p99s of 121–126 ms and 12,000 gave 100–115 ms (quiet machine, several runs).
const VALID_CALLS = arg("valid-calls", 10_000);
const CONNECTIONS = arg("connections", 64);
// The open-loop phase of --single: the issue's goal rate, 20 s of it by default.
const RATE = arg("rate", 500);
const PACED_CALLS = arg("paced-calls", 10_000);
const soakArg = arg("soak", false);
const SOAK_SECONDS = soakArg === true ? 300 : soakArg;
const PROFILE = arg("profile", false) === true;
// As deployed: request logs (to /dev/null) and the Prometheus metrics on; --bare turns both off,
// to see what they cost.
const BARE = arg("bare", false) === true;
const modesArg = process.argv.indexOf("--modes");
const MODES = modesArg < 0 ? ["off", "on", "workers"] : process.argv[modesArg + 1].split(",");
// What each setting passes as the service's "microBatch".
const MICRO_BATCH = { off: false, on: { windowMs: 2, maxBatch: 64, workers: false }, workers: { windowMs: 2, maxBatch: 64, workers: true } };
for (const m of MODES) if (!(m in MICRO_BATCH)) throw new Error(`--modes: unknown setting ${m} (off, on, workers)`);

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
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, client, stop: () => (client.disconnect(), child.kill("SIGTERM")) };
}

/** A service instance in a process of its own; resolves once it listens. */
function startService(config) {
  return new Promise((resolve, reject) => {
    const flags = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench", "results", "profiles")}`] : [];
    const child = spawn(process.execPath, [...flags, join(ROOT, "bench", "_service.mjs"), JSON.stringify(config), BARE ? "bare" : "logs"], { stdio: ["ignore", "pipe", "inherit"] });
    child.once("exit", (code) => reject(new Error(`service exited (${code})`)));
    child.stdout.once("data", (line) => {
      const { url, pid } = JSON.parse(String(line));
      resolve({ url, pid, stop: () => new Promise((r) => (child.removeAllListeners("exit"), child.once("exit", r), child.kill("SIGTERM"))) });
    });
  });
}

/** CPU time (user + system, all threads) a process has used so far, in seconds (Linux /proc). */
async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // USER_HZ, 100 on Linux

/**
 * Runs `phase` and adds, per process, the CPU seconds it used meanwhile and the load average,
 * so a figure measured on a shared machine comes with what it cost and what else was running.
 */
async function measured(pids, phase) {
  const before = await Promise.all(pids.services.map(cpuSeconds));
  const redisBefore = await cpuSeconds(pids.redis);
  const self = process.cpuUsage();
  const run = await phase();
  const after = await Promise.all(pids.services.map(cpuSeconds));
  const own = process.cpuUsage(self);
  const cpu = {
    services: round2(after.reduce((a, x, i) => a + x - before[i], 0)),
    generator: round2((own.user + own.system) / 1e6),
    redis: round2((await cpuSeconds(pids.redis)) - redisBefore),
  };
  return { ...run, cpu, load1: round2(os.loadavg()[0]) };
}
const round2 = (x) => Math.round(x * 100) / 100;

/** Resident set size of a process, in MB (Linux /proc). */
async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)[1]) / 1024;
}

function check(name, run, expect = {}) {
  const fiveHundreds = Object.entries(run.statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
  const shed = run.codes["HTTP OVERLOADED"] ?? 0;
  // In a --single valid phase each challenge is deleted after its acceptance and accepted again
  // on the next cycle: acceptances per challenge are counted by `expect.everyCall` there instead.
  const doubles = expect.cycled ? 0 : [...run.accepted.values()].filter((n) => n > 1).length;
  const problems = [];
  if (fiveHundreds !== shed) problems.push(`${fiveHundreds - shed} 5xx other than OVERLOADED`);
  if (doubles > 0) problems.push(`${doubles} challenges accepted twice`);
  if (run.errors > 0 || run.timeouts > 0) problems.push(`${run.errors} connection errors, ${run.timeouts} timeouts`);
  if (expect.accepted !== undefined && run.accepted.size + shed < expect.accepted) problems.push(`${run.accepted.size} accepted, expected ${expect.accepted}`);
  if (expect.everyCall !== undefined && (run.codes[expect.everyCall] ?? 0) !== run.calls) {
    problems.push(`expected ${expect.everyCall} for all ${run.calls} calls, got ${Object.entries(run.codes).map(([c, n]) => `${c}:${n}`).join(" ")}`);
  }
  if (expect.only !== undefined && Object.keys(run.codes).some((c) => !expect.only.includes(c))) {
    problems.push(`expected only ${expect.only.join(", ")}, got ${Object.entries(run.codes).map(([c, n]) => `${c}:${n}`).join(" ")}`);
  }
  // CPU per call in µs: the services' (all their threads), the load generator's and Redis's.
  const perCall = (seconds) => Math.round((seconds / Math.max(1, run.calls)) * 1e6);
  const cpuUsPerCall = run.cpu ? { services: perCall(run.cpu.services), generator: perCall(run.cpu.generator), redis: perCall(run.cpu.redis) } : undefined;
  const acceptedPerSecond = round2((run.codes["OK"] ?? 0) / run.seconds);
  return { mix: name, calls: run.calls, ...(run.offered ? { offered: run.offered, lateStarts: run.lateStarts, peakInFlight: run.peakInFlight } : {}), rps: run.rps, acceptedPerSecond, p50: run.p50, p99: run.p99, seconds: run.seconds, shed, doubles, codes: run.codes, cpu: run.cpu, cpuUsPerCall, load1: run.load1, problems };
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
  ...(BARE ? { metrics: false } : {}),
});

const instances = SINGLE ? 1 : 2;
console.log(
  `load${SINGLE ? " --single" : ""}: ${instances} instance(s), ${COUNT} valid presentations, ${SINGLE ? `${VALID_CALLS} valid calls, ${PACED_CALLS} at ${RATE}/s, ` : ""}${REPLAYS} replays per setting, ${CONNECTIONS} connections, settings ${MODES.join(",")}, ${os.cpus().length} cores (load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`,
);
const { issuer, presentations: valid } = await presentations(COUNT, (m) => console.log(m));
const body = (p) => JSON.stringify({ presentation: p, expected: p.request.challenge });
const validBodies = valid.map(body);
// Another presentation's proof: well-formed points, signature and signals intact, the pairing fails.
const invalidBodies = valid.map((p, i) => body({ ...p, proof: valid[(i + 1) % valid.length].proof }));
const replayBodies = Array.from({ length: REPLAYS }, (_, i) => validBodies[i % validBodies.length]);
const mixedBodies = validBodies.flatMap((b, i) => [b, invalidBodies[(i + 7) % invalidBodies.length], validBodies[Math.max(0, i - 5)]]);

const redis = await startRedis();
const report = { date: new Date().toISOString(), single: SINGLE, logsAndMetrics: !BARE, instances, cores: os.cpus().length, loadAverage: os.loadavg(), count: COUNT, connections: CONNECTIONS, ...(SINGLE ? { rate: RATE } : {}), modes: {} };
const rows = [];
let failed = false;
const pushRows = (mode, mixes) => {
  for (const m of mixes) {
    rows.push({ microBatch: mode, ...m, codes: Object.entries(m.codes).map(([c, n]) => `${c}:${n}`).join(" "), problems: m.problems.join("; ") || "none" });
    if (m.problems.length > 0) failed = true;
  }
};
try {
  for (const mode of MODES) {
    const prefix = `load:${mode}:`;
    const services = await Promise.all(Array.from({ length: instances }, () => startService(serviceConfig(redis.url, MICRO_BATCH[mode], prefix))));
    const pids = { services: services.map((s) => s.pid), redis: redis.pid };
    const urls = services.map((s) => `${s.url}/v1/verify`);
    const run = (bodies, options = {}) => measured(pids, () => drive({ urls, bodies, connections: CONNECTIONS, ...options }));
    // A used challenge forgotten right after its acceptance (--single's valid phase).
    const forget = (challenge) => void redis.client.del(prefix + challenge).catch(() => {});
    const mixes = [];
    try {
      if (SINGLE) {
        // Warm-up (prepared keys, JIT, worker threads) with valid calls, not measured: an invalid
        // warm-up would leave the micro-batcher checking one by one (SOLO_AFTER_FAILURE).
        await drive({ urls, bodies: validBodies, connections: CONNECTIONS, amount: Math.min(validBodies.length, 4 * CONNECTIONS), onAccepted: forget });
        // A presentation whose answer took longer than a whole cycle is re-sent before its
        // challenge was deleted, and refused as a replay: counted, not a failure ("accepted/s").
        mixes.push(check("valid", await run(validBodies, { amount: VALID_CALLS, onAccepted: forget }), { cycled: true, only: ["OK", "REQUEST_REPLAYED"] }));
        // A setting slower than the rate (micro-batching off) builds a backlog of tens of seconds
        // by the end: counted in its latency, not given up on after autocannon's 30 s.
        const paced = await measured(pids, () => pace({ urls, bodies: validBodies, connections: CONNECTIONS, rate: RATE, amount: PACED_CALLS, onAccepted: forget, timeoutSeconds: 120 }));
        mixes.push(check(`valid@${RATE}/s`, paced, { cycled: true, only: ["OK", "REQUEST_REPLAYED"] }));
        // Every presentation used (once), then only replays.
        await drive({ urls, bodies: validBodies, connections: CONNECTIONS });
        mixes.push(check("replay", await run(replayBodies), { everyCall: "REQUEST_REPLAYED" }));
      } else {
        // Warm-up (prepared keys, JIT), not measured, with valid calls, then their challenges
        // forgotten. Valid before invalid: after a bad proof the micro-batcher checks the next 64
        // one by one (SOLO_AFTER_FAILURE), which would otherwise be measured as the valid mix.
        await drive({ urls, bodies: validBodies.slice(0, 2 * CONNECTIONS), connections: CONNECTIONS });
        await redis.client.flushdb();
        mixes.push(check("valid", await run(validBodies), { accepted: validBodies.length }));
        mixes.push(check("replay", await run(replayBodies)));
        // Invalid calls need unused challenges (a used one is refused before the pairing).
        await redis.client.flushdb();
        mixes.push(check("invalid", await run(invalidBodies)));
        await redis.client.flushdb();
        mixes.push(check("mixed", await run(mixedBodies), { accepted: validBodies.length }));
      }
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
    report.modes[mode] = mixes;
    pushRows(mode, mixes);
  }
  // Each micro-batching setting against "off", in throughput, per mix.
  if (MODES.includes("off")) {
    report.ratios = {};
    for (const mode of MODES.filter((m) => m !== "off")) {
      report.ratios[mode] = Object.fromEntries(report.modes.off.map(({ mix, rps }) => [mix, round2(report.modes[mode].find((m) => m.mix === mix).rps / rps)]));
    }
  }

  if (SOAK_SECONDS) {
    const soakMode = MODES.includes("workers") ? "workers" : "on";
    const services = await Promise.all([0, 1].map(() => startService(serviceConfig(redis.url, MICRO_BATCH[soakMode], "load:soak:"))));
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
    const soak = check("soak", await measured({ services: services.map((s) => s.pid), redis: redis.pid }, () => drive({ urls, bodies: soakBodies, connections: CONNECTIONS, duration: SOAK_SECONDS })));
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
    report.soak = { seconds: SOAK_SECONDS, microBatch: soakMode, ...soak, rssBeforeMb: before.map(Math.round), rssAfterMb: after.map(Math.round), rssGrowthPercent: growth, samplesMb: samples.map((s) => s.map(Math.round)) };
    rows.push({ microBatch: soakMode, ...soak, codes: Object.entries(soak.codes).map(([c, n]) => `${c}:${n}`).join(" "), problems: [...soak.problems, `RSS growth ${growth.join("% / ")}%`].join("; ") });
    if (soak.problems.length > 0 || growth.some((g) => g >= 10)) failed = true;
  }
} finally {
  redis.stop();
}

console.table(
  rows.map(({ microBatch, mix, calls, offered, rps, acceptedPerSecond, p50, p99, shed, doubles, cpuUsPerCall, load1, problems }) => ({
    microBatch,
    mix,
    calls,
    "offered/s": offered ?? "all",
    "calls/s": rps,
    "accepted/s": acceptedPerSecond,
    "p50 ms": p50,
    "p99 ms": p99,
    "service CPU µs/call": cpuUsPerCall?.services,
    "generator µs/call": cpuUsPerCall?.generator,
    "redis µs/call": cpuUsPerCall?.redis,
    load: load1,
    shed,
    "accepted twice": doubles,
    problems,
  })),
);
if (report.ratios) console.log("throughput against micro-batching off:", report.ratios);
for (const r of rows) console.log(`${r.microBatch} ${r.mix}: ${r.codes}${r.offered ? ` (at most ${r.peakInFlight} calls unanswered at once, ${r.lateStarts} sent over 1 ms after they were due)` : ""}`);
report.loadAverageAfter = os.loadavg();
await mkdir(join(ROOT, "bench", "results"), { recursive: true });
const out = join(ROOT, "bench", "results", SINGLE ? "load-single.json" : "load.json");
await writeFile(out, JSON.stringify(report, null, 2) + "\n");
console.log(`wrote ${out}`);
process.exit(failed ? 1 : 0);
