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
 * Each step multiplies f by the line through the prepared coefficients (ell_0, ell_VW, ell_VV)
 * evaluated at P_k, ell_0 + ell_VW·y_P·w + ell_VV·x_P·vw, which has 3 of 6 Fq2 coefficients
 * nonzero: wasmcurves' sparse `__mulBy024` algorithm (13 Fq2 multiplications instead of 18 for a
 * full Fq12 product), here with its four multiplications by ξ = 9 + u done by additions
 * (`bn128__mulBy024Xi`), after two Fq2-by-Fq scalings (`f2m_mul1`). Line coefficients come from
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

  // bn128__mulLines(pPreP, pPreQ, n, off, pF): f *= Π_k line_k(P_k), line_k at byte `off` of Q_k's coefficients.
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
    const VW = c.i32_const(module.alloc(F2_SIZE));
    const VV = c.i32_const(module.alloc(F2_SIZE));
    const PX = c.getLocal("p");
    const PY = c.i32_add(c.getLocal("p"), c.i32_const(F1_SIZE));
    const ELL_0 = c.getLocal("coef");
    const ELL_VW = c.i32_add(c.getLocal("coef"), c.i32_const(F2_SIZE));
    const ELL_VV = c.i32_add(c.getLocal("coef"), c.i32_const(2 * F2_SIZE));
    f.addCode(
      c.setLocal("k", c.i32_const(0)),
      c.setLocal("p", c.getLocal("pPreP")),
      c.setLocal("coef", c.i32_add(c.getLocal("pPreQ"), c.getLocal("off"))),
      c.block(
        c.loop(
          c.br_if(1, c.i32_ge_u(c.getLocal("k"), c.getLocal("n"))),
          c.call("f2m_mul1", ELL_VW, PY, VW),
          c.call("f2m_mul1", ELL_VV, PX, VV),
          c.call("bn128__mulBy024Xi", ELL_0, VW, VV, c.getLocal("pF")),
          c.setLocal("k", c.i32_add(c.getLocal("k"), c.i32_const(1))),
          c.setLocal("p", c.i32_add(c.getLocal("p"), c.i32_const(prePSize))),
          c.setLocal("coef", c.i32_add(c.getLocal("coef"), c.i32_const(preQSize))),
          c.br(0),
        ),
      ),
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
