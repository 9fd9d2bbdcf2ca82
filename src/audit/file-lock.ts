/**
 * An exclusive lock across processes on one host: a lock file created with O_CREAT|O_EXCL
 * (open flag "wx"), which the kernel creates for exactly one of any number of racing processes.
 * It holds "<pid> <hostname> <ms since epoch>".
 *
 * Stale locks: a lock whose holder is dead (same host, `kill(pid, 0)` says ESRCH), or, when
 * that cannot be told (another host, or a holder between creating and writing it), older than
 * `staleMs`, is removed under a second lock, `<path>.break` (O_EXCL too): the breaker re-reads the
 * lock and removes it only if it is still the very file judged stale (same inode, same text).
 * Renaming the lock away instead, as this module once did, races: a holder can release and a new
 * one take the lock between the judgement and the rename, and the new holder's lock was moved and
 * put back too late (two holders; parallel `medzk issuers add-key` runs lost updates under load).
 * Under the breaker lock nobody but the dead holder could remove the stale file, so between the
 * re-check and the unlink no new lock can appear at the path.
 * NOTE: a breaker lock older than BREAKER_STALE_MS is itself removed (its process died between
 * creating and removing it); the argument above assumes no breaker takes that long between its
 * re-check and its unlink (two file operations). A live holder on this host is never broken,
 * whatever its age. The lock is advisory and local: the file must not be shared over NFS by
 * several hosts (use PostgreSQL for several).
 */
import { hostname } from "node:os";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { MedzkError, type MedzkErrorCode } from "../core/errors.js";

export interface FileLockOptions {
  /** A lock older than this is stale (ms). Default 30 000. */
  staleMs?: number;
  /** Give up (with `code`) after waiting this long (ms). Default 10 000. */
  timeoutMs?: number;
  /** The code of the MedzkError when the lock cannot be taken. Default AUDIT_LOG_UNAVAILABLE (the audit log's). */
  code?: MedzkErrorCode;
}

/** Runs `fn` holding the lock file `path`; releases it afterwards, also when `fn` throws. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const mine = `${process.pid} ${hostname()} ${Date.now()}`;
  const code = options.code ?? "AUDIT_LOG_UNAVAILABLE";
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(mine);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new MedzkError(code, `cannot create lock file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
      }
    }
    await breakIfStale(path, staleMs);
    if (Date.now() > deadline) throw new MedzkError(code, `lock file ${path} is held by another process (waited ${options.timeoutMs ?? 10_000} ms)`);
    // Short, growing, jittered waits: holders keep the lock for milliseconds.
    await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt) * (0.5 + Math.random())));
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** How old a breaker lock (`<path>.break`) must be to be judged abandoned (ms). */
const BREAKER_STALE_MS = 10_000;

async function breakIfStale(path: string, staleMs: number): Promise<void> {
  const seen = await readLock(path);
  if (!seen || !isStale(seen, staleMs)) return;
  const breaker = `${path}.break`;
  try {
    await (await open(breaker, "wx")).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return;
    const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > BREAKER_STALE_MS) await unlink(breaker).catch(() => undefined);
    return; // another process is breaking it; wait and try to take the lock again
  }
  try {
    const now = await readLock(path);
    if (now && now.ino === seen.ino && now.text === seen.text && isStale(now, staleMs)) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

interface LockSeen {
  text: string;
  ino: number;
  mtimeMs: number;
}

async function readLock(path: string): Promise<LockSeen | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    return { text, ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return undefined; // released meanwhile
  }
}

/** Dead holder on this host: stale at once. Live holder on this host: never. Otherwise (another host, not yet written): by age. */
function isStale(lock: LockSeen, staleMs: number): boolean {
  const [pid, host] = lock.text.split(" ");
  if (host === hostname() && pid !== undefined && /^\d+$/.test(pid)) return !alive(Number(pid));
  return Date.now() - lock.mtimeMs >= staleMs;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
