/**
 * Production keys given at run time (medzk-keys/v1): a key set made here by one more snarkjs
 * phase-2 contribution on top of the shipped age_at_least zkey (a real, distinct key pair, in
 * seconds; the full multi-party ceremony is test/e2e/ceremony.test.ts). Checked: proving and
 * verifying with it; wallet and verifier on different keys refused as KEY_MISMATCH both ways
 * (before any pairing, so the challenge survives); the manifest's strict parse and hash pins; a
 * key without phase 2; the older presentation format; the keys tied to their ceremony's
 * transcript (a key with δ = 2γ forges without a witness; a sound key of another circuit).
 */
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { beforeAll, describe, expect, it } from "vitest";
import { type KeySet, type Presentation, buildCircuitInput, createVerifier, createWallet, generateVerifierKey, issueCredential, loadKeys, prove } from "../../src/index.js";
import { verificationKeyId } from "../../src/core/verification-key.js";
import { shippedKeyId } from "../../src/artifacts/key-manifest.js";
import { parseServiceConfig } from "../../src/server/config.js";
import { configuredVerifier } from "../../src/server/configured-verifier.js";
import { MANIFEST, verificationKey } from "../../src/artifacts/manifest.js";
import { statementDefinition } from "../../src/statements/registry.js";
import { makeWorld, type World } from "../helpers/fixtures.js";
import { forgeProof, relatedDeltaKey } from "../helpers/related-delta.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const ARTIFACTS = resolve("artifacts");
const ADULT = { type: "ageAtLeast", minAge: 18 } as const;
const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let world: World;
let dir: string;
let manifest: Record<string, any>;
let keys: KeySet;
let productionId: string;

/** Writes `value` as a manifest in a copy of the key directory's files and loads it. */
async function variant(name: string, change: (m: Record<string, any>) => void, files: Record<string, string> = {}) {
  const m = structuredClone(manifest);
  change(m);
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(m));
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return loadKeys(path);
}

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  dir = await mkdtemp(join(tmpdir(), "medzk-keys-"));
  // One more contribution on the shipped key: what a deployment's own phase 2 would add.
  await snarkjs.zKey.contribute(join(ARTIFACTS, "age_at_least.zkey"), join(dir, "age_at_least.zkey"), "production", "test entropy");
  const vkey = await snarkjs.zKey.exportVerificationKey(join(dir, "age_at_least.zkey"));
  const vkeyText = JSON.stringify(vkey, null, 1) + "\n";
  await writeFile(join(dir, "age_at_least.vkey.json"), vkeyText);
  await copyFile(join(ARTIFACTS, "age_at_least.wasm"), join(dir, "age_at_least.wasm"));
  manifest = {
    format: "medzk-keys/v1",
    circuits: {
      age_at_least: {
        r1cs: MANIFEST.circuits["age_at_least"]!.r1cs,
        vkey: { path: "age_at_least.vkey.json", sha256: sha256(vkeyText) },
        zkey: { path: "age_at_least.zkey", sha256: sha256(await readFile(join(dir, "age_at_least.zkey"))) },
        wasm: { path: "age_at_least.wasm", sha256: sha256(await readFile(join(dir, "age_at_least.wasm"))) },
      },
    },
  };
  await writeFile(join(dir, "keys.json"), JSON.stringify(manifest, null, 2));
  keys = await loadKeys(join(dir, "keys.json"));
  productionId = verificationKeyId(vkey as never);
}, 120_000);

const verifierWith = (extra: { keys?: KeySet } = {}) => {
  const key = generateVerifierKey();
  return { key, verifier: createVerifier({ key, trustedIssuers: [world.hospital.publicKey], clock: () => NOW, ...extra }) };
};

