/**
 * `npm run build:circuits` (scripts/build-circuits.mjs) rebuilding one circuit into a scratch
 * directory: the same r1cs and wasm (the compile cache the other circuit tests share), a fresh
 * phase-2 contribution, and the other circuits' manifest entries kept. The only test that runs a
 * Groth16 setup.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-build-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("build:circuits", () => {
  it("npm run build:circuits rebuilds one circuit: same r1cs and wasm, a fresh proving key", async () => {
    const out = join(dir, "artifacts");
    await cp("artifacts", out, { recursive: true, filter: (src) => !/\.(zkey|wasm)$/.test(src) });
    const before = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/build-circuits.mjs", "--out", out, "age_at_least"], { maxBuffer: 1 << 24 });
    expect(stdout).toContain("[build-circuits] age_at_least: 7761 constraints, 8 public signals; groth16 setup");
    const after = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
    expect(after.circuits.age_at_least.r1cs).toBe(before.circuits.age_at_least.r1cs);
    expect(after.circuits.age_at_least.files.wasm).toEqual(before.circuits.age_at_least.files.wasm);
    // zkey new is deterministic: the same initial zkey (which ceremony verification may start from).
    expect(after.circuits.age_at_least.initialZkey).toBe(before.circuits.age_at_least.initialZkey);
    expect(after.circuits.age_at_least.files.zkey.sha256).not.toBe(before.circuits.age_at_least.files.zkey.sha256);
    const vkey = JSON.parse(await readFile(join(out, "age_at_least.vkey.json"), "utf8"));
    expect(vkey.nPublic).toBe(8);
    expect(vkey.vk_delta_2).not.toEqual(vkey.vk_gamma_2);
    // The circuits not named keep their entries.
    expect(after.circuits.query).toEqual(before.circuits.query);
    expect(Object.keys(after.circuits)).toEqual(Object.keys(before.circuits));
    // Waits for zkey new of age_at_least when another file (zkey-age-at-least) computes it first.
  }, 600_000);
});
