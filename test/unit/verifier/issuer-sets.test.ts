/**
 * The verifier's trusted issuer sets (src/verifier/issuer-sets.ts): who is a member, and which
 * set roots a proof may use (current; replaced less than maxRootAge ago while key mode would
 * still accept every member, revocation aged from the registry's own time; never an unknown one). Proving against the sets is
 * test/integration/verifier/hidden-issuer.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseIssuerSet } from "../../../src/core/issuer-set.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { BUILTIN_SCHEMAS, schemaIdField } from "../../../src/core/schemas.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { createVerifier } from "../../../src/verifier/create-verifier.js";
import { type IssuerRecord, type IssuerRegistry, MemoryIssuerRegistry } from "../../../src/verifier/issuer-registry.js";
import { IssuerSets } from "../../../src/verifier/issuer-sets.js";
import { Refusal } from "../../../src/verifier/refusal.js";
import { trustSources } from "../../../src/verifier/trust.js";
import { generateVerifierKey } from "../../../src/verifier/verifier-key.js";

const PATIENT = BUILTIN_SCHEMAS["patient-record/v1"]!;
const INSURANCE = BUILTIN_SCHEMAS["insurance-coverage/v1"]!;
const NOW = new Date("2026-06-15T12:00:00.000Z");
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const [clinicA, clinicB, insurer, listed] = Array.from({ length: 4 }, () => generateIssuerKey().publicKey) as [string, string, string, string];

function registry(): MemoryIssuerRegistry {
  const r = new MemoryIssuerRegistry([
    { id: "clinic", keys: [{ publicKey: clinicA }, { publicKey: clinicB, validFrom: "2026-01-01", validUntil: "2026-12-31" }], schemas: ["patient-record/v1"] },
    { id: "insurer", keys: [{ publicKey: insurer }] },
  ]);
  r.setRevocationRoot("clinic", "111", NOW);
  return r;
}

/** The refusal code of `f`, or "accepted". */
async function outcome(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return "accepted";
  } catch (e) {
    if (e instanceof Refusal) return e.code;
    throw e;
  }
}

describe("members", () => {
  it("active keys of issuers allowed the schema, with their days and issuer's root; listed keys with the empty root", async () => {
    const sets = new IssuerSets(trustSources([listed], registry()), 3_600_000);
    const patient = await sets.current(PATIENT, NOW);
    expect(parseIssuerSet(patient)).toEqual(patient); // a well-formed, consistent document
    const id = schemaIdField(PATIENT).toString();
    const byKey = Object.fromEntries(patient.members.map((m) => [m.publicKey, m]));
    expect(Object.keys(byKey).sort()).toEqual([clinicA, clinicB, insurer, listed].sort());
    expect(byKey[clinicA]).toEqual({ publicKey: clinicA, revocationRoot: "111", schemaId: id });
    expect(byKey[clinicB]).toEqual({ publicKey: clinicB, revocationRoot: "111", schemaId: id, validFrom: "2026-01-01", validUntil: "2026-12-31" });
    expect(byKey[insurer]!.revocationRoot).toBe(EMPTY_REVOCATION_ROOT); // publishes no root
    expect(byKey[listed]!.revocationRoot).toBe(EMPTY_REVOCATION_ROOT);
    // The clinic is pinned to patient records: not a member of the insurance set.
    const insurance = await sets.current(INSURANCE, NOW);
    expect(insurance.members.map((m) => m.publicKey).sort()).toEqual([insurer, listed].sort());
    expect(insurance.root).not.toBe(patient.root);
  });

  it("leaves out retired and compromised keys, keys past their last day, and a key both listed and held", async () => {
    const r = registry();
    r.setKeyStatus(clinicA, "retired");
    const sets = new IssuerSets(trustSources([listed], r), 3_600_000);
    expect((await sets.current(PATIENT, NOW)).members.map((m) => m.publicKey)).not.toContain(clinicA);
    expect((await sets.current(PATIENT, new Date("2027-01-01T00:00:00Z"))).members.map((m) => m.publicKey)).not.toContain(clinicB);
    // A conflict appearing after construction (the registry gains a listed key): neither source counts it.
    r.addKey("insurer", { publicKey: listed });
    expect((await sets.current(PATIENT, NOW)).members.map((m) => m.publicKey)).not.toContain(listed);
  });

  it("a registry that cannot list its issuers cannot hide them", async () => {
    const r = registry();
    const bare: IssuerRegistry = { lookupKey: (k) => r.lookupKey(k), revocationRoots: (id) => r.revocationRoots(id) };
    const sets = new IssuerSets(trustSources([], bare), 3_600_000);
    await expect(sets.current(PATIENT, NOW)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await outcome(() => sets.check(PATIENT, "1", NOW))).toBe("REGISTRY_UNAVAILABLE");
  });
});

