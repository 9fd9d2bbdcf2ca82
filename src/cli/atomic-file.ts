/**
 * The CLI's atomic file writes (src/audit/atomic-file.ts) with its error messages: a failure is
 * an input error naming the file (exit 3), an existing file for `createFile` says what it may be.
 */
import { createFile as create, replaceFile as replace } from "../audit/atomic-file.js";
import { inputError } from "./cli-error.js";

const cannotWrite = (path: string, cause: unknown) => inputError(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? "error"}`, cause);

/** Replaces `path` with `text` atomically; the new file gets `mode` (default 0644, then the umask). */
export async function replaceFile(path: string, text: string, mode = 0o644): Promise<void> {
  await replace(path, text, mode).catch((cause: unknown) => {
    throw cannotWrite(path, cause);
  });
}

/** Creates `path` holding `text`, atomically, and refuses (exit 3) if it exists. */
export async function createFile(path: string, text: string, what: string): Promise<void> {
  await create(path, text).catch((cause: unknown) => {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") throw inputError(`${path} already exists; it may be ${what} in use: remove it or choose another --out`);
    throw cannotWrite(path, cause);
  });
}
