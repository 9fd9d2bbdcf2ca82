/**
 * Production keys given at run time: a key manifest (`medzk-keys/v1`) and the verification key
 * files it names. A deployment that ran its own phase-2 ceremony (`medzk ceremony`, SECURITY.md)
 * uses its keys without forking the package: `createVerifier({ keys })`, `prove({ keys })`,
 * `createWallet({ keys })`, the service's `keys` config and the CLI's `--keys`.
 *
 * They are checked like the shipped keys (manifest.ts): every file against its SHA-256 pin, each
 * key's shape against the circuit registry, and a key without a phase-2 contribution refused.
 * The manifest also pins the R1CS each key was made for, which must be the R1CS of the circuit
 * this package ships (artifacts/manifest.json): keys set up for another version of a circuit
 * are refused before anything is proven or verified with them.
 *
 * The format, strictly (unknown or missing keys refused with INVALID_KEY_MANIFEST):
 *
 *   { "format": "medzk-keys/v1",
 *     "circuits": { "<circuit>": { "r1cs": "<sha256>",
 *                                  "vkey": { "path", "sha256" },
 *                                  "zkey": { "path", "sha256" },     // provers only,
 *                                  "wasm": { "path", "sha256" } } } } // with zkey
 *
 * Paths are relative to the manifest (plain names and sub-folders; no "..", no absolute paths),
 * so a manifest and its files move together.
 *
 * NOTE: soundness assumption. Hash pins and shape checks say a key is well-formed, not that it is
 * sound: a key whose δ is a known multiple of γ passes them and accepts proofs forged without a
 * witness. Without ceremony transcripts the manifest is the one file an operator trusts (docs/keys.md);
 * with them ({@link KeySet.ceremonies}), each key must be the one its circuit's verified ceremony
 * exported (ceremony-transcript.ts).
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { MedzkError } from "../core/errors.js";
import { type VerificationKey, checkVerificationKey, verificationKeyId } from "../core/verification-key.js";
import { assertHex, assertObject, isPlainObject } from "../core/validate.js";
import { type ArtifactFile, MANIFEST, assertUsableKey, circuitManifest, verificationKey } from "./manifest.js";
import { checkCeremonyKeys } from "./ceremony-transcript.js";

export const KEY_MANIFEST_FORMAT = "medzk-keys/v1";

/** One circuit's keys in a {@link KeyManifest}. */
export interface KeyManifestEntry {
  /** SHA-256 (hex) of the R1CS the keys were set up for: must be the shipped circuit's. */
  r1cs: string;
  /** The verification key (snarkjs's JSON). */
  vkey: ArtifactFile;
  /** The proving key, for provers. Given with `wasm`, or neither. */
  zkey?: ArtifactFile;
  /** The witness calculator of the circuit, for provers. Given with `zkey`, or neither. */
  wasm?: ArtifactFile;
}

/** A key manifest, `medzk-keys/v1`: written by `medzk ceremony finalize`. */
export interface KeyManifest {
  format: typeof KEY_MANIFEST_FORMAT;
  circuits: Record<string, KeyManifestEntry>;
}

/**
 * Production keys as a verifier or prover takes them: the manifest, the text of every
 * verification key file it names (by its path in the manifest), and where the manifest was read
 * from (a directory URL; provers read the zkey and wasm files from there). `loadKeys` (Node)
 * builds one from a manifest file; a browser app can build one from fetched text. Whoever builds
 * it, every use re-checks the texts against the manifest's pins (and the keys against the
 * ceremony transcripts, when given).
 */
export interface KeySet {
  manifest: unknown;
  verificationKeys: Record<string, string>;
  /** The directory URL the manifest's paths are relative to. */
  base: string;
  /**
   * The ceremony transcripts (`ceremony.json`, parsed JSON) the keys came from, one per circuit of
   * the manifest, each verified by `medzk ceremony verify`. When given, every verification key
   * must be the one its circuit's transcript names (ceremony-transcript.ts's `checkCeremonyKeys`).
   */
  ceremonies?: unknown[];
}

/** One circuit's checked key, from {@link checkKeySet}. */
export interface CheckedKey {
  circuit: string;
  /** {@link verificationKeyId} of `vkey`: what presentations made with it name. */
  id: string;
  vkey: VerificationKey;
  /** The pinned proving files, when the manifest gives them. */
  prover?: { zkey: ArtifactFile; wasm: ArtifactFile };
}

const FAIL = "INVALID_KEY_MANIFEST";
const PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
const MAX_CIRCUITS = 64;

function artifactFile(value: unknown, name: string): ArtifactFile {
  const f = assertObject(value, name, { required: ["path", "sha256"] }, FAIL);
  if (typeof f.path !== "string" || f.path.length > 255 || !PATH.test(f.path) || f.path.split("/").includes("..")) {
    throw new MedzkError(FAIL, `"${name}.path" must be a relative path inside the manifest's directory (letters, digits, . _ - and /)`);
  }
  return { path: f.path, sha256: assertHex(f.sha256, `${name}.sha256`, 32, FAIL) };
}

/**
 * Parses a key manifest strictly (see the module comment); throws
 * MedzkError("INVALID_KEY_MANIFEST") naming the offending key. A circuit this package does not
 * know is refused too (ARTIFACT_INTEGRITY, as for the shipped manifest), and so is one whose
 * `r1cs` is not the shipped circuit's: keys for another circuit version.
 */
