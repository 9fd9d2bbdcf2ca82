/**
 * The ceremony transcript's strict parse (src/artifacts/ceremony-transcript.ts) and the ceremony
 * steps' refusal of a circuit that is not one of this version's before any file name is built
 * from it. No snarkjs work: every refusal here comes before it. The real ceremony (and the
 * verification key id checked against the final zkey) is test/e2e/ceremony.test.ts.
 */
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contribute, finalizeCeremony, initCeremony } from "../../../src/artifacts/ceremony.js";
import { checkCeremonyKeys, parseCeremony } from "../../../src/artifacts/ceremony-transcript.js";
import { MANIFEST } from "../../../src/artifacts/manifest.js";

const hash = (c: string) => c.repeat(64);
const zkey = (n: number, circuit = "age_at_least") => ({ path: `${circuit}_000${n}.zkey`, sha256: hash(String(n)) });

function transcript(change: (t: Record<string, any>) => void = () => {}): Record<string, any> {
  const t: Record<string, any> = {
    format: "medzk-ceremony/v1",
    circuit: "age_at_least",
    r1cs: MANIFEST.circuits["age_at_least"]!.r1cs,
    ptau: MANIFEST.ptau.sha256,
    initial: zkey(0),
    contributions: [{ index: 1, name: "Alice", previous: zkey(0).sha256, zkey: zkey(1), contributionHash: "ab".repeat(64), at: "2026-06-01T10:00:00.000Z" }],
    beacon: { value: "0102", iterationsExp: 10, previous: zkey(1).sha256, zkey: zkey(2), contributionHash: "cd".repeat(64), at: "2026-06-01T11:00:00.000Z", verificationKeyId: hash("e") },
  };
  change(t);
  return t;
}

/** Circuit values that must never reach a file name. */
const NOT_CIRCUITS: unknown[] = ["../x", "../../etc/x", "/tmp/x", "age_at_least/../x", "age_at_least/x", "x\\..\\y", "", ".", "..", "constructor", "__proto__", "toString", "Age_at_least", "no_such_circuit", 5, null, ["age_at_least"]];

describe("parseCeremony", () => {
  it("takes a transcript of each circuit of this version", () => {
    for (const circuit of Object.keys(MANIFEST.circuits)) {
      expect(parseCeremony(transcript((t) => (t.circuit = circuit))).circuit).toBe(circuit);
    }
    expect(parseCeremony(transcript())).toEqual(transcript());
  });

  it("refuses a circuit that is a path, an inherited name or not this version's (CEREMONY_INVALID)", () => {
    for (const circuit of NOT_CIRCUITS) {
      expect(() => parseCeremony(transcript((t) => (t.circuit = circuit))), JSON.stringify(circuit)).toThrow(
        expect.objectContaining({ code: "CEREMONY_INVALID", message: expect.stringContaining(`"circuit" must be a circuit of this medzk version`) }),
      );
    }
  });

  it("a finalized transcript names its verification key: missing or malformed refused", () => {
    expect(() => parseCeremony(transcript((t) => delete t.beacon.verificationKeyId))).toThrow(expect.objectContaining({ code: "CEREMONY_INVALID", message: expect.stringContaining("verificationKeyId") }));
    for (const id of ["AB".repeat(32), "ab".repeat(31), 1, null]) {
      expect(() => parseCeremony(transcript((t) => (t.beacon.verificationKeyId = id)))).toThrow(expect.objectContaining({ code: "CEREMONY_INVALID" }));
    }
    expect(parseCeremony(transcript((t) => delete t.beacon)).beacon).toBeUndefined();
  });
});

describe("checkCeremonyKeys", () => {
  const key = { circuit: "age_at_least", r1cs: MANIFEST.circuits["age_at_least"]!.r1cs, id: hash("e"), path: "age_at_least.vkey.json" };

  it("passes the key the transcript of its circuit names, and nothing else (table)", () => {
    expect(() => checkCeremonyKeys([key], [transcript()])).not.toThrow();
    const cases: Array<[string, Parameters<typeof checkCeremonyKeys>[0], unknown, string]> = [
      ["another key", [{ ...key, id: hash("f") }], [transcript()], "ARTIFACT_INTEGRITY"],
      ["another R1CS", [{ ...key, r1cs: hash("0") }], [transcript()], "ARTIFACT_INTEGRITY"],
      ["not finalized", [key], [transcript((t) => delete t.beacon)], "CEREMONY_INVALID"],
      ["no transcript", [key], [], "INVALID_ARGUMENT"],
      ["the transcript of another circuit", [key], [transcript((t) => (t.circuit = "insurance_active"))], "INVALID_ARGUMENT"],
      ["two transcripts of the circuit", [key], [transcript(), transcript()], "INVALID_ARGUMENT"],
      ["a transcript without a key", [key], [transcript(), transcript((t) => (t.circuit = "query"))], "INVALID_ARGUMENT"],
      ["not a list", [key], transcript(), "INVALID_ARGUMENT"],
      ["a malformed transcript", [key], [{ format: "medzk-ceremony/v1" }], "CEREMONY_INVALID"],
    ];
    for (const [name, keys, transcripts, code] of cases) expect(() => checkCeremonyKeys(keys, transcripts), name).toThrow(expect.objectContaining({ code }));
  });
});

describe("the ceremony steps never build a file name from a circuit that is not this version's", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "medzk-ceremony-circuit-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("init, contribute and finalize refuse it with a typed error, and write nothing anywhere", async () => {
    for (const [i, circuit] of ["../x", "/tmp/medzk-x", "constructor"].entries()) {
      const dir = join(root, `c${i}`, "ceremony");
      await expect(initCeremony({ circuit, r1cs: join(root, "none.r1cs"), ptau: join(root, "none.ptau"), dir })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining(`"circuit"`) });
      expect(existsSync(join(root, `c${i}`))).toBe(false);

      // A transcript altered to name one, over a real zkey it attests (the shipped one, linked), so
      // nothing else stops the step: before the fix, contribute wrote <dir>/../x_0001.zkey.
      await mkdir(dir, { recursive: true });
      const altered = transcript((t) => {
        t.circuit = circuit;
        t.initial = { path: "age_at_least_0000.zkey", sha256: MANIFEST.circuits["age_at_least"]!.files.zkey.sha256 };
        t.contributions = [];
        delete t.beacon;
      });
      await writeFile(join(dir, "ceremony.json"), JSON.stringify(altered));
      await symlink(resolve("artifacts/age_at_least.zkey"), join(dir, "age_at_least_0000.zkey"));
      const before = await readdir(join(root, `c${i}`), { recursive: true });
      await expect(contribute({ dir, name: "Mallory" })).rejects.toMatchObject({ code: "CEREMONY_INVALID", message: expect.stringContaining(`"circuit" must be a circuit`) });
      const out = join(root, `c${i}`, "keys");
      await expect(finalizeCeremony({ dir, r1cs: join(root, "none.r1cs"), ptau: join(root, "none.ptau"), beacon: "01", out })).rejects.toMatchObject({ code: "CEREMONY_INVALID" });
      expect(await readdir(join(root, `c${i}`), { recursive: true })).toEqual(before);
    }
    expect(existsSync("/tmp/medzk-x_0001.zkey")).toBe(false);
  });
});
