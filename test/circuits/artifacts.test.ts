/** The shipped artifacts are what the circuit sources produce, and the library refuses tampered ones. */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkArtifacts } from "../../scripts/check-artifacts.mjs";
import { MANIFEST, assertUsableKey, verificationKey } from "../../src/artifacts/manifest.js";
import { provingArtifacts } from "../../src/artifacts/node-source.js";

describe("artifacts", () => {
  it("match the circuit sources, their pins and the powers of tau (zkey verify)", async () => {
    expect(await checkArtifacts({ verifyZkey: true })).toEqual([]);
  }, 240_000);

  it("pins constraint counts (age with revocation under 8,000; 4 predicates + revocation + disclosure under 11,000)", () => {
    expect(MANIFEST.circuits["age_at_least"]!.constraints).toBe(7761);
    expect(MANIFEST.circuits["insurance_active"]!.constraints).toBe(7804);
    expect(MANIFEST.circuits["query"]!.constraints).toBe(9135);
  });

  it("bundled verification keys pass their pins and the phase-2 check", () => {
    for (const [name, nPublic] of [["age_at_least", 8], ["insurance_active", 8], ["query", 92]] as const) {
      const vk = verificationKey(name);
      expect(vk.nPublic).toBe(nPublic);
      expect(vk.vk_gamma_2).not.toEqual(vk.vk_delta_2);
    }
  });

  it("refuses a key without a phase-2 contribution, or of the wrong shape", () => {
    const vk = verificationKey("age_at_least");
    const entry = MANIFEST.circuits["age_at_least"]!;
    expect(() => assertUsableKey({ ...vk, vk_delta_2: vk.vk_gamma_2 }, entry)).toThrow(/gamma == delta/);
    expect(() => assertUsableKey({ ...vk, IC: vk.IC.slice(1) }, entry)).toThrow(/manifest/);
    expect(() => assertUsableKey({ ...vk, nPublic: 7 }, entry)).toThrow(/manifest/);
  });

  it("refuses a proving key or wasm whose bytes differ from the pin", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-artifacts-"));
    await cp("artifacts", dir, { recursive: true });
    await expect(provingArtifacts("age_at_least", dir)).resolves.toBeDefined();
    const zkeyPath = join(dir, "insurance_active.zkey");
    const bytes = await readFile(zkeyPath);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    await writeFile(zkeyPath, bytes);
    await expect(provingArtifacts("insurance_active", dir)).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
    await expect(provingArtifacts("age_at_least", join(dir, "missing"))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
  });
});
