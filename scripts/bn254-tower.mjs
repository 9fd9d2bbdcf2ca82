/**
 * Faster BN254 tower arithmetic and final exponentiation for wasmcurves' module, applied by
 * scripts/bn254-wasm-source.mjs after wasmcurves' buildBn128 and ./bn254-fast-field.mjs, before
 * ./bn254-multi-miller.mjs (which uses bn128__mulXi). Every exported wasmcurves function keeps its
 * index, name, signature and result; what changes is how some of them compute it:
 *
 * - bn128__mulXi (new, exported for tests): r = ξ·a in Fq2 = Fq[u]/(u² + 1), ξ = 9 + u the sextic
 *   non-residue of the tower, (a0 + a1·u)(9 + u) = (9·a0 − a1) + (a0 + 9·a1)·u, as one straight-line
 *   function with one reduction per coordinate. wasmcurves multiplies by ξ as by any Fq2 element
 *   (bn128_mulNR6 and bn128_mulNR12 call f2m_mul by the constant: 3 Fq multiplications and 5
 *   additions); their bodies now call bn128__mulXi, so f6m_mul (2 of them), ftm_mul (7) and
 *   ftm_square and everything above them (Miller loops, final exponentiation, inversions) get
 *   cheaper with bit-identical results (both give the canonical representative < q).
 *
 * - bn128__cyclotomicSquare: same formulas (Granger and Scott, "Faster squaring in the cyclotomic
 *   subgroup of sixth degree extensions", PKC 2010, §3.2, as libff writes them), but each of the
 *   three Fq4 squarings (a + b·s)² = (a² + ξ·b²) + ((a + b)² − a² − b²)·s takes 3 Fq2 squarings
 *   and one bn128__mulXi, where wasmcurves used 2 Fq2 products and 2 products by ξ; the 4th product by
 *   ξ is bn128__mulXi too. The Fq4 squares are exact, so the result equals wasmcurves' on every
 *   input (not only on the cyclotomic subgroup).
 *
 * - bn128__expByU (new, exported for tests): x^u for x in the cyclotomic subgroup, u = 4965661367192848881
 *   (BN254's parameter), as a straight line of 62 cyclotomic squarings and the Fq12 products of a
 *   width-w NAF of u (w chosen here for the fewest products, table entries' inverses by conjugation,
 *   which is the inverse only in the cyclotomic subgroup), instead of the plain NAF
 *   of bn128__cyclotomicExp_w0 (24 products). bn128__finalExponentiationLastChunk (internal)
 *   is regenerated with the same addition chain as wasmcurves (libff's
 *   final_exponentiation_last_chunk, Scott et al., "On the final exponentiation for calculating
 *   pairings on ordinary elliptic curves", Pairing 2009, §5 for BN curves) calling it, so
 *   bn128_finalExponentiation gives the same result on every input: its first chunk maps every
 *   element into the cyclotomic subgroup (f^((q^6 − 1)(q^2 + 1))), or 0 to 0.
 *   bn128__cyclotomicExp_w0 itself is left as it is (same result on every input).
 *
 * test/unit/groth16/wasm-tower.test.ts checks each of these against ffjavascript's unmodified
 * module (and mulXi against BigInt arithmetic in ./fast-field.test.ts).
 */
import { fnByName, resetBody } from "./bn254-fast-field.mjs";

const F1_SIZE = 32;
const F2_SIZE = 2 * F1_SIZE;
const FT_SIZE = 12 * F1_SIZE;
const N32 = 8;
const MASK32 = 0xffffffff;
/** BN254's u (positive, so x^u needs no final conjugation). */
const BN254_U = 4965661367192848881n;

/**
 * bn128__mulXi(a, r): r = ξ·a. Each coordinate is s = 9·x ± y (+ q for the difference, so s ≥ 0),
 * s < 10·q < 2^257, computed in 32-bit limbs held in i64 locals; then s − k·q with
 * k = ⌊(s >> 224) / (⌊q / 2^224⌋ + 1)⌋, which is ⌊s / q⌋ or one less (the estimate's error is
 * below (t + q_t + 1) / (q_t (q_t + 1)) < 1 for t = s >> 224 < 2^33, q_t ≈ 2^29.6), so one conditional
 * subtraction of q ends in [0, q). r may alias a (both inputs are loaded before anything is stored).
 */
