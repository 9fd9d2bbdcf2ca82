/**
 * Fused modular addition, subtraction and final reduction for wasmcurves' Fq (the `f1m` field of
 * BN254), applied by scripts/bn254-wasm-source.mjs after wasmcurves' buildBn128 on the same
 * wasmbuilder module.
 *
 * Why: a profile of medzk's batch verification (bench/_verify-parts.ts, node --cpu-prof) spends
 * about a quarter of its wasm time in wasmcurves' int_gte, int_add and int_sub: f1m_add is
 * `int_add` (stores r), then `int_gte(r, q)` (reloads r), then maybe `int_sub(r, q, r)` (reloads
 * and stores r again), three calls per addition; f1m_sub is two; f1m_mul and f1m_square end with
 * the same int_gte / int_sub pair. Every Fq2, Fq6, Fq12, curve and line operation is built from
 * these. Here each is one straight-line function: the 8 32-bit limbs of the sum (or difference)
 * are kept in locals, the candidate r − q (or r + q) is computed in locals too, and only the right
 * one is stored, once.
 *
 * The results are bit for bit what wasmcurves' code gives, for every input wasmcurves' own code
 * accepts (canonical elements, < q, in Montgomery form): f1m_add stores x + y − q if the sum
 * carries out of 256 bits or is ≥ q, else x + y; f1m_sub stores x − y + q (mod 2^256) if x − y
 * borrows, else x − y; mul and square subtract q from their result if their top carry is set or
 * the result is ≥ q. Each function keeps its index, name and signature, so nothing that calls it
 * changes, and snarkjs's prover, which runs on this module too, gets the same numbers.
 * test/unit/groth16/fast-field.test.ts checks the four functions against BigInt arithmetic on
 * edge and random inputs, and the curve tests compare pairings with ffjavascript's own module.
 */
const N32 = 8;
const MASK32 = 0xffffffff;

function limbs32(q) {
  return Array.from({ length: N32 }, (_, i) => Number((q >> BigInt(32 * i)) & 0xffffffffn));
}

/**
 * Code that computes d_i = s_i − q_i − borrow into locals `d0..d7` (the s_i being 32-bit values in
 * i64 expressions) and leaves in local `bw` the running borrow (0 or −1 after the last limb, via
 * an arithmetic shift).
 */
function subConst(c, s, ql, d) {
  const code = [];
  for (let i = 0; i < N32; i++) {
    const diff = c.i64_sub(s(i), c.i64_const(ql[i]));
    code.push(
      c.setLocal("bw", i === 0 ? diff : c.i64_add(diff, c.i64_shr_s(c.getLocal("bw"), c.i64_const(32)))),
      c.setLocal(d(i), c.i64_and(c.getLocal("bw"), c.i64_const(MASK32))),
    );
  }
  return code;
}

/** Flat bytes (c.if splices its branches as bytes). */
function storeLimbs(c, name, off = 0) {
  const code = [];
  for (let i = 0; i < N32; i++) code.push(...c.i64_store32(c.getLocal("r"), off + 4 * i, c.getLocal(name(i))));
  return code;
}

/** Resets a FunctionBuilder's code and locals, keeping its params (and so its index and signature). */
export function resetBody(f) {
  f.code = [];
  f.locals = [];
  f.nextLocal = f.params.length;
  for (const name of Object.keys(f.localIdxByName)) if (f.localIdxByName[name] >= f.params.length) delete f.localIdxByName[name];
}

export function fnByName(module, name) {
  const idx = module.functionIdxByName[name];
  const f = idx === undefined ? undefined : module.functions[idx];
  if (!f || f.fnName !== name) throw new Error(`wasmcurves has no ${name}`);
  return f;
}

/**
 * `${prefix}_add` as one function; with offsets [0, 32] (f2m_add) both Fq coordinates of an Fq2
 * sum, one after the other, as wasmcurves' two f1m_add calls do, in one function.
 */
function buildAdd(module, prefix, ql, offsets = [0]) {
  const f = fnByName(module, `${prefix}_add`);
  if (f.params.length !== 3 || f.returnType) throw new Error(`${prefix}_add: unexpected signature`);
  resetBody(f);
  f.addLocal("cy", "i64");
  f.addLocal("bw", "i64");
  for (let i = 0; i < N32; i++) {
    f.addLocal(`s${i}`, "i64");
    f.addLocal(`d${i}`, "i64");
  }
  const c = f.getCodeBuilder();
  for (const off of offsets) {
    for (let i = 0; i < N32; i++) {
      const sum = c.i64_add(c.i64_load32_u(c.getLocal("x"), off + 4 * i), c.i64_load32_u(c.getLocal("y"), off + 4 * i));
      f.addCode(
        c.setLocal("cy", i === 0 ? sum : c.i64_add(sum, c.i64_shr_u(c.getLocal("cy"), c.i64_const(32)))),
        c.setLocal(`s${i}`, c.i64_and(c.getLocal("cy"), c.i64_const(MASK32))),
      );
    }
    f.addCode(
      ...subConst(c, (i) => c.getLocal(`s${i}`), ql, (i) => `d${i}`),
      // Reduce iff the sum carried out of 256 bits or x + y − q did not borrow (x + y ≥ q).
      c.if(
        c.i32_or(c.i64_ne(c.i64_shr_u(c.getLocal("cy"), c.i64_const(32)), c.i64_const(0)), c.i64_eqz(c.i64_shr_s(c.getLocal("bw"), c.i64_const(32)))),
        storeLimbs(c, (i) => `d${i}`, off),
        storeLimbs(c, (i) => `s${i}`, off),
      ),
    );
  }
}

