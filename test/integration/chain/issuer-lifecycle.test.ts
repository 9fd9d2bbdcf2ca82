/**
 * When an issuer change takes effect, in every mode and on every surface (docs/hidden-issuer.md
 * and docs/ledger.md, "When issuer changes take effect"): one table, rows = change (revoke,
 * compromise, retire, delete, unpin the schema, shorten validity), columns = (key mode, hidden
 * issuer) × (off chain: src/verifier with a registry and a settable clock; on chain: the
 * MedzkRegistry contract on EDR), each cell asserting the outcome just before and just after the
 * moment the change must take effect. The key-mode outcome is the reference; the hidden-issuer
 * outcome must be the same at the same moment (its own code: the proof cannot say which key).
 *
 * Two real proofs (one per issuer mode) are made once and reused: off chain the verifiers use a
 * challenge store that never spends, on chain every call is simulated (eth_call), so no cell
 * changes another. Each row starts from the same state (a fresh registry off chain, a snapshot
 * on chain).
 */
import { createPublicClient, custom } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CHAIN_RESULTS,
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
} from "../../../src/chain.js";
import { type IssuerSet, buildIssuerSet } from "../../../src/core/issuer-set.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import {
  type IssuerRecord,
  type IssuerRegistry,
  type Presentation,
  type ProofRequest,
  type RevocationRoots,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  prove,
} from "../../../src/index.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { startChain } from "./edr.js";

const MAX_AGE_S = 3600;
const STATEMENT = { type: "ageAtLeast", minAge: 18 } as const;
const key = generateVerifierKey();

/**
 * An issuer registry an operator edits freely (what a database or a re-written file gives):
 * keys deleted, schema pins and validity days changed, roots published at a given instant.
 */
class EditableRegistry implements IssuerRegistry {
  issuers: IssuerRecord[];
  roots = new Map<string, RevocationRoots>();
  constructor(issuers: IssuerRecord[]) {
    this.issuers = issuers;
  }
  holdsKey(publicKey: string): boolean {
    return this.issuers.some((i) => i.keys.some((k) => k.publicKey === publicKey));
  }
  async lookupKey(publicKey: string) {
    for (const issuer of this.issuers) {
      const found = issuer.keys.find((k) => k.publicKey === publicKey);
      if (found) return structuredClone({ issuer, key: found });
    }
    return undefined;
  }
  async revocationRoots(issuerId: string) {
    return structuredClone(this.roots.get(issuerId));
  }
  listIssuers(): IssuerRecord[] {
    return structuredClone(this.issuers);
  }
  /** The issuer's `id` record (there is one issuer here). */
  get clinic(): IssuerRecord {
    return this.issuers[0]!;
  }
}

type Chain = Awaited<ReturnType<typeof startChain>>;
let chain: Chain;
let world: World;
let registryAddress: `0x${string}`;
let proofs: { key: Presentation; hidden: Presentation };
/** The requests the verifier issued for them: what its chain calls are built from. */
let requests: { key: ProofRequest; hidden: ProofRequest };
const as = (i: number): ChainWriter => ({ client: chain.client, wallet: chain.wallet(i), registry: registryAddress });

/** The off-chain registry in the state the chain's registry starts in. */
function startingRegistry(): EditableRegistry {
  const r = new EditableRegistry([{ id: "st-elsewhere", keys: [{ publicKey: world.hospital.publicKey }], schemas: ["patient-record/v1"] }]);
  r.roots.set("st-elsewhere", { current: EMPTY_REVOCATION_ROOT, previous: [] });
  return r;
}

beforeAll(async () => {
  chain = await startChain();
  world = await makeWorld();
  ({ registry: registryAddress } = await deployMedzk({
    client: chain.client, wallet: chain.wallet(0), maxRootAgeSeconds: MAX_AGE_S, circuits: ["age_at_least", "age_at_least_hidden"],
  }));
  const admin = as(0);
  await addIssuer(admin, { account: chain.accounts[1]!, name: "St Elsewhere", schemas: ["patient-record/v1"] });
  await addIssuerKey(admin, { issuer: chain.accounts[1]!, publicKey: world.hospital.publicKey });
  await publishRevocationRoot(as(1), EMPTY_REVOCATION_ROOT);
  await registerVerifier(admin, { publicKey: key.publicKey, account: chain.accounts[3]!, name: "Acme claims" });
  // One verifier makes both requests (a day long, so every cell's clock is before expiry); the
  // off-chain registry mirrors the chain's, so the set it builds is the one published on chain.
  const maker = createVerifier({ issuers: startingRegistry(), key, requestTtlSeconds: 86_400 });
  const { request, issuerSet } = await maker.createHiddenRequest({ statement: STATEMENT });
  await publishIssuerSet(admin, issuerSet);
  requests = { key: maker.createRequest({ statement: STATEMENT }), hidden: request };
  proofs = {
    key: await prove({ credential: world.record, holder: world.patient, request: requests.key }),
    hidden: await prove({ credential: world.record, holder: world.patient, request, issuerSet }),
  };
}, 60_000);

