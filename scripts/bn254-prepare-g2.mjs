/**
 * Cheaper steps for wasmcurves' bn128_prepareG2 (the line coefficients of a G2 point for the
 * Miller loop), applied by scripts/bn254-wasm-source.mjs after ./bn254-tower.mjs (it uses
 * bn128__mulXi). bn128_prepareG2 keeps its body; its two internal steps are regenerated with the
 * same formulas (Costello, Lange and Naehrig, "Faster pairing computations on curves with
 * high-degree twists", PKC 2010, §4-5, homogeneous projective coordinates, as libff's
 * alt_bn128 doubling_step_for_flipped_miller_loop and mixed_addition_step_for_flipped_miller_loop
 * write them) and the same outputs, bit for bit, but:
 *
 * - the products by ξ (ell_0 = ξ·I in the doubling, ξ·(E·X2 − D·Y2) in the addition) are
 *   bn128__mulXi (additions) instead of Fq2 products by the constant;
 * - the two halvings of the doubling (A = X1·Y1/2, G = (B + F)/2) are bn128__f2mHalf, a shift with
 *   q added first to an odd coordinate, instead of Fq2 products by (1/2, 0);
 * - E = b'·3·Z1² is one product by the constant 3·b' (b' = 3/ξ, the twist's coefficient), not
 *   two additions and a product by b'.
 * The doubling goes from 7 Fq2 products and 6 squarings to 4 and 6. test/unit/groth16/wasm-tower.test.ts
 * compares bn128_prepareG2's output with ffjavascript's own module byte for byte.
 */
import { fnByName, resetBody } from "./bn254-fast-field.mjs";

const F1_SIZE = 32;
const F2_SIZE = 2 * F1_SIZE;
const N32 = 8;
const MASK32 = 0xffffffff;

/** bn128__f2mHalf(x, r): r = x/2 in Fq2, each coordinate (x + (x odd ? q : 0)) >> 1. r may alias x. */
function buildHalf(module) {
  const q = module.modules.f1m.q;
  const ql = Array.from({ length: N32 }, (_, i) => Number((q >> BigInt(32 * i)) & 0xffffffffn));
  const f = module.addFunction("bn128__f2mHalf");
  f.addParam("x", "i32");
  f.addParam("r", "i32");
  for (let i = 0; i < N32; i++) f.addLocal(`s${i}`, "i64");
  f.addLocal("cy", "i64");
  f.addLocal("odd", "i64");
  const c = f.getCodeBuilder();
  const L = (name) => c.getLocal(name);
  const k64 = (v) => c.i64_const(v);
  const code = [];
  for (const off of [0, F1_SIZE]) {
    // odd = 0 or all ones; q_i & odd is q_i or 0.
    code.push(c.setLocal("odd", c.i64_sub(k64(0), c.i64_and(c.i64_load32_u(L("x"), off), k64(1)))));
    for (let i = 0; i < N32; i++) {
      let e = c.i64_add(c.i64_load32_u(L("x"), off + 4 * i), c.i64_and(L("odd"), k64(ql[i])));
      if (i > 0) e = c.i64_add(e, c.i64_shr_u(L("cy"), k64(32)));
      code.push(c.setLocal("cy", e), c.setLocal(`s${i}`, c.i64_and(L("cy"), k64(MASK32))));
    }
    // The sum is < 2^257: its bit 256 is cy >> 32, shifted into the top limb's bit 31.
    for (let i = 0; i < N32; i++) {
      const hi = i < N32 - 1 ? L(`s${i + 1}`) : c.i64_shr_u(L("cy"), k64(32));
      const v = c.i64_and(c.i64_or(c.i64_shr_u(L(`s${i}`), k64(1)), c.i64_shl(hi, k64(31))), k64(MASK32));
      code.push(c.i64_store32(L("r"), off + 4 * i, v));
    }
  }
  f.addCode(...code);
  module.exportFunction("bn128__f2mHalf");
}

/** Montgomery bytes of an Fq2 constant. */
function f2Bytes(q, [c0, c1]) {
  const out = [];
  for (const v of [c0, c1]) {
    const m = (v * (1n << 256n)) % q;
    for (let b = 0; b < F1_SIZE; b++) out.push(Number((m >> BigInt(8 * b)) & 0xffn));
  }
  return out;
}