describe("which roots a proof may use", () => {
  it("the current root; a replaced one for maxRootAge (strictly less); never an unknown one", async () => {
    const r = registry();
    const sets = new IssuerSets(trustSources([], r), 600_000);
    const first = (await sets.current(PATIENT, NOW)).root;
    expect(await outcome(() => sets.check(PATIENT, first, NOW))).toBe("accepted");
    expect(await outcome(() => sets.check(PATIENT, "12345", NOW))).toBe("UNKNOWN_ISSUER_SET");
    // A new revocation root changes the set at the next check.
    r.setRevocationRoot("clinic", "222", NOW);
    expect(await outcome(() => sets.check(PATIENT, first, NOW))).toBe("accepted"); // replaced just now
    const second = (await sets.current(PATIENT, NOW)).root;
    expect(second).not.toBe(first);
    expect(await outcome(() => sets.check(PATIENT, first, later(599)))).toBe("accepted");
    expect(await outcome(() => sets.check(PATIENT, first, later(600)))).toBe("STALE_ISSUER_SET");
    expect(await outcome(() => sets.check(PATIENT, second, later(600)))).toBe("accepted");
    // Nothing changed: checking again does not replace the current set.
    expect((await sets.current(PATIENT, later(700))).root).toBe(second);
  });

  it("a replaced set is refused at once when one of its keys was since compromised or retired", async () => {
    for (const status of ["compromised", "retired"] as const) {
      const r = registry();
      const sets = new IssuerSets(trustSources([], r), 3_600_000);
      const before = (await sets.current(PATIENT, NOW)).root;
      r.setKeyStatus(clinicB, status);
      expect(await outcome(() => sets.check(PATIENT, before, NOW))).toBe("STALE_ISSUER_SET");
      const after = await sets.current(PATIENT, NOW);
      expect(after.members.map((m) => m.publicKey)).not.toContain(clinicB);
      expect(await outcome(() => sets.check(PATIENT, after.root, NOW))).toBe("accepted");
    }
  });

  it("a key rotation (a new key added) keeps the old set acceptable while it is recent", async () => {
    const r = registry();
    const sets = new IssuerSets(trustSources([], r), 3_600_000);
    const before = (await sets.current(PATIENT, NOW)).root;
    r.addKey("clinic", { publicKey: generateIssuerKey().publicKey, validFrom: "2026-06-16" });
    expect(await outcome(() => sets.check(PATIENT, before, NOW))).toBe("accepted");
    expect((await sets.current(PATIENT, NOW)).root).not.toBe(before);
  });

  it("a revocation ages a replaced set from when the registry replaced the root, however late the verifier rebuilds", async () => {
    const r = registry();
    const sets = new IssuerSets(trustSources([], r), 600_000);
    const first = (await sets.current(PATIENT, NOW)).root;
    // Published at NOW; this verifier sits idle (no rebuild) until just before the root age is up.
    r.setRevocationRoot("clinic", "222", NOW);
    expect(await outcome(() => sets.check(PATIENT, first, later(599)))).toBe("accepted");
    expect(await outcome(() => sets.check(PATIENT, first, later(600)))).toBe("STALE_ISSUER_SET");
    // A root the registry no longer lists (dropped from its history) is refused like an unknown one.
    const r2 = registry();
    const sets2 = new IssuerSets(trustSources([], r2), 600_000);
    const old = (await sets2.current(PATIENT, NOW)).root;
    for (let i = 0; i < 40; i++) r2.setRevocationRoot("clinic", String(1000 + i), NOW);
    expect(await outcome(() => sets2.check(PATIENT, old, NOW))).toBe("STALE_ISSUER_SET");
  });

  it("a replaced set is refused at once when a key of it is deleted, its issuer unpinned from the schema or its days shortened", async () => {
    const base = (): IssuerRecord[] => [
      { id: "clinic", keys: [{ publicKey: clinicA }, { publicKey: clinicB, validFrom: "2026-01-01", validUntil: "2026-12-31" }], schemas: ["patient-record/v1"] },
      { id: "insurer", keys: [{ publicKey: insurer }] },
    ];
    const changes: Array<[string, (issuers: IssuerRecord[]) => void, string]> = [
      ["delete a key", (i) => void (i[0]!.keys = [i[0]!.keys[0]!]), "STALE_ISSUER_SET"],
      ["unpin the schema", (i) => void (i[0]!.schemas = ["insurance-coverage/v1"]), "STALE_ISSUER_SET"],
      ["shorten the last day", (i) => void (i[0]!.keys[1]!.validUntil = "2026-09-30"), "STALE_ISSUER_SET"],
      ["start later", (i) => void (i[0]!.keys[1]!.validFrom = "2026-02-01"), "STALE_ISSUER_SET"],
      ["move the key to another issuer", (i) => void ((i[0]!.keys = [i[0]!.keys[0]!]), i[1]!.keys.push({ publicKey: clinicB })), "STALE_ISSUER_SET"],
      // Widening is not a weakening: every credential the old leaf admits, key mode still accepts.
      ["extend the last day", (i) => void (i[0]!.keys[1]!.validUntil = "2027-12-31"), "accepted"],
      ["add a key", (i) => void i[0]!.keys.push({ publicKey: generateIssuerKey().publicKey }), "accepted"],
    ];
    for (const [name, change, expected] of changes) {
      const issuers = base();
      const r: IssuerRegistry = {
        lookupKey: async (k) => {
          for (const issuer of issuers) for (const key of issuer.keys) if (key.publicKey === k) return { issuer, key };
          return undefined;
        },
        revocationRoots: async (id) => (id === "clinic" ? { current: "111", previous: [] } : undefined),
        listIssuers: () => structuredClone(issuers),
      };
      const sets = new IssuerSets(trustSources([], r), 3_600_000);
      const before = (await sets.current(PATIENT, NOW)).root;
      change(issuers);
      expect([name, await outcome(() => sets.check(PATIENT, before, NOW))]).toEqual([name, expected]);
      expect((await sets.current(PATIENT, NOW)).root).not.toBe(before);
    }
  });

  it("several instances on one registry (a restart is a new one): one that built the set follows the table; one that never did refuses it once replaced, never later than key mode", async () => {
    const r = registry();
    const [signer, peer, late] = [0, 1, 2].map(() => new IssuerSets(trustSources([], r), 600_000)) as [IssuerSets, IssuerSets, IssuerSets];
    const root = (await signer.current(PATIENT, NOW)).root;
    // While nothing changes, every instance builds the same root and accepts it.
    expect(await outcome(() => peer.check(PATIENT, root, NOW))).toBe("accepted");
    r.setRevocationRoot("clinic", "222", NOW);
    // The signer and the peer (which built it before the change) accept until the root age, from the registry's time.
    for (const sets of [signer, peer]) {
      expect(await outcome(() => sets.check(PATIENT, root, later(599)))).toBe("accepted");
      expect(await outcome(() => sets.check(PATIENT, root, later(600)))).toBe("STALE_ISSUER_SET");
    }
    // An instance started after the change never saw the set: refused at once (earlier than key mode).
    expect(await outcome(() => late.check(PATIENT, root, later(1)))).toBe("UNKNOWN_ISSUER_SET");
  });

  it("a listed key of a replaced set that the registry now also holds refuses the set at once (the trust rule)", async () => {
    const r = registry();
    const sets = new IssuerSets(trustSources([listed], r), 3_600_000);
    const before = (await sets.current(PATIENT, NOW)).root;
    r.addKey("insurer", { publicKey: listed });
    expect(await outcome(() => sets.check(PATIENT, before, NOW))).toBe("STALE_ISSUER_SET");
  });

  it("sets of different schemas keep separate histories", async () => {
    const sets = new IssuerSets(trustSources([], registry()), 3_600_000);
    const patient = (await sets.current(PATIENT, NOW)).root;
    expect(await outcome(() => sets.check(INSURANCE, patient, NOW))).toBe("UNKNOWN_ISSUER_SET");
  });
});

