/**
 * circomlibjs's EdDSA-Poseidon (BabyJubJub), loaded on first use and shared by issuing (signing)
 * and credential checking (verifying a signature). Verifiers of presentations never load it:
 * they check proofs, not signatures, so they do not pay its start-up.
 */
import type { Eddsa } from "circomlibjs";
import type { IssuerPoint } from "./public-key.js";

let eddsaPromise: Promise<Eddsa> | undefined;

/** circomlibjs's EdDSA, built once per process. A failed build is not kept: the next call retries. */
export function loadEddsa(): Promise<Eddsa> {
  if (!eddsaPromise) {
    const building = import("circomlibjs").then((m) => m.buildEddsa());
    building.catch(() => {
      if (eddsaPromise === building) eddsaPromise = undefined;
    });
    eddsaPromise = building;
  }
  return eddsaPromise;
}

/** A circomlibjs point (field elements in its Montgomery form) as plain coordinates. */
export function toIssuerPoint(ed: Eddsa, p: [Uint8Array, Uint8Array]): IssuerPoint {
  return { x: ed.F.toObject(p[0]), y: ed.F.toObject(p[1]) };
}
