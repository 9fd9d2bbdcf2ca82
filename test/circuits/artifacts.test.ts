/**
 * The shipped artifacts are what the circuit sources and the registry produce (the same check as
 * `npm run check:artifacts --fast`, on the compile cache the soundness tests share), the compiled
 * public signals are the registry's, and the library refuses tampered artifacts. The slow part,
 * each proving key verified against its R1CS and the powers of tau (zkey new, then verify), is in
 * zkey-*.test.ts, one file per circuit family so vitest runs them side by side; build.test.ts runs
 * the build script.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkArtifacts, publicSignalNames } from "../../scripts/check-artifacts.mjs";
import { CIRCUITS, compiledCircuit } from "../../scripts/circuits.mjs";
import { loadProvingArtifacts } from "../../src/artifacts/loader.js";
import { nodeArtifactLocation } from "../../src/artifacts/node-source.js";

const provingArtifacts = (circuit: string, source?: string) => loadProvingArtifacts(circuit, nodeArtifactLocation(source));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-artifacts-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("artifacts", () => {
  it("each compiled circuit has the registry's public signals, in order, and its outputs", async () => {
    for (const c of CIRCUITS) {
      const compiled = await publicSignalNames(await compiledCircuit(c.name));
      expect(compiled.names, c.name).toEqual(c.publicSignals);
      expect(compiled.nOutputs, c.name).toBe(c.outputs.length);
    }
    // On a clean clone this waits for all six compiles (here or in the files compiling beside it).
  }, 600_000);

  it("match the circuit sources, the registry, their pins and the powers of tau (without zkey verify)", async () => {
    expect(await checkArtifacts({ verifyZkey: false })).toEqual([]);
  }, 600_000);

  it("names a circuit it does not know", async () => {
    expect(await checkArtifacts({ verifyZkey: false, circuits: ["no_such_circuit"] })).toEqual(["no_such_circuit: not in circuits/circuits.json"]);
  });

  it("refuses a proving key or wasm whose bytes differ from the pin", async () => {
    const copy = join(dir, "tampered");
    await cp("artifacts", copy, { recursive: true, filter: (src) => !/query\./.test(src) });
    await expect(provingArtifacts("age_at_least", copy)).resolves.toBeDefined();
    const zkeyPath = join(copy, "insurance_active.zkey");
    const bytes = await readFile(zkeyPath);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    await writeFile(zkeyPath, bytes);
    await expect(provingArtifacts("insurance_active", copy)).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
    await expect(provingArtifacts("age_at_least", join(copy, "missing"))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
  });
});
