/**
 * Worker-thread entry for batch verification across cores (src/pairing-pool.ts). Each worker
 * keeps its own single-threaded curve and prepared keys and answers "check these items against
 * this circuit's pinned key" with one boolean per item.
 */
import { parentPort } from "node:worker_threads";
import { verificationKey } from "./artifacts.js";
import { type ParsedProof, prepareKey, type PreparedKey } from "./groth16.js";
import { verifyGroth16Batch } from "./groth16-batch.js";

interface Job {
  id: number;
  circuit: string;
  items: { signals: bigint[]; proof: ParsedProof }[];
}

const keys = new Map<string, Promise<PreparedKey>>();
const keyFor = (circuit: string) => {
  let key = keys.get(circuit);
  if (!key) {
    key = prepareKey(verificationKey(circuit));
    keys.set(circuit, key);
  }
  return key;
};

parentPort?.on("message", async (job: Job) => {
  try {
    parentPort!.postMessage({ id: job.id, results: await verifyGroth16Batch(await keyFor(job.circuit), job.items) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: String(err) });
  }
});