describe("production keys", () => {
  let production: Presentation;
  let shipped: Presentation;

  it("prove and a verifier with the same production keys: accepted; the presentation names the key", async () => {
    expect(productionId).not.toBe(shippedKeyId("age_at_least"));
    const { verifier } = verifierWith({ keys });
    production = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement: ADULT }), keys, clock: () => NOW });
    expect(production.format).toBe("medzk-presentation/v2");
    expect(production.key).toEqual({ circuit: "age_at_least", id: productionId });
    expect(await verifier.verify(production)).toMatchObject({ ok: true, statement: ADULT });
  });

  it("a wallet with production keys vs a verifier with the shipped keys: KEY_MISMATCH, and the challenge survives", async () => {
    const { key, verifier } = verifierWith();
    const wallet = createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: key.publicKey, name: "Shipped" }], keys, clock: () => NOW });
    const request = verifier.createRequest({ statement: ADULT });
    const presentation = await wallet.respond(request);
    const result = await verifier.verify(presentation);
    expect(result).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
    if (!result.ok) expect(result.error.message).toContain(productionId);
    // The refusal came before the pairing and the challenge: the shipped-key answer to the same request is accepted.
    shipped = await prove({ credential: world.record, holder: world.patient, request, clock: () => NOW });
    expect(shipped.key).toEqual({ circuit: "age_at_least", id: shippedKeyId("age_at_least") });
    expect(await verifier.verify(shipped)).toMatchObject({ ok: true });
  });

  it("a prover with the shipped keys vs a verifier with production keys: KEY_MISMATCH", async () => {
    const { verifier } = verifierWith({ keys });
    const presentation = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement: ADULT }), clock: () => NOW });
    expect(await verifier.verify(presentation)).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
    // The named key is only compared, never used: relabelled as the production key, the proof
    // reaches the pairing under the verifier's own key, and fails there.
    const relabelled = { ...presentation, key: { circuit: "age_at_least", id: productionId } };
    expect(await verifier.verify(relabelled)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });
    // A presentation naming another circuit than the request's is a mismatch too.
    expect(await verifier.verify({ ...presentation, key: { circuit: "age_at_least_hidden", id: productionId } })).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
    // The batch path refuses the same way.
    const results = await verifier.verifyBatch([presentation]);
    expect(results[0]).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
  });

  it("keys for only some circuits: the others can be neither asked for nor proven", async () => {
    const { verifier } = verifierWith({ keys });
    expect(() => verifier.createRequest({ statement: { type: "insuranceActive", insurerId: "acme-health" } })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    const other = verifierWith();
    const request = other.verifier.createRequest({ statement: { type: "insuranceActive", insurerId: "acme-health" } });
    await expect(prove({ credential: world.coverage, holder: world.patient, request, keys, clock: () => NOW })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(prove({ credential: world.record, holder: world.patient, request: other.verifier.createRequest({ statement: ADULT }), keys, artifacts: ARTIFACTS, clock: () => NOW })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("older medzk-presentation/v1 (no key named) still verifies under the verifier's key; a key mismatch is then INVALID_PROOF", async () => {
    const { verifier } = verifierWith();
    const fresh = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement: ADULT }), clock: () => NOW });
    const { key: _key, ...rest } = fresh;
    expect(await verifier.verify({ ...rest, format: "medzk-presentation/v1" })).toMatchObject({ ok: true });
    const prod = verifierWith({ keys });
    const other = await prove({ credential: world.record, holder: world.patient, request: prod.verifier.createRequest({ statement: ADULT }), clock: () => NOW });
    const { key: _k, ...old } = other;
    expect(await prod.verifier.verify({ ...old, format: "medzk-presentation/v1" })).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });
    // v1 with a key, or v2 without one, is malformed.
    expect(await prod.verifier.verify({ ...other, format: "medzk-presentation/v1" })).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
    expect(await prod.verifier.verify(old)).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
    expect(await prod.verifier.verify({ ...other, key: { circuit: "age_at_least", id: productionId, extra: 1 } })).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
    expect(await prod.verifier.verify({ ...other, key: { circuit: "age_at_least", id: "AB".repeat(32) } })).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
  });

  it("the service config's \"keys\" (relative to the config) gives the verifier production keys", async () => {
    const config = parseServiceConfig(
      { presets: { adult: ADULT }, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: generateVerifierKey().privateKey }, keys: "keys.json" },
      { baseDir: dir },
    );
    expect(config.keys).toBe(join(dir, "keys.json"));
    const { verifier, close } = await configuredVerifier(config);
    try {
      expect(await verifier.verify(shipped)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
      // The service runs on the system clock.
      const presentation = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement: ADULT }) });
      expect(await verifier.verify(presentation)).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
      const withKeys = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement: ADULT }), keys });
      expect(await verifier.verify(withKeys)).toMatchObject({ ok: true });
    } finally {
      await close();
    }
  });
});

