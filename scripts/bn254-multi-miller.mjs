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
 * nonzero: wasmcurves' sparse `__mulBy024` (13 Fq2 multiplications instead of 18 for a full
 * Fq12 product), after two Fq2-by-Fq scalings (`f2m_mul1`). Line coefficients come from
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
          c.call("bn128__mulBy024", ELL_0, VW, VV, c.getLocal("pF")),
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
