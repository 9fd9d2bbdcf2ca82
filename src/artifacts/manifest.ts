/**
 * Pinned circuit artifacts. The manifest (artifacts/manifest.json, written by
 * scripts/build-circuits.mjs) and the verification keys are bundled into the library at build
 * time, so a verifier reads no key from disk or from the wire: the keys it uses are the ones this
 * package was built with, checked against their SHA-256 pins and against the circuit registry
 * (circuits/circuits.json: which circuits exist, how many public signals each has) on first use.
 * Proving keys and witness-calculator wasm are read from the package's artifacts/ folder (or an
 * artifact host) and hash-checked too (loader.ts).
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import registry from "../../circuits/circuits.json" with { type: "json" };
import manifestJson from "../../artifacts/manifest.json" with { type: "json" };
// One static import per circuit so the bundlers inline the keys; test/unit/artifacts checks that
// every registry circuit has one.
import ageVkey from "../../artifacts/age_at_least.vkey.json" with { type: "json" };
import insuranceVkey from "../../artifacts/insurance_active.vkey.json" with { type: "json" };
import queryVkey from "../../artifacts/query.vkey.json" with { type: "json" };
import ageHiddenVkey from "../../artifacts/age_at_least_hidden.vkey.json" with { type: "json" };
import insuranceHiddenVkey from "../../artifacts/insurance_active_hidden.vkey.json" with { type: "json" };
import queryHiddenVkey from "../../artifacts/query_hidden.vkey.json" with { type: "json" };
import { MedzkError } from "../core/errors.js";
import type { VerificationKey } from "../core/verification-key.js";

export type { VerificationKey };

/** A pinned file: its path (relative to its manifest) and SHA-256 (64 lowercase hex). */
export interface ArtifactFile {
  /** Relative to the manifest's directory. */
  path: string;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
}

export interface CircuitManifest {
  name: string;
  statement: string;
  constraints: number;
  publicSignals: number;
  /** SHA-256 of the compiled R1CS the keys were made for. */
  r1cs: string;
  /**
   * SHA-256 of snarkjs's `zkey new` on that R1CS and the committed Powers of Tau: the phase-2
   * starting point, deterministic, which a ceremony's verification may start from instead of
   * recomputing it (ceremony.ts). `npm run check:artifacts` recomputes it.
   */
  initialZkey: string;
  files: { wasm: ArtifactFile; zkey: ArtifactFile; vkey: ArtifactFile };
}

export const MANIFEST = manifestJson as {
  /** The committed Powers of Tau the shipped keys (and `medzk ceremony` by default) build on. */
  ptau: { path: string; power: number; sha256: string };
  circuits: Record<string, CircuitManifest>;
};

/** The number of public signals the registry gives a circuit. */
function registrySignalCount(circuit: string): number | undefined {
  const circuits: Record<string, { publicSignals: readonly string[] }> = registry.circuits;
  return Object.hasOwn(circuits, circuit) ? circuits[circuit]!.publicSignals.length : undefined;
}

const BUNDLED_VKEYS: Readonly<Record<string, unknown>> = {
  age_at_least: ageVkey,
  insurance_active: insuranceVkey,
  query: queryVkey,
  age_at_least_hidden: ageHiddenVkey,
  insurance_active_hidden: insuranceHiddenVkey,
  query_hidden: queryHiddenVkey,
};

/**
 * The manifest entry of a registry circuit. Refused (ARTIFACT_INTEGRITY) when the circuit is not
 * in the registry or the manifest, or when the two disagree on its public-signal count (artifacts
 * built from another version of the circuit).
 */
export function circuitManifest(circuit: string): CircuitManifest {
  const entry = Object.hasOwn(MANIFEST.circuits, circuit) ? MANIFEST.circuits[circuit] : undefined;
  const signals = registrySignalCount(circuit);
  if (!entry || signals === undefined) throw new MedzkError("ARTIFACT_INTEGRITY", `no artifacts for circuit "${circuit}" in the manifest and the circuit registry`);
  if (entry.publicSignals !== signals) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `the manifest gives circuit "${circuit}" ${entry.publicSignals} public signals, circuits/circuits.json ${signals}`);
  }
  return entry;
}

export function checkHash(bytes: Uint8Array, file: ArtifactFile): void {
  const actual = bytesToHex(sha256(bytes));
  if (actual !== file.sha256) {
    throw new MedzkError(
      "ARTIFACT_INTEGRITY",
      `artifact ${file.path} has SHA-256 ${actual}, the manifest pins ${file.sha256}: reinstall medzk or rebuild the artifacts`,
    );
  }
}

const checkedKeys = new Map<string, VerificationKey>();

/**
 * The pinned verification key of a circuit, refused unless its bundled bytes match the manifest
 * and it passes {@link assertUsableKey}.
 */
export function verificationKey(circuit: string): VerificationKey {
  const checked = checkedKeys.get(circuit);
  if (checked) return checked;
  const entry = circuitManifest(circuit);
  const vkey = BUNDLED_VKEYS[circuit] as VerificationKey | undefined;
  if (!vkey) throw new MedzkError("ARTIFACT_INTEGRITY", `no verification key bundled for "${circuit}"`);
  // The file on disk is JSON.stringify(vkey, null, 1) + "\n" (scripts/build-circuits.mjs).
  checkHash(utf8ToBytes(JSON.stringify(vkey, null, 1) + "\n"), entry.files.vkey);
  assertUsableKey(vkey, entry);
  checkedKeys.set(circuit, vkey);
  return vkey;
}

/**
 * Refuses a key whose shape does not match its circuit, or that never had a phase-2 contribution
 * (gamma == delta: with such a key anyone can forge proofs).
 */
export function assertUsableKey(vkey: VerificationKey, entry: CircuitManifest): void {
  if (
    vkey.protocol !== "groth16" ||
    vkey.curve !== "bn128" ||
    vkey.nPublic !== entry.publicSignals ||
    !Array.isArray(vkey.IC) ||
    vkey.IC.length !== vkey.nPublic + 1
  ) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `verification key of "${entry.name}" does not match its manifest entry`);
  }
  if (JSON.stringify(vkey.vk_gamma_2) === JSON.stringify(vkey.vk_delta_2)) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `verification key of "${entry.name}" has no phase-2 contribution (gamma == delta)`);
  }
}
