/**
 * An issuer's revocation status file, changed safely when several `medzk issue --revocation` or
 * `medzk revocation revoke` runs overlap. Read-modify-write without a lock gave every parallel
 * issuance slot 0 (revoking one then revoked all). Now each change holds an exclusive lock file
 * beside the status (`<file>.lock`, O_EXCL, stale when its holder process is dead: the lock of
 * src/audit/file-lock.ts) across the read, the change and the write, and the write replaces the
 * file atomically (a temporary file in the same directory, fsync, rename), so a reader never sees
 * half a status and a crash leaves the old one.
 */
import { withFileLock } from "../audit/file-lock.js";
import { RevocationRegistry } from "../issuer/revocation-registry.js";
import { replaceFile } from "./atomic-file.js";
import { fromInput, readJson } from "./io.js";

/**
 * Runs `change` on the registry restored from `file` while holding its lock, then writes the
 * registry's new status atomically (only if `change` returned without throwing). Issuing takes
 * seconds, so the lock waits up to two minutes and is stale after five.
 */
export async function changeRevocationStatus<T>(file: string, change: (registry: RevocationRegistry) => Promise<T>): Promise<T> {
  return fromInput(`${file}.lock`, () =>
    withFileLock(
      `${file}.lock`,
      async () => {
        const status = await readJson(file, "revocation status");
        const registry = await fromInput(file, () => RevocationRegistry.fromStatus(status));
        const result = await change(registry);
        await replaceFile(file, JSON.stringify(registry.publish(), null, 2) + "\n");
        return result;
      },
      { timeoutMs: 120_000, staleMs: 300_000, code: "REGISTRY_UNREADABLE" },
    ),
  );
}
