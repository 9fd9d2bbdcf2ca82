/**
 * A phase-2 ceremony's transcript, `ceremony.json` (medzk-ceremony/v1): its format, its strict
 * parse, and the check that production keys are the ones a ceremony made. Platform-neutral (no
 * file access): the ceremony steps (ceremony.ts, Node) write and verify transcripts, and a key set
 * (key-manifest.ts) is checked against the transcripts given with it, in Node or a browser.
 *
 * A finalized transcript names the id ({@link verificationKeyId}) of the verification key snarkjs
 * exported from its final zkey (`beacon.verificationKeyId`); `ceremony verify` re-exports it from
 * the zkey it verified and compares. A key manifest's verification key for a circuit is accepted
 * with transcripts only when it is that id, in the transcript of that circuit (by name and R1CS):
 * neither a key whose δ someone knows the relation of to γ (which forges any proof) nor a sound key
 * of another circuit with as many public signals passes.
 */
import { MedzkError } from "../core/errors.js";
import { assertArray, assertHex, assertInstant, assertInteger, assertObject } from "../core/validate.js";
import { type ArtifactFile, MANIFEST } from "./manifest.js";

export const CEREMONY_FORMAT = "medzk-ceremony/v1";

/** One participant's attestation: what they started from, what they produced, snarkjs's hash of their contribution. */
export interface Attestation {
  /** 1 for the first contribution. */
  index: number;
  /** The contributor's name, as snarkjs records it in the zkey. */
  name: string;
  /** SHA-256 of the zkey the contribution started from. */
  previous: string;
  /** The zkey it produced. */
  zkey: ArtifactFile;
  /** snarkjs's contribution hash (BLAKE2b-512, hex): the contributor keeps it and finds it in `verify`'s report. */
  contributionHash: string;
  /** When it was made (ISO 8601, UTC). */
  at: string;
}

/** The random beacon applied by `finalize`, and the verification key of the zkey it produced. */
export interface BeaconRecord {
  /** The beacon value (hex), e.g. a future block hash announced before the ceremony closed. */
  value: string;
  /** snarkjs's iteration exponent (2^n hash iterations). */
  iterationsExp: number;
  previous: string;
  zkey: ArtifactFile;
  contributionHash: string;
  at: string;
  /**
   * The {@link verificationKeyId} of the key snarkjs exports from `zkey` (`zKey.exportVerificationKey`):
   * the one verification key this ceremony made. `ceremony verify` re-exports and compares.
   */
  verificationKeyId: string;
}

/** `ceremony.json`. */
export interface CeremonyTranscript {
  format: typeof CEREMONY_FORMAT;
  /** A circuit of this version (artifacts/manifest.json); it names the ceremony's zkey files. */
  circuit: string;
  /** SHA-256 of the circuit's R1CS (must be the shipped circuit's). */
  r1cs: string;
  /** SHA-256 of the Powers of Tau file (must be the committed pot14_final.ptau's). */
  ptau: string;
  /** The zkey `zkey new` made, before any contribution. */
  initial: ArtifactFile;
  contributions: Attestation[];
  beacon?: BeaconRecord;
}

const FAIL = "CEREMONY_INVALID";
/** Contributor names, as recorded in the zkeys. */
export const CONTRIBUTOR_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;
const ZKEY_FILE = /^[a-z0-9_]+_[0-9]{4}\.zkey$/;
/** Circuit names as the registry spells them; a transcript's circuit must also be one of this version's. */
const CIRCUIT_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_CONTRIBUTIONS = 9999;

const fail = (message: string): never => {
  throw new MedzkError(FAIL, message);
};

/**
 * Whether `circuit` is a circuit of this version: the allow-list is artifacts/manifest.json's
 * circuits. The ceremony builds file names from it (`<circuit>_0001.zkey`, `<circuit>.vkey.json`),
 * so nothing else (a path such as "../x" or "/tmp/x", an inherited property name) may reach a path.
 */
export function isCeremonyCircuit(circuit: unknown): circuit is string {
  return typeof circuit === "string" && CIRCUIT_NAME.test(circuit) && Object.hasOwn(MANIFEST.circuits, circuit);
}

function zkeyFile(value: unknown, name: string): ArtifactFile {
  const f = assertObject(value, name, { required: ["path", "sha256"] }, FAIL);
  if (typeof f.path !== "string" || !ZKEY_FILE.test(f.path)) fail(`"${name}.path" must be a zkey file name in the ceremony directory`);
  return { path: f.path as string, sha256: assertHex(f.sha256, `${name}.sha256`, 32, FAIL) };
}

/**
 * Parses `ceremony.json` strictly: unknown or missing keys, bad hashes or names, and a circuit
 * that is not one of this version's refused (CEREMONY_INVALID). A finalized transcript (with a
 * beacon) must name its verification key.
 */