function buildMulXi(module) {
  const q = module.modules.f1m.q;
  const ql = Array.from({ length: N32 }, (_, i) => Number((q >> BigInt(32 * i)) & 0xffffffffn));
  const qTop = q >> 224n;
  const f = module.addFunction("bn128__mulXi");
  f.addParam("a", "i32");
  f.addParam("r", "i32");
  for (let i = 0; i < N32; i++) for (const name of ["x", "y"]) f.addLocal(`${name}${i}`, "i64");
  for (let i = 0; i < N32; i++) f.addLocal(`s${i}`, "i64");
  for (let i = 0; i < N32; i++) f.addLocal(`d${i}`, "i64");
  f.addLocal("cy", "i64");
  f.addLocal("k", "i64");
  const c = f.getCodeBuilder();
  const L = (name) => c.getLocal(name);
  const k64 = (v) => c.i64_const(v);
  const code = [];
  for (let i = 0; i < N32; i++) {
    code.push(c.setLocal(`x${i}`, c.i64_load32_u(L("a"), 4 * i)), c.setLocal(`y${i}`, c.i64_load32_u(L("a"), F1_SIZE + 4 * i)));
  }
  /** s = 9·u + v·sign (+ q if sign < 0), limbs in s0..s7, the bits above 256 in cy >> 32 (signed shift). */
  const combine = (u, v, sign) => {
    for (let i = 0; i < N32; i++) {
      let e = c.i64_mul(L(`${u}${i}`), k64(9));
      e = sign > 0 ? c.i64_add(e, L(`${v}${i}`)) : c.i64_add(c.i64_sub(e, L(`${v}${i}`)), k64(ql[i]));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("cy"), k64(32)));
      code.push(c.setLocal("cy", e), c.setLocal(`s${i}`, c.i64_and(L("cy"), k64(MASK32))));
    }
  };
  /** Stores s mod q at byte `off` of r. */
  const reduceStore = (off) => {
    // t = s >> 224 = (carry << 32) | s7; k = ⌊t / (q_t + 1)⌋ ≤ 9.
    code.push(c.setLocal("k", c.i64_div_u(c.i64_or(c.i64_shl(c.i64_shr_s(L("cy"), k64(32)), k64(32)), L("s7")), k64(Number(qTop + 1n)))));
    for (let i = 0; i < N32; i++) {
      let e = c.i64_sub(L(`s${i}`), c.i64_mul(L("k"), k64(ql[i])));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("cy"), k64(32)));
      code.push(c.setLocal("cy", e), c.setLocal(`s${i}`, c.i64_and(L("cy"), k64(MASK32))));
    }
    // Now 0 ≤ s < 2q (the carry above 256 bits is 0): subtract q if that does not borrow.
    for (let i = 0; i < N32; i++) {
      let e = c.i64_sub(L(`s${i}`), k64(ql[i]));
      if (i > 0) e = c.i64_add(e, c.i64_shr_s(L("cy"), k64(32)));
      code.push(c.setLocal("cy", e), c.setLocal(`d${i}`, c.i64_and(L("cy"), k64(MASK32))));
    }
    const store = (name) => {
      const out = [];
      for (let i = 0; i < N32; i++) out.push(...c.i64_store32(L("r"), off + 4 * i, L(`${name}${i}`)));
      return out;
    };
    code.push(c.if(c.i64_eqz(c.i64_shr_s(L("cy"), k64(32))), store("d"), store("s")));
  };
  combine("x", "y", -1); // 9·a0 − a1 + q
  reduceStore(0);
  combine("y", "x", +1); // 9·a1 + a0
  reduceStore(F1_SIZE);
  f.addCode(...code);
  module.exportFunction("bn128__mulXi");
}

/** bn128_mulNR6(x, r) = ξ·x and bn128_mulNR12 (ξ·x2, x0, x1 of an Fq6) by bn128__mulXi. */
function patchMulNR(module) {
  const nr6 = fnByName(module, "bn128_mulNR6");
  resetBody(nr6);
  {
    const c = nr6.getCodeBuilder();
    nr6.addCode(c.call("bn128__mulXi", c.getLocal("x"), c.getLocal("pr")));
  }
  const nr12 = fnByName(module, "bn128_mulNR12");
  resetBody(nr12);
  {
    // As wasmcurves: r0 = ξ·x2 first, then the copies (r must not alias x, as there).
    const c = nr12.getCodeBuilder();
    nr12.addCode(
      c.call("bn128__mulXi", c.i32_add(c.getLocal("x"), c.i32_const(2 * F2_SIZE)), c.getLocal("pr")),
      c.call("f2m_copy", c.getLocal("x"), c.i32_add(c.getLocal("pr"), c.i32_const(F2_SIZE))),
      c.call("f2m_copy", c.i32_add(c.getLocal("x"), c.i32_const(F2_SIZE)), c.i32_add(c.getLocal("pr"), c.i32_const(2 * F2_SIZE))),
    );
  }
}

