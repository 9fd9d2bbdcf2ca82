/**
 * The multi-Miller loop medzk adds to wasmcurves' BN254 module (scripts/bn254-wasm-source.mjs
 * calls it after wasmcurves' buildBn128, on the same wasmbuilder module):
 *
 *   bn128_multiMillerLoop(pPreP, pPreQ, n, pF)
 *
 * writes to pF (an Fq12 element, 384 bytes) f = Π_{k<n} f_{6u+2, Q_k}(P_k) · l_{..}(P_k) · l_{..}(P_k),
 * the product of the n optimal-ate Miller loops of the pairs (P_k, Q_k) (Vercauteren, "Optimal
 * pairings", IEEE TIT 2010, §IV; BN254's loop is the binary expansion of 6u + 2 followed by the
 * two Frobenius lines), exactly what n calls of wasmcurves' bn128_millerLoop multiplied together
 * give, but in one loop: the Fq12 squaring of each step is done once for all n pairs instead of
 * once per pair (Granger and Smart, "On computing products of pairings", eprint 2006/172, §2).
 *
 *   - pPreP: n G1 points as bn128_prepareG1 writes them (affine x, y in Montgomery form), one every
 *     prePSize (192) bytes;
 *   - pPreQ: n G2 points' line coefficients as bn128_prepareG2 writes them, one every preQSize
 *     (19776) bytes.
 *
 * Each step multiplies f by every pair's line through the prepared coefficients (ell_0, ell_VW,
 * ell_VV) evaluated at P_k: ell_0 + ell_VV·x_P·v² + ell_VW·y_P·vw, Fq2 slots 0, 2 and 4 of
 * wasmcurves' Fq12 (Fq6[w]/(w² − v) over Fq6 = Fq2[v]/(v³ − ξ), slots 1, v, v², w, vw, v²w), after
 * two Fq2-by-Fq scalings (`f2m_mul1`). Lines go two pairs at a time: the two sparse lines are
 * multiplied together first (`bn128__mul024by024`, 6 Fq2 products, a product with slot 5 zero),
 * then f by that product (`bn128__mulBy01234`, 17), 23 Fq2 products per two lines where
 * wasmcurves' sparse `__mulBy024` (13 each, 18 for a full Fq12 product) takes 26 (the idea of
 * gnark-crypto's mulBy034by034 and MulBy01234 for its own line layout). An odd last pair takes
 * `bn128__mulBy024Xi`, wasmcurves' algorithm with its four products by ξ = 9 + u done by
 * additions. Line coefficients come from
 * bn128_prepareG2 (homogeneous projective doubling and mixed addition with the line folded in,
 * Costello, Lange and Naehrig, PKC 2010, §4-5: no inversions), computed once per G2 point; a
 * verification key's β, γ and δ are prepared once and stay resident.
 *
 * NOTE: like bn128_millerLoop, the loop is arithmetic only: it assumes every P_k is a finite point
 * of G1 and every Q_k a point of G2's prime-order subgroup (medzk's callers check them, see
 * src/groth16/points.ts) and n ≥ 1; the caller applies bn128_finalExponentiation to the product.
 */
const F1_SIZE = 32;
const F2_SIZE = 2 * F1_SIZE;
/** ell_0, ell_VW, ell_VV: one line's coefficients. */
const ATE_COEF_SIZE = 3 * F2_SIZE;
/** |6u + 2| for BN254's u = 4965661367192848881 (positive, so no final inversion). */
const ATE_LOOP_COUNT = 29793968203157093288n;

function bits(n) {
  const out = [];
  for (let e = n; e > 0n; e >>= 1n) out.push(Number(e & 1n));
  return out;
}

/**
 * bn128__mulBy024Xi(ell0, ellVW, ellVV, f): f *= the sparse line (ell0, ellVV, ellVW in the 0, 2
 * and 4 slots), the algorithm of wasmcurves' bn128__mulBy024 (libff's mul_by_024) step for step,
 * with its four multiplications by the non-residue ξ done by bn128__mulXi.
 */
