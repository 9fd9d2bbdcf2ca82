/**
 * A multi-party phase-2 ceremony for one circuit, on top of snarkjs's own zkey tools (`zkey new`,
 * `contribute`, `beacon`, `verify`, `export verificationkey`; nothing here computes on the curve).
 * Node only: it reads and writes files. The `medzk ceremony` commands (cli/commands/ceremony.ts)
 * and SECURITY.md ("Production keys: your own phase 2") describe the flow:
 *
 *   init       zkey new from the circuit's R1CS and the committed Powers of Tau (pot14_final.ptau)
 *   contribute one per participant, in turn: snarkjs contribute, with fresh randomness
 *   finalize   a public random beacon, the full verification, the verification key exported and
 *              the runtime key manifest (medzk-keys/v1, key-manifest.ts) written
 *   verify     anyone, any time: the whole chain against the R1CS and the ptau
 *
 * The ceremony's transcript is `ceremony.json` (medzk-ceremony/v1, ceremony-transcript.ts) beside
 * the zkeys: one attestation per contribution (contributor name, previous and new zkey SHA-256,
 * snarkjs's contribution hash) and, once finalized, the id of the verification key exported from
 * the final zkey, which `verify` re-exports and compares and `loadKeys` checks the keys against.
 * Verification checks that the attestations chain (each contribution starts from the zkey the
 * previous one produced, none skipped or reordered), that the files are the ones attested, that
 * the named verification key is the final zkey's, and then, with snarkjs, that the last zkey
 * derives from the R1CS and ptau through exactly the attested contributions (names and
 * contribution hashes, in order).
 *
 * NOTE: soundness assumption. The keys are sound if at least one contributor was honest (used
 * fresh randomness and destroyed it) and the Powers of Tau ceremony behind pot14_final.ptau had
 * one honest participant too. Each contributor checks that their own contribution hash (which
 * they keep) is in the verified chain.
 */
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MedzkError } from "../core/errors.js";
import { assertHex, assertInteger } from "../core/validate.js";
import { type VerificationKey, checkVerificationKey, verificationKeyId } from "../core/verification-key.js";
import { type ArtifactFile, MANIFEST, assertUsableKey, circuitManifest } from "./manifest.js";
import { fileURLToPath } from "node:url";
import { defaultDirectory } from "./node-source.js";
import { KEY_MANIFEST_FORMAT, type KeyManifest, parseKeyManifest } from "./key-manifest.js";
import { type Attestation, CEREMONY_FORMAT, type CeremonyTranscript, CONTRIBUTOR_NAME, assertChain, isCeremonyCircuit, parseCeremony, zkeyName } from "./ceremony-transcript.js";

/** The transcript's file name in a ceremony directory. */
export const CEREMONY_FILE = "ceremony.json";

/** What `verifyCeremony` found: the chain snarkjs verified. */
export interface CeremonyReport {
  circuit: string;
  contributions: Array<{ name: string; contributionHash: string }>;
  beacon?: { value: string; iterationsExp: number; contributionHash: string };
  /** The zkey at the end of the chain. */
  zkey: ArtifactFile;
  /**
   * Once finalized: the id of the verification key exported from `zkey`, which the transcript
   * names. The key manifest's key for the circuit must have this id (`loadKeys` with the transcript).
   */
  verificationKeyId?: string;
}

const FAIL = "CEREMONY_INVALID";

const fail = (message: string): never => {
  throw new MedzkError(FAIL, message);
};

/**
 * A file's SHA-256. An unreadable file is the caller's mistake (INVALID_ARGUMENT) for inputs (R1CS,
 * ptau, wasm), and a ceremony that does not verify (CEREMONY_INVALID) for the ceremony's zkeys.
 */
async function sha256File(path: string, code: "INVALID_ARGUMENT" | typeof FAIL = FAIL): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new MedzkError(code, `cannot read ${path}`, { cause });
  }
  return createHash("sha256").update(bytes).digest("hex");
}

const snarkjs = () => import("snarkjs");