/**
 * bn128__cyclotomicSquare(x, r) rebuilt from Fq2 squarings. wasmcurves' (libff's) names: the Fq12
 * slots 0..5 (c0.c0, c0.c1, c0.c2, c1.c0, c1.c1, c1.c2) are z0, z4, z3, z2, z1, z5, and
 *   t0 + t1·s = (z0 + z1·s)², t2 + t3·s = (z2 + z3·s)², t4 + t5·s = (z4 + z5·s)²  (s² = ξ)
 *   r0 = 3·t0 − 2·z0, r1 = 3·t1 + 2·z1, r2 = 3·ξ·t5 + 2·z2,
 *   r3 = 3·t4 − 2·z3, r4 = 3·t2 − 2·z4, r5 = 3·t3 + 2·z5.
 * Each r_i reads only x's slot i and the t's, so r may alias x (bn128__cyclotomicExp_w0 squares in place).
 */
function patchCyclotomicSquare(module) {
  const f = fnByName(module, "bn128__cyclotomicSquare");
  if (f.params.length !== 2) throw new Error("bn128__cyclotomicSquare: unexpected signature");
  resetBody(f);
  const c = f.getCodeBuilder();
  const slot = (p, i) => (i === 0 ? c.getLocal(p) : c.i32_add(c.getLocal(p), c.i32_const(i * F2_SIZE)));
  const [x0, x4, x3, x2, x1, x5] = [0, 1, 2, 3, 4, 5].map((i) => slot("x", i));
  const [r0, r4, r3, r2, r1, r5] = [0, 1, 2, 3, 4, 5].map((i) => slot("r", i));
  const tmp = () => c.i32_const(module.alloc(F2_SIZE));
  const [t0, t1, t2, t3, t4, t5, SA, SB, AUX] = Array.from({ length: 9 }, tmp);
  const sq = (a, r) => c.call("f2m_square", a, r);
  const add = (a, b, r) => c.call("f2m_add", a, b, r);
  const sub = (a, b, r) => c.call("f2m_sub", a, b, r);
  const xi = (a, r) => c.call("bn128__mulXi", a, r);
  /** (a + b·s)² → (lo, hi): lo = a² + ξ·b², hi = (a + b)² − a² − b². */
  const fq4Square = (a, b, lo, hi) => [
    ...sq(a, SA),
    ...sq(b, SB),
    ...add(a, b, hi),
    ...sq(hi, hi),
    ...sub(hi, SA, hi),
    ...sub(hi, SB, hi),
    ...xi(SB, lo),
    ...add(lo, SA, lo),
  ];
  /** r = 3·t ∓ 2·z. */
  const triple = (t, z, r, minus) => [...(minus ? sub(t, z, r) : add(t, z, r)), ...add(r, r, r), ...add(t, r, r)];
  f.addCode(
    ...fq4Square(x0, x1, t0, t1),
    ...fq4Square(x2, x3, t2, t3),
    ...fq4Square(x4, x5, t4, t5),
    ...triple(t0, x0, r0, true),
    ...triple(t1, x1, r1, false),
    ...xi(t5, AUX),
    ...triple(AUX, x2, r2, false),
    ...triple(t4, x3, r3, true),
    ...triple(t2, x4, r4, true),
    ...triple(t3, x5, r5, false),
  );
}

/** Width-w NAF digits of n, least significant first (odd digits in (−2^(w−1), 2^(w−1)), or 0). */
function wnaf(n, w) {
  const out = [];
  const mod = 1n << BigInt(w);
  for (let e = n; e > 0n; e >>= 1n) {
    if (e & 1n) {
      let d = e % mod;
      if (d >= mod / 2n) d -= mod;
      out.push(Number(d));
      e -= d;
    } else out.push(0);
  }
  return out;
}

/**
 * The width with the fewest Fq12 products, and its digits: the table x³, x⁵, … up to the largest
 * digit (one product each, after one squaring for x², counted as one product), then one product
 * per nonzero digit below the top one.
 */
function bestWnaf(n) {
  let best;
  for (let w = 2; w <= 6; w++) {
    const digits = wnaf(n, w);
    const maxOdd = Math.max(...digits.map(Math.abs));
    const cost = (maxOdd > 1 ? (maxOdd - 1) / 2 + 1 : 0) + digits.filter((d) => d !== 0).length - 1;
    if (!best || cost < best.cost) best = { w, digits, cost };
  }
  return best;
}

/**
 * bn128__expByU(x, r): r = x^u for x in the cyclotomic subgroup (where the conjugate is the inverse).
 * r must not alias x.
 *
 * NOTE: outside the cyclotomic subgroup the result is not x^u (negative digits use conjugates).
 * Its only caller, bn128__finalExponentiationLastChunk, gets the first chunk's output
 * f^((q^6 − 1)(q^2 + 1)), which is in the subgroup (or 0, which stays 0).
 */
