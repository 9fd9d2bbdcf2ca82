/**
 * The registry contract and medzk/chain's readers on an in-process EVM, without proofs: roles and
 * named errors for unauthorised or malformed writes, scope and audit-log ids derived on chain
 * exactly as core does, root histories, the registry rebuilt from its events, the TypeScript
 * readers (issuer registry, verifier directory, checkpoint anchor) and their failure codes.
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { type Address, createPublicClient, custom, parseEventLogs } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ChainCheckpointAnchor,
  ChainIssuerRegistry,
  ChainVerifierDirectory,
  type ChainWriter,
  addIssuer,
  addIssuerKey,
  deployMedzk,
  keyIdOf,
  medzkRegistryAbi,
  publishIssuerSet,
  publishRevocationRoot,
  registerVerifier,
  revertReason,
  rotateVerifierAccount,
  setIssuerKeyStatus,
  setVerifierStatus,
} from "../../../src/chain.js";
import { scopeField, verifierScope } from "../../../src/core/request.js";
import { buildIssuerSet } from "../../../src/core/issuer-set.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { unpackPublicKey } from "../../../src/core/public-key.js";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { medzkRegistryChecksAbi } from "../../../src/chain/generated/abi.js";
import { startChain } from "./edr.js";

type Chain = Awaited<ReturnType<typeof startChain>>;
let chain: Chain;
let admin: ChainWriter;
let registry: Address;
let checks: Address;
const as = (i: number): ChainWriter => ({ client: chain.client, wallet: chain.wallet(i), registry });
const hospital = generateIssuerKey();
const insurer = generateIssuerKey();
const verifierKey = generateVerifierKey();

/** The contract error a write reverts with, e.g. "NotAnIssuer". */
async function revertName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const m = /reverted: ([A-Za-z]+)\(/.exec((error as Error).message);
    return m?.[1] ?? `(${(error as Error).message.split("\n")[0]})`;
  }
  return "(no revert)";
}

beforeAll(async () => {
  chain = await startChain();
  ({ registry, checks } = await deployMedzk({ client: chain.client, wallet: chain.wallet(0), maxRootAgeSeconds: 3600 }));
  admin = as(0);
  await addIssuer(admin, { account: chain.accounts[1]!, name: "St Elsewhere", schemas: ["patient-record/v1"] });
  await addIssuerKey(admin, { issuer: chain.accounts[1]!, publicKey: hospital.publicKey, validFrom: "2025-01-01" });
  await addIssuer(admin, { account: chain.accounts[2]!, name: "Acme Health" });
  await addIssuerKey(admin, { issuer: chain.accounts[2]!, publicKey: insurer.publicKey, validUntil: "2030-12-31" });
  await registerVerifier(admin, { publicKey: verifierKey.publicKey, account: chain.accounts[3]!, name: "Acme claims", purposes: ["", "claims"], origins: ["https://claims.acme.example"] });
});