export function parseCeremony(value: unknown): CeremonyTranscript {
  const c = assertObject(value, "ceremony", { required: ["format", "circuit", "r1cs", "ptau", "initial", "contributions"], optional: ["beacon"] }, FAIL);
  if (c.format !== CEREMONY_FORMAT) fail(`"format" must be "${CEREMONY_FORMAT}"`);
  if (!isCeremonyCircuit(c.circuit)) fail(`"circuit" must be a circuit of this medzk version (${Object.keys(MANIFEST.circuits).join(", ")})`);
  const circuit = c.circuit as string;
  const contributions = assertArray(c.contributions, "contributions", MAX_CONTRIBUTIONS, FAIL).map((value, i): Attestation => {
    const name = `contributions[${i}]`;
    const a = assertObject(value, name, { required: ["index", "name", "previous", "zkey", "contributionHash", "at"] }, FAIL);
    if (typeof a.name !== "string" || !CONTRIBUTOR_NAME.test(a.name)) fail(`"${name}.name" must be 1-64 letters, digits, spaces or . _ @ -`);
    assertInstant(a.at, `${name}.at`, FAIL);
    return {
      index: assertInteger(a.index, `${name}.index`, 1, MAX_CONTRIBUTIONS, FAIL),
      name: a.name as string,
      previous: assertHex(a.previous, `${name}.previous`, 32, FAIL),
      zkey: zkeyFile(a.zkey, `${name}.zkey`),
      contributionHash: assertHex(a.contributionHash, `${name}.contributionHash`, 64, FAIL),
      at: a.at as string,
    };
  });
  let beacon: BeaconRecord | undefined;
  if (c.beacon !== undefined) {
    const b = assertObject(c.beacon, "beacon", { required: ["value", "iterationsExp", "previous", "zkey", "contributionHash", "at", "verificationKeyId"] }, FAIL);
    assertInstant(b.at, "beacon.at", FAIL);
    beacon = {
      value: assertHex(b.value, "beacon.value", { min: 1, max: 64 }, FAIL),
      iterationsExp: assertInteger(b.iterationsExp, "beacon.iterationsExp", 0, 63, FAIL),
      previous: assertHex(b.previous, "beacon.previous", 32, FAIL),
      zkey: zkeyFile(b.zkey, "beacon.zkey"),
      contributionHash: assertHex(b.contributionHash, "beacon.contributionHash", 64, FAIL),
      at: b.at as string,
      verificationKeyId: assertHex(b.verificationKeyId, "beacon.verificationKeyId", 32, FAIL),
    };
  }
  return {
    format: CEREMONY_FORMAT,
    circuit,
    r1cs: assertHex(c.r1cs, "r1cs", 32, FAIL),
    ptau: assertHex(c.ptau, "ptau", 32, FAIL),
    initial: zkeyFile(c.initial, "initial"),
    contributions,
    ...(beacon ? { beacon } : {}),
  };
}

/** One circuit's key as the ceremony check sees it. */
export interface KeyToCheck {
  circuit: string;
  /** The R1CS the key manifest says the key was made for. */
  r1cs: string;
  /** The {@link verificationKeyId} of the key in use. */
  id: string;
  /** The key file's path in the manifest, for messages. */
  path: string;
}

/**
 * Refuses keys that are not the ones their ceremonies made: every circuit needs exactly one
 * finalized transcript of that circuit (matched by name, not by key, so two circuits with as
 * many public signals cannot be swapped), for the same R1CS, naming that key's id. A transcript of
 * a circuit without a key is refused too (INVALID_ARGUMENT: the caller gave the wrong files).
 *
 * NOTE: a transcript is trusted here as the one `ceremony verify` accepted (the operator runs it
 * on the ceremony directory, or takes the transcript from whoever did); this check ties the keys
 * to it, it does not re-verify the ceremony's chain.
 *
 * Throws MedzkError: INVALID_ARGUMENT (a transcript missing, twice, or for no key),
 * CEREMONY_INVALID (a malformed or unfinalized transcript), ARTIFACT_INTEGRITY (another R1CS or key).
 */
export function checkCeremonyKeys(keys: readonly KeyToCheck[], transcripts: unknown): void {
  const list = assertArray(transcripts, "ceremonies", 64);
  const byCircuit = new Map<string, CeremonyTranscript>();
  for (const value of list) {
    const t = parseCeremony(value);
    if (byCircuit.has(t.circuit)) throw new MedzkError("INVALID_ARGUMENT", `two ceremony transcripts for circuit "${t.circuit}": give the one its keys came from`);
    byCircuit.set(t.circuit, t);
  }
  for (const key of keys) {
    const t = byCircuit.get(key.circuit);
    if (t === undefined) throw new MedzkError("INVALID_ARGUMENT", `no ceremony transcript for circuit "${key.circuit}": give the ceremony.json of each circuit the keys manifest names`);
    if (t.beacon === undefined) fail(`the ceremony of "${key.circuit}" is not finalized: it made no verification key yet`);
    if (t.r1cs !== key.r1cs) {
      throw new MedzkError("ARTIFACT_INTEGRITY", `the keys manifest gives "${key.circuit}" R1CS ${key.r1cs}, its ceremony was for R1CS ${t.r1cs}`);
    }
    if (t.beacon!.verificationKeyId !== key.id) {
      throw new MedzkError(
        "ARTIFACT_INTEGRITY",
        `verification key ${key.path} (id ${key.id}) is not the key the ceremony of "${key.circuit}" exported from its final zkey (id ${t.beacon!.verificationKeyId})`,
      );
    }
  }
  const keyed = new Set(keys.map((k) => k.circuit));
  for (const circuit of byCircuit.keys()) {
    if (!keyed.has(circuit)) throw new MedzkError("INVALID_ARGUMENT", `a ceremony transcript for circuit "${circuit}", which the keys manifest does not name`);
  }
}