function buildExpByU(module) {
  const { w, digits } = bestWnaf(BN254_U);
  const f = module.addFunction("bn128__expByU");
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  const c = f.getCodeBuilder();
  const x = c.getLocal("x");
  const r = c.getLocal("r");
  // table[i] = x^(2i + 1); conj[i] = x^−(2i + 1), allocated only for the digits that use them.
  const odd = [...new Set(digits.filter((d) => d !== 0).map(Math.abs))].sort((a, b) => a - b);
  const maxOdd = odd[odd.length - 1];
  const table = new Map([[1, x]]);
  const code = [];
  if (maxOdd > 1) {
    const X2 = c.i32_const(module.alloc(FT_SIZE));
    code.push(c.call("bn128__cyclotomicSquare", x, X2));
    let prev = x;
    for (let d = 3; d <= maxOdd; d += 2) {
      const T = c.i32_const(module.alloc(FT_SIZE));
      code.push(c.call("ftm_mul", prev, X2, T));
      table.set(d, T);
      prev = T;
    }
  }
  const operand = new Map();
  for (const d of new Set(digits.filter((d) => d !== 0))) {
    if (d > 0) operand.set(d, table.get(d));
    else {
      const T = c.i32_const(module.alloc(FT_SIZE));
      code.push(c.call("ftm_conjugate", table.get(-d), T));
      operand.set(d, T);
    }
  }
  const top = digits.length - 1;
  code.push(c.call("ftm_copy", operand.get(digits[top]), r));
  for (let i = top - 1; i >= 0; i--) {
    code.push(c.call("bn128__cyclotomicSquare", r, r));
    if (digits[i] !== 0) code.push(c.call("ftm_mul", r, operand.get(digits[i]), r));
  }
  f.addCode(...code);
  module.exportFunction("bn128__expByU");
  return { w, products: digits.filter((d) => d !== 0).length - 1 };
}

/**
 * bn128__finalExponentiationLastChunk(x, r) regenerated: wasmcurves' (libff's) chain step for step,
 * with x^u by bn128__expByU. Comments give each value as a power of the input `elt`.
 */
function patchLastChunk(module) {
  const f = fnByName(module, "bn128__finalExponentiationLastChunk");
  if (f.params.length !== 2) throw new Error("bn128__finalExponentiationLastChunk: unexpected signature");
  resetBody(f);
  const c = f.getCodeBuilder();
  const elt = c.getLocal("x");
  const result = c.getLocal("r");
  const [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U] = Array.from({ length: 21 }, () => c.i32_const(module.alloc(FT_SIZE)));
  f.addCode(
    c.call("bn128__expByU", elt, A), // elt^z
    c.call("ftm_conjugate", A, A), // A = elt^(−z)
    c.call("bn128__cyclotomicSquare", A, B), // B = elt^(−2z)
    c.call("bn128__cyclotomicSquare", B, C), // C = elt^(−4z)
    c.call("ftm_mul", C, B, D), // D = elt^(−6z)
    c.call("bn128__expByU", D, E),
    c.call("ftm_conjugate", E, E), // E = elt^(6z²)
    c.call("bn128__cyclotomicSquare", E, F), // F = elt^(12z²)
    c.call("bn128__expByU", F, G),
    c.call("ftm_conjugate", G, G), // G = elt^(−12z³)
    c.call("ftm_conjugate", D, H), // H = elt^(6z)
    c.call("ftm_conjugate", G, I), // I = elt^(12z³)
    c.call("ftm_mul", I, E, J), // J = elt^(12z³ + 6z²)
    c.call("ftm_mul", J, H, K), // K = elt^(12z³ + 6z² + 6z)
    c.call("ftm_mul", K, B, L), // L = elt^(12z³ + 6z² + 4z)
    c.call("ftm_mul", K, E, M), // M = elt^(12z³ + 12z² + 6z)
    c.call("ftm_mul", M, elt, N), // N = elt^(12z³ + 12z² + 6z + 1)
    c.call("bn128__frobeniusMap1", L, O), // O = L^q
    c.call("ftm_mul", O, N, P),
    c.call("bn128__frobeniusMap2", K, Q), // Q = K^(q²)
    c.call("ftm_mul", Q, P, R),
    c.call("ftm_conjugate", elt, S), // S = elt^(−1)
    c.call("ftm_mul", S, L, T), // T = elt^(12z³ + 6z² + 4z − 1)
    c.call("bn128__frobeniusMap3", T, U), // U = T^(q³)
    c.call("ftm_mul", U, R, result),
  );
}

/** Applies all of the above to `module` (wasmcurves' bn128 built in it, ./bn254-fast-field.mjs applied). */
export function buildTower(module) {
  if (!module.modules.bn128) throw new Error("buildTower needs wasmcurves' bn128 in the module first");
  buildMulXi(module);
  patchMulNR(module);
  patchCyclotomicSquare(module);
  buildExpByU(module);
  patchLastChunk(module);
}
