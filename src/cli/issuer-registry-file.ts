/**
 * A verifier's issuer registry file (`medzk-issuers/v1`, docs/issuers.md), changed safely by the
 * `medzk issuers …` commands when several run at once and while verifiers read it.
 *
 * Each change holds the lock file `<file>.lock` (src/audit/file-lock.ts: O_EXCL, broken when its
 * holder is dead) across read, change and write, so parallel changes all land; the result is
 * checked by the parser verifiers use (assertIssuerRegistryFile) before anything is written, so
 * a change that would make the file invalid leaves it untouched; and the file is replaced
 * atomically (src/cli/atomic-file.ts), so a verifier re-reading it (JsonFileIssuerRegistry) sees
 * the old version or the new one, never half of one.
 */
import { realpath, stat } from "node:fs/promises";
import { withFileLock } from "../audit/file-lock.js";
import { MedzkError } from "../core/errors.js";
import { ISSUER_REGISTRY_FORMAT, type IssuerRegistryFile, assertIssuerRegistryFile } from "../verifier/issuer-registry.js";
import { createFile, replaceFile } from "./atomic-file.js";
import { CliError } from "./cli-error.js";
import { fromInput, readJson } from "./io.js";

/** Creates an empty registry at `file`; refuses to replace an existing one (its issuers would be lost). */
export async function createIssuerRegistry(file: string): Promise<void> {
  const empty: IssuerRegistryFile = { format: ISSUER_REGISTRY_FORMAT, issuers: [] };
  await createFile(file, serialize(empty), "an issuer registry");
}

/**
 * Runs `change` on a copy of the registry in `file` under the file's lock, checks the result
 * with the verifiers' parser, and replaces the file (keeping its mode). `change` throws a
 * CliError to refuse; then nothing is written. Returns what `change` returned.
 */
export async function changeIssuerRegistry<T>(given: string, change: (registry: IssuerRegistryFile) => T): Promise<T> {
  // Through a symlink, the file it points at is what changes (and is locked): renaming over the
  // link would replace the link and leave the real registry as it was.
  const file = await realpath(given).catch(() => given);
  return fromInput(`${file}.lock`, () =>
    withFileLock(
      `${file}.lock`,
      async () => {
        const json = await readJson(given, "issuer registry");
        const registry = structuredClone(await fromInput(given, () => assertIssuerRegistryFile(json)));
        const result = change(registry);
        try {
          assertIssuerRegistryFile(registry);
        } catch (error) {
          if (!(error instanceof MedzkError)) throw error;
          throw new CliError(error.code, `${given}: the change would make the registry invalid, nothing was written: ${error.message}`, { cause: error });
        }
        const mode = (await stat(file)).mode & 0o777;
        await replaceFile(file, serialize(registry), mode);
        return result;
      },
      // A change is one read and one write (milliseconds), so a holder older than 30 s is gone.
      { timeoutMs: 30_000, staleMs: 30_000, code: "REGISTRY_UNREADABLE" },
    ),
  );
}

function serialize(registry: IssuerRegistryFile): string {
  return JSON.stringify(registry, null, 2) + "\n";
}