/** An off-chain verifier over `registry` at a settable instant (ms), whose challenges never run out. */
function offChain(registry: IssuerRegistry) {
  let now = Date.now();
  const verifier = createVerifier({
    issuers: registry, key, clock: () => new Date(now), maxRootAgeSeconds: MAX_AGE_S,
    challengeStore: { consume: async () => true },
  });
  const outcome = async (mode: "key" | "hidden"): Promise<string> => {
    const result = await verifier.verify(proofs[mode]);
    return result.ok ? "accepted" : result.error.code;
  };
  return { at: (ms: number) => void (now = ms), outcome, get now() { return now; } };
}

/** The contract's result for one presentation at the latest block (eth_call, no transaction). */
async function onChain(mode: "key" | "hidden"): Promise<string> {
  // Typed to take the verifier's own request too, which the calldata is built from where supported.
  const call = (presentationCall as (p: Presentation, r: ProofRequest) => ReturnType<typeof presentationCall>)(proofs[mode], requests[mode]);
  const { result } = await chain.client.simulateContract({
    address: registryAddress, abi: medzkRegistryAbi, functionName: "verifyPresentation",
    args: [call.circuitId, call.params, call.proof, call.signals], account: chain.accounts[3]!,
  });
  return CHAIN_RESULTS[result]!;
}

/** Mines a block at exactly `seconds` (unix time) so that the next eth_call sees it. */
async function mineAt(seconds: number): Promise<void> {
  await chain.rpc("evm_setNextBlockTimestamp", [seconds]);
  await chain.rpc("evm_mine");
}
const latestTime = async () => Number((await chain.client.getBlock()).timestamp);

interface Row {
  change: string;
  /** Off chain: applies the change to the registry at instant `at` (ms). */
  offChain: (r: EditableRegistry, at: number) => void;
  /** On chain: the transaction, or undefined where the contract has no such change (see the row's test). */
  onChain?: () => Promise<unknown>;
  /** Seconds after the change until it takes effect: 0 (at once) or the root age. */
  delay: number;
  /** The refusal codes once in effect: off chain key mode, on chain key mode. */
  keyCode: string;
  chainKeyCode?: string;
}

const ROWS: Row[] = [
  {
    change: "revoke (a new revocation root)",
    offChain: (r, at) => r.roots.set("st-elsewhere", { current: "42", previous: [{ root: EMPTY_REVOCATION_ROOT, replacedAt: new Date(at).toISOString() }] }),
    onChain: () => publishRevocationRoot(as(1), "42"),
    delay: MAX_AGE_S,
    keyCode: "STALE_REVOCATION_ROOT",
    chainKeyCode: "RevocationRootNotAccepted",
  },
  {
    change: "compromise the key",
    offChain: (r) => void (r.clinic.keys[0]!.status = "compromised"),
    onChain: () => setIssuerKeyStatus(as(1), world.hospital.publicKey, "compromised"),
    delay: 0,
    keyCode: "ISSUER_KEY_COMPROMISED",
    chainKeyCode: "IssuerKeyCompromised",
  },
  {
    change: "retire the key",
    offChain: (r) => void (r.clinic.keys[0]!.status = "retired"),
    onChain: () => setIssuerKeyStatus(as(0), world.hospital.publicKey, "retired"),
    delay: 0,
    keyCode: "ISSUER_KEY_RETIRED",
    chainKeyCode: "IssuerKeyRetired",
  },
  {
    change: "delete the key from the registry",
    offChain: (r) => void (r.clinic.keys = [{ publicKey: generateIssuerKey().publicKey }]),
    delay: 0,
    keyCode: "UNTRUSTED_ISSUER",
  },
  {
    change: "unpin the schema from the issuer",
    offChain: (r) => void (r.clinic.schemas = ["insurance-coverage/v1"]),
    delay: 0,
    keyCode: "SCHEMA_NOT_ALLOWED",
  },
  {
    change: "shorten the key's validity to before the as-of day",
    offChain: (r) => void (r.clinic.keys[0]!.validUntil = "2020-01-01"),
    delay: 0,
    keyCode: "ISSUER_KEY_NOT_VALID",
  },
];

