/**
 * Presentations verified on chain with real proofs (src/prover, the shipped keys): a true proof
 * accepted once, every public signal tampered refused with the contract's reason, replay, key
 * status and root freshness from registry state, scope and purpose, and the one-pairing batch:
 * accepts what single verification accepts, refuses a batch with one false proof (the first or a later
 * one) or one refused item; a query (one queryHash parameter) alone and in a batch.
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { type Address, type Hex, createPublicClient, custom, decodeErrorResult, encodeFunctionData } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CHAIN_AUDIT_RESULTS,
  CHAIN_RESULTS,
  type ChainOutcome,
  type ChainVerification,
  ChainIssuerRegistry,
  type ChainWriter,
  addIssuer,
  addIssuerKey,
  chainAuditResult,
  deployMedzk,
  groth16VerifierAbi,
  medzkRegistryAbi,
  presentationCall,
  publishIssuerSet,
  publishRevocationRoot,
  registerVerifier,
  revertReason,
  rotateVerifierAccount,
  setIssuerKeyStatus,
  setVerifierStatus,
  statementParams,
  verifyBatchOnChain,
  verifyOnChain,
} from "../../../src/chain.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { type Presentation, type ProofRequest, createHolder, createVerifier, generateVerifierKey, issueCredential, prove } from "../../../src/index.js";
import { groth16VerifierBytecode } from "../../../src/chain/generated/bytecode.js";
import { signRequest } from "../../../src/verifier/verifier-key.js";
import { MANIFEST, verificationKey } from "../../../src/artifacts/manifest.js";
import type { KeySet } from "../../../src/artifacts/key-manifest.js";
import { type World, clone, makeWorld, present } from "../../helpers/fixtures.js";
import { startChain } from "./edr.js";

type Chain = Awaited<ReturnType<typeof startChain>>;
let chain: Chain;
let registry: Address;
let world: World;
let verifierWriter: ChainWriter;
const key = generateVerifierKey();
let age: Presentation[];
let coverage: Presentation;
let query: Presentation;
/** A query with a relative date: coverage started at least 30 days before the request's as-of day, on a gold or platinum plan. */
const queryStatement = {
  type: "query",
  schema: "insurance-coverage/v1",
  where: [
    { attribute: "plan", op: "IN", values: ["gold", "platinum"] },
    { attribute: "coverageStart", op: "LTE", value: { daysBeforeAsOf: 30 } },
  ],
} as const;
const as = (i: number): ChainWriter => ({ client: chain.client, wallet: chain.wallet(i), registry });

/** The registry error a failed call reverted with ("reverted" when it carries none, as when it ran out of gas). */
function revertedWith(error: unknown): string {
  const data = /return data: (0x[0-9a-f]+)/i.exec((error as Error).message)?.[1];
  if (!data) return "reverted";
  return decodeErrorResult({ abi: medzkRegistryAbi, data: data as Hex }).errorName;
}

/** The contract's result for a presentation's (possibly tampered) call, without sending a transaction. */
async function simulate(call: ReturnType<typeof presentationCall>, account = chain.accounts[3]!): Promise<string> {
  const { result } = await chain.client.simulateContract({
    address: registry, abi: medzkRegistryAbi, functionName: "verifyPresentation", args: [call.circuitId, call.params, call.proof, call.signals], account,
  });
  return CHAIN_RESULTS[result]!;
}

beforeAll(async () => {
  chain = await startChain();
  world = await makeWorld();
  ({ registry } = await deployMedzk({ client: chain.client, wallet: chain.wallet(0), maxRootAgeSeconds: 3600, circuits: ["age_at_least", "insurance_active", "age_at_least_hidden", "query"] }));
  const admin = as(0);
  await addIssuer(admin, { account: chain.accounts[1]!, name: "St Elsewhere", schemas: ["patient-record/v1"] });
  await addIssuerKey(admin, { issuer: chain.accounts[1]!, publicKey: world.hospital.publicKey });
  await addIssuer(admin, { account: chain.accounts[2]!, name: "Acme Health", schemas: ["insurance-coverage/v1"] });
  await addIssuerKey(admin, { issuer: chain.accounts[2]!, publicKey: world.insurerKey.publicKey });
  await publishRevocationRoot(as(1), EMPTY_REVOCATION_ROOT);
  await publishRevocationRoot(as(2), EMPTY_REVOCATION_ROOT);
  await registerVerifier(admin, { publicKey: key.publicKey, account: chain.accounts[3]!, name: "Acme claims", purposes: ["", "claims"] });
  verifierWriter = as(3);
  // The off-chain verifier only makes the signed requests here; the chain decides.
  const verifier = createVerifier({ trustedIssuers: [world.hospital.publicKey, world.insurerKey.publicKey], key });
  const now = new Date();
  age = [];
  for (let i = 0; i < 4; i++) age.push(await present(verifier, world.record, world.patient, { type: "ageAtLeast", minAge: 18 }, now));
  coverage = await present(verifier, world.coverage, world.patient, { type: "insuranceActive", insurerId: "acme-health" }, now);
  query = await present(verifier, world.coverage, world.patient, queryStatement as never, now);
});