describe("Verifier.issuerSet, createHiddenRequest and createRequest", () => {
  const AGE = { type: "ageAtLeast", minAge: 18 } as const;

  it("createRequest signs no set, not even the one just built: a registry change since cannot be seen synchronously; createHiddenRequest rebuilds before signing", async () => {
    const r = registry();
    const v = createVerifier({ issuers: r, key: generateVerifierKey(), clock: () => NOW });
    const set = await v.issuerSet({ statement: AGE });
    const withSet = (root: string) => () => v.createRequest({ statement: AGE, issuerSet: root } as never);
    // Built a moment ago, the registry unchanged: still refused (nothing synchronous can tell that).
    expect(withSet(set.root)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    // The registry revokes after the set was built; the verifier has not rebuilt: the old root
    // (the last built, so the one the previous rule accepted) is refused.
    r.setRevocationRoot("clinic", "333", NOW);
    expect(withSet(set.root)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("createHiddenRequest") }));
    expect(withSet("1")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    const next = await v.createHiddenRequest({ statement: AGE });
    expect(next.issuerSet.root).not.toBe(set.root);
    expect(next.request.issuerSet).toBe(next.issuerSet.root);
    expect(next.issuerSet).toEqual(await v.issuerSet({ statement: AGE }));
    // createHiddenRequest rebuilds first: after a registry change it signs the new set, never the last built one.
    r.setRevocationRoot("clinic", "444", NOW);
    const hidden = await v.createHiddenRequest({ statement: AGE });
    expect(hidden.issuerSet.root).not.toBe(next.issuerSet.root);
    expect(hidden.request.issuerSet).toBe(hidden.issuerSet.root);
    expect(hidden.issuerSet.members.find((m) => m.publicKey === clinicA)?.revocationRoot).toBe("444");
    await expect(v.createHiddenRequest({ statement: { type: "nope" } })).rejects.toMatchObject({ code: "UNKNOWN_STATEMENT" });
    // A request without issuerSet carries none.
    expect(Object.hasOwn(v.createRequest({ statement: AGE }), "issuerSet")).toBe(false);
  });
});