function buildMulBy024Xi(module) {
  const f = module.addFunction("bn128__mulBy024Xi");
  f.addParam("pEll0", "i32");
  f.addParam("pEllVW", "i32");
  f.addParam("pEllVV", "i32");
  f.addParam("pR", "i32");
  const c = f.getCodeBuilder();
  const x0 = c.getLocal("pEll0");
  const x2 = c.getLocal("pEllVV");
  const x4 = c.getLocal("pEllVW");
  const z = (i) => c.i32_add(c.getLocal("pR"), c.i32_const(i * F2_SIZE));
  const [z0, z1, z2, z3, z4, z5] = [0, 1, 2, 3, 4, 5].map(z);
  const tmp = () => c.i32_const(module.alloc(F2_SIZE));
  const [t0, t1, t2, s0, T3, T4, D0, D2, D4, S1, AUX] = Array.from({ length: 11 }, tmp);
  const mul = (a, b, r) => c.call("f2m_mul", a, b, r);
  const add = (a, b, r) => c.call("f2m_add", a, b, r);
  const sub = (a, b, r) => c.call("f2m_sub", a, b, r);
  const xi = (a, r) => c.call("bn128__mulXi", a, r);
  f.addCode(
    mul(z0, x0, D0),
    mul(z2, x2, D2),
    mul(z4, x4, D4),
    add(z0, z4, t2),
    add(z0, z2, t1),
    add(z1, z3, s0),
    add(s0, z5, s0),
    // z0 = ξ·(z1·x2 + D4) + D0
    mul(z1, x2, S1),
    add(S1, D4, T3),
    xi(T3, T4),
    add(T4, D0, z0),
    // z1 = ξ·(z5·x4 + D2) + z1·x0
    mul(z5, x4, T3),
    add(S1, T3, S1),
    add(T3, D2, T3),
    xi(T3, T4),
    mul(z1, x0, T3),
    add(S1, T3, S1),
    add(T4, T3, z1),
    // z2 = (z0 + z2)(x0 + x2) − D0 − D2 + z3·x4
    add(x0, x2, t0),
    mul(t1, t0, T3),
    add(D0, D2, AUX),
    sub(T3, AUX, T3),
    mul(z3, x4, T4),
    add(S1, T4, S1),
    add(z2, z4, t0),
    add(T3, T4, z2),
    // z3 = ξ·((z2 + z4)(x2 + x4) − D2 − D4) + z3·x0
    add(x2, x4, t1),
    mul(t1, t0, T3),
    add(D2, D4, AUX),
    sub(T3, AUX, T3),
    xi(T3, T4),
    mul(z3, x0, T3),
    add(S1, T3, S1),
    add(T4, T3, z3),
    // z4 = ξ·(z5·x2) + (z0 + z4)(x0 + x4) − D0 − D4
    mul(z5, x2, T3),
    add(S1, T3, S1),
    xi(T3, T4),
    add(x0, x4, t0),
    mul(t2, t0, T3),
    add(D0, D4, AUX),
    sub(T3, AUX, T3),
    add(T4, T3, z4),
    // z5 = (z1 + z3 + z5)(x0 + x2 + x4) − S1
    add(x0, x2, t0),
    add(t0, x4, t0),
    mul(s0, t0, T3),
    sub(T3, S1, z5),
  );
}

/**
 * bn128__mul024by024(a0, a2, a4, b0, b2, b4, pL): L = a·b for two lines a = a0 + a2·v² + a4·vw and
 * b likewise (slots 0, 2, 4 of wasmcurves' Fq12 = Fq6[w]/(w² − v), Fq6 = Fq2[v]/(v³ − ξ), slot
 * order 1, v, v², w, vw, v²w). With v³ = ξ, v⁴ = ξ·v, v³w = ξ·w and v²w² = v³ = ξ:
 *   a·b = (a0b0 + ξ·a4b4) + ξ·a2b2·v + (a0b2 + a2b0)·v² + ξ·(a2b4 + a4b2)·w + (a0b4 + a4b0)·vw,
 * nothing in slot 5 (v²w), which is written as 0. Karatsuba on the three cross terms: 6 Fq2
 * products (the idea of gnark's mulBy034by034 for its own line layout), and 3 bn128__mulXi.
 */
