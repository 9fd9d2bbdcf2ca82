/**
 * The strict proof parser: exactly snarkjs's JSON, one spelling per point, and never the point at
 * infinity (whose all-zero encoding ffjavascript would read as a valid point).
 */
import { describe, expect, it } from "vitest";
import { BASE_FIELD_ORDER } from "../../../src/core/field.js";
import { parseProof } from "../../../src/groth16/proof.js";
import { POINTS, wellFormedProof } from "./proof-json.js";

const { g1, g2 } = POINTS;

/** A proof JSON open to any edit: the parser must refuse whatever a client could send. */
// biome-ignore lint: deliberately untyped, for tampering.
type ProofJson = Record<string, any>;
const edited = (edit: (p: ProofJson) => void): unknown => {
  const p = wellFormedProof() as ProofJson;
  edit(p);
  return p;
};

describe("parseProof", () => {
  it("parses snarkjs's JSON into affine coordinates, frozen", () => {
    const parsed = parseProof(wellFormedProof())!;
    expect(parsed.a).toEqual([g1.x, g1.y]);
    expect(parsed.b).toEqual([[g2.x.c0, g2.x.c1], [g2.y.c0, g2.y.c1]]);
    expect(parsed.c).toEqual([g1.x, BASE_FIELD_ORDER - g1.y]);
    expect(Object.isFrozen(parsed) && Object.isFrozen(parsed.b[0])).toBe(true);
    expect(parseProof(parsed)).toBe(parsed); // a parsed proof passes through
    expect(parseProof({ ...parsed })).toBeUndefined(); // a hand-made copy is not a proof JSON
  });

  it("refuses unknown and missing keys", () => {
    for (const edit of [
      (p: ProofJson) => void (p["nullifier"] = "1"),
      (p: ProofJson) => void (p["valid"] = 1),
      (p: ProofJson) => void (p["pi_d"] = p.pi_a),
      (p: ProofJson) => void delete (p as Partial<ProofJson>).curve,
      (p: ProofJson) => void delete (p as Partial<ProofJson>).pi_c,
    ]) {
      expect(parseProof(edited(edit))).toBeUndefined();
    }
    expect(parseProof(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(wellFormedProof()).slice(1)}`))).toBeUndefined();
    for (const value of [undefined, null, 1, "proof", [], [wellFormedProof()]]) expect(parseProof(value)).toBeUndefined();
  });

  it("refuses another protocol or curve", () => {
    expect(parseProof(edited((p) => void (p.protocol = "plonk")))).toBeUndefined();
    expect(parseProof(edited((p) => void (p.curve = "bls12381")))).toBeUndefined();
  });

  it("refuses the point at infinity for A, B and C, in every encoding", () => {
    const g1Infinity = [["0", "0", "1"], ["0", "1", "0"], ["1", "1", "0"], ["0", "0", "0"]];
    for (const point of g1Infinity) {
      expect(parseProof(edited((p) => void (p["pi_a"] = point)))).toBeUndefined();
      expect(parseProof(edited((p) => void (p["pi_c"] = point)))).toBeUndefined();
    }
    const g2Infinity = [
      [["0", "0"], ["0", "0"], ["1", "0"]],
      [["0", "0"], ["1", "0"], ["0", "0"]],
      [["1", "0"], ["1", "0"], ["0", "0"]],
    ];
    for (const point of g2Infinity) expect(parseProof(edited((p) => void (p["pi_b"] = point)))).toBeUndefined();
  });

  it("refuses every z other than 1 (projective encodings of affine points included)", () => {
    const twice = (v: string) => ((2n * BigInt(v)) % BASE_FIELD_ORDER).toString();
    for (const z of ["2", "01", "1.0", " 1", "0x1", 1, "0"]) {
      expect(parseProof(edited((p) => void (p.pi_a[2] = z as string)))).toBeUndefined();
      expect(parseProof(edited((p) => void (p.pi_c[2] = z as string)))).toBeUndefined();
    }
    for (const z of [["1", "1"], ["0", "1"], ["2", "0"], ["1"], ["1", "0", "0"], "1"]) {
      expect(parseProof(edited((p) => void (p["pi_b"] = [p.pi_b[0], p.pi_b[1], z])))).toBeUndefined();
    }
    // The same point in Jacobian form with z = 2 would be a valid encoding for ffjavascript.
    expect(parseProof(edited((p) => void (p.pi_a = [twice(p.pi_a[0]), twice(p.pi_a[1]), "2"])))).toBeUndefined();
  });

  it("refuses non-canonical coordinates and wrong shapes", () => {
    const x = wellFormedProof().pi_a[0];
    for (const bad of [`0${x}`, `+${x}`, `${x} `, `0x${BigInt(x).toString(16)}`, (BigInt(x) + BASE_FIELD_ORDER).toString(), BASE_FIELD_ORDER.toString(), Number(x), BigInt(x), null]) {
      expect(parseProof(edited((p) => void (p.pi_a[0] = bad as string)))).toBeUndefined();
      expect(parseProof(edited((p) => void (p.pi_b[1][0] = bad as string)))).toBeUndefined();
    }
    expect(parseProof(edited((p) => void (p["pi_a"] = p.pi_a.slice(0, 2))))).toBeUndefined();
    expect(parseProof(edited((p) => void (p["pi_c"] = [...p.pi_c, "1"])))).toBeUndefined();
    expect(parseProof(edited((p) => void (p["pi_b"] = p.pi_b.slice(0, 2))))).toBeUndefined();
    expect(parseProof(edited((p) => void (p.pi_b[0] = [x])))).toBeUndefined();
  });
});
