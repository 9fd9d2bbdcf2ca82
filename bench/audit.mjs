#!/usr/bin/env node
// Audit log append rates (docs/audit.md), each beside a baseline measured in the same run:
//   - FileAuditLog: one append at a time (an fsync each) and 64 in flight (group commit: one
//     lock, one write and one fsync per batch), against the bare cost of write + fdatasync of one
//     line per append (the floor of a durable per-entry file log on this disk);
//   - PostgresAuditLog on a local PostgreSQL (initdb into a temp directory, fsync and
//     synchronous_commit on), the same two patterns, against a bare INSERT per transaction.
// Needs `npm run build` (imports dist/) and, for PostgreSQL, initdb/postgres on PATH or in
// /usr/lib/postgresql/*/bin (skipped otherwise). Usage: node bench/audit.mjs [--quick]
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp, open } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { FileAuditLog, PostgresAuditLog, generateVerifierKey, postgresAuditSchema } from "../dist/index.js";

const QUICK = process.argv.includes("--quick");
const SERIAL = QUICK ? 200 : 1000;
const PARALLEL = QUICK ? 2000 : 10000;
const IN_FLIGHT = 64;
const verifier = generateVerifierKey().publicKey;

const entry = (i) => ({
  time: new Date().toISOString(),
  verifier,
  purpose: "claims",
  preset: "adult",
  statement: { type: "ageAtLeast", minAge: 18 },
  result: "OK",
  nullifier: String(10n ** 70n + BigInt(i)),
  requestId: String(10n ** 74n + BigInt(i)),
});

async function rate(n, inFlight, append) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) await append(next++);
  }));
  return n / ((performance.now() - t0) / 1000);
}

const rows = [];
const row = (store, pattern, perSecond, baseline) => rows.push({ store, pattern, "appends/s": Math.round(perSecond), baseline: baseline === undefined ? "" : `${Math.round(baseline)}/s` });

// --- file -------------------------------------------------------------------------------------
const dir = await mkdtemp(join(os.tmpdir(), "medzk-bench-audit-"));
{
  const handle = await open(join(dir, "bare.jsonl"), "a");
  const line = Buffer.from(JSON.stringify({ entry: entry(0), hash: "00".repeat(32) }) + "\n");
  const bare = await rate(SERIAL, 1, async () => {
    await handle.write(line);
    await handle.datasync();
  });
  await handle.close();
  const log = new FileAuditLog(join(dir, "serial.jsonl"), { verifier });
  row("file", "1 at a time (fsync each)", await rate(SERIAL, 1, (i) => log.append(entry(i))), bare);
  const grouped = new FileAuditLog(join(dir, "grouped.jsonl"), { verifier });
  row("file", `${IN_FLIGHT} in flight (group commit)`, await rate(PARALLEL, IN_FLIGHT, (i) => grouped.append(entry(i))));
}

// --- PostgreSQL -------------------------------------------------------------------------------
function findBin(name) {
  if (spawnSync(name, ["--version"]).status === 0) return name;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  return undefined;
}
const initdb = findBin("initdb");
const postgres = findBin("postgres");
if (initdb && postgres) {
  const pgDir = await mkdtemp(join(os.tmpdir(), "medzk-bench-pg-"));
  const as = {};
  if (process.getuid?.() === 0) {
    as.uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    as.gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(pgDir, as.uid, as.gid);
  }
  execFileSync(initdb, ["-D", join(pgDir, "data"), "-U", "medzk", "--auth=trust", "--no-instructions"], { stdio: "ignore", ...as });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(postgres, ["-D", join(pgDir, "data"), "-k", pgDir, "-p", String(port), "-c", "listen_addresses="], { stdio: "ignore", ...as });
  const url = `postgres://medzk@/postgres?host=${encodeURIComponent(pgDir)}&port=${port}`;
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  for (let i = 0; ; i++) {
    try {
      await pool.query("SELECT 1");
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    await pool.query("CREATE TABLE bare (seq bigint PRIMARY KEY, record text)");
    const line = JSON.stringify({ entry: entry(0), hash: "00".repeat(32) });
    const bare = await rate(SERIAL, 1, (i) => pool.query("INSERT INTO bare VALUES ($1, $2)", [i, line]));
    // The roles of docs/audit.md: an owner runs the schema, the log appends as the writer.
    await pool.query("CREATE ROLE medzk_audit_owner NOLOGIN; CREATE ROLE medzk_audit_writer LOGIN; GRANT USAGE, CREATE ON SCHEMA public TO medzk_audit_owner; GRANT USAGE ON SCHEMA public TO medzk_audit_writer; REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    const owner = await pool.connect();
    await owner.query("SET ROLE medzk_audit_owner");
    await owner.query(postgresAuditSchema("medzk_audit_writer"));
    await owner.query("RESET ROLE");
    owner.release();
    const writerUrl = url.replace("postgres://medzk@", "postgres://medzk_audit_writer@");
    const log = await PostgresAuditLog.connect(writerUrl, { verifier });
    row("postgres", "1 at a time (a transaction each)", await rate(SERIAL, 1, (i) => log.append(entry(i))), bare);
    row("postgres", `${IN_FLIGHT} in flight (group commit)`, await rate(PARALLEL, IN_FLIGHT, (i) => log.append(entry(i))));
    // Two instances (two pools) appending to one log: the head row lock orders them.
    const other = await PostgresAuditLog.connect(writerUrl, { verifier });
    row("postgres", `2 instances x ${IN_FLIGHT / 2} in flight`, await rate(PARALLEL, IN_FLIGHT, (i) => (i % 2 ? log : other).append(entry(i))));
    await Promise.all([log.close(), other.close()]);
  } finally {
    await pool.end();
    server.kill("SIGINT");
  }
} else {
  console.warn("PostgreSQL not found: skipping its rows");
}

console.log(`audit log appends on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
console.table(rows);