function patchDoubleStep(module) {
  const q = module.modules.f1m.q;
  // b' = 3/ξ = 3·(9 − u)/82, the coefficient of the twist y² = x³ + b' (wasmcurves' pTwistCoefB).
  const inv82 = (() => {
    let [t, nt, r, nr] = [0n, 1n, q, 82n];
    while (nr) {
      const k = r / nr;
      [t, nt] = [nt, t - k * nt];
      [r, nr] = [nr, r - k * nr];
    }
    return ((t % q) + q) % q;
  })();
  const b = [(27n * inv82) % q, (q - ((3n * inv82) % q)) % q];
  if (b[0] !== 19485874751759354771024239261021720505790618469301721065564631296452457478373n) throw new Error("b' differs from wasmcurves'");
  const p3b = module.alloc(f2Bytes(q, [(3n * b[0]) % q, (3n * b[1]) % q]));

  const f = fnByName(module, "bn128_prepDblStep");
  if (f.params.length !== 2) throw new Error("bn128_prepDblStep: unexpected signature");
  resetBody(f);
  const c = f.getCodeBuilder();
  const X1 = c.getLocal("pR");
  const Y1 = c.i32_add(c.getLocal("pR"), c.i32_const(F2_SIZE));
  const Z1 = c.i32_add(c.getLocal("pR"), c.i32_const(2 * F2_SIZE));
  const ELL_0 = c.getLocal("pCoef");
  const ELL_VW = c.i32_add(c.getLocal("pCoef"), c.i32_const(F2_SIZE));
  const ELL_VV = c.i32_add(c.getLocal("pCoef"), c.i32_const(2 * F2_SIZE));
  const [A, B, C, E, F, G, H, I, J, E2, AUX] = Array.from({ length: 11 }, () => c.i32_const(module.alloc(F2_SIZE)));
  const mul = (x, y, r) => c.call("f2m_mul", x, y, r);
  const sq = (x, r) => c.call("f2m_square", x, r);
  const add = (x, y, r) => c.call("f2m_add", x, y, r);
  const sub = (x, y, r) => c.call("f2m_sub", x, y, r);
  f.addCode(
    mul(X1, Y1, A),
    c.call("bn128__f2mHalf", A, A), // A = X1·Y1/2
    sq(Y1, B), // B = Y1²
    sq(Z1, C), // C = Z1²
    mul(c.i32_const(p3b), C, E), // E = b'·3C
    add(E, E, F),
    add(E, F, F), // F = 3E
    add(B, F, G),
    c.call("bn128__f2mHalf", G, G), // G = (B + F)/2
    add(B, C, AUX),
    add(Y1, Z1, H),
    sq(H, H),
    sub(H, AUX, H), // H = (Y1 + Z1)² − (B + C)
    sub(E, B, I), // I = E − B
    sq(X1, J), // J = X1²
    sq(E, E2), // E2 = E²
    sub(B, F, AUX),
    mul(A, AUX, X1), // X3 = A·(B − F)
    add(E2, E2, AUX),
    add(E2, AUX, AUX),
    sq(G, Y1),
    sub(Y1, AUX, Y1), // Y3 = G² − 3E²
    mul(B, H, Z1), // Z3 = B·H
    c.call("bn128__mulXi", I, ELL_0), // ell_0 = ξ·I
    c.call("f2m_neg", H, ELL_VW), // ell_VW = −H (times y_P in the loop)
    add(J, J, ELL_VV),
    add(J, ELL_VV, ELL_VV), // ell_VV = 3J (times x_P in the loop)
  );
}

function patchAddStep(module) {
  const f = fnByName(module, "bn128_prepAddStep");
  if (f.params.length !== 3) throw new Error("bn128_prepAddStep: unexpected signature");
  resetBody(f);
  const c = f.getCodeBuilder();
  const X2 = c.getLocal("pQ");
  const Y2 = c.i32_add(c.getLocal("pQ"), c.i32_const(F2_SIZE));
  const X1 = c.getLocal("pR");
  const Y1 = c.i32_add(c.getLocal("pR"), c.i32_const(F2_SIZE));
  const Z1 = c.i32_add(c.getLocal("pR"), c.i32_const(2 * F2_SIZE));
  const ELL_0 = c.getLocal("pCoef");
  const ELL_VW = c.i32_add(c.getLocal("pCoef"), c.i32_const(F2_SIZE));
  const ELL_VV = c.i32_add(c.getLocal("pCoef"), c.i32_const(2 * F2_SIZE));
  const D = ELL_VW;
  const [E, F, G, H, I, J, AUX] = Array.from({ length: 7 }, () => c.i32_const(module.alloc(F2_SIZE)));
  const mul = (x, y, r) => c.call("f2m_mul", x, y, r);
  const sq = (x, r) => c.call("f2m_square", x, r);
  const add = (x, y, r) => c.call("f2m_add", x, y, r);
  const sub = (x, y, r) => c.call("f2m_sub", x, y, r);
  f.addCode(
    mul(X2, Z1, D),
    sub(X1, D, D), // D = X1 − X2·Z1 (= ell_VW, times y_P in the loop)
    mul(Y2, Z1, E),
    sub(Y1, E, E), // E = Y1 − Y2·Z1
    sq(D, F), // F = D²
    sq(E, G), // G = E²
    mul(D, F, H), // H = D·F
    mul(X1, F, I), // I = X1·F
    add(I, I, AUX),
    mul(Z1, G, J),
    add(H, J, J),
    sub(J, AUX, J), // J = H + Z1·G − 2I
    mul(D, J, X1), // X3 = D·J
    mul(H, Y1, Y1),
    sub(I, J, AUX),
    mul(E, AUX, AUX),
    sub(AUX, Y1, Y1), // Y3 = E·(I − J) − H·Y1
    mul(Z1, H, Z1), // Z3 = Z1·H
    mul(D, Y2, AUX),
    mul(E, X2, ELL_0),
    sub(ELL_0, AUX, ELL_0),
    c.call("bn128__mulXi", ELL_0, ELL_0), // ell_0 = ξ·(E·X2 − D·Y2)
    c.call("f2m_neg", E, ELL_VV), // ell_VV = −E (times x_P in the loop)
  );
}

/** Applies the above to `module` (wasmcurves' bn128 and ./bn254-tower.mjs's bn128__mulXi in it). */
export function buildPrepareG2Steps(module) {
  if (module.functionIdxByName.bn128__mulXi === undefined) throw new Error("buildPrepareG2Steps needs ./bn254-tower.mjs's bn128__mulXi");
  buildHalf(module);
  patchDoubleStep(module);
  patchAddStep(module);
}