describe("verifyPresentation", () => {
  it("accepts a true proof once and refuses its replay", async () => {
    const snap = await chain.snapshot();
    try {
      const first = await verifyOnChain(verifierWriter, coverage, { expected: coverage.request });
      expect(first.result).toBe("Accepted");
      expect((first as ChainVerification).nullifier).toBe(coverage.publicSignals[0]);
      expect((await verifyOnChain(verifierWriter, coverage, { expected: coverage.request })).result).toBe("Replayed");
      // The replay bitmap (MedzkRegistry._replaySlot: word keccak(key, c >> 8), bit c & 0xff) marks
      // exactly this verifier's challenge: not its neighbour bit, not the same bit of the next word,
      // not the same challenge of another verifier key.
      const c = BigInt(coverage.request.challenge);
      const answered = (verifierKey: string, challenge: bigint) =>
        chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "answered", args: [`0x${verifierKey}`, challenge] });
      const other = generateVerifierKey().publicKey;
      expect(await Promise.all([answered(key.publicKey, c), answered(key.publicKey, c ^ 1n), answered(key.publicKey, c + 256n), answered(other, c)])).toEqual([true, false, false, false]);
    } finally {
      await chain.revert(snap);
    }
  });

  it("refuses every tampered public signal, each for its reason", async () => {
    const expected: Record<number, string> = {
      0: "ProofInvalid", // nullifier: only the proof binds it
      1: "IssuerUnknown", // issuerAx
      2: "IssuerUnknown", // issuerAy
      3: "RevocationRootNotAccepted",
      4: "AsOfNotCurrent", // asOfDate moved by a month: the chain's day decides
      5: "StatementMismatch", // minAge
      6: "ProofInvalid", // challenge: a fresh one passes the registry, not the proof
      7: "ScopeMismatch",
    };
    const base = presentationCall(age[0]!, age[0]!.request);
    expect(await simulate(base)).toBe("Accepted");
    for (let i = 0; i < base.signals.length; i++) {
      const call = clone({ ...base, signals: base.signals.map(String), params: base.params.map(String), proof: base.proof.map(String) });
      const tampered = { ...base, signals: call.signals.map(BigInt) };
      tampered.signals[i] = i === 4 ? tampered.signals[i]! + 100n : tampered.signals[i]! + 1n;
      expect([i, await simulate(tampered)]).toEqual([i, expected[i]]);
    }
    // The statement asked (not the one proved): a verifier asking minAge 21 refuses a minAge-18 proof.
    expect(await simulate({ ...base, params: [21n] })).toBe("StatementMismatch");
    const outOfField = { ...base, signals: [...base.signals] };
    outOfField.signals[6] = outOfField.signals[6]! + 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    expect(await simulate(outOfField)).toBe("SignalOutOfField");
    const badPoint = { ...base, proof: [1n, 1n, ...base.proof.slice(2)] as unknown as typeof base.proof };
    expect(await simulate(badPoint)).toBe("ProofMalformed");
    const swapped = { ...base, proof: [...base.proof.slice(6), ...base.proof.slice(2, 6), ...base.proof.slice(0, 2)] as unknown as typeof base.proof };
    expect(await simulate(swapped)).toBe("ProofInvalid");
  });

  it("follows the registry: key status, schema, root freshness, verifier status", async () => {
    const snap = await chain.snapshot();
    try {
      const call = presentationCall(age[0]!, age[0]!.request);
      // A new root: the old one is still accepted for maxRootAge (3600 s), then refused.
      await publishRevocationRoot(as(1), "42");
      expect(await simulate(call)).toBe("Accepted");
      await chain.increaseTime(3601);
      expect(await simulate(call)).toBe("RevocationRootNotAccepted");
      await publishRevocationRoot(as(1), EMPTY_REVOCATION_ROOT);
      expect(await simulate(call)).toBe("Accepted");
      await setIssuerKeyStatus(as(0), world.hospital.publicKey, "retired");
      expect(await simulate(call)).toBe("IssuerKeyRetired");
      await setIssuerKeyStatus(as(1), world.hospital.publicKey, "compromised");
      expect(await simulate(call)).toBe("IssuerKeyCompromised");
      // The insurer's key may not sign patient records.
      const insurerSigned = presentationCall(coverage, coverage.request);
      expect(await simulate(insurerSigned)).toBe("Accepted");
      await setVerifierStatus(as(0), key.publicKey, "suspended");
      await expect(simulate(insurerSigned)).rejects.toThrow(/VerifierSuspended/);
      await expect(simulate(insurerSigned, chain.accounts[4]!)).rejects.toThrow(/NotARegisteredVerifier/);
    } finally {
      await chain.revert(snap);
    }
  });

  it("refuses a key outside its issuer's schemas and a scope of another verifier", async () => {
    const snap = await chain.snapshot();
    try {
      // Another registered verifier cannot spend this verifier's presentations: its scopes differ.
      await registerVerifier(as(0), { publicKey: generateVerifierKey().publicKey, account: chain.accounts[5]!, name: "Other" });
      expect(await simulate(presentationCall(age[0]!, age[0]!.request), chain.accounts[5]!)).toBe("ScopeMismatch");
      await addIssuer(as(0), { account: chain.accounts[6]!, name: "Lab", schemas: ["insurance-coverage/v1"] });
      // (the hospital's key belongs to the hospital; a schema refusal needs a key whose issuer lacks the schema)
      const world2 = await makeWorld();
      await addIssuerKey(as(0), { issuer: chain.accounts[6]!, publicKey: world2.hospital.publicKey });
      await publishRevocationRoot(as(6), EMPTY_REVOCATION_ROOT);
      const verifier = createVerifier({ trustedIssuers: [world2.hospital.publicKey], key });
      const p = await present(verifier, world2.record, world2.patient, { type: "ageAtLeast", minAge: 18 }, new Date());
      expect(await simulate(presentationCall(p, p.request))).toBe("SchemaNotAllowed");
    } finally {
      await chain.revert(snap);
    }
  });
});

