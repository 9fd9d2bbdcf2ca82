/**
 * withFileLock across processes: many short-lived processes, each taking the lock once to
 * increment a counter file and exiting at once. A holder that releases and exits while another
 * process is judging its lock is the case that broke the earlier rename-based stale-lock breaking
 * (a fresh holder's lock was moved away, two processes held the lock, increments were lost: with
 * that code this test failed in one of two runs of 24 rounds on the 2-core machine). Every round
 * must count every process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const PROCESSES = 16;
const ROUNDS = 24;

const INCREMENT = `
import { readFile, rename, writeFile } from "node:fs/promises";
const { withFileLock } = await import(process.argv[2]);
const file = process.argv[3];
await withFileLock(file + ".lock", async () => {
  const n = Number(await readFile(file, "utf8"));
  await writeFile(file + "." + process.pid, String(n + 1));
  await rename(file + "." + process.pid, file);
}, { timeoutMs: 60_000 });
`;

function run(args: string[]): Promise<number | null> {
  return new Promise((done) => spawn(process.execPath, args, { stdio: "ignore" }).on("exit", done));
}

describe("withFileLock across processes", () => {
  it(`loses no update when ${PROCESSES} processes take it once each and exit, ${ROUNDS} rounds`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "medzk-lock-"));
    const lock = join(dir, "file-lock.mjs");
    await build({ entryPoints: ["src/audit/file-lock.ts"], bundle: true, platform: "node", format: "esm", outfile: lock, logLevel: "silent" });
    const script = join(dir, "increment.mjs");
    writeFileSync(script, INCREMENT);
    const counter = join(dir, "counter.txt");
    const counts: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      writeFileSync(counter, "0");
      const exits = await Promise.all(Array.from({ length: PROCESSES }, () => run([script, lock, counter])));
      expect(exits.every((code) => code === 0)).toBe(true);
      counts.push(Number(readFileSync(counter, "utf8")));
    }
    expect(counts).toEqual(Array(ROUNDS).fill(PROCESSES));
  }, 240_000);
});