/** `${prefix}_sub` as one function (offsets as in buildAdd). */
function buildSub(module, prefix, ql, offsets = [0]) {
  const f = fnByName(module, `${prefix}_sub`);
  if (f.params.length !== 3 || f.returnType) throw new Error(`${prefix}_sub: unexpected signature`);
  resetBody(f);
  f.addLocal("bw", "i64");
  f.addLocal("cy", "i64");
  for (let i = 0; i < N32; i++) {
    f.addLocal(`s${i}`, "i64");
    f.addLocal(`d${i}`, "i64");
  }
  const c = f.getCodeBuilder();
  // x − y + q (mod 2^256), stored iff x − y borrowed.
  const addQ = [];
  for (let i = 0; i < N32; i++) {
    const sum = c.i64_add(c.getLocal(`s${i}`), c.i64_const(ql[i]));
    addQ.push(
      ...c.setLocal("cy", i === 0 ? sum : c.i64_add(sum, c.i64_shr_u(c.getLocal("cy"), c.i64_const(32)))),
      ...c.setLocal(`d${i}`, c.i64_and(c.getLocal("cy"), c.i64_const(MASK32))),
    );
  }
  for (const off of offsets) {
    for (let i = 0; i < N32; i++) {
      const diff = c.i64_sub(c.i64_load32_u(c.getLocal("x"), off + 4 * i), c.i64_load32_u(c.getLocal("y"), off + 4 * i));
      f.addCode(
        c.setLocal("bw", i === 0 ? diff : c.i64_add(diff, c.i64_shr_s(c.getLocal("bw"), c.i64_const(32)))),
        c.setLocal(`s${i}`, c.i64_and(c.getLocal("bw"), c.i64_const(MASK32))),
      );
    }
    f.addCode(
      c.if(
        c.i64_ne(c.i64_shr_s(c.getLocal("bw"), c.i64_const(32)), c.i64_const(0)),
        [...addQ, ...storeLimbs(c, (i) => `d${i}`, off)],
        storeLimbs(c, (i) => `s${i}`, off),
      ),
    );
  }
}

/**
 * Replaces the last statement of f1m_mul / f1m_square, wasmcurves' final reduction
 *   if (carry) int_sub(r, q, r) else if (int_gte(r, q)) int_sub(r, q, r)
 * (with `carry` its last carry local), by the fused one. The old statement's bytes are
 * regenerated and must be exactly the function's tail, so a different wasmcurves fails here
 * instead of producing a different module.
 */
function replaceReduction(module, prefix, name, ql) {
  const f = fnByName(module, name);
  const pq = module.modules[prefix].pq;
  const c = f.getCodeBuilder();
  const reduction = (carry) =>
    c.if(
      c.i32_wrap_i64(c.getLocal(carry)),
      c.drop(c.call("int_sub", c.getLocal("r"), c.i32_const(pq), c.getLocal("r"))),
      c.if(c.call("int_gte", c.getLocal("r"), c.i32_const(pq)), c.drop(c.call("int_sub", c.getLocal("r"), c.i32_const(pq), c.getLocal("r")))),
    );
  const endsWith = (bytes) => bytes.length <= f.code.length && bytes.every((b, i) => f.code[f.code.length - bytes.length + i] === b);
  // wasmcurves swaps its carry locals' names as it goes; the last carry is in one of these.
  const carryLocal = ["c1", "c1_old", "c0", "c0_old"].find((name) => f.localIdxByName[name] !== undefined && endsWith(reduction(name)));
  if (!carryLocal) throw new Error(`${name}: wasmcurves' final reduction is not where expected`);
  const old = reduction(carryLocal);
  f.code.length -= old.length;
  f.addLocal("bw", "i64");
  for (let i = 0; i < N32; i++) f.addLocal(`fr${i}`, "i64");
  f.addCode(
    ...subConst(c, (i) => c.i64_load32_u(c.getLocal("r"), 4 * i), ql, (i) => `fr${i}`),
    c.if(
      c.i32_or(c.i32_wrap_i64(c.getLocal(carryLocal)), c.i64_eqz(c.i64_shr_s(c.getLocal("bw"), c.i64_const(32)))),
      storeLimbs(c, (i) => `fr${i}`),
    ),
  );
}

/** Applies the fused functions to `module`'s Fq (wasmcurves' bn128 must be built in it already). */
export function buildFastField(module, prefix = "f1m") {
  const field = module.modules[prefix];
  if (!field || field.n64 !== 4) throw new Error(`buildFastField needs wasmcurves' 256-bit ${prefix}`);
  const ql = limbs32(field.q);
  buildAdd(module, prefix, ql);
  buildSub(module, prefix, ql);
  // Fq2's addition and subtraction (wasmcurves: two calls each) fused the same way.
  if (prefix === "f1m") {
    buildAdd(module, "f2m", ql, [0, 32]);
    buildSub(module, "f2m", ql, [0, 32]);
  }
  replaceReduction(module, prefix, `${prefix}_mul`, ql);
  replaceReduction(module, prefix, `${prefix}_square`, ql);
}
