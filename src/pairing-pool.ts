/**
 * Batch pairing checks spread over worker threads, for large batches on multi-core machines
 * (`createVerifier({ batchWorkers: n })`). Each worker runs src/pairing-worker.ts: its own
 * single-threaded curve and prepared keys, checking a slice of the batch with the same random
 * linear combination as the in-process path.
 *
 * Workers are started on first use and hold the process open only while they have work (they
 * are unref'd when idle), so a verifying script still exits by itself.
 * NOTE: the worker entry is the built file next to this module (dist/pairing-worker.js or .cjs);
 * running from TypeScript sources without a build, batch verification stays in-process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ParsedProof } from "./groth16.js";

type Item = { signals: readonly bigint[]; proof: ParsedProof };

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve: (r: boolean[]) => void; reject: (e: Error) => void }>;
}

export class PairingPool {
  readonly #size: number;
  #workers: PooledWorker[] | undefined;
  #nextId = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** The worker entry next to this module, or undefined when running unbuilt sources. */
  static entry(): URL | undefined {
    const isCjs = typeof __filename === "string" && __filename.endsWith(".cjs");
    const url = new URL(isCjs ? "./pairing-worker.cjs" : "./pairing-worker.js", import.meta.url);
    return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
  }

  /** Checks items against a circuit's pinned key, split evenly over the workers. */
  async verify(circuit: string, items: readonly Item[]): Promise<boolean[]> {
    const workers = this.#start();
    const slice = Math.ceil(items.length / workers.length);
    const parts = workers
      .map((w, i) => ({ w, part: items.slice(i * slice, (i + 1) * slice) }))
      .filter(({ part }) => part.length > 0)
      .map(({ w, part }) => this.#send(w, circuit, part));
    return (await Promise.all(parts)).flat();
  }

  /** Stops the workers (they also stop with the process). */
  async close(): Promise<void> {
    const workers = this.#workers ?? [];
    this.#workers = undefined;
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  #start(): PooledWorker[] {
    if (this.#workers) return this.#workers;
    const entry = PairingPool.entry();
    if (!entry) throw new Error("pairing worker entry not built");
    this.#workers = Array.from({ length: this.#size }, () => {
      const pooled: PooledWorker = { worker: new Worker(entry), pending: new Map() };
      pooled.worker.unref();
      pooled.worker.on("message", (m: { id: number; results?: boolean[]; error?: string }) => {
        const job = pooled.pending.get(m.id);
        pooled.pending.delete(m.id);
        if (pooled.pending.size === 0) pooled.worker.unref();
        if (m.results) job?.resolve(m.results);
        else job?.reject(new Error(m.error ?? "pairing worker failed"));
      });
      pooled.worker.on("error", (err) => {
        for (const job of pooled.pending.values()) job.reject(err);
        pooled.pending.clear();
      });
      return pooled;
    });
    return this.#workers;
  }

  #send(pooled: PooledWorker, circuit: string, items: readonly Item[]): Promise<boolean[]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      pooled.pending.set(id, { resolve, reject });
      pooled.worker.ref();
      pooled.worker.postMessage({ id, circuit, items });
    });
  }
}