/** Collects snarkjs's log lines (its verify reports the contribution hashes only there). */
function collectingLogger(): { logger: Record<"debug" | "info" | "warn" | "error", (m: string) => void>; lines: string[] } {
  const lines: string[] = [];
  const push = (m: unknown) => void lines.push(String(m));
  return { logger: { debug: () => {}, info: push, warn: push, error: push }, lines };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

// --- transcript (its format and parse: ceremony-transcript.ts) -------------------------------

async function readCeremony(dir: string): Promise<CeremonyTranscript> {
  let text: string;
  try {
    text = await readFile(join(dir, CEREMONY_FILE), "utf8");
  } catch (cause) {
    throw new MedzkError("INVALID_ARGUMENT", `no ceremony in ${dir} (cannot read ${CEREMONY_FILE}; run medzk ceremony init)`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new MedzkError(FAIL, `${join(dir, CEREMONY_FILE)} is not JSON`, { cause });
  }
  return parseCeremony(json);
}

/** Written whole then renamed, so a crash never leaves half a transcript. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

const writeCeremony = (dir: string, c: CeremonyTranscript) => writeAtomically(join(dir, CEREMONY_FILE), JSON.stringify(c, null, 2) + "\n");

/** The zkey at the end of the transcript: the beacon's, else the last contribution's, else the initial one. */
const latest = (c: CeremonyTranscript): ArtifactFile => c.beacon?.zkey ?? c.contributions.at(-1)?.zkey ?? c.initial;


// --- inputs: the circuit's R1CS and the committed ptau ------------------------------------------

/** The R1CS's SHA-256, refused unless it is the shipped circuit's (keys for this version only). */
async function checkR1cs(circuit: string, r1cs: string): Promise<string> {
  const expected = circuitManifest(circuit).r1cs;
  const actual = await sha256File(r1cs, "INVALID_ARGUMENT");
  if (actual !== expected) fail(`${r1cs} has SHA-256 ${actual}; circuit "${circuit}" of this medzk version is R1CS ${expected} (compile it with scripts/build-circuits.mjs)`);
  return actual;
}

/**
 * The ptau's SHA-256, refused unless it is the committed Powers of Tau (artifacts/manifest.json
 * pins ceremony/pot14_final.ptau) or the one the caller names by hash (`ptauSha256`: a public
 * multi-party Powers of Tau, e.g. a Hermez/PPoT file, whose hash its own transcript publishes).
 * NOTE: snarkjs's zkey verify checks phase 2 against the ptau, not the ptau itself: whoever knows
 * the ptau's secrets can forge whatever phase 2 did, so which ptau is trusted is the verifier's
 * explicit choice, never read from the transcript.
 */
async function checkPtau(ptau: string, ptauSha256: string | undefined): Promise<string> {
  const pinned = ptauSha256 ?? MANIFEST.ptau.sha256;
  const actual = await sha256File(ptau, "INVALID_ARGUMENT");
  if (actual !== pinned) {
    fail(`${ptau} has SHA-256 ${actual}, not ${ptauSha256 === undefined ? `the committed Powers of Tau ${pinned} (ceremony/pot14_final.ptau)` : `the trusted ptau ${pinned}`}`);
  }
  return actual;
}

// --- the steps -------------------------------------------------------------------------------------

export interface InitOptions {
  /** The circuit's name (circuits/circuits.json), e.g. "age_at_least". */
  circuit: string;
  /** Its compiled R1CS. */
  r1cs: string;
  /** The committed Powers of Tau, ceremony/pot14_final.ptau, or the one `ptauSha256` names. */
  ptau: string;
  /** SHA-256 of another Powers of Tau to trust instead of the committed one (see SECURITY.md). */
  ptauSha256?: string;
  /** A new (or empty) directory for the ceremony. */
  dir: string;
  /**
   * An initial zkey already computed (snarkjs zkey new on this R1CS and the committed ptau, e.g.
   * by `npm run check:artifacts`): used instead of recomputing it when its SHA-256 is the one the
   * manifest pins for the circuit, refused otherwise. Not with `ptauSha256` (no pin there).
   */
  initial?: string;
}

/**
 * `ceremony init`: snarkjs zkey new (or the pinned initial zkey the caller already has), and a
 * transcript with no contribution yet.
 */
export async function initCeremony(o: InitOptions): Promise<CeremonyTranscript> {
  // The circuit names the ceremony's files: nothing but a circuit of this version gets that far.
  if (!isCeremonyCircuit(o.circuit)) throw new MedzkError("INVALID_ARGUMENT", `"circuit" must be a circuit of this medzk version (${Object.keys(MANIFEST.circuits).join(", ")})`);
  const r1cs = await checkR1cs(o.circuit, o.r1cs);
  const ptau = await checkPtau(o.ptau, trustedPtau(o.ptauSha256));
  if (existsSync(join(o.dir, CEREMONY_FILE))) fail(`${o.dir} already holds a ceremony`);
  if (o.initial !== undefined) {
    // zkey new is a deterministic function of the R1CS and the ptau (both checked above): a file
    // with the pinned hash is its output, whoever computed it.
    if (ptau !== MANIFEST.ptau.sha256) fail("an initial zkey can be reused only with the committed Powers of Tau, whose zkey new the manifest pins");
    const actual = await sha256File(o.initial, "INVALID_ARGUMENT");
    const pinned = circuitManifest(o.circuit).initialZkey;
    if (actual !== pinned) fail(`${o.initial} has SHA-256 ${actual}, not the initial zkey ${pinned} the manifest pins for "${o.circuit}" (zkey new on its R1CS and the committed ptau)`);
  }
  await mkdir(o.dir, { recursive: true });
  const initial = zkeyName(o.circuit, 0);
  if (o.initial !== undefined) {
    // The copy is what the transcript attests: checked again (the file may have changed since).
    await copyFile(o.initial, join(o.dir, initial));
    if ((await sha256File(join(o.dir, initial))) !== circuitManifest(o.circuit).initialZkey) {
      await rm(join(o.dir, initial), { force: true });
      fail(`${o.initial} changed while it was copied: not the initial zkey the manifest pins`);
    }
  } else {
    const { logger } = collectingLogger();
    await (await snarkjs()).zKey.newZKey(o.r1cs, o.ptau, join(o.dir, initial), logger);
  }
  const transcript: CeremonyTranscript = {
    format: CEREMONY_FORMAT,
    circuit: o.circuit,
    r1cs,
    ptau,
    initial: { path: initial, sha256: await sha256File(join(o.dir, initial)) },
    contributions: [],
  };
  await writeCeremony(o.dir, transcript);
  return transcript;
}

/**
 * Options of {@link contribute}. Contributions are made one at a time, in turn (the coordinator
 * passes the directory on): two run at once on one directory would both start from the same zkey,
 * and verification would refuse the chain.
 */
export interface ContributeOptions {
  dir: string;
  /** The contributor's name (recorded in the zkey and the attestation). */
  name: string;
  /** Extra entropy text; snarkjs mixes it with 64 random bytes of its own, and medzk adds 32 more. Never stored. */
  entropy?: string;
}

/**
 * `ceremony contribute`: one contribution on top of the latest zkey (after checking it is the
 * one the transcript attests), appended to the transcript. Returns the attestation.
 */
export async function contribute(o: ContributeOptions): Promise<Attestation> {
  if (typeof o.name !== "string" || !CONTRIBUTOR_NAME.test(o.name)) throw new MedzkError("INVALID_ARGUMENT", `"name" must be 1-64 letters, digits, spaces or . _ @ - (it is recorded in the zkey)`);
  const transcript = await readCeremony(o.dir);
  if (transcript.beacon) fail(`the ceremony in ${o.dir} is finalized: no more contributions`);
  const from = latest(transcript);
  const previous = await sha256File(join(o.dir, from.path));
  if (previous !== from.sha256) fail(`${from.path} is not the zkey the transcript attests (SHA-256 ${previous}, attested ${from.sha256})`);
  const index = transcript.contributions.length + 1;
  const next = zkeyName(transcript.circuit, index);
  const entropy = `${randomBytes(32).toString("hex")}${o.entropy ?? ""}`;
  const { logger } = collectingLogger();
  const hash = await (await snarkjs()).zKey.contribute(join(o.dir, from.path), join(o.dir, next), o.name, entropy, logger);
  const attestation: Attestation = {
    index,
    name: o.name,
    previous,
    zkey: { path: next, sha256: await sha256File(join(o.dir, next)) },
    contributionHash: hex(hash),
    at: new Date().toISOString(),
  };
  transcript.contributions.push(attestation);
  await writeCeremony(o.dir, transcript);
  return attestation;
}

export interface VerifyCeremonyOptions {
  dir: string;
  r1cs: string;
  ptau: string;
  /** SHA-256 of the Powers of Tau to trust, if not the committed one (as for init). */
  ptauSha256?: string;
}

const trustedPtau = (hash: string | undefined): string | undefined => (hash === undefined ? undefined : assertHex(hash, "ptauSha256", 32));

/**
 * `ceremony verify`: the transcript's chain (each attestation starts from the zkey before it,
 * indices in order, every zkey file present matching its attested hash, the last one present),
 * the R1CS and ptau the ones this version pins, then snarkjs's full verification of the last
 * zkey from the R1CS and ptau, whose contributions must be exactly the attested ones (names and
 * contribution hashes, in order, then the beacon if finalized). Throws CEREMONY_INVALID.
 */
export async function verifyCeremony(o: VerifyCeremonyOptions): Promise<CeremonyReport> {
  const t = await readCeremony(o.dir);
  if ((await checkR1cs(t.circuit, o.r1cs)) !== t.r1cs) fail(`the transcript names R1CS ${t.r1cs}, not ${o.r1cs}'s`);
  if ((await checkPtau(o.ptau, trustedPtau(o.ptauSha256))) !== t.ptau) fail(`the transcript names ptau ${t.ptau}, not ${o.ptau}'s`);
  // The chain, cheapest first: every link before any file is read.
  assertChain(t);
  const files = [t.initial, ...t.contributions.map((a) => a.zkey), ...(t.beacon ? [t.beacon.zkey] : [])];
  const last = files.at(-1)!;
  // Earlier zkeys may have been deleted (they are large); the last one is required. Any present
  // must be the file its attestation names.
  for (const file of files) {
    const path = join(o.dir, file.path);
    if (file !== last && !existsSync(path)) continue;
    const actual = await sha256File(path);
    if (actual !== file.sha256) fail(`${file.path} has SHA-256 ${actual}, its attestation says ${file.sha256}`);
  }
  // The verification key the transcript names must be the one the final zkey exports (cheap:
  // snarkjs reads the key's sections only), and the full verification below then vouches for
  // that zkey: so the named key is the verified ceremony's.
  if (t.beacon) {
    const { id } = await exportedKey(t.circuit, join(o.dir, last.path));
    if (id !== t.beacon.verificationKeyId) fail(`the transcript names verification key ${t.beacon.verificationKeyId}, the final zkey ${last.path} exports ${id}`);
  }
  // snarkjs checks every contribution's proof of knowledge and the zkey's sections against the
  // initial zkey (recomputed from the R1CS and ptau); its report lists each contribution's hash.
  // The initial zkey is a deterministic function of the two: when the ceremony's own is the one
  // the manifest pins for this R1CS and the committed ptau (checked against its attestation
  // above, and by SHA-256 here), snarkjs starts from it instead of recomputing it (the slow part).
  const { logger, lines } = collectingLogger();
  const s = await snarkjs();
  const ok = (await pinnedInitial(t, o.dir))
    ? await s.zKey.verifyFromInit(join(o.dir, t.initial.path), o.ptau, join(o.dir, last.path), logger)
    : await s.zKey.verifyFromR1cs(o.r1cs, o.ptau, join(o.dir, last.path), logger);
  if (!ok) fail(`snarkjs does not verify ${last.path} against the R1CS and ptau: ${lines.filter((l) => l.includes("INVALID")).join("; ") || "invalid"}`);
  const reported = reportedContributions(lines);
  const attested = [...t.contributions.map((a) => ({ name: a.name, hash: a.contributionHash })), ...(t.beacon ? [{ name: BEACON_NAME, hash: t.beacon.contributionHash }] : [])];
  if (reported.length !== attested.length) fail(`the zkey holds ${reported.length} contributions, the transcript attests ${attested.length}`);
  attested.forEach((a, i) => {
    const r = reported[i]!;
    if (r.name !== a.name || r.hash !== a.hash) fail(`contribution ${i + 1} in the zkey is ${r.name} ${r.hash}, the transcript attests ${a.name} ${a.hash}`);
  });
  return {
    circuit: t.circuit,
    contributions: t.contributions.map((a) => ({ name: a.name, contributionHash: a.contributionHash })),
    ...(t.beacon ? { beacon: { value: t.beacon.value, iterationsExp: t.beacon.iterationsExp, contributionHash: t.beacon.contributionHash } } : {}),
    zkey: last,
    ...(t.beacon ? { verificationKeyId: t.beacon.verificationKeyId } : {}),
  };
}

/**
 * Whether the ceremony's initial zkey is present and is the one the manifest pins for its circuit
 * (snarkjs's `zkey new` on the shipped R1CS and the committed ptau, recomputed by
 * `npm run check:artifacts`). NOTE: with another trusted ptau there is no pin, and verification
 * recomputes the initial zkey.
 */
async function pinnedInitial(t: CeremonyTranscript, dir: string): Promise<boolean> {
  const path = join(dir, t.initial.path);
  if (t.ptau !== MANIFEST.ptau.sha256 || !existsSync(path)) return false;
  return (await sha256File(path)) === circuitManifest(t.circuit).initialZkey;
}

/**
 * The verification key snarkjs exports from a zkey (`zKey.exportVerificationKey`; never computed
 * here), checked like any key (strict parse, the circuit's shape, a phase-2 contribution), with
 * its id and the text finalize writes.
 */
async function exportedKey(circuit: string, zkey: string): Promise<{ id: string; text: string }> {
  const { logger } = collectingLogger();
  let exported: unknown;
  try {
    exported = await (await snarkjs()).zKey.exportVerificationKey(zkey, logger);
  } catch (cause) {
    throw new MedzkError(FAIL, `snarkjs cannot export the verification key of ${zkey}`, { cause });
  }
  const parsed = checkVerificationKey(exported, `the verification key of ${zkey}`);
  if (!parsed.ok) fail(parsed.message);
  const vkey = (parsed as { value: VerificationKey }).value;
  try {
    assertUsableKey(vkey, circuitManifest(circuit));
  } catch (cause) {
    throw new MedzkError(FAIL, (cause as Error).message, { cause });
  }
  return { id: verificationKeyId(vkey), text: JSON.stringify(exported, null, 1) + "\n" };
}

/** The name the beacon contribution carries in the zkey. */
const BEACON_NAME = "medzk final beacon";

/**
 * The contributions snarkjs's verify reported, first to last. Each is logged as
 * "contribution #<n> <name>:" followed by the hash as 4 lines of 4 32-bit hex words (snarkjs's
 * misc.formatHash); verify prints them last to first.
 */
function reportedContributions(lines: readonly string[]): Array<{ name: string; hash: string }> {
  const found = new Map<number, { name: string; hash: string }>();
  for (const line of lines) {
    const m = /^contribution #(\d+) (.*):\n([\s\S]*)$/.exec(line);
    if (!m) continue;
    const hash = m[3]!.replace(/\s+/g, "");
    if (!/^[0-9a-f]{128}$/.test(hash)) fail(`snarkjs reported contribution #${m[1]} with an unreadable hash`);
    found.set(Number(m[1]), { name: m[2]!, hash });
  }
  return [...found.keys()].sort((a, b) => a - b).map((n) => found.get(n)!);
}

export interface FinalizeOptions extends VerifyCeremonyOptions {
  /**
   * The beacon value (hex, up to 64 bytes): public randomness nobody could know while the last
   * contribution was made, e.g. the hash of a block announced in advance.
   */
  beacon: string;
  /** snarkjs's beacon iterations exponent (2^n hashes). Default 10. */
  iterationsExp?: number;
  /** The circuit's witness calculator, copied beside the keys (default: the package's pinned one). */
  wasm?: string;
  /** Where the keys and the key manifest (keys.json) are written; an existing keys.json there gains this circuit. */
  out: string;
}

/** What `finalize` wrote. */
export interface FinalizeResult {
  report: CeremonyReport;
  /** The key manifest's path. */
  manifest: string;
}

/**
 * `ceremony finalize`: applies the beacon (snarkjs zkey beacon) to the last contribution, verifies
 * the whole ceremony ({@link verifyCeremony}), exports the verification key, and writes the
 * proving key, the verification key, the wasm and the key manifest (medzk-keys/v1) to `out`.
 * Nothing is written to `out` unless verification passes.
 */
export async function finalizeCeremony(o: FinalizeOptions): Promise<FinalizeResult> {
  const value = assertHex(o.beacon, "beacon", { min: 1, max: 64 });
  const iterationsExp = assertInteger(o.iterationsExp ?? 10, "iterationsExp", 0, 63);
  const t = await readCeremony(o.dir);
  if (t.beacon) fail(`the ceremony in ${o.dir} is already finalized`);
  if (t.contributions.length === 0) fail(`the ceremony has no contribution yet`);
  const from = latest(t);
  const previous = await sha256File(join(o.dir, from.path));
  if (previous !== from.sha256) fail(`${from.path} is not the zkey the transcript attests`);
  const final = zkeyName(t.circuit, t.contributions.length + 1);
  const { logger } = collectingLogger();
  const s = await snarkjs();
  const hash = await s.zKey.beacon(join(o.dir, from.path), join(o.dir, final), BEACON_NAME, value, iterationsExp, logger);
  if (!(hash instanceof Uint8Array)) fail(`snarkjs refused the beacon`);
  const vkey = await exportedKey(t.circuit, join(o.dir, final));
  t.beacon = {
    value,
    iterationsExp,
    previous,
    zkey: { path: final, sha256: await sha256File(join(o.dir, final)) },
    contributionHash: hex(hash as Uint8Array),
    at: new Date().toISOString(),
    verificationKeyId: vkey.id,
  };
  await writeCeremony(o.dir, t);
  const report = await verifyCeremony(o);

  const shippedWasm = circuitManifest(t.circuit).files.wasm;
  const wasm = o.wasm ?? fileURLToPath(new URL(shippedWasm.path, defaultDirectory()));
  const wasmHash = await sha256File(wasm, "INVALID_ARGUMENT");
  if (wasmHash !== shippedWasm.sha256) fail(`${wasm} has SHA-256 ${wasmHash}, not the witness calculator this version pins for "${t.circuit}" (${shippedWasm.sha256})`);
  const vkeyText = vkey.text;
  await mkdir(o.out, { recursive: true });
  const names = { zkey: `${t.circuit}.zkey`, vkey: `${t.circuit}.vkey.json`, wasm: `${t.circuit}.wasm` };
  await copyFile(join(o.dir, final), join(o.out, names.zkey));
  await copyFile(wasm, join(o.out, names.wasm));
  await writeAtomically(join(o.out, names.vkey), vkeyText);
  const manifestPath = join(o.out, "keys.json");
  let manifest: KeyManifest = { format: KEY_MANIFEST_FORMAT, circuits: {} };
  if (existsSync(manifestPath)) manifest = parseKeyManifest(JSON.parse(await readFile(manifestPath, "utf8")));
  manifest.circuits[t.circuit] = {
    r1cs: t.r1cs,
    vkey: { path: names.vkey, sha256: createHash("sha256").update(vkeyText).digest("hex") },
    zkey: { path: names.zkey, sha256: t.beacon.zkey.sha256 },
    wasm: { path: names.wasm, sha256: wasmHash },
  };
  await writeAtomically(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  return { report, manifest: manifestPath };
}
