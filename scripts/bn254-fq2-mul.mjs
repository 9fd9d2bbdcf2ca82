/**
 * A fused Fq2 multiplication and squaring for wasmcurves' BN254 module (Fq2 = Fq[u]/(u² + 1)),
 * applied by scripts/bn254-wasm-source.mjs after ./bn254-fast-field.mjs: f2m_mul and f2m_square
 * keep their index, name, signature and result and get new bodies (f2m_square: see buildSquare).
 *
 * wasmcurves' f2m_mul is Karatsuba over calls: three f1m_mul (each a 256×256-bit product and a
 * Montgomery reduction, interleaved column by column) and five additions. Here the same Karatsuba
 * with lazy reduction (Aranha, Karabina, Longa, Gebotys and López, "Faster explicit formulas for
 * computing pairings over ordinary curves", EUROCRYPT 2011, §3: reduce sums of products once):
 *   P0 = a0·b0, P1 = a1·b1 (512-bit, unreduced), then
 *   r0 = REDC(P0 − P1 + q·2^256)   (≥ 0, < 2·q·2^256, so REDC < 3q: up to two subtractions of q)
 *   r1 = REDC((a0 + a1)(b0 + b1) − P0 − P1)   (= a0·b1 + a1·b0 < 2q², so REDC < 2q: one subtraction)
 * where REDC(T) = T·2^−256 mod q is the word-by-word Montgomery reduction (the m_k of each of the
 * low 8 columns, q' = −q^−1 mod 2^32, exactly as in wasmcurves' f1m_mul). Two reductions instead
 * of three: 320 32×32-bit products instead of 384, no calls, every limb in locals.
 *
 * Columns are summed as wasmcurves does (low word + products in `c0`, carries in `c1`), with the
 * signed terms (−P0_k, −P1_k) added into the same accumulators and carries taken by arithmetic
 * shifts, so partial sums may go below zero (their final value is ≥ 0). All inputs are loaded
 * before anything is stored: r may alias x or y. Results are canonical (< q), so bit for bit what
 * wasmcurves' f2m_mul gives; test/unit/groth16/fast-field.test.ts checks it against BigInt
 * arithmetic, and test/unit/groth16/wasm-tower.test.ts everything built on it against
 * ffjavascript's own module.
 */
import { fnByName, resetBody } from "./bn254-fast-field.mjs";

const N32 = 8;
const F1_SIZE = 32;
const MASK32 = 0xffffffff;

/** q' = −q^−1 mod 2^32, the Montgomery constant of wasmcurves' f1m_mul. */
function montgomeryConstant(q) {
  const W = 1n << 32n;
  let inv = 1n; // q^−1 mod 2^32 by Newton's iteration (q is odd): each step doubles the correct bits.
  for (let i = 0; i < 6; i++) inv = (inv * (((2n - q * inv) % W) + W)) % W;
  const np32 = Number((W - inv) % W);
  if ((BigInt(np32) * q + 1n) % W !== 0n) throw new Error("q' = −q^−1 mod 2^32 is wrong");
  return np32;
}

/**
 * Resets `name`'s body and declares the limb locals; returns the code array and the column
 * helpers (product, REDC, subtraction of q) that write into it.
 */
