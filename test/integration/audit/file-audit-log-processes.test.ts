/**
 * FileAuditLog across processes: four Node processes append to one file at once (each with its
 * own view of the file, serialised only by the O_EXCL lock file), and the log has one valid
 * chain with every entry exactly once. A lock left by a dead process is broken.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { beforeAll, expect, it } from "vitest";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";

const PROCESSES = 4;
const EACH = 50;
let dir: string;
let worker: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-audit-proc-"));
  // The writer, bundled from the sources (no build of the package needed).
  await writeFile(
    join(dir, "entry.ts"),
    `import { FileAuditLog } from ${JSON.stringify(resolve("src/audit/file-audit-log.ts"))};
     import { auditInput } from ${JSON.stringify(resolve("test/helpers/audit.ts"))};
     const [path, id, count] = process.argv.slice(2);
     const log = new FileAuditLog(path, { verifier: ${JSON.stringify(AUDIT_VERIFIER)} });
     // One at a time and in bursts, so both the lock and the group commit are exercised.
     for (let i = 0; i < Number(count); i += 5) {
       await Promise.all([0, 1, 2, 3, 4].map((k) => log.append(auditInput(i + k, { requestId: id + String(i + k).padStart(4, "0") }))));
     }`,
  );
  worker = join(dir, "worker.mjs");
  await build({ entryPoints: [join(dir, "entry.ts")], bundle: true, platform: "node", format: "esm", outfile: worker, logLevel: "silent" });
});

it("four processes appending at once keep one chain", async () => {
  const path = join(dir, "audit.jsonl");
  const runs = Array.from({ length: PROCESSES }, (_, p) =>
    new Promise<number>((done) => spawn(process.execPath, [worker, path, String(p + 1), String(EACH)], { stdio: "inherit" }).on("exit", (code) => done(code ?? -1))),
  );
  expect(await Promise.all(runs)).toEqual(Array(PROCESSES).fill(0));
  const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
  const report = verifyAuditLog({ verifier: AUDIT_VERIFIER, records: await log.dump(), checkpoints: [] });
  expect(report).toMatchObject({ ok: true, size: PROCESSES * EACH });
  const ids = (await log.read(0)).map((r) => r.entry.requestId);
  expect(new Set(ids).size).toBe(PROCESSES * EACH);
  // Each process's entries are in its own order (appends of one writer are never reordered).
  for (let p = 1; p <= PROCESSES; p++) {
    const mine = ids.filter((id) => id!.startsWith(String(p)) && id!.length === 5);
    expect(mine).toHaveLength(EACH);
  }
});

it("breaks a lock left by a dead process", async () => {
  const path = join(dir, "stale.jsonl");
  // A process that has exited: its pid is free (not reused this quickly on Linux's pid counter).
  const dead = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
  await writeFile(`${path}.lock`, `${dead} ${(await import("node:os")).hostname()} ${Date.now()}`);
  const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER, lock: { timeoutMs: 5000 } });
  expect((await log.append(auditInput(0))).seq).toBe(0);
  expect((await readFile(path, "utf8")).split("\n")).toHaveLength(2);
});

it("waits for a live holder and gives up with AUDIT_LOG_UNAVAILABLE", async () => {
  const path = join(dir, "held.jsonl");
  await writeFile(`${path}.lock`, `${process.pid} ${(await import("node:os")).hostname()} ${Date.now()}`);
  const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER, lock: { timeoutMs: 300 } });
  await expect(log.append(auditInput(0))).rejects.toMatchObject({ code: "AUDIT_LOG_UNAVAILABLE" });
});
