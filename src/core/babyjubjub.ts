/**
 * BabyJubJub (the twisted Edwards curve circomlib's EdDSA uses) on noble's generic Edwards
 * arithmetic, with the same parameters as @noble/curves/misc `babyjubjub`. Defined here so the
 * verifier path does not load misc.js, which pulls in BLS12-381 and the pasta curves (~150 ms of
 * start-up). test/unit/issuer/issuer-key.test.ts cross-checks keys against circomlibjs.
 */
import { twistedEdwards } from "@noble/curves/abstract/edwards";
import { Field } from "@noble/curves/abstract/modular";
import { sha512 } from "@noble/hashes/sha2";
import { FIELD_ORDER } from "./field.js";

export const babyjubjub = twistedEdwards({
  a: 168700n,
  d: 168696n,
  Fp: Field(FIELD_ORDER),
  // NOTE: n is the full curve order 8l, as in noble's own definition (so isTorsionFree() is
  // always true: subgroup checks multiply by l explicitly, see public-key.ts).
  n: 21888242871839275222246405745257275088614511777268538073601725287587578984328n,
  h: 8n,
  Gx: 995203441582195749578291179787384436505546430278305826713579947235728471134n,
  Gy: 5472060717959818805561601436314318772137091100104008585924551046643952123905n,
  // Required by the constructor for noble's own EdDSA, which medzk does not use.
  hash: sha512,
});