function buildMul024By024(module) {
  const f = module.addFunction("bn128__mul024by024");
  for (const name of ["a0", "a2", "a4", "b0", "b2", "b4", "pL"]) f.addParam(name, "i32");
  const c = f.getCodeBuilder();
  const [a0, a2, a4, b0, b2, b4] = ["a0", "a2", "a4", "b0", "b2", "b4"].map((name) => c.getLocal(name));
  const l = (i) => c.i32_add(c.getLocal("pL"), c.i32_const(i * F2_SIZE));
  const tmp = () => c.i32_const(module.alloc(F2_SIZE));
  const [A0, A2, A4, SA, SB, T] = Array.from({ length: 6 }, tmp);
  const mul = (x, y, r) => c.call("f2m_mul", x, y, r);
  const add = (x, y, r) => c.call("f2m_add", x, y, r);
  const sub = (x, y, r) => c.call("f2m_sub", x, y, r);
  const xi = (x, r) => c.call("bn128__mulXi", x, r);
  /** r = (x + y)(z + t) − X − Y: the cross term x·t + y·z. */
  const cross = (x, y, z, t, X, Y, r) => [...add(x, y, SA), ...add(z, t, SB), ...mul(SA, SB, r), ...sub(r, X, r), ...sub(r, Y, r)];
  f.addCode(
    mul(a0, b0, A0),
    mul(a2, b2, A2),
    mul(a4, b4, A4),
    // L is scratch of the caller's, apart from the inputs: any order of writes will do.
    ...cross(a0, a2, b0, b2, A0, A2, l(2)),
    ...cross(a0, a4, b0, b4, A0, A4, l(4)),
    ...cross(a2, a4, b2, b4, A2, A4, T),
    xi(T, l(3)),
    xi(A4, T),
    add(A0, T, l(0)),
    xi(A2, l(1)),
    c.call("f2m_zero", l(5)),
  );
  module.exportFunction("bn128__mul024by024");
}

/**
 * bn128__mulBy01234(pL, pF): f *= L for an Fq12 element L whose slot 5 (v²w) is 0, as
 * bn128__mul024by024 writes it. With f = F0 + F1·w and L = L0 + L1·w (L1 = l3 + l4·v):
 *   f·L = (F0·L0 + v·F1·L1) + ((F0 + F1)(L0 + L1) − F0·L0 − F1·L1)·w,
 * two full Fq6 products (f6m_mul) and F1·L1 with a 2-sparse factor:
 *   (c0 + c1·v + c2·v²)(d0 + d1·v) = (c0d0 + ξ·c2d1) + ((c0 + c1)(d0 + d1) − c0d0 − c1d1)·v + (c1d1 + c2d0)·v²,
 * 5 Fq2 products: 17 for the whole, where a general Fq12 product takes 18. v·(x0, x1, x2) = (ξ·x2, x0, x1).
 */
