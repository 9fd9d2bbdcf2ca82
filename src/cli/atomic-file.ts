/**
 * Whole-file writes that a concurrent reader never sees half done: the text goes to a temporary
 * file in the same directory (same file system, so the final step is atomic), is fsynced, and
 * then takes the target's name: rename(2) to replace a file, link(2) to create one that must
 * not exist yet. A crash leaves the old file (or none) and at worst a stray `.<name>.*.tmp`.
 */
import { randomBytes } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { inputError } from "./cli-error.js";

/** Replaces `path` with `text` atomically; the new file gets `mode` (default 0644, then the umask). */
export async function replaceFile(path: string, text: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, text, mode);
  try {
    await rename(temp, path);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw inputError(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}`, cause);
  }
}

/**
 * Creates `path` holding `text`, atomically, and refuses (exit 3) if it exists: link(2), like
 * O_EXCL, fails with EEXIST for all but one of any number of racing creators.
 */
export async function createFile(path: string, text: string, what: string): Promise<void> {
  const temp = await writeTemp(path, text, 0o644);
  try {
    await link(temp, path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw inputError(`${path} already exists; it may be ${what} in use: remove it or choose another --out`);
    throw inputError(`cannot write ${path}: ${code ?? "error"}`, cause);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writeTemp(path: string, text: string, mode: number): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw inputError(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}`, cause);
  }
}