describe("the registry contract", () => {
  it("derives each purpose's scope field and the audit log id exactly as medzk's TypeScript does", async () => {
    const v = await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "verifier", args: [`0x${verifierKey.publicKey}`] });
    expect(v.scopes).toEqual([scopeField(verifierScope(verifierKey.publicKey)), scopeField(verifierScope(verifierKey.publicKey, "claims"))]);
    const logId = bytesToHex(sha256(concatBytes(utf8ToBytes("medzk-audit/v1"), hexToBytes(verifierKey.publicKey))));
    expect(v.logId).toBe(`0x${logId}`);
  });

  it("refuses unauthorised and malformed writes with named errors", async () => {
    const stranger = as(5);
    expect(await revertName(addIssuer(stranger, { account: chain.accounts[6]!, name: "Mallory" }))).toBe("AccessControlUnauthorizedAccount");
    expect(await revertName(addIssuerKey(stranger, { issuer: chain.accounts[1]!, publicKey: generateIssuerKey().publicKey }))).toBe("AccessControlUnauthorizedAccount");
    expect(await revertName(registerVerifier(stranger, { publicKey: generateVerifierKey().publicKey, account: chain.accounts[6]!, name: "x" }))).toBe("AccessControlUnauthorizedAccount");
    expect(await revertName(setVerifierStatus(stranger, verifierKey.publicKey, "suspended"))).toBe("AccessControlUnauthorizedAccount");
    expect(await revertName(publishIssuerSet(stranger, buildIssuerSet([], new Date()), "patient-record/v1"))).toBe("AccessControlUnauthorizedAccount");
    // Roots only from the issuer's own account: not the admin's, not another issuer's.
    expect(await revertName(publishRevocationRoot(admin, "1"))).toBe("NotAnIssuer");
    expect(await revertName(publishRevocationRoot(stranger, "1"))).toBe("NotAnIssuer");
    // An issuer may compromise its own key, nothing else; nobody else's.
    expect(await revertName(setIssuerKeyStatus(as(2), hospital.publicKey, "compromised"))).toBe("NotKeyOwner");
    expect(await revertName(setIssuerKeyStatus(as(1), hospital.publicKey, "retired"))).toBe("NotKeyOwner");
    expect(await revertName(addIssuer(admin, { account: chain.accounts[1]!, name: "again" }))).toBe("IssuerExists");
    expect(await revertName(addIssuerKey(admin, { issuer: chain.accounts[2]!, publicKey: hospital.publicKey }))).toBe("KeyExists");
    expect(await revertName(addIssuerKey(admin, { issuer: chain.accounts[7]!, publicKey: generateIssuerKey().publicKey }))).toBe("UnknownIssuer");
    expect(await revertName(registerVerifier(admin, { publicKey: verifierKey.publicKey, account: chain.accounts[6]!, name: "again" }))).toBe("VerifierExists");
    expect(await revertName(registerVerifier(admin, { publicKey: generateVerifierKey().publicKey, account: chain.accounts[3]!, name: "same account" }))).toBe("AccountInUse");
    // Rotation: only a registered verifier, never to no account or to the account it has; malformed input never reaches the chain.
    expect(await revertName(rotateVerifierAccount(admin, generateVerifierKey().publicKey, chain.accounts[8]!))).toBe("UnknownVerifier");
    expect(await revertName(rotateVerifierAccount(admin, verifierKey.publicKey, `0x${"00".repeat(20)}`))).toBe("ZeroAccount");
    expect(await revertName(rotateVerifierAccount(as(3), verifierKey.publicKey, chain.accounts[3]!))).toBe("AccountInUse");
    await expect(rotateVerifierAccount(admin, "zz", chain.accounts[8]!)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(rotateVerifierAccount(admin, verifierKey.publicKey, "0x1234")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    // Below the TypeScript checks, straight to the contract: an off-curve key, a bad day, a bad purpose.
    const raw = (functionName: string, args: readonly unknown[], account = chain.accounts[0]!) =>
      revertName(chain.client.simulateContract({ address: registry, abi: medzkRegistryAbi, functionName: functionName as never, args: args as never, account }).catch((e: Error) => {
        throw new Error(`reverted: ${revertReason(e) ?? e.message}`);
      }));
    expect(await raw("addIssuerKey", [chain.accounts[1], 1n, 2n, 0, 99991231])).toBe("InvalidIssuerKey");
    const p = unpackPublicKey(generateIssuerKey().publicKey);
    expect(await raw("addIssuerKey", [chain.accounts[1], p.x, p.y, 20260230, 99991231])).toBe("InvalidValidity");
    expect(await raw("addIssuerKey", [chain.accounts[1], p.x, p.y, 20270101, 20260101])).toBe("InvalidValidity");
    expect(await raw("registerVerifier", [`0x${generateVerifierKey().publicKey}`, chain.accounts[8], "x", ["a b"], []])).toBe("InvalidPurpose");
    expect(await raw("registerVerifier", [`0x${generateVerifierKey().publicKey}`, chain.accounts[8], "x", [], []])).toBe("InvalidPurposeCount");
    expect(await raw("publishRevocationRoot", [2n ** 254n], chain.accounts[1])).toBe("RootOutOfField");
    expect(await raw("verifyPresentation", ["0x" + "00".repeat(32), [], [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], []], chain.accounts[5])).toBe("NotARegisteredVerifier");
    expect(await raw("verifyPresentation", ["0x" + "00".repeat(32), [], [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], []], chain.accounts[3])).toBe("UnknownCircuit");
    expect(await raw("setCircuit", ["0x" + "00".repeat(32), registry, "0x", { nSignals: 1, hidden: false, nullifierAt: 0, issuerAt: 0, asOfAt: 0, challengeAt: 0, scopeAt: 0, schemaAt: 255, fixedSchemaId: 0n, paramsAt: "0x" }], chain.accounts[5])).toBe("AccessControlUnauthorizedAccount");
  });

  it("keeps root histories append-only, with the block time each root was replaced, and rebuilds from events", async () => {
    const snap = await chain.snapshot();
    try {
      const hospitalWriter = as(1);
      await publishRevocationRoot(hospitalWriter, EMPTY_REVOCATION_ROOT);
      await chain.increaseTime(60);
      await publishRevocationRoot(hospitalWriter, "12345");
      expect(await revertName(publishRevocationRoot(hospitalWriter, "12345"))).toBe("RootUnchanged");
      await chain.increaseTime(60);
      await publishRevocationRoot(hospitalWriter, EMPTY_REVOCATION_ROOT); // a root may come back
      await publishIssuerSet(admin, buildIssuerSet([{ publicKey: hospital.publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: "1" }], new Date()));
      // Each schema's sets have their own history.
      await publishIssuerSet(admin, buildIssuerSet([{ publicKey: insurer.publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: "2" }], new Date()));
      await expect(publishIssuerSet(admin, buildIssuerSet([
        { publicKey: hospital.publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: "1" },
        { publicKey: insurer.publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: "2" },
      ], new Date()))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await setIssuerKeyStatus(as(2), insurer.publicKey, "compromised");
      expect(await revertName(setIssuerKeyStatus(admin, insurer.publicKey, "active"))).toBe("KeyIsCompromised");
      await setVerifierStatus(admin, verifierKey.publicKey, "suspended");

      const [history, replacedAt] = await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "revocationRootHistory", args: [chain.accounts[1]!] });
      expect(history.map((h) => h.root.toString())).toEqual([EMPTY_REVOCATION_ROOT, "12345", EMPTY_REVOCATION_ROOT]);
      expect(replacedAt.slice(0, 2)).toEqual([history[1]!.publishedAt, history[2]!.publishedAt].map(BigInt));
      expect(replacedAt[2]).toBe(0n);

      // Replay every event from genesis and compare with the contract's views and the TS readers.
      const logs = parseEventLogs({ abi: medzkRegistryAbi, logs: await chain.client.getLogs({ address: registry, fromBlock: 0n }) });
      const roots = new Map<string, string[]>();
      const keys = new Map<string, { issuer: string; status: number }>();
      const verifiers = new Map<string, number>();
      const setRoots = new Map<string, string[]>();
      for (const log of logs) {
        const a = log.args as Record<string, unknown>;
        const issuer = String(a.issuer).toLowerCase();
        if (log.eventName === "RevocationRootPublished") roots.set(issuer, [...(roots.get(issuer) ?? []), String(a.root)]);
        if (log.eventName === "IssuerKeyAdded") keys.set(String(a.keyId), { issuer, status: 1 });
        if (log.eventName === "IssuerKeyStatusChanged") keys.get(String(a.keyId))!.status = Number(a.status);
        if (log.eventName === "VerifierRegistered") verifiers.set(String(a.publicKey), 1);
        if (log.eventName === "VerifierStatusChanged") verifiers.set(String(a.publicKey), Number(a.status));
        if (log.eventName === "IssuerSetRootPublished") setRoots.set(String(a.schemaId), [...(setRoots.get(String(a.schemaId)) ?? []), String(a.root)]);
      }
      expect(roots.get(chain.accounts[1]!.toLowerCase())).toEqual(history.map((h) => h.root.toString()));
      for (const [keyId, k] of keys) {
        const onChain = await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "issuerKey", args: [keyId as `0x${string}`] });
        expect({ issuer: onChain.issuer.toLowerCase(), status: onChain.status }).toEqual(k);
      }
      expect(keys.size).toBe(2);
      for (const [pk, status] of verifiers) {
        expect((await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "verifier", args: [pk as `0x${string}`] })).status).toBe(status);
      }
      expect([...setRoots.keys()]).toEqual(["1", "2"]);
      for (const [schemaId, list] of setRoots) {
        const [sets] = await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "issuerSetRootHistory", args: [BigInt(schemaId)] });
        expect(sets.map((s) => s.root.toString())).toEqual(list);
      }

      const reader = new ChainIssuerRegistry({ client: chain.client, registry });
      const found = await reader.lookupKey(insurer.publicKey);
      expect(found?.key).toEqual({ publicKey: insurer.publicKey, status: "compromised", validUntil: "2030-12-31" });
      expect(found?.issuer).toMatchObject({ id: chain.accounts[2]!.toLowerCase(), name: "Acme Health" });
      expect((await reader.lookupKey(hospital.publicKey))?.issuer.schemas).toEqual(["patient-record/v1"]);
      expect(reader.holdsKey(hospital.publicKey)).toBe(true);
      const r = await reader.revocationRoots(chain.accounts[1]!.toLowerCase());
      expect(r).toEqual({
        current: EMPTY_REVOCATION_ROOT,
        previous: [
          { root: "12345", replacedAt: new Date(Number(history[2]!.publishedAt) * 1000).toISOString() },
          { root: EMPTY_REVOCATION_ROOT, replacedAt: new Date(Number(history[1]!.publishedAt) * 1000).toISOString() },
        ],
      });
      expect((await reader.issuerSetRoots("1"))?.current).toBe(setRoots.get("1")![0]);
      expect(await reader.issuerSetRoots("3")).toBeUndefined();
      const directory = new ChainVerifierDirectory({ client: chain.client, registry });
      expect(await directory.lookup(verifierKey.publicKey)).toEqual({
        publicKey: verifierKey.publicKey, name: "Acme claims", purposes: ["", "claims"], origins: ["https://claims.acme.example"], status: "suspended",
      });
      expect(await directory.lookup(generateVerifierKey().publicKey)).toBeUndefined();
    } finally {
      await chain.revert(snap);
    }
  });

  it("caches for its TTL and fails closed with CHAIN_UNAVAILABLE when the RPC is unreachable", async () => {
    let now = 0;
    let down = false;
    const transport = custom({
      request: async (args: { method: string; params?: unknown }) => {
        if (down) throw new Error("connect ECONNREFUSED");
        return chain.rpc(args.method, (args.params as unknown[]) ?? []);
      },
    });
    const client = createPublicClient({ transport });
    const reader = new ChainIssuerRegistry({ client, registry, ttlMs: 1000, now: () => now });
    expect((await reader.lookupKey(hospital.publicKey))?.key.status).toBe("active");
    down = true;
    now = 500; // within the TTL: served from the last read
    expect((await reader.lookupKey(hospital.publicKey))?.key.status).toBe("active");
    now = 1500;
    await expect(reader.lookupKey(hospital.publicKey)).rejects.toMatchObject({ code: "CHAIN_UNAVAILABLE" });
    await expect(reader.revocationRoots("x")).rejects.toMatchObject({ code: "CHAIN_UNAVAILABLE" });
    await expect(new ChainVerifierDirectory({ client, registry }).lookup(verifierKey.publicKey)).rejects.toMatchObject({ code: "CHAIN_UNAVAILABLE" });
  });

  it("anchors audit checkpoints append-only, from the verifier's own account, and reads them back", async () => {
    const logId = bytesToHex(sha256(concatBytes(utf8ToBytes("medzk-audit/v1"), hexToBytes(verifierKey.publicKey))));
    const anchor = new ChainCheckpointAnchor(as(3));
    const first = await anchor.anchor({ logId, index: 0, fromSeq: 0, toSeq: 9, root: "ab".repeat(32) });
    expect(first.ref).toMatch(new RegExp(`^evm:31337:${registry.toLowerCase()}:0x[0-9a-f]{64}$`));
    await anchor.anchor({ logId, index: 1, fromSeq: 10, toSeq: 10, root: "cd".repeat(32) });
    await expect(anchor.anchor({ logId, index: 3, fromSeq: 11, toSeq: 12, root: "ef".repeat(32) })).rejects.toMatchObject({ code: "ANCHOR_UNAVAILABLE", message: expect.stringContaining("CheckpointOutOfOrder") });
    await expect(anchor.anchor({ logId, index: 2, fromSeq: 12, toSeq: 12, root: "ef".repeat(32) })).rejects.toThrow(/CheckpointOutOfOrder/);
    await expect(anchor.anchor({ logId, index: 2, fromSeq: 11, toSeq: 10, root: "ef".repeat(32) })).rejects.toThrow(/InvalidCheckpointRange/);
    await expect(new ChainCheckpointAnchor(as(4)).anchor({ logId, index: 2, fromSeq: 11, toSeq: 12, root: "ef".repeat(32) })).rejects.toThrow(/NotLogOwner/);
    await expect(anchor.anchor({ logId: "00".repeat(32), index: 0, fromSeq: 0, toSeq: 0, root: "ef".repeat(32) })).rejects.toThrow(/UnknownLog/);
    const all = await anchor.checkpoints(logId);
    expect(all.map(({ index, fromSeq, toSeq, root }) => ({ index, fromSeq, toSeq, root }))).toEqual([
      { index: 0, fromSeq: 0, toSeq: 9, root: "ab".repeat(32) },
      { index: 1, fromSeq: 10, toSeq: 10, root: "cd".repeat(32) },
    ]);
    expect(all[0]).toEqual(first);
    expect(await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "auditCheckpointCount", args: [`0x${logId}`] })).toBe(2n);
  });

  it("admits only issuer keys of BabyJubJub's prime-order subgroup, as medzk's TypeScript does", async () => {
    const snap = await chain.snapshot();
    try {
      const valid = (ax: bigint, ay: bigint) => chain.client.readContract({ address: checks, abi: medzkRegistryChecksAbi, functionName: "issuerKeyValid", args: [ax, ay] });
      const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      const keys = [hospital, insurer].map((k) => unpackPublicKey(k.publicKey));
      const table: Array<[string, bigint, bigint, boolean]> = [
        ...keys.map((p, i): [string, bigint, bigint, boolean] => [`key ${i}`, p.x, p.y, true]),
        // P + (0, -1): on the curve (the point of order 2 added), outside the subgroup.
        ...keys.map((p, i): [string, bigint, bigint, boolean] => [`key ${i} + order-2 point`, (R - p.x) % R, R - p.y, false]),
        ["the point of order 2", 0n, R - 1n, false],
        ["the identity (in the subgroup, but no key)", 0n, 1n, false],
        ["off the curve", 1n, 2n, false],
      ];
      for (const [what, x, y, ok] of table) expect([what, await valid(x, y)]).toEqual([what, ok]);
      // Through the registry: refused by name, and what adding a key costs with the check.
      const p = unpackPublicKey(generateIssuerKey().publicKey);
      const raw = await chain.client.simulateContract({ address: registry, abi: medzkRegistryAbi, functionName: "addIssuerKey", args: [chain.accounts[1]!, R - p.x, R - p.y, 0, 99991231], account: chain.accounts[0]! }).then(
        () => "(no revert)",
        (e: Error) => revertReason(e),
      );
      expect(raw).toMatch(/^InvalidIssuerKey\(/);
      const hash = await chain.wallet(0).writeContract({ address: registry, abi: medzkRegistryAbi, functionName: "addIssuerKey", args: [chain.accounts[1]!, p.x, p.y, 0, 99991231], chain: null });
      const { gasUsed } = await chain.client.waitForTransactionReceipt({ hash });
      console.log(`addIssuerKey with the subgroup check: ${gasUsed} gas`);
    } finally {
      await chain.revert(snap);
    }
  });

  it("anchors only from an active verifier's current account, rotates that account, and never closes a log", async () => {
    const snap = await chain.snapshot();
    try {
      const logId = bytesToHex(sha256(concatBytes(utf8ToBytes("medzk-audit/v1"), hexToBytes(verifierKey.publicKey))));
      const at = (i: number) => new ChainCheckpointAnchor(as(i));
      const cp = async (i: number, index: number, fromSeq: number, toSeq: number) => at(i).anchor({ logId, index, fromSeq, toSeq, root: "ab".repeat(32) });
      const count = async () => Number(await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "auditCheckpointCount", args: [`0x${logId}`] }));
      const n = await count();
      const next = n === 0 ? 0 : (await at(3).checkpoints(logId)).at(-1)!.toSeq + 1;
      // Suspended: its account anchors nothing, and cannot rotate itself away.
      await setVerifierStatus(admin, verifierKey.publicKey, "suspended");
      await expect(cp(3, n, next, next)).rejects.toThrow(/VerifierSuspended/);
      expect(await revertName(rotateVerifierAccount(as(3), verifierKey.publicKey, chain.accounts[7]!))).toBe("NotVerifierAccount");
      await setVerifierStatus(admin, verifierKey.publicKey, "active");
      // A checkpoint ending at 2^64 - 1 (below medzk's TypeScript checks, straight to the contract) is refused.
      const max = 2n ** 64n - 1n;
      const raw = (toSeq: bigint) =>
        revertName(chain.client.simulateContract({ address: registry, abi: medzkRegistryAbi, functionName: "anchorAuditCheckpoint", args: [`0x${logId}`, BigInt(n), BigInt(next), toSeq, `0x${"ab".repeat(32)}`], account: chain.accounts[3]! }).catch((e: Error) => {
          throw new Error(`reverted: ${revertReason(e) ?? e.message}`);
        }));
      expect(await raw(max)).toBe("InvalidCheckpointRange");
      // The bound is src/audit's largest entry number, 2^53 - 1: the first number beyond it is refused.
      expect(await raw(2n ** 53n)).toBe("InvalidCheckpointRange");
      expect(await raw(2n ** 53n - 1n)).toBe("(no revert)");
      await cp(3, n, next, next + 1);
      // Rotation by the current account: the old one is released, the new one acts for the verifier.
      expect(await revertName(rotateVerifierAccount(as(5), verifierKey.publicKey, chain.accounts[5]!))).toBe("NotVerifierAccount");
      {
        await rotateVerifierAccount(as(3), verifierKey.publicKey, chain.accounts[7]!);
        await expect(cp(3, n + 1, next + 2, next + 2)).rejects.toThrow(/NotLogOwner/);
        await cp(7, n + 1, next + 2, next + 2);
        expect(await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "verifierOfAccount", args: [chain.accounts[3]!] })).toBe(`0x${"00".repeat(32)}`);
        // By the admin (recovery), to an account in use: refused; to a fresh one: done.
        expect(await revertName(rotateVerifierAccount(admin, verifierKey.publicKey, chain.accounts[7]!))).toBe("AccountInUse");
        await rotateVerifierAccount(admin, verifierKey.publicKey, chain.accounts[3]!);
        await cp(3, n + 2, next + 3, next + 3);
      }
    } finally {
      await chain.revert(snap);
    }
  });

  it("computes key ids as the contract does", async () => {
    const p = unpackPublicKey(hospital.publicKey);
    const [, , , keyIds] = await chain.client.readContract({ address: registry, abi: medzkRegistryAbi, functionName: "issuer", args: [chain.accounts[1]!] });
    expect(keyIds).toEqual([keyIdOf(p.x, p.y)]);
  });
});
