/**
 * A Groth16 proving key (snarkjs's .zkey), parsed once and kept: the prover reads its sections as
 * the byte ranges snarkjs's groth16_prove.js reads, but without re-reading and re-parsing the file
 * on every proof. Points stay in the zkey's own form (affine, Montgomery, little-endian), which is
 * what ffjavascript's wasm multi-exponentiation takes, so nothing is converted per proof.
 *
 * Format: iden3's binary container (github.com/iden3/binfileutils: "zkey", version, then typed
 * sections with 64-bit lengths) with the sections snarkjs's zkey_utils.js writes for Groth16:
 * 1 protocol, 2 header, 3 IC, 4 QAP coefficients, 5 A, 6 B in G1, 7 B in G2, 8 C, 9 H, 10
 * contributions. The bytes come from a pinned, hash-checked artifact, yet every length is still
 * checked, so a truncated or foreign file is refused here instead of reading past a section.
 */
import { MedzkError } from "../core/errors.js";

/** BN254's scalar field order r (the zkey's, and the witness's, prime). */
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254's base field order q. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const N8 = 32;
const G1_BYTES = 2 * N8;
const G2_BYTES = 4 * N8;
/** One QAP coefficient: matrix (u32), constraint (u32), signal (u32), value (Fr, Montgomery). */
const COEF_BYTES = 12 + N8;

export interface ProvingKey {
  /** Witness length, including the constant 1 at index 0. */
  readonly nVars: number;
  /** Public signals (outputs then public inputs): witness indices 1..nPublic. */
  readonly nPublic: number;
  /** Evaluation domain size (a power of two), and its log2. */
  readonly domainSize: number;
  readonly power: number;
  /** Verification-key points the proof adds (affine, Montgomery, little-endian: the zkey's bytes). */
  readonly alpha1: Uint8Array;
  readonly beta1: Uint8Array;
  readonly beta2: Uint8Array;
  readonly delta1: Uint8Array;
  readonly delta2: Uint8Array;
  /** Section 4 without its count: nCoefs entries of {@link COEF_BYTES}. */
  readonly coefs: Uint8Array;
  readonly nCoefs: number;
  /** Bases of the five multi-exponentiations (sections 5..9), affine points back to back. */
  readonly A: Uint8Array;
  readonly B1: Uint8Array;
  readonly B2: Uint8Array;
  readonly C: Uint8Array;
  readonly H: Uint8Array;
}

function bad(what: string): never {
  throw new MedzkError("ARTIFACT_INTEGRITY", `the proving key is not a Groth16 BN254 zkey: ${what}`);
}

function readLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Parses a zkey's bytes; throws ARTIFACT_INTEGRITY for anything but a well-formed Groth16 BN254 key. */
export function parseProvingKey(zkey: Uint8Array): ProvingKey {
  const view = new DataView(zkey.buffer, zkey.byteOffset, zkey.byteLength);
  if (zkey.length < 12 || String.fromCharCode(zkey[0]!, zkey[1]!, zkey[2]!, zkey[3]!) !== "zkey") bad("no zkey magic");
  if (view.getUint32(4, true) !== 1) bad(`version ${view.getUint32(4, true)}`);
  const nSections = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > zkey.length) bad("truncated section header");
    const type = view.getUint32(pos, true);
    const size = view.getBigUint64(pos + 4, true);
    pos += 12;
    if (size > BigInt(zkey.length - pos)) bad(`section ${type} runs past the end`);
    // NOTE: binfileutils allows a type to repeat; snarkjs reads the first. A Groth16 zkey never
    // repeats one, so a repeat is refused rather than guessed at.
    if (sections.has(type)) bad(`section ${type} appears twice`);
    sections.set(type, zkey.subarray(pos, pos + Number(size)));
    pos += Number(size);
  }
  if (pos !== zkey.length) bad("bytes after the last section");
  const section = (type: number, length?: number): Uint8Array => {
    const s = sections.get(type) ?? bad(`no section ${type}`);
    if (length !== undefined && s.length !== length) bad(`section ${type} has ${s.length} bytes, expected ${length}`);
    return s;
  };
  const u32 = (s: Uint8Array, at: number) => new DataView(s.buffer, s.byteOffset, s.byteLength).getUint32(at, true);

  if (u32(section(1, 4), 0) !== 1) bad("protocol is not Groth16");
  // Header: n8q, q, n8r, r, nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2, delta1, delta2.
  const header = section(2, 4 + N8 + 4 + N8 + 12 + 3 * G1_BYTES + 3 * G2_BYTES);
  if (u32(header, 0) !== N8 || readLE(header.subarray(4, 4 + N8)) !== Q) bad("base field is not BN254's");
  if (u32(header, 4 + N8) !== N8 || readLE(header.subarray(8 + N8, 8 + 2 * N8)) !== R) bad("scalar field is not BN254's");
  let at = 8 + 2 * N8;
  const nVars = u32(header, at);
  const nPublic = u32(header, at + 4);
  const domainSize = u32(header, at + 8);
  at += 12;
  const power = Math.log2(domainSize);
  // 2^28 is the largest power-of-two domain of BN254's Fr (its two-adicity).
  if (!Number.isInteger(power) || power < 1 || power > 28) bad(`domain size ${domainSize} is not a power of two up to 2^28`);
  if (nVars < nPublic + 1 || nPublic < 0) bad(`${nPublic} public signals among ${nVars}`);
  const take = (n: number) => header.subarray(at, (at += n));
  const alpha1 = take(G1_BYTES);
  const beta1 = take(G1_BYTES);
  const beta2 = take(G2_BYTES);
  take(G2_BYTES); // gamma2: the verifier's only
  const delta1 = take(G1_BYTES);
  const delta2 = take(G2_BYTES);

  const coefSection = section(4);
  if (coefSection.length < 4) bad("section 4 has no count");
  const nCoefs = u32(coefSection, 0);
  // Copies (slice), kept for the key's lifetime: a view would make each hand-off to a worker
  // (postMessage) clone the whole zkey buffer.
  const coefs = section(4, 4 + nCoefs * COEF_BYTES).slice(4);
  // qap_buildABC skips entries outside the domain or witness; a key that has any is not ours.
  const cv = new DataView(coefs.buffer, coefs.byteOffset, coefs.byteLength);
  for (let i = 0; i < nCoefs; i++) {
    const o = i * COEF_BYTES;
    if (cv.getUint32(o, true) > 1 || cv.getUint32(o + 4, true) >= domainSize || cv.getUint32(o + 8, true) >= nVars) bad(`QAP coefficient ${i} is out of range`);
  }
  return {
    nVars,
    nPublic,
    domainSize,
    power,
    alpha1,
    beta1,
    beta2,
    delta1,
    delta2,
    coefs,
    nCoefs,
    A: section(5, nVars * G1_BYTES).slice(),
    B1: section(6, nVars * G1_BYTES).slice(),
    B2: section(7, nVars * G2_BYTES).slice(),
    C: section(8, (nVars - nPublic - 1) * G1_BYTES).slice(),
    H: section(9, domainSize * G1_BYTES).slice(),
  };
}

/**
 * The witness of circom_runtime's calculateWTNSBin ("wtns" version 2: section 1 the field, section
 * 2 the values, each 32 bytes little-endian, normal form), as one buffer of `nVars` values.
 */
export function wtnsValues(wtns: Uint8Array, nVars: number): Uint8Array {
  const view = new DataView(wtns.buffer, wtns.byteOffset, wtns.byteLength);
  const fail = (what: string): never => {
    throw new MedzkError("PROVING_FAILED", `the witness calculator's output is not a wtns file: ${what}`);
  };
  if (wtns.length < 12 || String.fromCharCode(wtns[0]!, wtns[1]!, wtns[2]!, wtns[3]!) !== "wtns" || view.getUint32(4, true) !== 2) fail("no wtns v2 magic");
  let pos = 12;
  let values: Uint8Array | undefined;
  for (let i = 0; i < view.getUint32(8, true); i++) {
    if (pos + 12 > wtns.length) fail("truncated");
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > wtns.length) fail("truncated");
    if (type === 1) {
      if (size !== 8 + N8 || view.getUint32(pos, true) !== N8 || readLE(wtns.subarray(pos + 4, pos + 4 + N8)) !== R) fail("not over BN254's scalar field");
      const n = view.getUint32(pos + 4 + N8, true);
      if (n !== nVars) throw new MedzkError("PROVING_FAILED", `the witness has ${n} values, the proving key expects ${nVars}`);
    } else if (type === 2) {
      values = wtns.subarray(pos, pos + size);
    }
    pos += size;
  }
  if (!values || values.length !== nVars * N8) return fail("no witness section of the key's length");
  return values;
}
