/**
 * Whole-file writes that a concurrent reader never sees half done: the text goes to a temporary
 * file in the same directory (same file system, so the final step is atomic), is fsynced, and
 * then takes the target's name: rename(2) to replace a file, link(2) to create one that must
 * not exist yet (like O_EXCL, link fails with EEXIST for all but one of any number of racing
 * creators). A crash leaves the old file (or none) and at worst a stray `.<name>.*.tmp`.
 *
 * One implementation for every file medzk replaces in place: the CLI's revocation status and
 * issuer registry, the verifier's challenge store file, the wallet's file store. Errors are the
 * file system's own (NodeJS.ErrnoException, `code` set); callers turn them into their codes.
 * Used with file-lock.ts when several processes change one file (read, change, replace).
 */
import { randomBytes } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Replaces `path` with `text` atomically; a new file gets `mode` (then the umask). */
export async function replaceFile(path: string, text: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, text, mode);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Creates `path` holding `text` atomically; rejects with EEXIST if it exists. */
export async function createFile(path: string, text: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, text, mode);
  try {
    await link(temp, path);
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
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
