/**
 * A multi-scalar multiplication over a few fixed G1 points for wasmcurves' BN254 module (applied by
 * scripts/bn254-wasm-source.mjs; new functions only), for the verifier's public input point
 * L = Σ_j s_j·IC_j, whose points are a verification key's and stay resident:
 *
 *   bn128_g1MultiexpPrepare(pPoints, n, pTables)
 *     for each of the n affine points P_j (64 bytes each, Montgomery form, all-zero for the point at
 *     infinity), writes the table d·P_j for d = 1..15, affine (15 × 64 = 960 bytes per point);
 *   bn128_g1MultiexpFixed(pTables, pScalars, n, pR)
 *     writes to pR (Jacobian, 96 bytes) Σ_j s_j·P_j for n scalars of 32 bytes, little-endian, not in
 *     Montgomery form (any 256-bit value), from the tables.
 *
 * Why: wasmcurves' g1m_multiexpAffine picks its bucket width from n and for n < 16 takes 1 bit:
 * it is double-and-add with ~n·128 Jacobian additions into buckets (~1.0 ms for n = 8). Here
 * Straus's interleaving (one shared chain of doublings; Straus, "Addition chains of vectors",
 * AMM 1964) with fixed 4-bit windows: 63·4 doublings and at most 64·n mixed additions from the
 * precomputed tables, which cost 14 additions and one batched inversion per point, once per key.
 * Not constant time, like the rest of the verifier's arithmetic: every input is public.
 */
const F1_SIZE = 32;
const G1_AFF = 2 * F1_SIZE;
const G1_JAC = 3 * F1_SIZE;
const TABLE = 15;
const SCALAR = 32;

function buildPrepare(module) {
  const f = module.addFunction("bn128_g1MultiexpPrepare");
  f.addParam("pPoints", "i32");
  f.addParam("n", "i32");
  f.addParam("pTables", "i32");
  f.addLocal("j", "i32");
  f.addLocal("d", "i32");
  f.addLocal("p", "i32");
  const c = f.getCodeBuilder();
  const pJac = module.alloc(TABLE * G1_JAC);
  const L = (name) => c.getLocal(name);
  const jac = (d) => c.i32_add(c.i32_const(pJac), c.i32_mul(d, c.i32_const(G1_JAC)));
  f.addCode(
    c.setLocal("j", c.i32_const(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_ge_u(L("j"), L("n"))),
        c.setLocal("p", c.i32_add(L("pPoints"), c.i32_mul(L("j"), c.i32_const(G1_AFF)))),
        // Jacobian d·P for d = 1..15 (entry d − 1), then all to affine with one inversion.
        c.call("g1m_toJacobian", L("p"), c.i32_const(pJac)),
        c.setLocal("d", c.i32_const(1)),
        c.block(
          c.loop(
            c.br_if(1, c.i32_ge_u(L("d"), c.i32_const(TABLE))),
            c.call("g1m_addMixed", jac(c.i32_sub(L("d"), c.i32_const(1))), L("p"), jac(L("d"))),
            c.setLocal("d", c.i32_add(L("d"), c.i32_const(1))),
            c.br(0),
          ),
        ),
        c.call("g1m_batchToAffine", c.i32_const(pJac), c.i32_const(TABLE), c.i32_add(L("pTables"), c.i32_mul(L("j"), c.i32_const(TABLE * G1_AFF)))),
        c.setLocal("j", c.i32_add(L("j"), c.i32_const(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction("bn128_g1MultiexpPrepare");
}

function buildFixed(module) {
  const f = module.addFunction("bn128_g1MultiexpFixed");
  f.addParam("pTables", "i32");
  f.addParam("pScalars", "i32");
  f.addParam("n", "i32");
  f.addParam("pR", "i32");
  f.addLocal("k", "i32");
  f.addLocal("j", "i32");
  f.addLocal("d", "i32");
  const c = f.getCodeBuilder();
  const L = (name) => c.getLocal(name);
  const R = L("pR");
  const dbl = c.call("g1m_double", R, R);
  f.addCode(
    c.call("g1m_zero", R),
    // Windows k = 63..0: bits 4k..4k + 3 of every scalar, the most significant first.
    c.setLocal("k", c.i32_const((8 * SCALAR) / 4 - 1)),
    c.block(
      c.loop(
        c.setLocal("j", c.i32_const(0)),
        c.block(
          c.loop(
            c.br_if(1, c.i32_ge_u(L("j"), L("n"))),
            // d = nibble k of scalar j: byte k >> 1, high half if k is odd.
            c.setLocal(
              "d",
              c.i32_and(
                c.i32_shr_u(
                  c.i32_load8_u(c.i32_add(c.i32_add(L("pScalars"), c.i32_mul(L("j"), c.i32_const(SCALAR))), c.i32_shr_u(L("k"), c.i32_const(1)))),
                  c.i32_shl(c.i32_and(L("k"), c.i32_const(1)), c.i32_const(2)),
                ),
                c.i32_const(15),
              ),
            ),
            c.if(
              L("d"),
              c.call(
                "g1m_addMixed",
                R,
                c.i32_add(
                  c.i32_add(L("pTables"), c.i32_mul(L("j"), c.i32_const(TABLE * G1_AFF))),
                  c.i32_mul(c.i32_sub(L("d"), c.i32_const(1)), c.i32_const(G1_AFF)),
                ),
                R,
              ),
            ),
            c.setLocal("j", c.i32_add(L("j"), c.i32_const(1))),
            c.br(0),
          ),
        ),
        c.br_if(1, c.i32_eqz(L("k"))),
        ...dbl,
        ...dbl,
        ...dbl,
        ...dbl,
        c.setLocal("k", c.i32_sub(L("k"), c.i32_const(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction("bn128_g1MultiexpFixed");
}

export function buildG1Multiexp(module) {
  buildPrepare(module);
  buildFixed(module);
}