export function parseKeyManifest(value: unknown): KeyManifest {
  const m = assertObject(value, "keys manifest", { required: ["format", "circuits"] }, FAIL);
  if (m.format !== KEY_MANIFEST_FORMAT) throw new MedzkError(FAIL, `"format" must be "${KEY_MANIFEST_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (!isPlainObject(m.circuits)) throw new MedzkError(FAIL, `"circuits" must be an object of circuit name to keys`);
  const names = Object.keys(m.circuits);
  if (names.length === 0 || names.length > MAX_CIRCUITS) throw new MedzkError(FAIL, `"circuits" must name 1 to ${MAX_CIRCUITS} circuits`);
  const circuits: Record<string, KeyManifestEntry> = {};
  for (const circuit of names) {
    const name = `circuits.${circuit}`;
    const e = assertObject(m.circuits[circuit], name, { required: ["r1cs", "vkey"], optional: ["zkey", "wasm"] }, FAIL);
    const r1cs = assertHex(e.r1cs, `${name}.r1cs`, 32, FAIL);
    if ((e.zkey === undefined) !== (e.wasm === undefined)) throw new MedzkError(FAIL, `"${name}" must give both "zkey" and "wasm" (a prover's keys) or neither`);
    const shipped = circuitManifest(circuit);
    if (r1cs !== shipped.r1cs) {
      throw new MedzkError(
        "ARTIFACT_INTEGRITY",
        `the keys for "${circuit}" were set up for R1CS ${r1cs}, this version of medzk proves R1CS ${shipped.r1cs}: run the ceremony for this version`,
      );
    }
    circuits[circuit] = {
      r1cs,
      vkey: artifactFile(e.vkey, `${name}.vkey`),
      ...(e.zkey === undefined ? {} : { zkey: artifactFile(e.zkey, `${name}.zkey`), wasm: artifactFile(e.wasm, `${name}.wasm`) }),
    };
  }
  return { format: KEY_MANIFEST_FORMAT, circuits };
}

/**
 * Checks a {@link KeySet}: the manifest ({@link parseKeyManifest}), each verification key's text
 * against its SHA-256 pin, its strict parse, its shape against the circuit (public-signal count)
 * and its phase-2 contribution ({@link assertUsableKey}); no key given to two circuits; with
 * `ceremonies`, every key the one its circuit's ceremony made. Returns the checked keys by circuit.
 * Throws MedzkError: INVALID_ARGUMENT (not a key set, or transcripts missing or extra),
 * INVALID_KEY_MANIFEST, ARTIFACT_INTEGRITY, CEREMONY_INVALID (a malformed or unfinalized transcript).
 */
export function checkKeySet(keys: unknown): Map<string, CheckedKey> {
  const k = assertObject(keys, "keys", { required: ["manifest", "verificationKeys", "base"], optional: ["ceremonies"] });
  if (!isPlainObject(k.verificationKeys)) throw new MedzkError("INVALID_ARGUMENT", `"keys.verificationKeys" must be an object of path to file text`);
  if (typeof k.base !== "string") throw new MedzkError("INVALID_ARGUMENT", `"keys.base" must be the manifest directory's URL`);
  const manifest = parseKeyManifest(k.manifest);
  const texts = k.verificationKeys;
  const checked = new Map<string, CheckedKey>();
  for (const [circuit, entry] of Object.entries(manifest.circuits)) {
    const text = Object.hasOwn(texts, entry.vkey.path) ? texts[entry.vkey.path] : undefined;
    if (typeof text !== "string") throw new MedzkError("ARTIFACT_INTEGRITY", `no text given for verification key ${entry.vkey.path}`);
    const actual = bytesToHex(sha256(utf8ToBytes(text)));
    if (actual !== entry.vkey.sha256) {
      throw new MedzkError("ARTIFACT_INTEGRITY", `verification key ${entry.vkey.path} has SHA-256 ${actual}, the keys manifest pins ${entry.vkey.sha256}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new MedzkError("ARTIFACT_INTEGRITY", `verification key ${entry.vkey.path} is not JSON`, { cause });
    }
    const parsed = checkVerificationKey(json, entry.vkey.path);
    if (!parsed.ok) throw new MedzkError("ARTIFACT_INTEGRITY", parsed.message);
    assertUsableKey(parsed.value, circuitManifest(circuit));
    checked.set(circuit, {
      circuit,
      id: verificationKeyId(parsed.value),
      vkey: parsed.value,
      ...(entry.zkey && entry.wasm ? { prover: { zkey: entry.zkey, wasm: entry.wasm } } : {}),
    });
  }
  assertOneCircuitPerKey(checked);
  if (k.ceremonies !== undefined) {
    checkCeremonyKeys(
      [...checked.values()].map(({ circuit, id }) => ({ circuit, id, r1cs: manifest.circuits[circuit]!.r1cs, path: manifest.circuits[circuit]!.vkey.path })),
      k.ceremonies,
    );
  }
  return checked;
}

/**
 * A verification key belongs to one circuit: a key that is another circuit's (in this manifest,
 * or the shipped key of another circuit) is refused, even where the public-signal counts agree
 * (age_at_least and insurance_active have 8, their hidden variants 6), so a proof of one circuit
 * cannot pass as another's.
 */
function assertOneCircuitPerKey(checked: ReadonlyMap<string, CheckedKey>): void {
  for (const key of checked.values()) {
    for (const other of Object.keys(MANIFEST.circuits)) {
      if (other === key.circuit) continue;
      if (checked.get(other)?.id === key.id || shippedKeyId(other) === key.id) {
        throw new MedzkError("ARTIFACT_INTEGRITY", `the keys manifest gives "${key.circuit}" the verification key of circuit "${other}"`);
      }
    }
  }
}

const shippedIds = new Map<string, string>();

/** The id of the shipped (bundled, pinned) verification key of a circuit. */
export function shippedKeyId(circuit: string): string {
  let id = shippedIds.get(circuit);
  if (id === undefined) {
    id = verificationKeyId(verificationKey(circuit));
    shippedIds.set(circuit, id);
  }
  return id;
}