describe("an issuer change takes effect at the same moment in key and hidden-issuer mode", () => {
  describe.each(ROWS)("$change", (row) => {
    it("off chain: accepted just before the moment, refused from it, in both modes", async () => {
      const registry = startingRegistry();
      const v = offChain(registry);
      const t = v.now;
      expect([await v.outcome("key"), await v.outcome("hidden")]).toEqual(["accepted", "accepted"]);
      row.offChain(registry, t);
      const effective = t + row.delay * 1000;
      if (row.delay > 0) {
        // The verifier sits idle from the change until just before the moment: no rebuild in between.
        v.at(effective - 1);
        expect([await v.outcome("key"), await v.outcome("hidden")]).toEqual(["accepted", "accepted"]);
      }
      v.at(effective);
      expect([await v.outcome("key"), await v.outcome("hidden")]).toEqual([row.keyCode, "STALE_ISSUER_SET"]);
    });

    it("on chain: accepted just before the moment, refused from it, in both modes", async () => {
      if (!row.onChain) {
        // The contract cannot make this change: keys are never removed, an issuer's schemas are fixed
        // by addIssuer and a key's days by addIssuerKey (retire or compromise the key instead).
        const writes = medzkRegistryAbi.flatMap((f) => (f.type === "function" && f.stateMutability === "nonpayable" ? [f.name] : []));
        expect(writes.filter((name) => /issuer|key|schema|valid/i.test(name)).sort()).toEqual(["addIssuer", "addIssuerKey", "publishIssuerSetRoot", "setKeyStatus"]);
        return;
      }
      const snapshot = await chain.snapshot();
      try {
        expect([await onChain("key"), await onChain("hidden")]).toEqual(["Accepted", "Accepted"]);
        await row.onChain();
        const t = await latestTime();
        if (row.delay > 0) {
          await mineAt(t + row.delay - 1);
          expect([await onChain("key"), await onChain("hidden")]).toEqual(["Accepted", "Accepted"]);
          await mineAt(t + row.delay);
        }
        expect([await onChain("key"), await onChain("hidden")]).toEqual([row.chainKeyCode, "IssuerSetRootNotAccepted"]);
      } finally {
        await chain.revert(snapshot);
      }
    });
  });
});