describe("the key manifest is checked like the shipped one", () => {
  it("refuses a tampered hash, unknown or missing keys, and bad paths", async () => {
    await expect(variant("tampered", (m) => (m.circuits.age_at_least.vkey.sha256 = "00".repeat(32)))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY", message: expect.stringContaining("pins") });
    await expect(variant("unknown-top", (m) => (m.comment = "x"))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST", message: expect.stringContaining(`unknown property "comment"`) });
    await expect(variant("unknown-entry", (m) => (m.circuits.age_at_least.ptau = "x"))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("unknown-file", (m) => (m.circuits.age_at_least.vkey.size = 1))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("missing", (m) => delete m.circuits.age_at_least.r1cs)).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("format", (m) => (m.format = "medzk-keys/v2"))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("half-prover", (m) => delete m.circuits.age_at_least.wasm)).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("escape", (m) => (m.circuits.age_at_least.vkey.path = "../age_at_least.vkey.json"))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("absolute", (m) => (m.circuits.age_at_least.vkey.path = "/etc/passwd"))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("hex", (m) => (m.circuits.age_at_least.vkey.sha256 = m.circuits.age_at_least.vkey.sha256.toUpperCase()))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(variant("circuit", (m) => (m.circuits = { no_such_circuit: m.circuits.age_at_least }))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
    await expect(variant("empty", (m) => (m.circuits = {}))).rejects.toMatchObject({ code: "INVALID_KEY_MANIFEST" });
    await expect(loadKeys(join(dir, "no-such.json"))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
  });

  it("refuses keys set up for another circuit version (R1CS)", async () => {
    await expect(variant("r1cs", (m) => (m.circuits.age_at_least.r1cs = MANIFEST.circuits["insurance_active"]!.r1cs))).rejects.toMatchObject({
      code: "ARTIFACT_INTEGRITY",
      message: expect.stringContaining("R1CS"),
    });
  });

  it("refuses a key without a phase-2 contribution, even correctly pinned", async () => {
    const vkey = JSON.parse(await readFile(join(dir, "age_at_least.vkey.json"), "utf8"));
    const text = JSON.stringify({ ...vkey, vk_delta_2: vkey.vk_gamma_2 }, null, 1) + "\n";
    await expect(variant("no-phase2", (m) => (m.circuits.age_at_least.vkey = { path: "nophase2.vkey.json", sha256: sha256(text) }), { "nophase2.vkey.json": text })).rejects.toMatchObject({
      code: "ARTIFACT_INTEGRITY",
      message: expect.stringContaining("no phase-2 contribution"),
    });
    // And createVerifier re-checks a key set built by hand the same way.
    expect(() => createVerifier({ key: generateVerifierKey(), trustedIssuers: [world.hospital.publicKey], keys: { ...keys, verificationKeys: { "age_at_least.vkey.json": text } } })).toThrow(
      expect.objectContaining({ code: "ARTIFACT_INTEGRITY" }),
    );
  });

  it("the prover refuses a tampered proving key, and one that is not the verification key's pair", async () => {
    const { verifier } = verifierWith({ keys });
    const request = verifier.createRequest({ statement: ADULT });
    const zkey = await readFile(join(dir, "age_at_least.zkey"));
    const flipped = Uint8Array.from(zkey);
    flipped[flipped.length - 1]! ^= 1;
    await writeFile(join(dir, "flipped.zkey"), flipped);
    const tampered = await variant("flipped", (m) => (m.circuits.age_at_least.zkey.path = "flipped.zkey"));
    await expect(prove({ credential: world.record, holder: world.patient, request, keys: tampered, clock: () => NOW })).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
    // The shipped zkey pinned beside the production verification key: refused before proving.
    await copyFile(join(ARTIFACTS, "age_at_least.zkey"), join(dir, "shipped.zkey"));
    const mismatched = await variant("mismatched", (m) => (m.circuits.age_at_least.zkey = { path: "shipped.zkey", sha256: MANIFEST.circuits["age_at_least"]!.files.zkey.sha256 }));
    await expect(prove({ credential: world.record, holder: world.patient, request, keys: mismatched, clock: () => NOW })).rejects.toMatchObject({
      code: "ARTIFACT_INTEGRITY",
      message: expect.stringContaining("belongs to verification key"),
    });
  });
});

describe("production keys are tied to the ceremony that made them", () => {
  /**
   * A finalized ceremony.json for `circuit` naming verification key `id`, standing in for the
   * verified transcript of the key made in beforeAll (the real ceremony, and `ceremony verify`
   * checking the id against the final zkey, are test/e2e/ceremony.test.ts).
   */
  const transcript = (circuit: string, id: string, change: (t: Record<string, any>) => void = () => {}) => {
    const zkey = (n: number) => ({ path: `${circuit}_000${n}.zkey`, sha256: sha256(`${circuit}${n}`) });
    const t: Record<string, any> = {
      format: "medzk-ceremony/v1",
      circuit,
      r1cs: MANIFEST.circuits[circuit]!.r1cs,
      ptau: MANIFEST.ptau.sha256,
      initial: zkey(0),
      contributions: [{ index: 1, name: "Acme Health", previous: zkey(0).sha256, zkey: zkey(1), contributionHash: "ab".repeat(64), at: "2026-06-01T10:00:00.000Z" }],
      beacon: { value: "0102", iterationsExp: 10, previous: zkey(1).sha256, zkey: zkey(2), contributionHash: "cd".repeat(64), at: "2026-06-01T11:00:00.000Z", verificationKeyId: id },
    };
    change(t);
    return t;
  };
  let n = 0;
  const writeTranscript = async (t: unknown): Promise<string> => {
    const path = join(dir, `ceremony-${++n}.json`);
    await writeFile(path, typeof t === "string" ? t : JSON.stringify(t));
    return path;
  };
  const vkeyText = (vkey: unknown) => JSON.stringify(vkey, null, 1) + "\n";
  const vkeyEntry = (circuit: string, path: string, text: string) => ({ r1cs: MANIFEST.circuits[circuit]!.r1cs, vkey: { path, sha256: sha256(text) } });

  it("a key with δ = 2γ passes every shape check and accepts a forged \"at least 99\" for a 7-year-old; loadKeys with the ceremony's transcript refuses it", async () => {
    const real = JSON.parse(await readFile(join(dir, "age_at_least.vkey.json"), "utf8"));
    const evil = relatedDeltaKey(real, 2n);
    const text = vkeyText(evil);
    const change = (m: Record<string, any>) => (m.circuits = { age_at_least: vkeyEntry("age_at_least", "related.vkey.json", text) });
    // The manifest alone is the file trusted: this one loads (pins, R1CS, shape, γ ≠ δ all hold) ...
    const forgedKeys = await variant("related", change, { "related.vkey.json": text });
    const { verifier } = verifierWith({ keys: forgedKeys });
    // ... and a 7-year-old's "at least 99" verifies with no witness: the signals are what the
    // verifier expects (issuer key, revocation root, date, minAge, challenge, scope; the
    // nullifier is free), the proof is A = α, B = β, C = −½·L (test/helpers/related-delta.ts).
    const child = await issueCredential(world.hospital, { schema: "patient-record/v1", holder: world.patient.commitment, attributes: { dateOfBirth: "2019-03-01" }, now: new Date("2025-12-01T09:00:00Z") });
    const request = verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 99 } });
    await expect(prove({ credential: child, holder: world.patient, request, clock: () => NOW })).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
    const { input } = await buildCircuitInput({ credential: child, holder: world.patient, request: verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 5 } }), clock: () => NOW });
    const values: Record<string, unknown> = { ...input, nullifier: "12345", minAge: "99", challenge: request.challenge };
    const signals = statementDefinition("ageAtLeast").signals.map((name) => BigInt(values[name] as string));
    const forged = { format: "medzk-presentation/v2", request, key: { circuit: "age_at_least", id: verificationKeyId(evil) }, proof: forgeProof(evil, 2n, signals), publicSignals: signals.map(String) };
    expect(await verifier.verify(forged)).toMatchObject({ ok: true, statement: { type: "ageAtLeast", minAge: 99 } });

    // The production path: the key must be the one the verified ceremony exported.
    const ceremony = await writeTranscript(transcript("age_at_least", productionId));
    await expect(loadKeys(join(dir, "related.json"), { transcript: ceremony })).rejects.toMatchObject({
      code: "ARTIFACT_INTEGRITY",
      message: expect.stringContaining(`is not the key the ceremony of "age_at_least" exported from its final zkey (id ${productionId})`),
    });
    // And the key set carries its transcripts: every use re-checks them (a hand-built set too).
    expect(() => createVerifier({ key: generateVerifierKey(), trustedIssuers: [world.hospital.publicKey], keys: { ...forgedKeys, ceremonies: [transcript("age_at_least", productionId)] } })).toThrow(
      expect.objectContaining({ code: "ARTIFACT_INTEGRITY" }),
    );
    // The key the ceremony made loads with its transcript, and the keys set remembers it.
    const tied = await loadKeys(join(dir, "keys.json"), { transcript: [ceremony] });
    expect(tied.ceremonies).toHaveLength(1);
    // (The key is the one every test above proves and verifies with; verifier and wallet re-check the set.)
    const tiedVerifier = verifierWith({ keys: tied });
    expect(tiedVerifier.verifier.createRequest({ statement: ADULT }).statement).toEqual(ADULT);
    expect(() => createWallet({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: tiedVerifier.key.publicKey, name: "Tied" }], keys: tied })).not.toThrow();
  });

  it("two circuits with as many public signals cannot swap keys", async () => {
    // age_at_least and insurance_active both have 8 public signals.
    expect(MANIFEST.circuits["age_at_least"]!.publicSignals).toBe(MANIFEST.circuits["insurance_active"]!.publicSignals);
    const ageText = await readFile(join(dir, "age_at_least.vkey.json"), "utf8");
    // A stand-in for insurance_active's own production key: any key other than the shipped ones.
    const insurance = relatedDeltaKey(verificationKey("insurance_active"), 3n);
    const insuranceText = vkeyText(insurance);
    const insuranceId = verificationKeyId(insurance);
    const files = { "ins.vkey.json": insuranceText };
    const ceremonies = async () => [await writeTranscript(transcript("age_at_least", productionId)), await writeTranscript(transcript("insurance_active", insuranceId))];
    // Each key in its place, each with its circuit's transcript: loads.
    const both = (m: Record<string, any>) => (m.circuits = { age_at_least: vkeyEntry("age_at_least", "age_at_least.vkey.json", ageText), insurance_active: vkeyEntry("insurance_active", "ins.vkey.json", insuranceText) });
    const path = join(dir, "both.json");
    await variant("both", both, files);
    await expect(loadKeys(path, { transcript: await ceremonies() })).resolves.toMatchObject({ ceremonies: expect.any(Array) });
    // Swapped: shapes, pins and R1CS all hold, so the manifest alone loads; the transcripts,
    // matched by circuit name, refuse it.
    const swapped = (m: Record<string, any>) => (m.circuits = { age_at_least: vkeyEntry("age_at_least", "ins.vkey.json", insuranceText), insurance_active: vkeyEntry("insurance_active", "age_at_least.vkey.json", ageText) });
    await variant("swapped", swapped, files);
    await expect(loadKeys(join(dir, "swapped.json"), { transcript: await ceremonies() })).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY", message: expect.stringContaining(`ceremony of "age_at_least"`) });
    // Without transcripts, a key is still one circuit's only: not two circuits' in one manifest,
    // and not another circuit's shipped key.
    const twice = (m: Record<string, any>) => (m.circuits = { age_at_least: vkeyEntry("age_at_least", "age_at_least.vkey.json", ageText), insurance_active: vkeyEntry("insurance_active", "age_at_least.vkey.json", ageText) });
    await expect(variant("twice", twice)).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY", message: expect.stringContaining(`gives "age_at_least" the verification key of circuit "insurance_active"`) });
    const shippedText = await readFile(join(ARTIFACTS, "insurance_active.vkey.json"), "utf8");
    await expect(variant("shipped-other", (m) => (m.circuits = { age_at_least: vkeyEntry("age_at_least", "ins-shipped.vkey.json", shippedText) }), { "ins-shipped.vkey.json": shippedText })).rejects.toMatchObject({
      code: "ARTIFACT_INTEGRITY",
      message: expect.stringContaining(`the verification key of circuit "insurance_active"`),
    });
  });

  it("the service config's \"ceremonies\" (with \"keys\", relative to the config) ties the service's keys to them", async () => {
    const config = (keysFile: string, ceremonies?: unknown) =>
      parseServiceConfig(
        { presets: { adult: ADULT }, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: generateVerifierKey().privateKey }, keys: keysFile, ...(ceremonies === undefined ? {} : { ceremonies }) },
        { baseDir: dir },
      );
    const ceremony = await writeTranscript(transcript("age_at_least", productionId));
    const name = ceremony.slice(dir.length + 1);
    expect(config("keys.json", [name]).ceremonies).toEqual([ceremony]);
    const { close } = await configuredVerifier(config("keys.json", [name]));
    await close();
    // The forged manifest of the first test: the service does not start.
    await expect(configuredVerifier(config("related.json", [name]))).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY" });
    expect(() => parseServiceConfig({ presets: { adult: ADULT }, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: generateVerifierKey().privateKey }, ceremonies: [name] }, { baseDir: dir })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining(`give it with "keys"`) }),
    );
    expect(() => config("keys.json", name)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("refuses transcripts that do not fit the manifest (table)", async () => {
    const id = productionId;
    const cases: Array<[string, () => Promise<unknown>, string, string?]> = [
      ["another circuit's transcript only", async () => [await writeTranscript(transcript("insurance_active", id))], "INVALID_ARGUMENT", `no ceremony transcript for circuit "age_at_least"`],
      ["an extra transcript", async () => [await writeTranscript(transcript("age_at_least", id)), await writeTranscript(transcript("insurance_active", id))], "INVALID_ARGUMENT", "does not name"],
      ["two for one circuit", async () => [await writeTranscript(transcript("age_at_least", id)), await writeTranscript(transcript("age_at_least", id))], "INVALID_ARGUMENT", "two ceremony transcripts"],
      ["not finalized", async () => writeTranscript(transcript("age_at_least", id, (t) => delete t.beacon)), "CEREMONY_INVALID", "not finalized"],
      ["finalized without a key id (older transcript)", async () => writeTranscript(transcript("age_at_least", id, (t) => delete t.beacon.verificationKeyId)), "CEREMONY_INVALID", "verificationKeyId"],
      ["another R1CS", async () => writeTranscript(transcript("age_at_least", id, (t) => (t.r1cs = MANIFEST.circuits["insurance_active"]!.r1cs))), "ARTIFACT_INTEGRITY", "its ceremony was for R1CS"],
      ["a circuit that is a path", async () => writeTranscript(transcript("age_at_least", id, (t) => (t.circuit = "../age_at_least"))), "CEREMONY_INVALID", `"circuit" must be a circuit`],
      ["an unknown key", async () => writeTranscript(transcript("age_at_least", id, (t) => (t.note = 1))), "CEREMONY_INVALID", `unknown property "note"`],
      ["not JSON", async () => writeTranscript("{"), "CEREMONY_INVALID", "is not JSON"],
      ["unreadable", async () => join(dir, "no-such-ceremony.json"), "ARTIFACT_INTEGRITY", "cannot read ceremony transcript"],
      ["not a path", async () => [42], "INVALID_ARGUMENT", `"transcript"`],
    ];
    for (const [name, make, code, message] of cases) {
      await expect(loadKeys(join(dir, "keys.json"), { transcript: (await make()) as string }), name).rejects.toMatchObject({ code, ...(message ? { message: expect.stringContaining(message) } : {}) });
    }
    await expect(loadKeys(join(dir, "keys.json"), { transcripts: [] } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining(`unknown property "transcripts"`) });
  });
});
