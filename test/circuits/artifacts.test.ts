/**
 * The shipped artifacts are what the circuit sources and the registry produce (the same check as
 * `npm run check:artifacts`, on the compile cache the soundness tests share), the compiled public
 * signals are the registry's, the build script makes a fresh proving key for the same circuit, and
 * the library refuses tampered artifacts.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkArtifacts, publicSignalNames } from "../../scripts/check-artifacts.mjs";
import { CIRCUITS, compiledCircuit } from "../../scripts/circuits.mjs";
import { provingArtifacts } from "../../src/artifacts/node-source.js";

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
  });

  it("match the circuit sources, the registry, their pins and the powers of tau (zkey verify)", async () => {
    expect(await checkArtifacts({ verifyZkey: true })).toEqual([]);
  }, 240_000);

  it("npm run build:circuits rebuilds one circuit: same r1cs and wasm, a fresh proving key", async () => {
    const out = join(dir, "rebuilt");
    await cp("artifacts", out, { recursive: true, filter: (src) => !/\.(zkey|wasm)$/.test(src) });
    const before = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/build-circuits.mjs", "--out", out, "age_at_least"], { maxBuffer: 1 << 24 });
    expect(stdout).toContain("[build-circuits] age_at_least: 7761 constraints, 8 public signals; groth16 setup");
    const after = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    expect(after.circuits.age_at_least.r1cs).toBe(before.circuits.age_at_least.r1cs);
    expect(after.circuits.age_at_least.files.wasm).toEqual(before.circuits.age_at_least.files.wasm);
    expect(after.circuits.age_at_least.files.zkey.sha256).not.toBe(before.circuits.age_at_least.files.zkey.sha256);
    const vkey = JSON.parse(await readFile(join(out, "age_at_least.vkey.json"), "utf8"));
    expect(vkey.nPublic).toBe(8);
    expect(vkey.vk_delta_2).not.toEqual(vkey.vk_gamma_2);
    // The circuits not named keep their entries.
    expect(after.circuits.query).toEqual(before.circuits.query);
    expect(Object.keys(after.circuits)).toEqual(Object.keys(before.circuits));
  }, 240_000);

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