describe("on chain, the over-refusal ends when the admin republishes or confirms the set", () => {
  it("another issuer's revocation ages every set; publishing the unchanged root again confirms it; a set root never published is refused", async () => {
    const snapshot = await chain.snapshot();
    try {
      // An insurer (insurance schema only) revokes: the patient-record set ages too (the contract
      // counts every issuer), while key mode is untouched.
      await addIssuer(as(0), { account: chain.accounts[2]!, name: "Acme Health", schemas: ["insurance-coverage/v1"] });
      await publishRevocationRoot(as(2), EMPTY_REVOCATION_ROOT);
      const t = await latestTime();
      await mineAt(t + MAX_AGE_S);
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["Accepted", "IssuerSetRootNotAccepted"]);
      // The admin rebuilds the set: nothing changed for patient records, so the same root, confirmed.
      const rebuilt = await createVerifier({ issuers: startingRegistry(), key }).issuerSet({ statement: STATEMENT });
      await publishIssuerSet(as(0), rebuilt);
      expect(await onChain("hidden")).toBe("Accepted");
      // A key status change refuses it again at once; confirming after it accepts again.
      await setIssuerKeyStatus(as(0), world.hospital.publicKey, "retired");
      await setIssuerKeyStatus(as(0), world.hospital.publicKey, "active");
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["Accepted", "IssuerSetRootNotAccepted"]);
      await publishIssuerSet(as(0), rebuilt);
      expect(await onChain("hidden")).toBe("Accepted");
    } finally {
      await chain.revert(snapshot);
    }
  });

  /** A client on the same chain that does not retry a reverted call (viem's default waits ~1 s). */
  const noRetry = () => createPublicClient({
    chain: chain.client.chain,
    transport: custom({ request: ({ method, params }) => chain.rpc(method, params ?? []) }, { retryCount: 0 }),
    pollingInterval: 10,
  });
  /**
   * The admin's race: the set is read from the registry at block B, then a change lands before the
   * publication does. `publishIssuerSet` through a client whose block-number read lets `change`
   * land right after it (so every registry read is pinned to the block before the change).
   */
  function publishRacing(set: IssuerSet, change: () => Promise<unknown>, schema?: string): Promise<unknown> {
    const client = new Proxy(noRetry(), {
      get(target, prop, receiver) {
        if (prop !== "getBlockNumber") return Reflect.get(target, prop, receiver);
        return async (...args: Parameters<typeof target.getBlockNumber>) => {
          const b = await target.getBlockNumber(...args);
          await change();
          return b;
        };
      },
    });
    return publishIssuerSet({ ...as(0), client }, set, schema);
  }
  /** The contract error of a raw publishIssuerSetRoot naming the block the set was built at. */
  async function publishRaw(set: IssuerSet, builtAt: bigint): Promise<string | undefined> {
    try {
      await noRetry().simulateContract({
        address: registryAddress, abi: medzkRegistryAbi, functionName: "publishIssuerSetRoot",
        args: [BigInt(set.members[0]!.schemaId), BigInt(set.root), builtAt], account: chain.accounts[0]!,
      });
      return undefined;
    } catch (error) {
      return revertReason(error);
    }
  }

  it("a set built before its own issuer's revocation is refused when published after it (late, or in a race), so the old root ages as in key mode; the set rebuilt after it is accepted", async () => {
    const snapshot = await chain.snapshot();
    try {
      // The set the admin builds at block B binds the hospital's empty revocation root in its leaf.
      const builtAt = await chain.client.getBlockNumber({ cacheTime: 0 });
      const stale = await createVerifier({ issuers: startingRegistry(), key }).issuerSet({ statement: STATEMENT });
      // The revocation lands between the reads and the publication: the contract refuses it.
      await expect(publishRacing(stale, () => publishRevocationRoot(as(1), "42"))).rejects.toMatchObject({
        code: "CHAIN_TRANSACTION_FAILED", message: expect.stringContaining("IssuerSetOutdated"),
      });
      const t = await latestTime();
      // Published later (or confirmed): refused before sending, and by the contract if sent raw.
      await expect(publishIssuerSet(as(0), stale)).rejects.toMatchObject({ code: "ISSUER_SET_OUTDATED" });
      expect(await publishRaw(stale, builtAt)).toBe("IssuerSetOutdated()");
      // So the stale root ages from the revocation, exactly as key mode's old root does.
      await mineAt(t + MAX_AGE_S - 1);
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["Accepted", "Accepted"]);
      await mineAt(t + MAX_AGE_S);
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["RevocationRootNotAccepted", "IssuerSetRootNotAccepted"]);
      // The set rebuilt from the registry as it is now binds "42" and is published.
      const registry = startingRegistry();
      registry.roots.set("st-elsewhere", { current: "42", previous: [{ root: EMPTY_REVOCATION_ROOT, replacedAt: new Date(t * 1000).toISOString() }] });
      const rebuilt = await createVerifier({ issuers: registry, key }).issuerSet({ statement: STATEMENT });
      expect(rebuilt.root).not.toBe(stale.root);
      expect(await publishRaw(rebuilt, await chain.client.getBlockNumber({ cacheTime: 0 }))).toBeUndefined();
      await publishIssuerSet(as(0), rebuilt);
      const [history] = await chain.client.readContract({ address: registryAddress, abi: medzkRegistryAbi, functionName: "issuerSetRootHistory", args: [BigInt(rebuilt.members[0]!.schemaId)] });
      expect(history.at(-1)!.root.toString()).toBe(rebuilt.root);
      expect(await onChain("hidden")).toBe("IssuerSetRootNotAccepted");
    } finally {
      await chain.revert(snapshot);
    }
  });

  it("a set built before its key was compromised is refused when published after it (late, or in a race), as key mode refuses at once; the set rebuilt after it is accepted", async () => {
    const snapshot = await chain.snapshot();
    try {
      const builtAt = await chain.client.getBlockNumber({ cacheTime: 0 });
      const stale = await createVerifier({ issuers: startingRegistry(), key }).issuerSet({ statement: STATEMENT });
      await expect(publishRacing(stale, () => setIssuerKeyStatus(as(1), world.hospital.publicKey, "compromised"))).rejects.toMatchObject({
        code: "CHAIN_TRANSACTION_FAILED", message: expect.stringContaining("IssuerSetOutdated"),
      });
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["IssuerKeyCompromised", "IssuerSetRootNotAccepted"]);
      await expect(publishIssuerSet(as(0), stale)).rejects.toMatchObject({ code: "ISSUER_SET_OUTDATED" });
      expect(await publishRaw(stale, builtAt)).toBe("IssuerSetOutdated()");
      expect([await onChain("key"), await onChain("hidden")]).toEqual(["IssuerKeyCompromised", "IssuerSetRootNotAccepted"]);
      // Rebuilt now: the compromised key is no member (an empty set, named by its schema).
      const registry = startingRegistry();
      registry.clinic.keys[0]!.status = "compromised";
      const rebuilt = await createVerifier({ issuers: registry, key }).issuerSet({ statement: STATEMENT });
      expect(rebuilt.members).toEqual([]);
      // A key the registry never held is refused too (key mode on chain refuses it: IssuerUnknown).
      const foreign = buildIssuerSet([{ publicKey: generateIssuerKey().publicKey, revocationRoot: EMPTY_REVOCATION_ROOT, schemaId: stale.members[0]!.schemaId }], new Date());
      await expect(publishIssuerSet(as(0), foreign)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await publishIssuerSet(as(0), rebuilt, "patient-record/v1");
      expect(await onChain("hidden")).toBe("IssuerSetRootNotAccepted");
    } finally {
      await chain.revert(snapshot);
    }
  });
});