function buildMulBy01234(module) {
  const f = module.addFunction("bn128__mulBy01234");
  f.addParam("pL", "i32");
  f.addParam("pF", "i32");
  const c = f.getCodeBuilder();
  const at = (p, i) => c.i32_add(c.getLocal(p), c.i32_const(i * F2_SIZE));
  const F0 = c.getLocal("pF");
  const F1 = at("pF", 3);
  const L0 = c.getLocal("pL");
  const F6 = 3 * F2_SIZE;
  const t6 = () => module.alloc(F6);
  const [pT0, pT1, pT2, pS, pSL] = Array.from({ length: 5 }, t6);
  const k = (p, i = 0) => c.i32_const(p + i * F2_SIZE);
  const tmp = () => c.i32_const(module.alloc(F2_SIZE));
  const [C0D0, C1D1, SA, SB] = Array.from({ length: 4 }, tmp);
  const [c0, c1, c2] = [0, 1, 2].map((i) => at("pF", 3 + i));
  const [d0, d1] = [at("pL", 3), at("pL", 4)];
  const mul = (x, y, r) => c.call("f2m_mul", x, y, r);
  const add = (x, y, r) => c.call("f2m_add", x, y, r);
  const sub = (x, y, r) => c.call("f2m_sub", x, y, r);
  f.addCode(
    c.call("f6m_mul", F0, L0, k(pT0)),
    // T1 = F1·(d0 + d1·v)
    mul(c0, d0, C0D0),
    mul(c1, d1, C1D1),
    mul(c2, d1, SA),
    c.call("bn128__mulXi", SA, k(pT1, 0)),
    add(k(pT1, 0), C0D0, k(pT1, 0)),
    add(c0, c1, SA),
    add(d0, d1, SB),
    mul(SA, SB, k(pT1, 1)),
    sub(k(pT1, 1), C0D0, k(pT1, 1)),
    sub(k(pT1, 1), C1D1, k(pT1, 1)),
    mul(c2, d0, k(pT1, 2)),
    add(k(pT1, 2), C1D1, k(pT1, 2)),
    // T2 = (F0 + F1)(L0 + L1), L0 + L1 = (l0 + l3, l1 + l4, l2)
    c.call("f6m_add", F0, F1, k(pS)),
    add(at("pL", 0), d0, k(pSL, 0)),
    add(at("pL", 1), d1, k(pSL, 1)),
    c.call("f2m_copy", at("pL", 2), k(pSL, 2)),
    c.call("f6m_mul", k(pS), k(pSL), k(pT2)),
    // F1 = T2 − T0 − T1, F0 = T0 + v·T1
    c.call("f6m_sub", k(pT2), k(pT0), k(pT2)),
    c.call("f6m_sub", k(pT2), k(pT1), F1),
    c.call("bn128__mulXi", k(pT1, 2), SA),
    add(k(pT0, 0), SA, at("pF", 0)),
    add(k(pT0, 1), k(pT1, 0), at("pF", 1)),
    add(k(pT0, 2), k(pT1, 1), at("pF", 2)),
  );
  module.exportFunction("bn128__mulBy01234");
}

/**
 * Adds bn128_multiMillerLoop (exported) to `module`, which must already hold wasmcurves' bn128
 * (its prepareG1/prepareG2 layout and its `__mulBy024`).
 */
