/**
 * The shipped BN254 wasm's fused Fq functions (scripts/bn254-fast-field.mjs replaces wasmcurves'
 * f1m_add, f1m_sub and the final reductions of f1m_mul and f1m_square) against BigInt arithmetic:
 * canonical results (< q) on edge values around 0, q and the 32-bit limb boundaries, on random
 * elements, and with the output aliasing an input; likewise bn128__mulXi, the multiplication of an
 * Fq2 element by ξ = 9 + u (scripts/bn254-tower.mjs: one reduction of values up to 10·q), and
 * f2m_mul and f2m_square (scripts/bn254-fq2-mul.mjs: Karatsuba with two Montgomery reductions,
 * fused squaring), and f2m_add and f2m_sub (the fused Fq code for both coordinates). The pairing-level comparisons with
 * ffjavascript's own module are in ./curve.test.ts and ./multi-miller.test.ts.
 */
import { describe, expect, it } from "vitest";
import { BN254_WASM_BASE64 } from "../../../src/groth16/generated/bn254-wasm.js";

const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 1n << 256n;
const mod = (x: bigint) => ((x % Q) + Q) % Q;
function inverse(a: bigint): bigint {
  let [t, newT, r, newR] = [0n, 1n, Q, mod(a)];
  while (newR !== 0n) {
    const k = r / newR;
    [t, newT] = [newT, t - k * newT];
    [r, newR] = [newR, r - k * newR];
  }
  return mod(t);
}
const R_INV = inverse(R);

type Fq = Record<"f1m_add" | "f1m_sub" | "f1m_mul", (x: number, y: number, r: number) => void> & {
  f1m_square(x: number, r: number): void;
  bn128__mulXi(a: number, r: number): void;
  f2m_mul(x: number, y: number, r: number): void;
  f2m_square(x: number, r: number): void;
  f2m_add(x: number, y: number, r: number): void;
  f2m_sub(x: number, y: number, r: number): void;
};

async function shippedField(): Promise<{ fq: Fq; u8: () => Uint8Array }> {
  const memory = new WebAssembly.Memory({ initial: 25 });
  const { instance } = await WebAssembly.instantiate(Buffer.from(BN254_WASM_BASE64, "base64"), { env: { memory } });
  return { fq: instance.exports as unknown as Fq, u8: () => new Uint8Array(memory.buffer) };
}

