// Compiled circuits for the soundness tests, cached by content: each circuit is compiled with
// compileCircuit (scripts/circuits.mjs, the same --O2 build as the artifacts) into
// build/soundness/<name>-<key>, where the key hashes every .circom source, the circom2 and
// circomlib versions and the compile script. A lock file (holding the compiling process id)
// keeps concurrent test processes from compiling into the same directory; done.json marks a
// finished build.
//
// Vitest runs the circuit test files one after another on a 2-core machine, so each file also
// compiles the circuits the other files need in the background, one at a time on the idle core,
// while its own tests run; afterAll waits for that work (see prepareCircuit).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { BUILD_DIR, CIRCUITS, compileCircuit, ROOT } from "../../scripts/circuits.mjs";
import type { CircuitFiles } from "../helpers/r1cs.js";

const SOUNDNESS_DIR = join(BUILD_DIR, "..", "soundness");
const require = createRequire(import.meta.url);

let cachedKey: Promise<string> | undefined;

/** Hash of everything a compiled circuit depends on. */
function sourceKey(): Promise<string> {
  cachedKey ??= (async () => {
    const hash = createHash("sha256");
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith(".circom")) hash.update(`${relative(ROOT, path)}\0`).update(await readFile(path)).update("\0");
      }
    };
    await walk(join(ROOT, "circuits"));
    for (const pkg of ["circom2/package.json", "circomlib/package.json"]) hash.update(await readFile(require.resolve(pkg)));
    hash.update(await readFile(join(ROOT, "scripts", "circuits.mjs")));
    return hash.digest("hex").slice(0, 16);
  })();
  return cachedKey;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readDone(dir: string): Promise<CircuitFiles | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "done.json"), "utf8")) as CircuitFiles;
  } catch {
    return undefined;
  }
}

/** Takes the lock (true), or reports that a live process holds it (false). */
async function tryLock(lock: string): Promise<boolean> {
  for (;;) {
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(await readFile(lock, "utf8").catch(() => ""));
      if (pid && alive(pid)) return false;
      if (!pid) {
        await sleep(50); // being written right now
        const again = Number(await readFile(lock, "utf8").catch(() => ""));
        if (again && alive(again)) return false;
      }
      await unlink(lock).catch(() => {}); // stale: its process died mid-compile
    }
  }
}

/**
 * The compiled circuit `name`: from the cache, or compiled now (waiting for another process that
 * is compiling it). With `onlyIfFree`, returns undefined instead of waiting.
 */
async function compiled(name: string, onlyIfFree = false): Promise<CircuitFiles | undefined> {
  const key = await sourceKey();
  const dir = join(SOUNDNESS_DIR, `${name}-${key}`);
  const lock = `${dir}.lock`;
  await mkdir(SOUNDNESS_DIR, { recursive: true }); // a clean clone has no build/ yet
  const deadline = Date.now() + 280_000;
  for (;;) {
    const done = await readDone(dir);
    if (done) return done;
    if (await tryLock(lock)) {
      try {
        const again = await readDone(dir);
        if (again) return again;
        await rm(dir, { recursive: true, force: true }); // a crashed compile's leftovers
        const files = await compileCircuit(name, dir);
        await writeFile(join(dir, "done.json"), JSON.stringify(files));
        // Builds of older sources are dropped (unless being written).
        for (const entry of await readdir(SOUNDNESS_DIR)) {
          const old = join(SOUNDNESS_DIR, entry);
          if (entry.startsWith(`${name}-`) && !entry.endsWith(".lock") && old !== dir && !existsSync(`${old}.lock`)) {
            await rm(old, { recursive: true, force: true });
          }
        }
        return files;
      } finally {
        await unlink(lock).catch(() => {});
      }
    }
    if (onlyIfFree) return undefined;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await sleep(250);
  }
}

let background: Promise<unknown> = Promise.resolve();

/**
 * The compiled files of circuit `own`; also starts compiling the other shipped circuits in the
 * background, one at a time, unless cached or being compiled elsewhere. Await
 * finishBackgroundCompiles() in afterAll so that work is not cut off when the file ends.
 */
export function prepareCircuit(own: string): Promise<CircuitFiles> {
  const files = compiled(own) as Promise<CircuitFiles>;
  for (const { name } of CIRCUITS) {
    if (name === own) continue;
    // A failure here is reported by the file that needs the circuit when it compiles it itself.
    background = background.then(() => compiled(name, true)).catch(() => undefined);
  }
  return files;
}

export const finishBackgroundCompiles = (): Promise<unknown> => background;
