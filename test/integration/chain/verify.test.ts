/**
 * Presentations verified on chain with real proofs (src/prover, the shipped keys): a true proof
 * accepted once, every public signal tampered refused with the contract's reason, replay, key
 * status and root freshness from registry state, scope and purpose, and the one-pairing batch:
 * accepts what single verification accepts, refuses a batch with one false proof or one refused item.
 */
import { type Address, createPublicClient, custom } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CHAIN_RESULTS,
  ChainIssuerRegistry,
  type ChainWriter,
  addIssuer,
  addIssuerKey,
  deployMedzk,
  medzkRegistryAbi,
  presentationCall,
  publishIssuerSet,
  publishRevocationRoot,
  registerVerifier,
  revertReason,
  setIssuerKeyStatus,
  setVerifierStatus,
  verifyBatchOnChain,
  verifyOnChain,
} from "../../../src/chain.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { type Presentation, createVerifier, generateVerifierKey } from "../../../src/index.js";
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
const as = (i: number): ChainWriter => ({ client: chain.client, wallet: chain.wallet(i), registry });

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
  ({ registry } = await deployMedzk({ client: chain.client, wallet: chain.wallet(0), maxRootAgeSeconds: 3600, circuits: ["age_at_least", "insurance_active", "age_at_least_hidden"] }));
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
});

describe("verifyPresentation", () => {
  it("accepts a true proof once and refuses its replay", async () => {
    const snap = await chain.snapshot();
    try {
      const first = await verifyOnChain(verifierWriter, coverage);
      expect(first.result).toBe("Accepted");
      expect(first.nullifier).toBe(coverage.publicSignals[0]);
      expect((await verifyOnChain(verifierWriter, coverage)).result).toBe("Replayed");
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
    const base = presentationCall(age[0]!);
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
      const call = presentationCall(age[0]!);
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
      const insurerSigned = presentationCall(coverage);
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
      expect(await simulate(presentationCall(age[0]!), chain.accounts[5]!)).toBe("ScopeMismatch");
      await addIssuer(as(0), { account: chain.accounts[6]!, name: "Lab", schemas: ["insurance-coverage/v1"] });
      // (the hospital's key belongs to the hospital; a schema refusal needs a key whose issuer lacks the schema)
      const world2 = await makeWorld();
      await addIssuerKey(as(0), { issuer: chain.accounts[6]!, publicKey: world2.hospital.publicKey });
      await publishRevocationRoot(as(6), EMPTY_REVOCATION_ROOT);
      const verifier = createVerifier({ trustedIssuers: [world2.hospital.publicKey], key });
      const p = await present(verifier, world2.record, world2.patient, { type: "ageAtLeast", minAge: 18 }, new Date());
      expect(await simulate(presentationCall(p))).toBe("SchemaNotAllowed");
    } finally {
      await chain.revert(snap);
    }
  });
});

describe("verifyPresentations (one pairing check)", () => {
  it("accepts a batch of true proofs, each once, with one event each", async () => {
    const snap = await chain.snapshot();
    try {
      const events = await verifyBatchOnChain(verifierWriter, age);
      expect(events.map((e) => e.result)).toEqual(["Accepted", "Accepted", "Accepted", "Accepted"]);
      expect(events.map((e) => e.nullifier)).toEqual(age.map((p) => p.publicSignals[0]));
      // Single verification agrees, and the batch spent the challenges.
      expect((await verifyOnChain(verifierWriter, age[2]!)).result).toBe("Replayed");
      await expect(verifyBatchOnChain(verifierWriter, age.slice(0, 2))).rejects.toThrow(/BatchItemRefused\(0, 12\)/);
    } finally {
      await chain.revert(snap);
    }
  });

  it("refuses a batch with one false proof, and one with one refused item, naming it", async () => {
    const calls = age.map((p) => presentationCall(p));
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
      const set = await verifier.issuerSet({ statement });
      expect(set.members.map((m) => m.publicKey)).toEqual([world.hospital.publicKey]); // the insurer may not issue patient records
      const { prove } = await import("../../../src/index.js");
      const p = await prove({ credential: world.record, holder: world.patient, request: verifier.createRequest({ statement, issuerSet: set.root }), issuerSet: set });
      const call = presentationCall(p);
      expect(call.circuit).toBe("age_at_least_hidden");
      expect(await simulate(call)).toBe("IssuerSetRootNotAccepted"); // not published yet
      await publishIssuerSet(as(0), set);
      expect((await verifyOnChain(verifierWriter, p)).result).toBe("Accepted");
      expect(await simulate(call)).toBe("Replayed");
      // The set root is the only issuer signal: a tampered one is refused before the proof.
      const tampered = { ...call, signals: call.signals.map((v, i) => (i === 1 ? v + 1n : v)) };
      expect(await simulate(tampered)).toBe("IssuerSetRootNotAccepted");
    } finally {
      await chain.revert(snap);
    }
  });
});