function le(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
function fromLe(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** A deterministic generator of elements < q (xorshift64*, so failures reproduce). */
function elements(seed: bigint): () => bigint {
  let s = seed;
  const next = () => {
    s ^= s << 13n;
    s &= (1n << 64n) - 1n;
    s ^= s >> 7n;
    s ^= s << 17n;
    s &= (1n << 64n) - 1n;
    return s;
  };
  return () => ((next() << 192n) | (next() << 128n) | (next() << 64n) | next()) % Q;
}

const EDGES = [0n, 1n, 2n, Q - 1n, Q - 2n, (Q - 1n) / 2n, (Q + 1n) / 2n, (1n << 32n) - 1n, 1n << 32n, (1n << 224n) - 1n, Q - (1n << 32n), Q - (1n << 224n), R - 1n - (R - Q)];

describe("fused Fq arithmetic in the shipped BN254 wasm", () => {
  it("add, sub, mul and square equal BigInt arithmetic mod q (Montgomery mul: x·y·2^-256), also in place", async () => {
    const { fq, u8 } = await shippedField();
    const [X, Y, OUT] = [1 << 20, (1 << 20) + 32, (1 << 20) + 64];
    const expected = {
      f1m_add: (x: bigint, y: bigint) => mod(x + y),
      f1m_sub: (x: bigint, y: bigint) => mod(x - y),
      f1m_mul: (x: bigint, y: bigint) => mod(x * y * R_INV),
      f1m_square: (x: bigint) => mod(x * x * R_INV),
    };
    const random = elements(0x9e3779b97f4a7c15n);
    const pairs: Array<[bigint, bigint]> = [];
    for (const x of EDGES) for (const y of EDGES) pairs.push([x, y]);
    for (let i = 0; i < 2000; i++) {
      const x = random();
      // Sums landing exactly on q − 1, q and q + 1, and differences around 0.
      pairs.push([x, random()], [x, Q - 1n - x], [x, mod(Q - x)], [x, mod(Q + 1n - x)], [x, x], [x, mod(x + 1n)]);
    }
    const failures: string[] = [];
    for (const [x, y] of pairs) {
      for (const op of ["f1m_add", "f1m_sub", "f1m_mul", "f1m_square"] as const) {
        const want = op === "f1m_square" ? expected[op](x) : expected[op](x, y);
        for (const inPlace of [false, true]) {
          const mem = u8();
          mem.set(le(x), X);
          mem.set(le(y), Y);
          const out = inPlace ? X : OUT;
          if (op === "f1m_square") fq.f1m_square(X, out);
          else fq[op](X, Y, out);
          const got = fromLe(u8().subarray(out, out + 32));
          if (got !== want) failures.push(`${op}(${x}, ${y})${inPlace ? " in place" : ""} = ${got}, want ${want}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(pairs.length).toBeGreaterThan(12000);
  });

  it("bn128__mulXi equals (9·a0 − a1, a0 + 9·a1) mod q (Montgomery form is linear), also in place", async () => {
    const { fq, u8 } = await shippedField();
    const [A, OUT] = [1 << 20, (1 << 20) + 64];
    const random = elements(0x2545f4914f6cdd1dn);
    // Edge pairs put 9·a0 − a1 + q and a0 + 9·a1 at 0, just under and over multiples of q, up to ~10·q.
    const pairs: Array<[bigint, bigint]> = [];
    for (const x of EDGES) for (const y of EDGES) pairs.push([x, y]);
    for (let k = 0n; k < 10n; k++) {
      for (const d of [-1n, 0n, 1n]) {
        const x = random();
        pairs.push([x, mod(9n * x - k * Q + d)], [mod(k * Q + d - 9n * x), x]);
      }
    }
    for (let i = 0; i < 1000; i++) pairs.push([random(), random()]);
    const failures: string[] = [];
    for (const [a0, a1] of pairs) {
      const want = [mod(9n * a0 - a1), mod(a0 + 9n * a1)];
      for (const inPlace of [false, true]) {
        const mem = u8();
        mem.set(le(a0), A);
        mem.set(le(a1), A + 32);
        const out = inPlace ? A : OUT;
        fq.bn128__mulXi(A, out);
        const got = [fromLe(u8().subarray(out, out + 32)), fromLe(u8().subarray(out + 32, out + 64))];
        if (got[0] !== want[0] || got[1] !== want[1]) failures.push(`mulXi(${a0}, ${a1})${inPlace ? " in place" : ""} = ${got}, want ${want}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it("f2m_mul equals (a0·b0 − a1·b1, a0·b1 + a1·b0)·2^-256 mod q, f2m_square the square, f2m_add and f2m_sub the sum and difference, with the output aliasing an input", async () => {
    const { fq, u8 } = await shippedField();
    const [X, Y, OUT] = [1 << 20, (1 << 20) + 64, (1 << 20) + 128];
    const random = elements(0x94d049bb133111ebn);
    const quads: Array<[bigint, bigint, bigint, bigint]> = [];
    // Every edge pair as x against a spread of edge pairs as y: r0's sum P0 − P1 + q·2^256 from
    // near 0 to near 2q·2^256 (its result up to 3q before the two subtractions), r1's up to 2q².
    const edgePairs = EDGES.flatMap((a) => EDGES.map((b) => [a, b] as const));
    edgePairs.forEach(([a0, a1], i) => {
      for (let j = 0; j < edgePairs.length; j += 13) quads.push([a0, a1, ...edgePairs[(i + j) % edgePairs.length]!]);
    });
    for (let i = 0; i < 1000; i++) quads.push([random(), random(), random(), random()]);
    const failures: string[] = [];
    for (const [a0, a1, b0, b1] of quads) {
      const want = [mod((a0 * b0 - a1 * b1) * R_INV), mod((a0 * b1 + a1 * b0) * R_INV)];
      for (const out of [OUT, X, Y]) {
        const mem = u8();
        mem.set(le(a0), X);
        mem.set(le(a1), X + 32);
        mem.set(le(b0), Y);
        mem.set(le(b1), Y + 32);
        fq.f2m_mul(X, Y, out);
        const got = [fromLe(u8().subarray(out, out + 32)), fromLe(u8().subarray(out + 32, out + 64))];
        if (got[0] !== want[0] || got[1] !== want[1]) failures.push(`f2m_mul((${a0}, ${a1}), (${b0}, ${b1})) into ${out} = ${got}, want ${want}`);
      }
      for (const [op, f] of [["f2m_add", (x: bigint, y: bigint) => mod(x + y)], ["f2m_sub", (x: bigint, y: bigint) => mod(x - y)]] as const) {
        for (const out of [OUT, X, Y]) {
          const mem = u8();
          mem.set(le(a0), X);
          mem.set(le(a1), X + 32);
          mem.set(le(b0), Y);
          mem.set(le(b1), Y + 32);
          fq[op](X, Y, out);
          const got = [fromLe(u8().subarray(out, out + 32)), fromLe(u8().subarray(out + 32, out + 64))];
          if (got[0] !== f(a0, b0) || got[1] !== f(a1, b1)) failures.push(`${op}((${a0}, ${a1}), (${b0}, ${b1})) into ${out} = ${got}`);
        }
      }
      const wantSq = [mod((a0 * a0 - a1 * a1) * R_INV), mod(2n * a0 * a1 * R_INV)];
      for (const out of [OUT, X]) {
        const mem = u8();
        mem.set(le(a0), X);
        mem.set(le(a1), X + 32);
        fq.f2m_square(X, out);
        const got = [fromLe(u8().subarray(out, out + 32)), fromLe(u8().subarray(out + 32, out + 64))];
        if (got[0] !== wantSq[0] || got[1] !== wantSq[1]) failures.push(`f2m_square((${a0}, ${a1})) into ${out} = ${got}, want ${wantSq}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(quads.length).toBeGreaterThan(3000);
  });
});
