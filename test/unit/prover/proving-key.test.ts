/**
 * The resident proving key's parser (src/prover/proving-key.ts), held against snarkjs's own
 * reading of the shipped zkeys (its exported verification key and iden3's binfileutils section
 * table), and against truncated, foreign and altered files; and the witness file reader. No proof.
 */
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { describe, expect, it } from "vitest";
import { parseProvingKey, wtnsValues } from "../../../src/prover/proving-key.js";
import { codeOf } from "../../helpers/errors.js";

/** What the test reads of @iden3/binfileutils (snarkjs's container reader; it ships no types). */
interface BinFileUtils {
  readBinFile(file: { type: "mem"; data: Uint8Array }, type: string, maxVersion: number): Promise<{ fd: { close(): Promise<void> }; sections: unknown }>;
  readSection(fd: unknown, sections: unknown, type: number): Promise<Uint8Array>;
}
const binFileUtils = (await import("@iden3/binfileutils" as string)) as BinFileUtils;
const zkeyOf = (circuit: string) => new Uint8Array(readFileSync(`artifacts/${circuit}.zkey`));
const AGE = zkeyOf("age_at_least");
const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

/** A copy of `zkey` with the u32 at `at` replaced. */
function withU32(zkey: Uint8Array, at: number, value: number): Uint8Array {
  const copy = zkey.slice();
  new DataView(copy.buffer).setUint32(at, value, true);
  return copy;
}

/** Offset of section `type`'s data in a zkey (walking the section table). */
function sectionOffset(zkey: Uint8Array, type: number): number {
  const view = new DataView(zkey.buffer, zkey.byteOffset, zkey.byteLength);
  let pos = 12;
  for (let i = 0; i < u32(zkey, 8); i++) {
    const size = Number(view.getBigUint64(pos + 4, true));
    if (u32(zkey, pos) === type) return pos + 12;
    pos += 12 + size;
  }
  throw new Error(`no section ${type}`);
}

describe("parseProvingKey", () => {
  it.each(["age_at_least", "query_hidden"])("reads %s as snarkjs does", async (circuit) => {
    const zkey = zkeyOf(circuit);
    const key = parseProvingKey(zkey);
    const vk = (await snarkjs.zKey.exportVerificationKey({ type: "mem", data: zkey } as never)) as unknown as { nPublic: number };
    expect(key.nPublic).toBe(vk.nPublic);
    // The same byte ranges binfileutils finds for each section.
    const { fd, sections } = await binFileUtils.readBinFile({ type: "mem", data: zkey }, "zkey", 2);
    for (const [type, name] of [[5, "A"], [6, "B1"], [7, "B2"], [8, "C"], [9, "H"]] as const) {
      const section = await binFileUtils.readSection(fd, sections, type);
      expect(Buffer.from(key[name]).equals(Buffer.from(section)), name).toBe(true);
    }
    await fd.close();
    expect(key.domainSize).toBe(2 ** key.power);
    expect(key.B2.length).toBe(key.nVars * 128);
    expect(key.H.length).toBe(key.domainSize * 64);
  });

  it("refuses a file that is not a Groth16 BN254 zkey", () => {
    const refused = (bytes: Uint8Array) => codeOf(() => parseProvingKey(bytes));
    expect(refused(new Uint8Array(0))).toBe("ARTIFACT_INTEGRITY");
    expect(refused(AGE.subarray(0, AGE.length - 1))).toBe("ARTIFACT_INTEGRITY"); // truncated
    const trailing = new Uint8Array(AGE.length + 1);
    trailing.set(AGE);
    expect(refused(trailing)).toBe("ARTIFACT_INTEGRITY"); // a byte after the last section
    const wtnsMagic = AGE.slice();
    wtnsMagic.set([0x77, 0x74, 0x6e, 0x73]); // "wtns"
    expect(refused(wtnsMagic)).toBe("ARTIFACT_INTEGRITY");
    expect(refused(withU32(AGE, 4, 2))).toBe("ARTIFACT_INTEGRITY"); // version
    expect(refused(withU32(AGE, sectionOffset(AGE, 1), 2))).toBe("ARTIFACT_INTEGRITY"); // PLONK
    const header = sectionOffset(AGE, 2);
    expect(refused(withU32(AGE, header + 4 + 32 + 4 + 32 + 8, 3000))).toBe("ARTIFACT_INTEGRITY"); // domain not 2^k
    // nVars changed: every base section's length disagrees.
    expect(refused(withU32(AGE, header + 4 + 32 + 4 + 32, u32(AGE, header + 72) + 1))).toBe("ARTIFACT_INTEGRITY");
    // A QAP coefficient pointing past the witness or the domain, or at a third matrix.
    const coefs = sectionOffset(AGE, 4) + 4;
    expect(refused(withU32(AGE, coefs + 8, 1 << 30))).toBe("ARTIFACT_INTEGRITY");
    expect(refused(withU32(AGE, coefs + 4, 1 << 30))).toBe("ARTIFACT_INTEGRITY");
    expect(refused(withU32(AGE, coefs, 2))).toBe("ARTIFACT_INTEGRITY");
    // Section 10 renumbered as 9: a section twice.
    expect(refused(withU32(AGE, sectionOffset(AGE, 10) - 12, 9))).toBe("ARTIFACT_INTEGRITY");
  });
});

describe("wtnsValues", () => {
  const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  /** A wtns v2 file as circom_runtime's calculateWTNSBin writes it. */
  function wtns(n: number, prime = R): Uint8Array {
    const out = new Uint8Array(12 + 12 + 40 + 12 + 32 * n);
    const v = new DataView(out.buffer);
    out.set([0x77, 0x74, 0x6e, 0x73]);
    v.setUint32(4, 2, true);
    v.setUint32(8, 2, true);
    v.setUint32(12, 1, true);
    v.setBigUint64(16, 40n, true);
    v.setUint32(24, 32, true);
    for (let i = 0; i < 32; i++) out[28 + i] = Number((prime >> BigInt(8 * i)) & 0xffn);
    v.setUint32(60, n, true);
    v.setUint32(64, 2, true);
    v.setBigUint64(68, BigInt(32 * n), true);
    for (let i = 0; i < 32 * n; i++) out[76 + i] = i & 0xff;
    return out;
  }

  it("returns the witness section", () => {
    const file = wtns(3);
    expect([...wtnsValues(file, 3)]).toEqual([...file.subarray(76)]);
  });

  it("refuses another length, another field, or a damaged file", () => {
    expect(codeOf(() => wtnsValues(wtns(3), 4))).toBe("PROVING_FAILED");
    expect(codeOf(() => wtnsValues(wtns(3, R + 2n), 3))).toBe("PROVING_FAILED");
    expect(codeOf(() => wtnsValues(wtns(3).subarray(0, 100), 3))).toBe("PROVING_FAILED");
    expect(codeOf(() => wtnsValues(AGE, 3))).toBe("PROVING_FAILED");
  });
});