export function buildMultiMillerLoop(module) {
  const bn128 = module.modules.bn128;
  if (!bn128) throw new Error("buildMultiMillerLoop needs wasmcurves' bn128 in the module first");
  const { prePSize, preQSize } = bn128;
  const loopBits = bits(ATE_LOOP_COUNT);
  const pLoopBits = module.alloc(loopBits);
  const nCoefs = (preQSize - 3 * F2_SIZE) / ATE_COEF_SIZE;
  const expected = loopBits.length - 1 + loopBits.reduce((a, b) => a + b, 0) + 1;
  if (nCoefs !== expected) throw new Error(`wasmcurves' preQSize holds ${nCoefs} lines, the loop needs ${expected}`);
  if (module.functionIdxByName.bn128__mulXi === undefined) throw new Error("buildMultiMillerLoop needs ./bn254-tower.mjs's bn128__mulXi");
  buildMulBy024Xi(module);
  buildMul024By024(module);
  buildMulBy01234(module);

  // bn128__mulLines(pPreP, pPreQ, n, off, pF): f *= Π_k line_k(P_k), line_k at byte `off` of Q_k's
  // coefficients. Two pairs at a time: their lines multiplied together first (bn128__mul024by024,
  // 6 Fq2 products), then f by the 5-sparse product (bn128__mulBy01234, 17): 23 Fq2 products per
  // two lines where two bn128__mulBy024Xi take 26. An odd last pair's line goes by bn128__mulBy024Xi.
  {
    const f = module.addFunction("bn128__mulLines");
    f.addParam("pPreP", "i32");
    f.addParam("pPreQ", "i32");
    f.addParam("n", "i32");
    f.addParam("off", "i32");
    f.addParam("pF", "i32");
    f.addLocal("k", "i32");
    f.addLocal("p", "i32");
    f.addLocal("coef", "i32");
    const c = f.getCodeBuilder();
    const tmp = () => c.i32_const(module.alloc(F2_SIZE));
    const [VW, VV, VW2, VV2] = Array.from({ length: 4 }, tmp);
    const L = c.i32_const(module.alloc(6 * F2_SIZE));
    const PX = (k) => c.i32_add(c.getLocal("p"), c.i32_const(k * prePSize));
    const PY = (k) => c.i32_add(c.getLocal("p"), c.i32_const(k * prePSize + F1_SIZE));
    const ELL_0 = (k) => c.i32_add(c.getLocal("coef"), c.i32_const(k * preQSize));
    const ELL_VW = (k) => c.i32_add(c.getLocal("coef"), c.i32_const(k * preQSize + F2_SIZE));
    const ELL_VV = (k) => c.i32_add(c.getLocal("coef"), c.i32_const(k * preQSize + 2 * F2_SIZE));
    f.addCode(
      c.setLocal("k", c.i32_const(0)),
      c.setLocal("p", c.getLocal("pPreP")),
      c.setLocal("coef", c.i32_add(c.getLocal("pPreQ"), c.getLocal("off"))),
      c.block(
        c.loop(
          c.br_if(1, c.i32_ge_u(c.i32_add(c.getLocal("k"), c.i32_const(1)), c.getLocal("n"))),
          c.call("f2m_mul1", ELL_VW(0), PY(0), VW),
          c.call("f2m_mul1", ELL_VV(0), PX(0), VV),
          c.call("f2m_mul1", ELL_VW(1), PY(1), VW2),
          c.call("f2m_mul1", ELL_VV(1), PX(1), VV2),
          c.call("bn128__mul024by024", ELL_0(0), VV, VW, ELL_0(1), VV2, VW2, L),
          c.call("bn128__mulBy01234", L, c.getLocal("pF")),
          c.setLocal("k", c.i32_add(c.getLocal("k"), c.i32_const(2))),
          c.setLocal("p", c.i32_add(c.getLocal("p"), c.i32_const(2 * prePSize))),
          c.setLocal("coef", c.i32_add(c.getLocal("coef"), c.i32_const(2 * preQSize))),
          c.br(0),
        ),
      ),
      c.if(c.i32_lt_u(c.getLocal("k"), c.getLocal("n")), [
        ...c.call("f2m_mul1", ELL_VW(0), PY(0), VW),
        ...c.call("f2m_mul1", ELL_VV(0), PX(0), VV),
        ...c.call("bn128__mulBy024Xi", ELL_0(0), VW, VV, c.getLocal("pF")),
      ]),
    );
  }

  {
    const f = module.addFunction("bn128_multiMillerLoop");
    f.addParam("pPreP", "i32");
    f.addParam("pPreQ", "i32");
    f.addParam("n", "i32");
    f.addParam("pF", "i32");
    f.addLocal("off", "i32");
    f.addLocal("i", "i32");
    const c = f.getCodeBuilder();
    const lines = () => c.call("bn128__mulLines", c.getLocal("pPreP"), c.getLocal("pPreQ"), c.getLocal("n"), c.getLocal("off"), c.getLocal("pF"));
    const next = () => c.setLocal("off", c.i32_add(c.getLocal("off"), c.i32_const(ATE_COEF_SIZE)));
    f.addCode(
      c.call("ftm_one", c.getLocal("pF")),
      // The coefficients follow Q's affine coordinates (3 Fq2 elements) in bn128_prepareG2's layout.
      c.setLocal("off", c.i32_const(3 * F2_SIZE)),
      c.setLocal("i", c.i32_const(loopBits.length - 2)),
      c.block(
        c.loop(
          // Doubling step: one shared squaring, then every pair's tangent line.
          c.call("ftm_square", c.getLocal("pF"), c.getLocal("pF")),
          lines(),
          next(),
          // Addition step where the bit of 6u + 2 is set: every pair's chord line.
          c.if(c.i32_load8_u(c.getLocal("i"), pLoopBits), [...lines(), ...next()]),
          c.br_if(1, c.i32_eqz(c.getLocal("i"))),
          c.setLocal("i", c.i32_sub(c.getLocal("i"), c.i32_const(1))),
          c.br(0),
        ),
      ),
      // The two Frobenius lines: through π(Q) and −π²(Q).
      lines(),
      next(),
      lines(),
    );
  }
  module.exportFunction("bn128_multiMillerLoop");
}
