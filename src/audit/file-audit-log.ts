/**
 * The embedded audit log for one verifier instance: a JSON-lines file, one record
 * `{"entry":{…},"hash":"…"}` (canonical JSON) per line.
 *
 * Appends are serialised within the process (group commit, ./audit-log.ts) and across processes
 * by a lock file (./file-lock.ts), so two processes appending to one file (a service and a CLI,
 * or a restart overlapping its predecessor) keep one chain. Under the lock the log catches up
 * with what other processes appended since its last look (reading only the new bytes), checks it
 * chains, writes the batch with one write(2) on an O_APPEND descriptor, and fsyncs before
 * answering: an acknowledged entry survives a crash.
 *
 * A trailing fragment without its newline is a write that crashed before its fsync, so it was
 * never acknowledged: it is cut off before the next append. Anything else that does not chain
 * (an edited, deleted or reordered line) makes every append fail with AUDIT_LOG_INVALID: the log
 * is never extended on top of a broken chain; `medzk audit verify` says where it broke.
 */
import { open, readFile } from "node:fs/promises";
import { MedzkError } from "../core/errors.js";
import { type AppendedEntry, type AuditHead, type AuditLog, assertOwnEntry, groupCommit, logIdentity, readRange } from "./audit-log.js";
import { type AuditEntryInput, type AuditRecord, chainEntry, checkAuditRecord, entryHash, recordLine } from "./entry.js";
import { type FileLockOptions, withFileLock } from "./file-lock.js";

/** Options of {@link FileAuditLog}. */
export interface FileAuditLogOptions {
  /** The verifier's Ed25519 public key (hex): the log accepts only its entries. */
  verifier: string;
  /** The cross-process lock (stale age, wait). */
  lock?: FileLockOptions;
}

/** An {@link AuditLog} in a JSON-lines file, for one host. */
export class FileAuditLog implements AuditLog {
  readonly logId: string;
  readonly verifier: string;
  readonly path: string;
  readonly #lock: FileLockOptions;
  /** What this process has read and checked: the head and the byte offset after its line. */
  #known: AuditHead & { offset: number };
  readonly #queue: ReturnType<typeof groupCommit>;

  constructor(path: string, options: FileAuditLogOptions) {
    if (typeof path !== "string" || path.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"path" must be the audit log file's path`);
    if (typeof options !== "object" || options === null) throw new MedzkError("INVALID_ARGUMENT", `"options" must be { verifier }`);
    ({ verifier: this.verifier, logId: this.logId } = logIdentity(options.verifier));
    this.path = path;
    this.#lock = options.lock ?? {};
    this.#known = { size: 0, hash: this.logId, offset: 0 };
    this.#queue = groupCommit((inputs) => this.#commit(inputs));
  }

  append(entry: AuditEntryInput): Promise<AppendedEntry> {
    assertOwnEntry(entry, this.verifier);
    return this.#queue.append(entry);
  }

  async #commit(inputs: AuditEntryInput[]): Promise<AppendedEntry[]> {
    return withFileLock(
      `${this.path}.lock`,
      async () => {
        let handle;
        try {
          handle = await open(this.path, "a+");
        } catch (cause) {
          throw unavailable(`cannot open ${this.path}`, cause);
        }
        try {
          await this.#catchUp(handle);
          let { size, hash } = this.#known;
          const records = inputs.map((input) => {
            const record = chainEntry(input, size, hash);
            size += 1;
            hash = record.hash;
            return record;
          });
          const bytes = Buffer.from(records.map(recordLine).join(""), "utf8");
          try {
            await handle.write(bytes);
            // datasync: the data and the size, which is what a reader needs; not the mtime.
            await handle.datasync();
          } catch (cause) {
            throw unavailable(`cannot write ${this.path}`, cause);
          }
          this.#known = { size, hash, offset: this.#known.offset + bytes.length };
          return records.map((r) => ({ seq: r.entry.seq, hash: r.hash }));
        } finally {
          await handle.close();
        }
      },
      this.#lock,
    );
  }

  /** Reads and checks what was appended after `#known` (by other processes); cuts a torn tail. */
  async #catchUp(handle: Awaited<ReturnType<typeof open>>): Promise<void> {
    const { size: bytes } = await handle.stat();
    const known = this.#known;
    if (bytes < known.offset) throw invalid(`${this.path} is shorter than the ${known.size} entries already read from it: it was truncated`);
    if (bytes === known.offset) return;
    const buffer = Buffer.alloc(bytes - known.offset);
    await handle.read(buffer, 0, buffer.length, known.offset);
    const lastNewline = buffer.lastIndexOf(0x0a);
    const complete = lastNewline + 1;
    let { size, hash } = known;
    for (const line of buffer.subarray(0, complete).toString("utf8").split("\n").slice(0, -1)) {
      const record = parseLine(line, size);
      if (record.entry.verifier !== this.verifier) throw invalid(`entry ${size} of ${this.path} is another verifier's`);
      if (record.entry.seq !== size || record.hash !== entryHash(hash, record.entry)) {
        throw invalid(`entry ${size} of ${this.path} does not chain to the one before: run medzk audit verify`);
      }
      size += 1;
      hash = record.hash;
    }
    if (complete < buffer.length) {
      // NOTE: a fragment after the last newline was never fsync'd and acknowledged (appends
      // answer after the fsync, under the lock we hold), so dropping it loses no entry.
      await handle.truncate(known.offset + complete);
    }
    this.#known = { size, hash, offset: known.offset + complete };
  }

  async #records(): Promise<AuditRecord[]> {
    return (await this.#lines()).map((line, i) => parseLine(line, i));
  }

  /** The complete lines (a fragment being written is not yet a line). */
  async #lines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw unavailable(`cannot read ${this.path}`, cause);
    }
    return text.split("\n").slice(0, -1);
  }

  async read(fromSeq: number, toSeq?: number): Promise<AuditRecord[]> {
    const records = await this.#records();
    const [from, to] = readRange(fromSeq, toSeq, records.length);
    return records.slice(from, to + 1);
  }

  async head(): Promise<AuditHead> {
    const records = await this.#records();
    const last = records.at(-1);
    return { size: records.length, hash: last?.hash ?? this.logId };
  }

  async writable(): Promise<void> {
    // Every stored record parses; appends also need the chain, which #catchUp checks under the lock.
    await this.head();
  }

  async byNullifier(nullifier: string): Promise<AuditRecord[]> {
    // A linear scan: the embedded log serves one instance; PostgresAuditLog has an index.
    return (await this.#records()).filter((r) => r.entry.nullifier === nullifier);
  }

  async dump(): Promise<unknown[]> {
    return (await this.#lines()).map(jsonOrText);
  }

  async close(): Promise<void> {
    // Nothing is held between appends: only the queued ones are waited for.
    await this.#queue.idle();
  }
}

/** One line as JSON, or the line itself when it is not JSON (verifyAuditLog reports it as malformed). */
export function jsonOrText(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}

function parseLine(line: string, seq: number): AuditRecord {
  const checked = checkAuditRecord(jsonOrText(line), `entry ${seq}`);
  if (!checked.ok) throw invalid(checked.message);
  return checked.value;
}

function invalid(message: string): MedzkError {
  return new MedzkError("AUDIT_LOG_INVALID", message);
}

function unavailable(message: string, cause: unknown): MedzkError {
  return new MedzkError("AUDIT_LOG_UNAVAILABLE", `${message}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
}