function engine(module, name) {
  const q = module.modules.f1m.q;
  const ql = Array.from({ length: N32 }, (_, i) => Number((q >> BigInt(32 * i)) & 0xffffffffn));
  const np32 = montgomeryConstant(q);
  const f = fnByName(module, name);
  if (f.params.length < 2) throw new Error(`${name}: unexpected signature`);
  resetBody(f);
  const names = [];
  for (const p of ["xa", "xb", "ya", "yb", "sa", "sb", "m"]) for (let i = 0; i < N32; i++) names.push(`${p}${i}`);
  for (const p of ["P", "R"]) for (let i = 0; i < 2 * N32; i++) names.push(`${p}${i}`);
  for (let i = 0; i < N32; i++) names.push(`r${i}`, `e${i}`, `g${i}`);
  names.push("c0", "c1");
  for (const name of names) f.addLocal(name, "i64");
  const c = f.getCodeBuilder();
  const L = (name) => c.getLocal(name);
  const k64 = (v) => c.i64_const(v);
  const M = k64(MASK32);
  const code = [];

  /** Loads the Fq element at byte `off` of pointer local `p` into limbs `${dst}0..7`. */
  const load = (p, off, dst) => {
    for (let i = 0; i < N32; i++) code.push(c.setLocal(`${dst}${i}`, c.i64_load32_u(L(p), off + 4 * i)));
  };
  /** dst = u + v + addend (limbs; the caller bounds the sum below 2^256). */
  const sum = (dst, u, v, addend = 0n) => {
    for (let i = 0; i < N32; i++) {
      let e = c.i64_add(L(`${u}${i}`), v === null ? k64(0) : L(`${v}${i}`));
      e = c.i64_add(e, k64(Number((addend >> BigInt(32 * i)) & 0xffffffffn)));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("c0"), k64(32)));
      code.push(c.setLocal("c0", e), c.setLocal(`${dst}${i}`, c.i64_and(L("c0"), M)));
    }
  };
  /** dst = u − v + addend (limbs; the caller keeps it in [0, 2^256)). */
  const diff = (dst, u, v, addend) => {
    for (let i = 0; i < N32; i++) {
      let e = c.i64_sub(c.i64_add(L(`${u}${i}`), k64(Number((addend >> BigInt(32 * i)) & 0xffffffffn))), L(`${v}${i}`));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("c0"), k64(32)));
      code.push(c.setLocal("c0", e), c.setLocal(`${dst}${i}`, c.i64_and(L("c0"), M)));
    }
  };
  /** Stores limbs `${src}0..7` at byte `off` of r. */
  const store = (src, off) => {
    for (let i = 0; i < N32; i++) code.push(c.i64_store32(L("r"), off + 4 * i, L(`${src}${i}`)));
  };

  /**
   * c0 = low(c0) + term; c1 += c0 >> 32. A 32×32-bit product can reach 2^64 − 2^33 + 1, so with
   * it c0 is read unsigned (logical shift); a small signed term (|t| < 2^36) leaves c0 a small
   * signed value (arithmetic shift).
   */
  const accWith = (shift) => (term) => [
    ...c.setLocal("c0", c.i64_add(c.i64_and(L("c0"), M), term)),
    ...c.setLocal("c1", c.i64_add(L("c1"), shift(L("c0"), k64(32)))),
  ];
  const acc = accWith((a, b) => c.i64_shr_u(a, b));
  const accSigned = accWith((a, b) => c.i64_shr_s(a, b));
  /** Column k of x·y (8-limb operands named xp, yp). */
  const productTerms = (xp, yp, k) => {
    const out = [];
    for (let i = Math.max(0, k - N32 + 1); i <= k && i < N32; i++) out.push(c.i64_mul(L(`${xp}${i}`), L(`${yp}${k - i}`)));
    return out;
  };
  /** The next column: c0 = c1 (its low word starts the column), c1 = c1 >> 32. */
  const nextColumn = () => [...c.setLocal("c0", L("c1")), ...c.setLocal("c1", c.i64_shr_s(L("c0"), k64(32)))];
  const start = () => [...c.setLocal("c0", k64(0)), ...c.setLocal("c1", k64(0))];

  /** P = xp·yp in 16 limbs (all terms nonnegative). */
  const product = (xp, yp, P) => {
    code.push(...start());
    for (let k = 0; k < 2 * N32 - 1; k++) {
      for (const t of productTerms(xp, yp, k)) code.push(...acc(t));
      code.push(c.setLocal(`${P}${k}`, c.i64_and(L("c0"), M)), ...nextColumn());
    }
    code.push(c.setLocal(`${P}${2 * N32 - 1}`, c.i64_and(L("c0"), M)));
  };

  /**
   * out = REDC(T) where T's column k is Σ signed(k) (i64 terms, each |t| < 2^36) + Σ products(k)
   * (32×32-bit products); out's limbs in locals `${out}0..7`.
   */
  const redc = (signed, products, out) => {
    code.push(...start());
    for (let k = 0; k < 2 * N32; k++) {
      for (const t of signed(k)) code.push(...accSigned(t));
      for (const t of products(k)) code.push(...acc(t));
      // Σ q_i·m_j over i + j = k, j < 8 (the m_j already known: i ≥ 1 while k < 8).
      for (let i = Math.max(k < N32 ? 1 : 0, k - N32 + 1); i <= k && i < N32; i++) code.push(...acc(c.i64_mul(k64(ql[i]), L(`m${k - i}`))));
      if (k < N32) {
        // m_k makes the column's low word 0: m_k = low(c0)·q' mod 2^32.
        code.push(c.setLocal(`m${k}`, c.i64_and(c.i64_mul(c.i64_and(L("c0"), M), k64(np32)), M)));
        code.push(...acc(c.i64_mul(k64(ql[0]), L(`m${k}`))));
      } else {
        code.push(c.setLocal(`${out}${k - N32}`, c.i64_and(L("c0"), M)));
      }
      code.push(...nextColumn());
    }
  };

  /** e = v − q·factor limbs (borrow in c0's sign); returns the code, the result in `${dst}i`. */
  const subQ = (src, dst, mult) => {
    const qm = mult * q;
    const out = [];
    for (let i = 0; i < N32; i++) {
      let e = c.i64_sub(L(`${src}${i}`), k64(Number((qm >> BigInt(32 * i)) & 0xffffffffn)));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("c0"), k64(32)));
      out.push(...c.setLocal("c0", e), ...c.setLocal(`${dst}${i}`, c.i64_and(L("c0"), M)));
    }
    return out;
  };
  const copy = (src, dst) => {
    const out = [];
    for (let i = 0; i < N32; i++) out.push(...c.setLocal(`${dst}${i}`, L(`${src}${i}`)));
    return out;
  };
  const borrowed = () => c.i64_ne(c.i64_shr_s(L("c0"), k64(32)), k64(0));

  return { f, code, q, ql, load, sum, diff, store, product, productTerms, redc, subQ, copy, borrowed, L, k64, c };
}