describe("a query (one queryHash parameter) on chain", () => {
  it("accepts a query proof once, alone or in a batch, refuses its replay, and refuses the parameters of another query", async () => {
    const call = presentationCall(query, query.request);
    expect(call.circuit).toBe("query");
    expect(await simulate(call)).toBe("Accepted");
    // The verifier asking another set, or the same relative date resolved on another as-of day:
    // another queryHash, refused before the proof.
    const anotherSet = { ...queryStatement, where: [{ attribute: "plan", op: "IN", values: ["gold"] }, queryStatement.where[1]] };
    expect(await simulate({ ...call, params: statementParams("query", anotherSet as never, query.request.asOf) })).toBe("StatementMismatch");
    const dayBefore = new Date(Date.parse(`${query.request.asOf}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await simulate({ ...call, params: statementParams("query", queryStatement as never, dayBefore) })).toBe("StatementMismatch");
    const snap = await chain.snapshot();
    try {
      const batch = await verifyBatchOnChain(verifierWriter, [query], { expected: [query.request] });
      expect(batch.map((o) => o.result)).toEqual(["Accepted"]);
      expect((await verifyOnChain(verifierWriter, query, { expected: query.request })).result).toBe("Replayed");
    } finally {
      await chain.revert(snap);
    }
    const snap2 = await chain.snapshot();
    try {
      const first = await verifyOnChain(verifierWriter, query, { expected: query.request });
      expect([first.result, (first as ChainVerification).nullifier]).toEqual(["Accepted", query.publicSignals[0]]);
      expect((await verifyOnChain(verifierWriter, query, { expected: query.request })).result).toBe("Replayed");
    } finally {
      await chain.revert(snap2);
    }
  });

  it("refuses, before sending, a batch whose requests resolve a relative date on two as-of days", async () => {
    // The same query asked a second apart across UTC midnight: two queryHash values, which one
    // verifyPresentations call (one params) cannot carry. Nothing is sent.
    const on = (iso: string) => createVerifier({ trustedIssuers: [world.insurerKey.publicKey], key, clock: () => new Date(iso) }).createRequest({ statement: queryStatement as never });
    const own = [on("2026-12-06T23:59:59Z"), on("2026-12-07T00:00:01Z")];
    const before = await chain.client.getBlockNumber({ cacheTime: 0 });
    await expect(verifyBatchOnChain(verifierWriter, [query, query], { expected: own })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/expected\[0\] \(as of 2026-12-06\); expected\[1\] \(as of 2026-12-07\)/),
    });
    expect(await chain.client.getBlockNumber({ cacheTime: 0 })).toBe(before);
  });
});

describe("verifyOnChain checks the caller's own request before any transaction", () => {
  /** The outcome, and whether a transaction was sent (automining: one block per transaction). */
  async function outcomeOf(run: () => Promise<ChainOutcome>): Promise<[string, boolean]> {
    const before = await chain.client.getBlockNumber({ cacheTime: 0 });
    const outcome = await run();
    return [outcome.result === "NotSent" ? outcome.error.code : outcome.result, (await chain.client.getBlockNumber({ cacheTime: 0 })) !== before];
  }

  it("refuses a 10-year-old's \"at least 0\" answer to an \"at least 18\" request, and every other answer to another question", async () => {
    const snap = await chain.snapshot();
    try {
      const verifier = createVerifier({ trustedIssuers: [world.hospital.publicKey], key });
      const asked = verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
      // The child's record, signed by the registered hospital; the child proves "at least 0" under
      // the insurer's challenge, as-of day and scope (the request it echoes is re-signed here only
      // so the prover takes it; the contract never checked that signature either way).
      const child = createHolder();
      const tenYearsAgo = `${new Date().getUTCFullYear() - 10}-01-01`;
      const record = await issueCredential(world.hospital, { schema: "patient-record/v1", holder: child.commitment, attributes: { dateOfBirth: tenYearsAgo } });
      const { signature: _, ...unsigned } = asked;
      const atLeast0 = signRequest(hexToBytes(key.privateKey), { ...unsigned, statement: { type: "ageAtLeast", minAge: 0 } });
      const forged = await prove({ credential: record, holder: child, request: atLeast0 });
      const expired = signRequest(hexToBytes(key.privateKey), { ...unsigned, expiresAt: new Date(Date.now() - 1000).toISOString() });
      const other = age[1]!; // a true answer, to another request of the same verifier
      const signal = (p: Presentation, i: number, value: string) => ({ ...p, publicSignals: p.publicSignals.map((v, j) => (j === i ? value : v)) });
      // The same "at least 18" asked hiding the issuer (any set root: nothing is sent).
      const hiddenAsked = signRequest(hexToBytes(key.privateKey), { ...unsigned, issuerSet: "12345" });
      const cases: Array<[string, unknown, ProofRequest, string]> = [
        ["the forged request echoed", forged, asked, "REQUEST_MISMATCH"],
        ["the forged proof under the asked request", { ...forged, request: asked }, asked, "STATEMENT_MISMATCH"],
        ["another request's true answer", other, asked, "REQUEST_MISMATCH"],
        ["another challenge signal", signal({ ...forged, request: asked }, 6, other.publicSignals[6]!), asked, "CHALLENGE_MISMATCH"],
        ["a key of another circuit", { ...forged, request: asked, key: { ...forged.key, circuit: "insurance_active" } }, asked, "KEY_MISMATCH"],
        ["not a presentation", { hello: "chain" }, asked, "MALFORMED_PRESENTATION"],
        // A true answer to its own request, one predictable signal moved: each with the off-chain code.
        ["another as-of day signal", signal(other, 4, String(BigInt(other.publicSignals[4]!) + 1n)), other.request, "AS_OF_MISMATCH"],
        ["another scope signal", signal(other, 7, String(BigInt(other.publicSignals[7]!) + 1n)), other.request, "SCOPE_MISMATCH"],
        ["a key-mode proof for a hidden-issuer request", { ...forged, request: hiddenAsked }, hiddenAsked, "KEY_MISMATCH"],
      ];
      for (const [what, presentation, own, code] of cases) {
        expect([what, ...(await outcomeOf(() => verifyOnChain(verifierWriter, presentation, { expected: own })))]).toEqual([what, code, false]);
      }
      expect(await outcomeOf(() => verifyOnChain(verifierWriter, { ...forged, request: expired }, { expected: expired }))).toEqual(["REQUEST_EXPIRED", false]);
      // What verifyOnChain used to send (the statement from the presentation's own request) the
      // contract accepts; with the asked statement's parameters it refuses.
      expect(await simulate(presentationCall(forged, forged.request))).toBe("Accepted");
      expect(await simulate(presentationCall(forged, asked))).toBe("StatementMismatch");
      // The caller's own request is the caller's responsibility: mistakes throw.
      await expect(verifyOnChain(verifierWriter, forged, {} as never)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(verifyOnChain(verifierWriter, forged, { expected: { ...atLeast0, signature: asked.signature } })).rejects.toMatchObject({ code: "REQUEST_SIGNATURE_INVALID" });
      const stranger = createVerifier({ trustedIssuers: [world.hospital.publicKey], key: generateVerifierKey() }).createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
      await expect(verifyOnChain(verifierWriter, forged, { expected: stranger })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(verifyOnChain(as(9), forged, { expected: asked })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      // So is a statement the chain cannot check (its circuits know the built-in schemas only),
      // thrown as a typed error whatever the presentation, not refused for the holder's answer.
      const unchecked: Array<[Record<string, unknown>, string]> = [
        [{ type: "ageAtLeast", minAge: "x" }, "INVALID_STATEMENT"],
        [{ type: "bloodType" }, "UNKNOWN_STATEMENT"],
        [{ type: "query", schema: "clinic-note/v1", where: [] }, "UNKNOWN_SCHEMA"],
      ];
      for (const [statement, code] of unchecked) {
        const own = signRequest(hexToBytes(key.privateKey), { ...unsigned, statement: statement as never });
        for (const presentation of [{ ...forged, request: own }, forged, { hello: "chain" }]) {
          expect([statement.type, await verifyOnChain(verifierWriter, presentation, { expected: own }).then((o) => o.result, (e: { code?: string }) => e.code)]).toEqual([statement.type, code]);
        }
        await expect(verifyBatchOnChain(verifierWriter, [forged], { expected: [own] })).rejects.toMatchObject({ code });
      }
      // The batch refuses the same items before sending and sends the rest.
      const batch = await verifyBatchOnChain(verifierWriter, [forged, age[2]!, other], { expected: [asked, age[2]!.request, age[0]!.request] });
      expect(batch.map((o) => (o.result === "NotSent" ? o.error.code : o.result))).toEqual(["REQUEST_MISMATCH", "Accepted", "REQUEST_MISMATCH"]);
      // An item the contract refuses is named by the caller's index, not by its place among the
      // items sent (age[2] is spent: sent second, it is presentations[2]).
      const refusedItem = verifyBatchOnChain(verifierWriter, [forged, age[3]!, age[2]!], { expected: [asked, age[3]!.request, age[2]!.request] });
      await expect(refusedItem).rejects.toMatchObject({ code: "CHAIN_TRANSACTION_FAILED", message: expect.stringMatching(/BatchItemRefused\(2, 12\): presentations\[2\] was refused on chain \(Replayed\)/) });
      await expect(verifyBatchOnChain(verifierWriter, [age[0]!], { expected: [coverage.request] })).resolves.toMatchObject([{ result: "NotSent" }]);
      await expect(verifyBatchOnChain(verifierWriter, [age[0]!, coverage], { expected: [age[0]!.request, coverage.request] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    } finally {
      await chain.revert(snap);
    }
  });

  it("judges expiry by the caller's clock, at the same instant as the off-chain verifier", async () => {
    const snap = await chain.snapshot();
    try {
      const p = age[3]!;
      const at = Date.parse(p.request.expiresAt);
      // Expired from expiresAt on, not before, on chain (nothing sent) as off chain.
      for (const [ms, code] of [[at, "REQUEST_EXPIRED"], [at - 1, "OK"]] as const) {
        const clock = () => new Date(ms);
        const offChain = await createVerifier({ trustedIssuers: [world.hospital.publicKey], key, clock }).verify(p, { expected: p.request });
        expect([ms - at, offChain.ok ? "OK" : offChain.error.code]).toEqual([ms - at, code]);
        const batch = await verifyBatchOnChain(verifierWriter, [p], { expected: [p.request], clock });
        expect([ms - at, chainAuditResult(batch[0]!)]).toEqual([ms - at, code]);
      }
      // The batch spent the challenge at at - 1; the single call still refuses at expiry before looking.
      expect(await outcomeOf(() => verifyOnChain(verifierWriter, p, { expected: p.request, clock: () => new Date(at) }))).toEqual(["REQUEST_EXPIRED", false]);
      expect(await outcomeOf(() => verifyOnChain(verifierWriter, p, { expected: p.request, clock: () => new Date(at - 1) }))).toEqual(["Replayed", true]);
      await expect(verifyOnChain(verifierWriter, p, { expected: p.request, clock: "now" as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(verifyBatchOnChain(verifierWriter, [p], { expected: [p.request], clock: () => "now" as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    } finally {
      await chain.revert(snap);
    }
  });

  it("checks the presentation's key against the key set the caller gives (the one its circuits were set with), the shipped keys by default", async () => {
    // A key set of one circuit, as loadKeys builds it: the shipped age key, or a key of the same
    // shape whose δ is another G2 point (a deployment's own key, as far as the ids go).
    const keySet = (vkey: object): KeySet => {
      const text = JSON.stringify(vkey);
      const entry = { r1cs: MANIFEST.circuits["age_at_least"]!.r1cs, vkey: { path: "age_at_least.vkey.json", sha256: bytesToHex(sha256(utf8ToBytes(text))) } };
      return { manifest: { format: "medzk-keys/v1", circuits: { age_at_least: entry } }, verificationKeys: { "age_at_least.vkey.json": text }, base: "file:///keys/" };
    };
    const shipped = verificationKey("age_at_least") as unknown as Record<string, unknown>;
    const snap = await chain.snapshot();
    try {
      const p = age[3]!;
      // Before: the shipped ids were the only ones known, whatever keys the registry's circuits had.
      expect(await outcomeOf(() => verifyOnChain(verifierWriter, p, { expected: p.request, keys: keySet({ ...shipped, vk_delta_2: shipped["vk_beta_2"] }) }))).toEqual(["KEY_MISMATCH", false]);
      const [batch] = await verifyBatchOnChain(verifierWriter, [p], { expected: [p.request], keys: keySet({ ...shipped, vk_delta_2: shipped["vk_beta_2"] }) });
      expect(chainAuditResult(batch!)).toBe("KEY_MISMATCH");
      await expect(verifyOnChain(verifierWriter, p, { expected: p.request, keys: { manifest: {} } as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(await outcomeOf(() => verifyOnChain(verifierWriter, p, { expected: p.request, keys: keySet(shipped) }))).toEqual(["Accepted", true]);
    } finally {
      await chain.revert(snap);
    }
  });

  it("verifies only from the verifier's current account: rotated by itself, or by the admin while suspended", async () => {
    const snap = await chain.snapshot();
    try {
      const p = age[3]!;
      const verify = (i: number) => verifyOnChain(as(i), p, { expected: p.request });
      // Routine rotation by the current account: the old account acts for no verifier any more.
      await rotateVerifierAccount(as(3), key.publicKey, chain.accounts[8]!);
      await expect(verify(3)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/not a registered verifier's account/) });
      // Recovery: suspended, the account cannot verify; the admin moves the verifier, then reactivates it.
      await setVerifierStatus(as(0), key.publicKey, "suspended");
      await expect(verify(8)).rejects.toMatchObject({ code: "CHAIN_TRANSACTION_FAILED", message: expect.stringMatching(/VerifierSuspended/) });
      await rotateVerifierAccount(as(0), key.publicKey, chain.accounts[9]!);
      await setVerifierStatus(as(0), key.publicKey, "active");
      await expect(verify(8)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      expect((await verify(9)).result).toBe("Accepted");
    } finally {
      await chain.revert(snap);
    }
  });

  it("maps every chain result to the audit code of the same refusal off chain", async () => {
    const snap = await chain.snapshot();
    try {
      expect(Object.keys(CHAIN_AUDIT_RESULTS)).toEqual([...CHAIN_RESULTS]);
      const first = await verifyOnChain(verifierWriter, age[3]!, { expected: age[3]!.request });
      const again = await verifyOnChain(verifierWriter, age[3]!, { expected: age[3]!.request });
      expect([chainAuditResult(first), chainAuditResult(again)]).toEqual(["OK", "REQUEST_REPLAYED"]);
      // The off-chain verifier gives the same code for the same replay.
      const verifier = createVerifier({ trustedIssuers: [world.hospital.publicKey], key });
      expect(await verifier.verify(age[0]!)).toMatchObject({ ok: true });
      expect(await verifier.verify(age[0]!)).toMatchObject({ ok: false, error: { code: chainAuditResult(again) } });
    } finally {
      await chain.revert(snap);
    }
  });
});

describe("a proof is judged only by a verifier call that had its gas", () => {
  it("reverts, never records ProofInvalid, for an honest proof sent with any gas limit", async () => {
    const call = presentationCall(age[0]!, age[0]!.request);
    const data = encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentation", args: [call.circuitId, call.params, call.proof, call.signals] });
    const run = (gas: bigint) => chain.client.call({ to: registry, data, account: chain.accounts[3]!, gas }).then(({ data: out }) => CHAIN_RESULTS[Number(BigInt(out!))]!, revertedWith);
    const enough = await chain.client.estimateGas({ to: registry, data, account: chain.accounts[3]! });
    // Across the old window (about 255k-315k: the verifier's pairing ran out of gas and returned
    // false, recorded as ProofInvalid), just under the estimate, and at it.
    const limits = [258_000n, 278_000n, 298_000n, 314_000n, enough - 2_000n, enough];
    const outcomes = await Promise.all(limits.map(run));
    expect(outcomes.slice(-1)).toEqual(["Accepted"]);
    expect(outcomes.slice(0, -1).every((o) => o === "InsufficientGasForProof" || o === "reverted")).toBe(true);
    expect(outcomes).not.toContain("ProofInvalid");
    expect(await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "answered", args: [`0x${key.publicKey}`, BigInt(age[0]!.request.challenge)] })).toBe(false);
  });

  it("refuses a batch of honest proofs for lack of gas, never as a false proof", async () => {
    const calls = age.slice(0, 2).map((p) => presentationCall(p, p.request));
    const data = encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentations", args: [calls[0]!.circuitId, calls[0]!.params, calls.map((c) => c.proof), calls.flatMap((c) => c.signals)] });
    const enough = await chain.client.estimateGas({ to: registry, data, account: chain.accounts[3]! });
    const limits = [0.55, 0.65, 0.75, 0.85, 0.95].map((f) => BigInt(Math.round(Number(enough) * f)));
    const outcomes = await Promise.all(limits.map((gas) => chain.client.call({ to: registry, data, account: chain.accounts[3]!, gas }).then(() => "Accepted", revertedWith)));
    expect(outcomes.every((o) => o === "InsufficientGasForProof" || o === "reverted")).toBe(true);
    expect(outcomes).toContain("InsufficientGasForProof");
  });

  it("at the least gas that passes the gas check, an honest proof or batch is judged true: the boundary, searched", async () => {
    /** The call's outcome: the contract's result, or the error it reverted with and that error's arguments. */
    const outcome = (data: Hex, gas: bigint) =>
      chain.client.call({ to: registry, data, account: chain.accounts[3]!, gas }).then(
        ({ data: out }) => ({ name: out && out !== "0x" ? CHAIN_RESULTS[Number(BigInt(out))]! : "Accepted", args: [] as readonly unknown[] }),
        (error: unknown) => {
          const raw = /return data: (0x[0-9a-f]+)/i.exec((error as Error).message)?.[1];
          if (!raw) return { name: "reverted", args: [] as readonly unknown[] };
          const { errorName, args } = decodeErrorResult({ abi: medzkRegistryAbi, data: raw as Hex });
          return { name: errorName as string, args: (args ?? []) as readonly unknown[] };
        },
      );
    /** The least gas limit the contract does not refuse with InsufficientGasForProof (binary search in (lo, hi]). */
    async function least(data: Hex, lo: bigint, hi: bigint): Promise<bigint> {
      expect((await outcome(data, lo)).name).toBe("InsufficientGasForProof");
      while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n;
        if ((await outcome(data, mid)).name === "InsufficientGasForProof") lo = mid;
        else hi = mid;
      }
      return hi;
    }
    // MedzkRegistry._requireGas(need) asks need + need/63 (EIP-150) + 10,000 (the call itself).
    const want = (need: number) => BigInt(need + Math.floor(need / 63) + 10_000);
    const single = presentationCall(age[0]!, age[0]!.request);
    const batch = age.slice(0, 2).map((p) => presentationCall(p, p.request));
    const n = single.signals.length;
    const cases: Array<[string, Hex, number]> = [
      // PROOF_GAS_BASE + PROOF_GAS_PER_SIGNAL · n
      ["one", encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentation", args: [single.circuitId, single.params, single.proof, single.signals] }), 250_000 + 7_500 * n],
      // BATCH_GAS_BASE + PROOF_GAS_PER_SIGNAL · n + BATCH_GAS_PER_ITEM · items
      ["batch of 2", encodeFunctionData({ abi: medzkRegistryAbi, functionName: "verifyPresentations", args: [batch[0]!.circuitId, batch[0]!.params, batch.map((c) => c.proof), batch.flatMap((c) => c.signals)] }), 150_000 + 7_500 * n + 75_000 * 2],
    ];
    for (const [what, data, need] of cases) {
      const enough = await chain.client.estimateGas({ to: registry, data, account: chain.accounts[3]! });
      const at = await least(data, 150_000n, enough);
      const below = await outcome(data, at - 1n);
      expect([what, below.name, below.args[0]]).toEqual([what, "InsufficientGasForProof", want(need)]);
      // From the boundary on, the proof is judged by a check that completed: true, or the
      // transaction runs out of gas after it (a plain revert); never a false proof, never a failed call.
      const above = await Promise.all([at, at + 1n, at + 5_000n, at + 20_000n, enough].map(async (gas) => (await outcome(data, gas)).name));
      expect([what, above.every((o) => o === "Accepted" || o === "reverted"), above.at(-1)]).toEqual([what, true, "Accepted"]);
    }
  });

  it("the gas the contract gives each verifier covers what every shipped verifier uses", async () => {
    const call = presentationCall(age[0]!, age[0]!.request);
    const used: Record<string, number> = {};
    for (const [circuit, bytecode] of Object.entries(groth16VerifierBytecode)) {
      const hash = await chain.wallet(0).deployContract({ abi: groth16VerifierAbi, bytecode, chain: null });
      const address = (await chain.client.waitForTransactionReceipt({ hash })).contractAddress!;
      const n = (await import("../../../src/chain.js")).circuitLayout(circuit).nSignals;
      // The verifier's gas does not depend on the values: any in-field signals, a proof of valid points.
      const abi = groth16VerifierAbi.map((f) => ({ ...f, inputs: f.inputs.map((i) => (i.name === "_pubSignals" ? { ...i, type: `uint256[${n}]` } : i)) }));
      const data = encodeFunctionData({ abi, functionName: "verifyProof", args: [call.proof.slice(0, 2), [call.proof.slice(2, 4), call.proof.slice(4, 6)], call.proof.slice(6), Array.from({ length: n }, (_, i) => BigInt(i) * 7919n + 1n)] } as never);
      const total = Number(await chain.client.estimateGas({ to: address, data, account: chain.accounts[0]! }));
      const calldata = hexToBytes(data.slice(2)).reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
      used[circuit] = total - 21_000 - calldata;
      // MedzkRegistry.PROOF_GAS_BASE + PROOF_GAS_PER_SIGNAL · n
      expect([circuit, used[circuit]! <= 250_000 + 7_500 * n]).toEqual([circuit, true]);
    }
    console.log("verifier execution gas by circuit:", used);
  });
});

describe("verifyPresentations (one pairing check)", () => {
  it("accepts a batch of true proofs, each once, with one event each", async () => {
    const snap = await chain.snapshot();
    try {
      const events = await verifyBatchOnChain(verifierWriter, age, { expected: age.map((p) => p.request) });
      expect(events.map((e) => e.result)).toEqual(["Accepted", "Accepted", "Accepted", "Accepted"]);
      expect(events.map((e) => (e as ChainVerification).nullifier)).toEqual(age.map((p) => p.publicSignals[0]));
      // Single verification agrees, and the batch spent the challenges.
      expect((await verifyOnChain(verifierWriter, age[2]!, { expected: age[2]!.request })).result).toBe("Replayed");
      await expect(verifyBatchOnChain(verifierWriter, age.slice(0, 2), { expected: age.slice(0, 2).map((p) => p.request) })).rejects.toThrow(/BatchItemRefused\(0, 12\)/);
    } finally {
      await chain.revert(snap);
    }
  });

  it("refuses a batch with one false proof, and one with one refused item, naming it", async () => {
    const calls = age.map((p) => presentationCall(p, p.request));
    const send = (items: typeof calls) =>
      chain.client.simulateContract({
        address: registry, abi: medzkRegistryAbi, functionName: "verifyPresentations",
        args: [items[0]!.circuitId, items[0]!.params, items.map((c) => c.proof), items.flatMap((c) => c.signals)], account: chain.accounts[3]!,
      }).catch((error: unknown) => {
        throw new Error(revertReason(error) ?? String(error));
      });
    await expect(send(calls)).resolves.toBeDefined();
    // Item 2's proof for item 3's challenge: the registry checks pass, the pairing product does not.
    const falseProof = calls.map((c, i) => (i === 2 ? { ...c, proof: calls[3]!.proof } : c));
    await expect(send(falseProof)).rejects.toThrow(/BatchProofInvalid/);
    // The first item, whose weight is fixed to 1 (Bn254.batchVerify): item 1's proof for item 0's challenge.
    const falseFirst = calls.map((c, i) => (i === 0 ? { ...c, proof: calls[1]!.proof } : c));
    await expect(send(falseFirst)).rejects.toThrow(/BatchProofInvalid/);
    // A and B swapped between two items: each pair changes, the sum must not cancel.
    const swappedB = calls.map((c, i) => (i === 1 ? { ...c, proof: [...c.proof.slice(0, 2), ...calls[0]!.proof.slice(2, 6), ...c.proof.slice(6)] as unknown as typeof c.proof } : c));
    await expect(send(swappedB)).rejects.toThrow(/BatchProofInvalid/);
    const wrongScope = calls.map((c, i) => (i === 1 ? { ...c, signals: c.signals.map((s, j) => (j === 7 ? s + 1n : s)) } : c));
    await expect(send(wrongScope)).rejects.toThrow(/BatchItemRefused\(1, 2\)/);
    const twice = [calls[0]!, calls[1]!, calls[0]!];
    await expect(send(twice)).rejects.toThrow(/BatchItemRefused\(2, 12\)/);
    const offTwist = calls.map((c, i) => (i === 3 ? { ...c, proof: [...c.proof.slice(0, 2), 1n, 2n, 3n, 4n, ...c.proof.slice(6)] as unknown as typeof c.proof } : c));
    await expect(send(offTwist)).rejects.toThrow(/BatchItemRefused\(3, 13\)/);
  });
});

describe("verifyPresentations' assembly (Bn254.batchVerify, the batch's registry checks) agrees with verifyPresentation", () => {
  const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
  type Call = ReturnType<typeof presentationCall>;
  type Proof = Call["proof"];
  let all: Presentation[];
  let calls: Call[];
  /** The batch's outcome without a transaction: "Accepted" or the error it reverted with, and its arguments. */
  const batch = (items: Call[]) =>
    chain.client
      .simulateContract({
        address: registry, abi: medzkRegistryAbi, functionName: "verifyPresentations",
        args: [items[0]!.circuitId, items[0]!.params, items.map((c) => c.proof), items.flatMap((c) => c.signals)], account: chain.accounts[3]!,
      })
      .then(() => "Accepted", (error: unknown) => revertReason(error) ?? String(error));
  const withProof = (items: Call[], k: number, proof: readonly bigint[]) => items.map((c, i) => (i === k ? { ...c, proof: proof as unknown as Proof } : c));
  const withSignal = (items: Call[], k: number, j: number, value: bigint) => items.map((c, i) => (i === k ? { ...c, signals: c.signals.map((s, at) => (at === j ? value : s)) } : c));
  /** −A: still on the curve, so only the pairing product can refuse it. */
  const negA = (p: Proof) => [p[0], (Q - p[1]) % Q, ...p.slice(2)];
  /** A point of the twist outside G2's prime-order subgroup (x = 1, y = √(1 + b')): proofPointsValidAt accepts it, the pairing precompile must not (EIP-197). */
  const B_OFF_SUBGROUP = [0n, 1n, 15975588672102553735566230729081043132501226101599136527557730645158523614371n, 3610091866386166428467545612961983990332663701371483510632385378352395651980n];

  beforeAll(async () => {
    // 17 items: the pairing input (6 words a pair) and the sums past several 32-byte and 256-byte
    // boundaries, and past the 16 of the bench. Thirteen proofs more than the file's four.
    const verifier = createVerifier({ trustedIssuers: [world.hospital.publicKey], key });
    const more: Presentation[] = [];
    for (let i = 0; i < 13; i++) more.push(await present(verifier, world.record, world.patient, { type: "ageAtLeast", minAge: 18 }, new Date()));
    all = [...age, ...more];
    calls = all.map((p) => presentationCall(p, p.request));
  }, 60_000);

  it("accepts batches of 1, 2 and 17 true proofs, as verifyPresentation accepts each", async () => {
    expect(await Promise.all(calls.map((c) => simulate(c)))).toEqual(calls.map(() => "Accepted"));
    expect([await batch(calls.slice(0, 1)), await batch(calls.slice(0, 2)), await batch(calls)]).toEqual(["Accepted", "Accepted", "Accepted"]);
    const snap = await chain.snapshot();
    try {
      // Sent: one PresentationChecked per item (logged in assembly) naming its nullifier, and every challenge spent.
      const events = await verifyBatchOnChain(verifierWriter, all, { expected: all.map((p) => p.request) });
      expect(events.map((e) => e.result)).toEqual(all.map(() => "Accepted"));
      expect(events.map((e) => (e as ChainVerification).nullifier)).toEqual(all.map((p) => p.publicSignals[0]));
      const spent = await Promise.all(all.map((p) => chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "answered", args: [`0x${key.publicKey}`, BigInt(p.request.challenge)] })));
      expect(spent).toEqual(all.map(() => true));
    } finally {
      await chain.revert(snap);
    }
  });

  it("refuses a false proof where verifyPresentation does: the first, a middle or the last item, in batches of 1 and 17", async () => {
    for (const k of [0, 8, 16]) {
      const tampered = withProof(calls, k, negA(calls[k]!.proof));
      expect([k, await simulate(tampered[k]!)]).toEqual([k, "ProofInvalid"]);
      expect([k, await batch(tampered)]).toEqual([k, "BatchProofInvalid()"]);
    }
    expect(await batch(withProof(calls, 0, negA(calls[0]!.proof)).slice(0, 1))).toBe("BatchProofInvalid()");
    // Two false items whose errors could cancel in an unweighted sum: A and −A, and C swapped.
    const c9 = calls[9]!.proof;
    const c10 = calls[10]!.proof;
    const swappedC = withProof(withProof(calls, 9, [...c9.slice(0, 6), ...c10.slice(6)]), 10, [...c10.slice(0, 6), ...c9.slice(6)]);
    expect(await batch(swappedC)).toBe("BatchProofInvalid()");
  });

  it("refuses a point off its curve with ProofMalformed at its index, and B outside G2's subgroup with PairingInputInvalid", async () => {
    // A = (1, 3), C = (1, 3) and B = (1, 2, 3, 4) are on no curve: refused before any precompile call.
    const offA = [1n, 3n, ...calls[5]!.proof.slice(2)];
    const offC = [...calls[5]!.proof.slice(0, 6), 1n, 3n];
    const offB = [...calls[5]!.proof.slice(0, 2), 1n, 2n, 3n, 4n, ...calls[5]!.proof.slice(6)];
    for (const proof of [offA, offC, offB]) {
      const items = withProof(calls, 5, proof);
      expect(await simulate(items[5]!)).toBe("ProofMalformed");
      expect(await batch(items)).toBe("BatchItemRefused(5, 13)");
    }
    // Item 0, whose A and C enter the check without an ecMul or ecAdd (weight 1) that would refuse them.
    for (const [c, proof] of [[...offA.slice(0, 2), ...calls[0]!.proof.slice(2)], [...calls[0]!.proof.slice(0, 6), ...offC.slice(6)]].entries()) {
      expect([c, await batch(withProof(calls, 0, proof).slice(0, 3))]).toEqual([c, "BatchItemRefused(0, 13)"]);
    }
    // On the twist, outside the subgroup: proofPointsValid passes it, the pairing precompile fails.
    const items = withProof(calls, 12, [...calls[12]!.proof.slice(0, 2), ...B_OFF_SUBGROUP, ...calls[12]!.proof.slice(6)]);
    expect(await batch(items)).toBe("PairingInputInvalid()");
    expect(await batch(withProof(calls, 0, [...calls[0]!.proof.slice(0, 2), ...B_OFF_SUBGROUP, ...calls[0]!.proof.slice(6)]).slice(0, 1))).toBe("PairingInputInvalid()");
  });

  it("refuses a coordinate ≥ Q with ProofMalformed, even one that is its point's coordinate + Q or Q itself (0 mod Q)", async () => {
    const p = calls[5]!.proof;
    const plusQ = (j: number) => p.map((v, at) => (at === j ? v + Q : v));
    // Each of B's four coordinates + Q (im and re of x and y): the same point mod Q, not its encoding.
    // A.x + Q, C.y + Q: on the curve mod Q. (Q, 0) for A and (0, Q) for C: infinity mod Q.
    const cases = [plusQ(2), plusQ(3), plusQ(4), plusQ(5), plusQ(0), plusQ(7), [Q, 0n, ...p.slice(2)], [...p.slice(0, 6), 0n, Q]];
    for (const [c, proof] of cases.entries()) {
      const items = withProof(calls, 5, proof);
      expect([c, await simulate(items[5]!)]).toEqual([c, "ProofMalformed"]);
      expect([c, await batch(items)]).toEqual([c, "BatchItemRefused(5, 13)"]);
    }
  });

  it("passes the point at infinity, (0, 0) for A or C or 0s for B, to the pairing, which refuses the proof (as before the checks were assembly)", async () => {
    const p = calls[5]!.proof;
    const cases = [[0n, 0n, ...p.slice(2)], [...p.slice(0, 6), 0n, 0n], [...p.slice(0, 2), 0n, 0n, 0n, 0n, ...p.slice(6)]];
    for (const [c, proof] of cases.entries()) {
      expect([c, await simulate(withProof(calls, 5, proof)[5]!)]).toEqual([c, "ProofInvalid"]);
      expect([c, await batch(withProof(calls, 5, proof))]).toEqual([c, "BatchProofInvalid()"]);
      // Item 0: weight 1, its A and C used without an ecMul.
      expect([c, await batch(withProof(calls, 0, proof).slice(0, 2))]).toEqual([c, "BatchProofInvalid()"]);
    }
  });

  it("refuses a signal ≥ R at its index, whether or not its other signals repeat the item's before it", async () => {
    // The nullifier (not compared with the previous item), the scope (compared), each + R.
    for (const [k, j] of [[3, 0], [11, 7], [16, 6], [0, 4]] as const) {
      const items = withSignal(calls, k, j, calls[k]!.signals[j]! + R);
      expect([k, j, await simulate(items[k]!)]).toEqual([k, j, "SignalOutOfField"]);
      expect([k, j, await batch(items)]).toEqual([k, j, `BatchItemRefused(${k}, 1)`]);
    }
  });

  it("still checks an item's issuer key, revocation root, as-of day and scope against the registry when they differ from the item's before it", async () => {
    // age_at_least: issuerAx 1, issuerAy 2, revocationRoot 3, asOf 4, challenge 6, scope 7.
    const cases: Array<[number, number, bigint, string]> = [
      [4, 1, calls[4]!.signals[1]! + 1n, "IssuerUnknown"],
      [6, 2, calls[6]!.signals[2]! + 1n, "IssuerUnknown"],
      [9, 3, calls[9]!.signals[3]! + 1n, "RevocationRootNotAccepted"],
      [13, 4, 20000101n, "AsOfNotCurrent"],
      [15, 7, calls[15]!.signals[7]! + 1n, "ScopeMismatch"],
      [16, 5, calls[16]!.signals[5]! + 1n, "StatementMismatch"],
    ];
    for (const [k, j, value, result] of cases) {
      const items = withSignal(calls, k, j, value);
      expect([k, await simulate(items[k]!)]).toEqual([k, result]);
      expect([k, await batch(items)]).toEqual([k, `BatchItemRefused(${k}, ${CHAIN_RESULTS.indexOf(result as never)})`]);
    }
  });

  it("checks a query batch's judged signals (11 signals, the schema among them) as verifyPresentation does", async () => {
    // query: issuerAx 3, issuerAy 4, revocationRoot 5, asOf 6, schemaId 7, challenge 8, scope 9.
    // Two proofs made at one instant, so they resolve the relative date on one as-of day.
    const verifier = createVerifier({ trustedIssuers: [world.insurerKey.publicKey], key });
    const now = new Date();
    const items: Call[] = [];
    for (let i = 0; i < 2; i++) {
      const p = await present(verifier, world.coverage, world.patient, queryStatement as never, now);
      items.push(presentationCall(p, p.request));
    }
    expect(await batch(items)).toBe("Accepted");
    const cases: Array<[number, bigint, string]> = [
      [4, items[1]!.signals[4]! + 1n, "IssuerUnknown"],
      [5, items[1]!.signals[5]! + 1n, "RevocationRootNotAccepted"],
      [6, 20000101n, "AsOfNotCurrent"],
      [9, items[1]!.signals[9]! + 1n, "ScopeMismatch"],
    ];
    for (const [j, value, result] of cases) {
      const tampered = withSignal(items, 1, j, value);
      expect([j, await simulate(tampered[1]!)]).toEqual([j, result]);
      expect([j, await batch(tampered)]).toEqual([j, `BatchItemRefused(1, ${CHAIN_RESULTS.indexOf(result as never)})`]);
    }
  }, 30_000);

  it("refuses a challenge repeated in the same batch as Replayed, next to its first use or far from it", async () => {
    expect(await batch([calls[0]!, calls[0]!])).toBe("BatchItemRefused(1, 12)");
    expect(await batch([...calls, calls[3]!])).toBe("BatchItemRefused(17, 12)");
  });
});

describe("an off-chain verifier taking its trust from the chain", () => {
  it("accepts under registry state read from the contract, and refuses with REGISTRY_UNAVAILABLE when the RPC is down", async () => {
    let down = false;
    const transport = custom({
      request: async (args: { method: string; params?: unknown }) => {
        if (down) throw new Error("connect ECONNREFUSED");
        return chain.rpc(args.method, (args.params as unknown[]) ?? []);
      },
    });
    const issuers = new ChainIssuerRegistry({ client: createPublicClient({ transport }), registry, ttlMs: 0 });
    const verifier = createVerifier({ trustedIssuers: [], issuers, key: generateVerifierKey() });
    const request = () => verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    const { prove } = await import("../../../src/index.js");
    const p = await prove({ credential: world.record, holder: world.patient, request: request() });
    expect(await verifier.verify(p)).toMatchObject({ ok: true, issuerId: chain.accounts[1]!.toLowerCase() });
    const snap = await chain.snapshot();
    try {
      await setIssuerKeyStatus(as(0), world.hospital.publicKey, "retired");
      const q = await prove({ credential: world.record, holder: world.patient, request: request() });
      expect(await verifier.verify(q)).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_RETIRED" } });
      await chain.revert(snap);
      down = true;
      const r = await prove({ credential: world.record, holder: world.patient, request: request() });
      expect(await verifier.verify(r)).toMatchObject({ ok: false, error: { code: "REGISTRY_UNAVAILABLE" } });
    } finally {
      down = false;
    }
  });
});

describe("hidden issuer on chain", () => {
  it("accepts a proof against the set root published for its schema, built by the verifier from the chain's registry", async () => {
    const snap = await chain.snapshot();
    try {
      const verifier = createVerifier({ issuers: new ChainIssuerRegistry({ client: chain.client, registry, ttlMs: 0 }), key });
      const statement = { type: "ageAtLeast", minAge: 18 } as const;
      const { request, issuerSet: set } = await verifier.createHiddenRequest({ statement });
      expect(set.members.map((m) => m.publicKey)).toEqual([world.hospital.publicKey]); // the insurer may not issue patient records
      const { prove } = await import("../../../src/index.js");
      const p = await prove({ credential: world.record, holder: world.patient, request, issuerSet: set });
      const call = presentationCall(p, p.request);
      expect(call.circuit).toBe("age_at_least_hidden");
      expect(await simulate(call)).toBe("IssuerSetRootNotAccepted"); // not published yet
      await publishIssuerSet(as(0), set);
      expect((await verifyOnChain(verifierWriter, p, { expected: p.request })).result).toBe("Accepted");
      expect(await simulate(call)).toBe("Replayed");
      // The set root is the only issuer signal: a tampered one is refused before the proof.
      const tampered = { ...call, signals: call.signals.map((v, i) => (i === 1 ? v + 1n : v)) };
      expect(await simulate(tampered)).toBe("IssuerSetRootNotAccepted");
      // verifyOnChain compares it with the set the caller's request names, and sends nothing.
      const otherSet = { ...p, publicSignals: p.publicSignals.map((v, i) => (i === 1 ? String(BigInt(v) + 1n) : v)) };
      expect(await verifyOnChain(verifierWriter, otherSet, { expected: p.request })).toMatchObject({ result: "NotSent", error: { code: "ISSUER_SET_MISMATCH" } });
    } finally {
      await chain.revert(snap);
    }
  });

  it("accepts a batch of hidden-issuer proofs sharing a set root, and refuses one whose item k names another root at k", async () => {
    const snap = await chain.snapshot();
    try {
      const verifier = createVerifier({ issuers: new ChainIssuerRegistry({ client: chain.client, registry, ttlMs: 0 }), key });
      const statement = { type: "ageAtLeast", minAge: 18 } as const;
      const { prove } = await import("../../../src/index.js");
      const calls: Array<ReturnType<typeof presentationCall>> = [];
      let set: Awaited<ReturnType<typeof verifier.createHiddenRequest>>["issuerSet"] | undefined;
      for (let i = 0; i < 3; i++) {
        const made = await verifier.createHiddenRequest({ statement });
        set = made.issuerSet;
        const p = await prove({ credential: world.record, holder: world.patient, request: made.request, issuerSet: made.issuerSet });
        calls.push(presentationCall(p, p.request));
      }
      await publishIssuerSet(as(0), set!);
      const batch = (items: typeof calls) =>
        chain.client
          .simulateContract({
            address: registry, abi: medzkRegistryAbi, functionName: "verifyPresentations",
            args: [items[0]!.circuitId, items[0]!.params, items.map((c) => c.proof), items.flatMap((c) => c.signals)], account: chain.accounts[3]!,
          })
          .then(() => "Accepted", (error: unknown) => revertReason(error) ?? String(error));
      // age_at_least_hidden: the set root at 1, the only issuer signal (_sameJudged compares it, not 2 and 3).
      expect(calls.every((c) => c.signals[1] === calls[0]!.signals[1])).toBe(true);
      expect(await batch(calls)).toBe("Accepted");
      for (const k of [1, 2]) {
        const items = calls.map((c, i) => (i === k ? { ...c, signals: c.signals.map((v, j) => (j === 1 ? v + 1n : v)) } : c));
        expect([k, await batch(items)]).toEqual([k, `BatchItemRefused(${k}, ${CHAIN_RESULTS.indexOf("IssuerSetRootNotAccepted")})`]);
      }
    } finally {
      await chain.revert(snap);
    }
  });
});
