/**
 * The worker threads of the shared BN254 curve (the Groth16 prover's, and parallel batch
 * verification's).
 *
 * snarkjs proves fastest on ffjavascript's multi-threaded curve (one worker thread per core,
 * cached in globalThis.curve_bn128), but those worker threads keep a Node process alive forever
 * (snarkjs #152, #363). medzk makes the cached curve hold its threads only while they work: each
 * worker is ref'd when a task is posted to it and unref'd when it is idle again. Every user of
 * the shared curve (medzk, or snarkjs called directly) keeps the process alive while a task is
 * in flight, and an idle curve no longer does, so scripts exit by themselves and proofs after
 * the first reuse the warm curve and its threads.
 *
 * In browsers there is nothing to release, but a page's Content-Security-Policy may forbid the
 * blob: workers ffjavascript starts its threads from; medzk then proves single-threaded.
 *
 * NOTE: this reaches into two internals: ffjavascript's thread manager (`curve.tm.workers`,
 * `postAction`, `working`) and the web-worker package's `Symbol.for("worker")` handle on the
 * worker_threads Worker. If either is not as expected, proving falls back to snarkjs's
 * single-threaded mode (slower, never hangs). test/e2e/examples.test.ts checks that proving
 * processes exit by themselves, and bench/run.mjs mixes medzk and direct snarkjs proofs.
 *
 * No ffjavascript import here: the verifier-only package uses this module as it is.
 */
const WORKER = Symbol.for("worker");
const PATCHED = Symbol.for("medzk.idleUnref");

interface ThreadHandle {
  ref(): void;
  unref(): void;
}

interface ThreadManager {
  workers: unknown[];
  working: boolean[];
  postAction: (workerId: number, ...rest: unknown[]) => Promise<unknown>;
  [PATCHED]?: true;
}

function threadHandles(tm: ThreadManager): ThreadHandle[] | undefined {
  const handles = tm.workers.map((w) => (w as Record<symbol, ThreadHandle> | undefined)?.[WORKER]);
  return handles.every((h) => typeof h?.ref === "function" && typeof h?.unref === "function")
    ? (handles as ThreadHandle[])
    : undefined;
}

/** Makes the shared curve's workers keep the process alive only while they have work. */
function installIdleUnref(tm: ThreadManager, handles: ThreadHandle[]): void {
  const post = tm.postAction.bind(tm);
  tm.postAction = (workerId, ...rest) => {
    handles[workerId]!.ref();
    const done = post(workerId, ...rest);
    // The worker's message handler marks it idle and may post the next queued task to it in the
    // same tick; only a worker that is still idle afterwards is released.
    const release = () => {
      if (!tm.working[workerId]) handles[workerId]!.unref();
    };
    done.then(release, release);
    return done;
  };
  tm[PATCHED] = true;
  handles.forEach((h, i) => {
    if (!tm.working[i]) h.unref();
  });
}

/**
 * Whether this browser context can run workers from blob: URLs, which is how ffjavascript starts
 * its prover threads. A Content-Security-Policy whose worker-src (or script-src) leaves out blob:
 * blocks them, and then ffjavascript waits forever for threads that never start: proving would
 * hang instead of running single-threaded.
 */
async function blobWorkersStart(timeoutMs = 5_000): Promise<boolean> {
  if (typeof Worker !== "function" || typeof Blob !== "function" || typeof URL.createObjectURL !== "function") return false;
  const url = URL.createObjectURL(new Blob(["postMessage(0)"], { type: "text/javascript" }));
  let worker: Worker | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    worker = new Worker(url);
    const started = worker;
    return await new Promise<boolean>((done) => {
      started.onmessage = () => done(true);
      started.onerror = () => done(false);
      // Neither event may come on some engines; a slow start only costs the threads, not the proof.
      timer = setTimeout(() => done(false), timeoutMs);
    });
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    worker?.terminate();
    URL.revokeObjectURL(url);
  }
}

let browserReady: Promise<{ singleThread: boolean }> | undefined;

/** The part of a curve this module looks at: its thread manager. */
interface SharedCurve {
  readonly tm?: unknown;
}

/**
 * Whether to work with `curve`'s threads, after making its idle workers release the process.
 * In Node, `curve` is the shared curve (globalThis.curve_bn128); without one, or with a thread
 * manager not shaped as expected, the answer is single-threaded. In browsers, the answer is
 * whether blob: workers may start (the curve is not looked at).
 */
export async function threadOptions(curve: SharedCurve | undefined): Promise<{ singleThread: boolean }> {
  if (!isNode()) {
    browserReady ??= blobWorkersStart().then((ok) => ({ singleThread: !ok }));
    return browserReady;
  }
  const tm = curve?.tm as ThreadManager | undefined;
  if (tm?.[PATCHED]) return { singleThread: false };
  const handles = tm && Array.isArray(tm.workers) && Array.isArray(tm.working) && typeof tm.postAction === "function"
    ? threadHandles(tm)
    : undefined;
  if (!tm || !handles) return { singleThread: true };
  installIdleUnref(tm, handles);
  return { singleThread: false };
}

/** Whether this runs in Node (worker threads to release), not a browser. */
export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}