/** f2m_mul(x, y, r). */
function buildMul(module) {
  const { f, code, ql, load, sum, store, product, productTerms, redc, subQ, copy, borrowed, L, k64, c } = engine(module, "f2m_mul");
  // x = (a0, a1) in limbs xa, xb; y = (b0, b1) in ya, yb; sa = a0 + a1, sb = b0 + b1 (< 2q < 2^255).
  load("x", 0, "xa");
  load("x", F1_SIZE, "xb");
  load("y", 0, "ya");
  load("y", F1_SIZE, "yb");
  sum("sa", "xa", "xb");
  sum("sb", "ya", "yb");
  product("xa", "ya", "P"); // P0
  product("xb", "yb", "R"); // P1
  // r0 = REDC(P0 − P1 + q·2^256) < 3q, then into [0, q).
  redc((k) => [c.i64_add(c.i64_sub(L(`P${k}`), L(`R${k}`)), k64(k >= N32 ? ql[k - N32] : 0))], () => [], "r");
  code.push(
    ...subQ("r", "e", 2n),
    c.if(borrowed(), [...subQ("r", "g", 1n), ...c.if(borrowed(), [], copy("g", "r"))], copy("e", "r")),
  );
  store("r", 0);
  // r1 = REDC(sa·sb − P0 − P1) < 2q, then into [0, q).
  redc((k) => [c.i64_sub(k64(0), c.i64_add(L(`P${k}`), L(`R${k}`)))], (k) => productTerms("sa", "sb", k), "r");
  code.push(...subQ("r", "e", 1n), c.if(borrowed(), [], copy("e", "r")));
  store("r", F1_SIZE);
  f.addCode(...code);
}

/**
 * f2m_square(x, r): (a0 + a1·u)² = (a0 + a1)(a0 − a1) + 2·a0·a1·u, as wasmcurves computes it, with
 *   r0 = REDC((a0 + a1)·(a0 + q − a1))   (both factors < 2q: T < 4q² < q·2^256, so REDC < 2q)
 *   r1 = REDC(a0·(a1 + a1))               (T < 2q², REDC < 2q)
 * each one subtraction of q from canonical; two products and two reductions as before, no calls.
 */
function buildSquare(module) {
  const { f, code, q, load, sum, diff, store, redc, productTerms, subQ, copy, borrowed, c } = engine(module, "f2m_square");
  load("x", 0, "xa");
  load("x", F1_SIZE, "xb");
  sum("sa", "xa", "xb"); // a0 + a1
  diff("sb", "xa", "xb", q); // a0 − a1 + q
  sum("ya", "xb", "xb"); // 2·a1
  redc(() => [], (k) => productTerms("sa", "sb", k), "r");
  code.push(...subQ("r", "e", 1n), c.if(borrowed(), [], copy("e", "r")));
  store("r", 0);
  redc(() => [], (k) => productTerms("xa", "ya", k), "r");
  code.push(...subQ("r", "e", 1n), c.if(borrowed(), [], copy("e", "r")));
  store("r", F1_SIZE);
  f.addCode(...code);
}

/** Replaces f2m_mul's and f2m_square's bodies (wasmcurves' bn128 built in `module`). */
export function buildFq2Mul(module) {
  buildMul(module);
  buildSquare(module);
}
