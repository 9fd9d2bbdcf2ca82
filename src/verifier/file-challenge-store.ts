/**
 * A challenge store in a local file, shared by every process on one host that names the file: a
 * verifier run from the command line (`medzk verify`) remembers the challenges earlier runs
 * consumed, so a presentation verifies once across runs, not once per run.
 *
 * Each `consume` holds the lock file `<file>.lock` (O_EXCL, broken when its holder died: the lock
 * of src/audit/file-lock.ts) across reading the file, deciding and writing it back, and the write
 * replaces the file atomically (src/audit/atomic-file.ts: a temporary file beside it, fsync, rename): of any number of
 * processes consuming one challenge, exactly one sees it absent, and a crash leaves the old file
 * or the new one, never half of one. Calls within one process queue in memory first, so a batch
 * does not poll the lock against itself.
 *
 * The file (`medzk-challenges/v1`) is `{ "format", "used": { "<challenge>": <expiresAtMs> } }`,
 * parsed strictly; a file that cannot be read, locked, parsed or written makes `consume` reject,
 * and the verifier then refuses with STORE_UNAVAILABLE (fails closed), never accepting twice.
 * A challenge is forgotten {@link FileChallengeStore.GRACE_MS} after its request expired, measured
 * on the verifier's clock (`nowMs`), as the in-memory store does.
 * NOTE: the lock is local and advisory: the file must not be shared over NFS by several hosts,
 * and only processes going through this class may write it. Several hosts need Redis.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { replaceFile } from "../audit/atomic-file.js";
import { withFileLock } from "../audit/file-lock.js";
import { MedzkError } from "../core/errors.js";
import { checkInteger, checkObject, isPlainObject } from "../core/validate.js";
import type { ChallengeStore } from "./challenge-store.js";

export const CHALLENGE_STORE_FORMAT = "medzk-challenges/v1";

/** Longest challenge string the file takes (a request's challenge is a field element, ≤ 78 digits). */
const MAX_CHALLENGE_LENGTH = 128;

export class FileChallengeStore implements ChallengeStore {
  /** How long past its expiry a challenge is still remembered (absorbs clock skew), as MemoryChallengeStore. */
  static readonly GRACE_MS = 10 * 60 * 1000;
  readonly path: string;
  // The previous consume of this instance: calls run one after another.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (typeof path !== "string" || path.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"path" must be the path of a challenge store file`);
    this.path = path;
  }

  async consume(challenge: string, expiresAtMs: number, nowMs: number = Date.now()): Promise<boolean> {
    const run = this.#queue.then(() => this.#consume(challenge, expiresAtMs, nowMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Reads and parses the file without changing it (a missing file in an existing directory is an
   * empty store), so a caller can report a damaged store by name before verifying anything.
   * Returns the number of challenges remembered; throws CHALLENGE_STORE_UNAVAILABLE.
   */
  async check(): Promise<number> {
    // The lock file and the replacement are created beside the file: its directory must exist.
    const directory = await stat(dirname(this.path)).catch(() => undefined);
    if (!directory?.isDirectory()) throw this.#error(`its directory ${dirname(this.path)} does not exist`);
    return (await this.#read()).size;
  }

  async #consume(challenge: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    if (typeof challenge !== "string" || challenge.length === 0 || challenge.length > MAX_CHALLENGE_LENGTH) {
      throw new MedzkError("INVALID_ARGUMENT", `"challenge" must be a string of 1 to ${MAX_CHALLENGE_LENGTH} characters`);
    }
    return withFileLock(
      `${this.path}.lock`,
      async () => {
        const used = await this.#read();
        // A remembered challenge is never accepted again, whatever the clocks say; only the sweep forgets it.
        if (used.has(challenge)) return false;
        const cutoff = nowMs - FileChallengeStore.GRACE_MS;
        for (const [c, until] of used) if (until < cutoff) used.delete(c);
        used.set(challenge, Math.ceil(expiresAtMs));
        await this.#write(used);
        return true;
      },
      { code: "CHALLENGE_STORE_UNAVAILABLE" },
    );
  }

  async #read(): Promise<Map<string, number>> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw this.#error(`cannot read it: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, cause);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.#error("it is not valid JSON");
    }
    const file = checkObject(json, "challenge store", { required: ["format", "used"] });
    if (!file.ok) throw this.#error(file.message);
    if (file.value.format !== CHALLENGE_STORE_FORMAT) throw this.#error(`"format" must be "${CHALLENGE_STORE_FORMAT}"`);
    if (!isPlainObject(file.value.used)) throw this.#error(`"used" must be an object of challenges and expiry times`);
    const used = new Map<string, number>();
    for (const [challenge, until] of Object.entries(file.value.used)) {
      if (challenge.length === 0 || challenge.length > MAX_CHALLENGE_LENGTH) throw this.#error(`a challenge in "used" is not 1 to ${MAX_CHALLENGE_LENGTH} characters long`);
      const checked = checkInteger(until, "used.<challenge>", 0, Number.MAX_SAFE_INTEGER);
      if (!checked.ok) throw this.#error(checked.message);
      used.set(challenge, checked.value);
    }
    return used;
  }

  async #write(used: Map<string, number>): Promise<void> {
    const text = JSON.stringify({ format: CHALLENGE_STORE_FORMAT, used: Object.fromEntries(used) }) + "\n";
    await replaceFile(this.path, text, 0o600).catch((cause: unknown) => {
      throw this.#error(`cannot write it: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, cause);
    });
  }

  #error(why: string, cause?: unknown): MedzkError {
    return new MedzkError("CHALLENGE_STORE_UNAVAILABLE", `challenge store ${this.path}: ${why}`, cause === undefined ? undefined : { cause });
  }
}
