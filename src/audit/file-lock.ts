/**
 * An exclusive lock across processes on one host: a lock file created with O_CREAT|O_EXCL
 * (open flag "wx"), which the kernel creates for exactly one of any number of racing processes.
 * It holds "<pid> <hostname> <ms since epoch>".
 *
 * Stale locks: a lock whose holder is dead (same host, `kill(pid, 0)` says ESRCH) or older than
 * `staleMs` is broken by renaming it away (atomic) and checking that what was renamed is the
 * lock that was judged stale; if it is another (a process broke the stale lock and took a new
 * one in between), it is put back with link(2), which, like O_EXCL, fails if a lock exists.
 * NOTE: the age rule assumes no holder keeps the lock longer than `staleMs` (a critical section
 * here is one write and one fsync, milliseconds; the default is 30 s). The lock is advisory and
 * local: the file must not be shared over NFS by several hosts (use PostgreSQL for several).
 */
import { hostname } from "node:os";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
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

async function breakIfStale(path: string, staleMs: number): Promise<void> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(path, "utf8"), stat(path).then((s) => s.mtimeMs)]);
  } catch {
    return; // released meanwhile
  }
  const [pid, host] = text.split(" ");
  const dead = host === hostname() && pid !== undefined && /^\d+$/.test(pid) && !alive(Number(pid));
  // An empty file is a holder between open and write: only age makes it stale.
  if (!dead && Date.now() - mtimeMs < staleMs) return;
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const taken = await readFile(aside, "utf8").catch(() => "");
  if (taken !== text) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
