import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDate } from "../../../src/core/dates.js";
import { MedzkError } from "../../../src/core/errors.js";
import { FIELD_ORDER } from "../../../src/core/field.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import {
  JsonFileIssuerRegistry,
  MAX_PREVIOUS_ROOTS,
  MemoryIssuerRegistry,
  keyRefusal,
  rootAcceptable,
  type IssuerKeyEntry,
  type IssuerRecord,
  type RevocationRoots,
} from "../../../src/verifier/issuer-registry.js";

const day = (date: string) => parseDate(date, "day");
const newKey = () => generateIssuerKey().publicKey;

function expectMedzkError(fn: () => unknown, code: string, field?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MedzkError);
  expect((thrown as MedzkError).code).toBe(code);
  if (field) expect((thrown as MedzkError).message).toMatch(field);
}

describe("MemoryIssuerRegistry", () => {
  it("looks up a key's issuer and entry, and nothing for unknown or malformed keys", async () => {
    const [a1, a2, b1] = [newKey(), newKey(), newKey()];
    const registry = new MemoryIssuerRegistry([
      { id: "clinic-a", name: "Clinic A", keys: [{ publicKey: a1 }, { publicKey: a2, validFrom: "2026-01-01" }], schemas: ["patient-record/v1"] },
      { id: "insurer-b", keys: [{ publicKey: b1 }] },
    ]);
    const found = await registry.lookupKey(a2);
    expect(found?.issuer.id).toBe("clinic-a");
    expect(found?.issuer.name).toBe("Clinic A");
    expect(found?.issuer.schemas).toEqual(["patient-record/v1"]);
    expect(found?.key).toEqual({ publicKey: a2, validFrom: "2026-01-01" });
    expect((await registry.lookupKey(b1))?.issuer.id).toBe("insurer-b");
    expect(await registry.lookupKey(newKey())).toBeUndefined();
    expect(await registry.lookupKey("not a key")).toBeUndefined();
    expect(await registry.lookupKey(a1.toUpperCase())).toBeUndefined();
    expect(await registry.revocationRoots("clinic-a")).toBeUndefined();
  });

  it("rotation: the retired key is refused, the new key accepted", async () => {
    const [oldKey, freshKey] = [newKey(), newKey()];
    const registry = new MemoryIssuerRegistry([{ id: "clinic", keys: [{ publicKey: oldKey }] }]);
    const today = day("2026-03-01");
    expect(keyRefusal((await registry.lookupKey(oldKey))!.key, today)).toBeUndefined();

    registry.addKey("clinic", { publicKey: freshKey, validFrom: "2026-03-01" });
    registry.setKeyStatus(oldKey, "retired");

    const old = await registry.lookupKey(oldKey);
    expect(old?.key.status).toBe("retired");
    expect(keyRefusal(old!.key, today)?.code).toBe("ISSUER_KEY_RETIRED");
    const fresh = await registry.lookupKey(freshKey);
    expect(fresh?.issuer.id).toBe("clinic");
    expect(keyRefusal(fresh!.key, today)).toBeUndefined();
    // Both keys' lookups see the updated record.
    expect(fresh?.issuer.keys.map((k) => k.status ?? "active")).toEqual(["retired", "active"]);
    expect(old?.issuer).toBe(fresh?.issuer);
  });

  it("compromise: refused whatever its dates, and never un-compromised", async () => {
    const key = newKey();
    const registry = new MemoryIssuerRegistry([{ id: "clinic", keys: [{ publicKey: key, validFrom: "2026-01-01", validUntil: "2026-12-31" }] }]);
    registry.setKeyStatus(key, "compromised");
    const entry = (await registry.lookupKey(key))!.key;
    expect(keyRefusal(entry, day("2026-06-01"))?.code).toBe("ISSUER_KEY_COMPROMISED");
    expect(keyRefusal(entry, day("2027-06-01"))?.code).toBe("ISSUER_KEY_COMPROMISED");
    expectMedzkError(() => registry.setKeyStatus(key, "active"), "INVALID_ARGUMENT", /compromised/);
    expectMedzkError(() => registry.setKeyStatus(key, "retired"), "INVALID_ARGUMENT", /compromised/);
    registry.setKeyStatus(key, "compromised");
    expect((await registry.lookupKey(key))!.key.status).toBe("compromised");
  });

  it("setKeyStatus and addKey refuse unknown keys, issuers and statuses", () => {
    const key = newKey();
    const registry = new MemoryIssuerRegistry([{ id: "clinic", keys: [{ publicKey: key }] }]);
    expectMedzkError(() => registry.setKeyStatus(newKey(), "retired"), "INVALID_ARGUMENT", /not registered/);
    expectMedzkError(() => registry.setKeyStatus("zz", "retired"), "INVALID_KEY", /publicKey/);
    // @ts-expect-error: a status outside KeyStatus, as plain JavaScript could pass
    expectMedzkError(() => registry.setKeyStatus(key, "revoked"), "INVALID_ARGUMENT", /status/);
    expectMedzkError(() => registry.addKey("nobody", { publicKey: newKey() }), "INVALID_ARGUMENT", /unknown issuer/);
    expectMedzkError(() => registry.addKey("clinic", { publicKey: key }), "INVALID_REGISTRY", /already belongs to issuer "clinic"/);
    expectMedzkError(() => registry.addKey("clinic", { publicKey: newKey(), validUntil: "2026-02-30" }), "INVALID_REGISTRY", /key\.validUntil/);
    expect(registry.listIssuers()[0]!.keys).toHaveLength(1);
  });

  it("refuses a key claimed by two issuers, without registering either half", () => {
    const shared = newKey();
    expectMedzkError(
      () => new MemoryIssuerRegistry([{ id: "a", keys: [{ publicKey: shared }] }, { id: "b", keys: [{ publicKey: shared }] }]),
      "INVALID_REGISTRY",
      /issuers\[1\]\.keys\[0\]\.publicKey.*already belongs to issuer "a"/,
    );
    const registry = new MemoryIssuerRegistry([{ id: "a", keys: [{ publicKey: shared }] }]);
    const other = newKey();
    expectMedzkError(() => registry.addIssuer({ id: "b", keys: [{ publicKey: other }, { publicKey: shared }] }), "INVALID_REGISTRY", /record\.keys\[1\]/);
    // Nothing of the refused record was registered: its first key is still free.
    expect(registry.listIssuers().map((r) => r.id)).toEqual(["a"]);
    registry.addIssuer({ id: "b", keys: [{ publicKey: other }] });
    expectMedzkError(() => registry.addIssuer({ id: "b", keys: [{ publicKey: newKey() }] }), "INVALID_REGISTRY", /already registered/);
  });

  it("refuses invalid records with codes naming the field", () => {
    const k = newKey();
    const cases: Array<[unknown, string, RegExp]> = [
      [null, "INVALID_REGISTRY", /issuers\[0\]" must be a JSON object/],
      [{ id: "", keys: [{ publicKey: k }] }, "INVALID_REGISTRY", /issuers\[0\]\.id/],
      [{ id: "x".repeat(129), keys: [{ publicKey: k }] }, "INVALID_REGISTRY", /issuers\[0\]\.id/],
      [{ id: 7, keys: [{ publicKey: k }] }, "INVALID_REGISTRY", /issuers\[0\]\.id/],
      [{ id: "a", keys: [] }, "INVALID_REGISTRY", /issuers\[0\]\.keys/],
      [{ id: "a" }, "INVALID_REGISTRY", /issuers\[0\]\.keys/],
      [{ id: "a", name: 3, keys: [{ publicKey: k }] }, "INVALID_REGISTRY", /issuers\[0\]\.name/],
      [{ id: "a", keys: [{ publicKey: "ab".repeat(32) }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.publicKey/],
      [{ id: "a", keys: [{ publicKey: k.toUpperCase() }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.publicKey/],
      [{ id: "a", keys: [{ publicKey: k }, { publicKey: k }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[1\]\.publicKey.*twice/],
      [{ id: "a", keys: [{ publicKey: k, validFrom: "2026-13-01" }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.validFrom/],
      [{ id: "a", keys: [{ publicKey: k, validUntil: "2025-02-29" }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.validUntil/],
      [{ id: "a", keys: [{ publicKey: k, validFrom: "2026-02-02", validUntil: "2026-02-01" }] }, "INVALID_REGISTRY", /validFrom.*after/],
      [{ id: "a", keys: [{ publicKey: k, status: "revoked" }] }, "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.status/],
      // A misspelt property would otherwise silently leave the key valid forever.
      [{ id: "a", keys: [{ publicKey: k, validUntill: "2026-01-01" }] }, "INVALID_REGISTRY", /unknown (key|property) "validUntill"/],
      [{ id: "a", keys: [{ publicKey: k }], schema: ["x"] }, "INVALID_REGISTRY", /unknown (key|property) "schema"/],
      [{ id: "a", keys: [{ publicKey: k }], schemas: [] }, "INVALID_REGISTRY", /issuers\[0\]\.schemas/],
      [{ id: "a", keys: [{ publicKey: k }], schemas: "patient-record/v1" }, "INVALID_REGISTRY", /issuers\[0\]\.schemas/],
      [{ id: "a", keys: [{ publicKey: k }], schemas: ["ok", ""] }, "INVALID_REGISTRY", /issuers\[0\]\.schemas\[1\]/],
    ];
    for (const [record, code, field] of cases) {
      expectMedzkError(() => new MemoryIssuerRegistry([record as IssuerRecord]), code, field);
    }
    expectMedzkError(() => new MemoryIssuerRegistry({} as unknown as IssuerRecord[]), "INVALID_REGISTRY", /issuers/);
    expectMedzkError(() => new MemoryIssuerRegistry([{ id: "a", keys: [{ publicKey: k }] }, { id: "a", keys: [{ publicKey: newKey() }] }]), "INVALID_REGISTRY", /already registered/);
  });

  it("setRevocationRoot keeps the replaced root with its instant, newest first, capped", async () => {
    const registry = new MemoryIssuerRegistry([{ id: "clinic", keys: [{ publicKey: newKey() }] }]);
    const t0 = Date.parse("2026-03-01T00:00:00.000Z");
    registry.setRevocationRoot("clinic", "100", new Date(t0));
    expect(await registry.revocationRoots("clinic")).toEqual({ current: "100", previous: [] });
    registry.setRevocationRoot("clinic", "101", new Date(t0 + 1000));
    registry.setRevocationRoot("clinic", "101", new Date(t0 + 2000)); // unchanged: no history entry
    expect(await registry.revocationRoots("clinic")).toEqual({
      current: "101",
      previous: [{ root: "100", replacedAt: "2026-03-01T00:00:01.000Z" }],
    });
    for (let i = 2; i <= 50; i++) registry.setRevocationRoot("clinic", String(100 + i), new Date(t0 + i * 1000));
    const roots = (await registry.revocationRoots("clinic"))!;
    expect(roots.current).toBe("150");
    expect(roots.previous).toHaveLength(MAX_PREVIOUS_ROOTS);
    expect(MAX_PREVIOUS_ROOTS).toBe(32);
    expect(roots.previous[0]).toEqual({ root: "149", replacedAt: new Date(t0 + 50_000).toISOString() });
    expect(roots.previous.at(-1)!.root).toBe(String(150 - MAX_PREVIOUS_ROOTS));
    expect(rootAcceptable(roots, "100", new Date(t0 + 50_000), 3_600_000)).toBe("unknown"); // dropped from history

    expectMedzkError(() => registry.setRevocationRoot("nobody", "1"), "INVALID_ARGUMENT", /unknown issuer/);
    for (const bad of ["007", "-1", "0x10", " 1", FIELD_ORDER.toString(), ""]) {
      expectMedzkError(() => registry.setRevocationRoot("clinic", bad), "INVALID_ARGUMENT", /root/);
    }
    expectMedzkError(() => registry.setRevocationRoot("clinic", "1", new Date(Number.NaN)), "INVALID_ARGUMENT", /at/);
  });

  it("returns copies or frozen snapshots, never its internal state", async () => {
    const key = newKey();
    const input: IssuerRecord = { id: "clinic", keys: [{ publicKey: key }], schemas: ["patient-record/v1"] };
    const registry = new MemoryIssuerRegistry([input]);
    // The caller's own object is not aliased.
    input.keys[0]!.status = "compromised";
    input.schemas!.push("insurance-coverage/v1");
    expect(keyRefusal((await registry.lookupKey(key))!.key, day("2026-01-01"))).toBeUndefined();

    const listed = registry.listIssuers();
    listed[0]!.keys[0]!.status = "retired";
    listed[0]!.schemas!.push("anything/v1");
    listed[0]!.id = "renamed";
    expect(registry.listIssuers()).toEqual([{ id: "clinic", keys: [{ publicKey: key }], schemas: ["patient-record/v1"] }]);

    const found = (await registry.lookupKey(key))!;
    expect(() => {
      found.key.status = "active";
    }).toThrow(TypeError);
    expect(() => found.issuer.schemas!.push("anything/v1")).toThrow(TypeError);
    expect(() => found.issuer.keys.push({ publicKey: newKey() })).toThrow(TypeError);

    registry.setRevocationRoot("clinic", "5", new Date("2026-01-01T00:00:00Z"));
    registry.setRevocationRoot("clinic", "6", new Date("2026-01-02T00:00:00Z"));
    const roots = (await registry.revocationRoots("clinic"))!;
    expect(() => {
      roots.current = "7";
    }).toThrow(TypeError);
    expect(() => roots.previous.pop()).toThrow(TypeError);
    expect((await registry.revocationRoots("clinic"))!.previous).toHaveLength(1);
  });
});

describe("keyRefusal", () => {
  it("accepts validFrom and validUntil days inclusive, refuses the day before and after", () => {
    const key = { publicKey: newKey(), validFrom: "2026-01-10", validUntil: "2026-02-28" };
    expect(keyRefusal(key, day("2026-01-09"))?.code).toBe("ISSUER_KEY_NOT_VALID");
    expect(keyRefusal(key, day("2026-01-10"))).toBeUndefined();
    expect(keyRefusal(key, day("2026-02-01"))).toBeUndefined();
    expect(keyRefusal(key, day("2026-02-28"))).toBeUndefined();
    expect(keyRefusal(key, day("2026-03-01"))?.code).toBe("ISSUER_KEY_NOT_VALID");
    // Across a year boundary, and open-ended on either side.
    expect(keyRefusal({ publicKey: key.publicKey, validUntil: "2025-12-31" }, day("2026-01-01"))?.code).toBe("ISSUER_KEY_NOT_VALID");
    expect(keyRefusal({ publicKey: key.publicKey, validUntil: "2025-12-31" }, day("0001-01-01"))).toBeUndefined();
    expect(keyRefusal({ publicKey: key.publicKey, validFrom: "2026-01-01" }, day("9999-12-31"))).toBeUndefined();
    expect(keyRefusal({ publicKey: key.publicKey, validFrom: "2026-01-01" }, day("2025-12-31"))?.code).toBe("ISSUER_KEY_NOT_VALID");
    // A single-day key.
    const oneDay = { publicKey: key.publicKey, validFrom: "2024-02-29", validUntil: "2024-02-29" };
    expect(keyRefusal(oneDay, day("2024-02-28"))?.code).toBe("ISSUER_KEY_NOT_VALID");
    expect(keyRefusal(oneDay, day("2024-02-29"))).toBeUndefined();
    expect(keyRefusal(oneDay, day("2024-03-01"))?.code).toBe("ISSUER_KEY_NOT_VALID");
  });

  it("reports status before dates", () => {
    const publicKey = newKey();
    expect(keyRefusal({ publicKey, status: "retired", validUntil: "2020-01-01" }, day("2026-01-01"))?.code).toBe("ISSUER_KEY_RETIRED");
    expect(keyRefusal({ publicKey, status: "compromised", validFrom: "2030-01-01" }, day("2026-01-01"))?.code).toBe("ISSUER_KEY_COMPROMISED");
    expect(keyRefusal({ publicKey, status: "active" }, day("2026-01-01"))).toBeUndefined();
  });

  it("throws on a malformed day or key entry instead of guessing", () => {
    const publicKey = newKey();
    for (const bad of [20260230, 2026011, 202601011, 20260101.5, Number.NaN, -20260101, "20260101"]) {
      expectMedzkError(() => keyRefusal({ publicKey }, bad as number), "INVALID_DATE", /asOf/);
    }
    // An entry from a custom registry that skipped validation.
    expectMedzkError(() => keyRefusal({ publicKey, validUntil: "2026/01/01" }, day("2026-01-01")), "INVALID_REGISTRY", /validUntil/);
    expectMedzkError(() => keyRefusal({ publicKey, status: "revoked" } as unknown as IssuerKeyEntry, day("2026-01-01")), "INVALID_REGISTRY", /status/);
  });
});

describe("rootAcceptable", () => {
  const now = new Date("2026-03-01T12:00:00.000Z");
  const hour = 3_600_000;
  const roots: RevocationRoots = {
    current: "30",
    previous: [
      { root: "20", replacedAt: "2026-03-01T11:00:00.000Z" }, // exactly one hour before now
      { root: "10", replacedAt: "2026-03-01T10:59:59.999Z" },
    ],
  };

  it("classifies current, recent, stale and unknown roots, with a strict boundary", () => {
    expect(rootAcceptable(roots, "30", now, hour)).toBe("current");
    expect(rootAcceptable(roots, "30", now, 0)).toBe("current");
    expect(rootAcceptable(roots, "20", now, hour + 1)).toBe("recent");
    // Replaced exactly maxAgeMs ago: no longer acceptable.
    expect(rootAcceptable(roots, "20", now, hour)).toBe("stale");
    expect(rootAcceptable(roots, "20", new Date(now.getTime() - 1), hour)).toBe("recent");
    expect(rootAcceptable(roots, "10", now, hour)).toBe("stale");
    expect(rootAcceptable(roots, "10", now, hour + 2)).toBe("recent");
    expect(rootAcceptable(roots, "40", now, hour)).toBe("unknown");
    // Roots compare as canonical strings: another spelling of a known root is unknown.
    expect(rootAcceptable(roots, "030", now, hour)).toBe("unknown");
  });

  it("counts any recent replacement of a root that was current twice", () => {
    const twice: RevocationRoots = {
      current: "3",
      previous: [
        { root: "1", replacedAt: "2026-03-01T11:30:00Z" },
        { root: "2", replacedAt: "2026-03-01T11:00:00Z" },
        { root: "1", replacedAt: "2026-02-01T00:00:00Z" },
      ],
    };
    expect(rootAcceptable(twice, "1", now, hour)).toBe("recent");
    expect(rootAcceptable({ ...twice, previous: twice.previous.slice(1) }, "1", now, hour)).toBe("stale");
  });

  it("throws on malformed arguments", () => {
    expectMedzkError(() => rootAcceptable(roots, "20", new Date(Number.NaN), hour), "INVALID_ARGUMENT", /now/);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectMedzkError(() => rootAcceptable(roots, "20", now, bad), "INVALID_ARGUMENT", /maxAgeMs/);
    }
    const broken = { current: "3", previous: [{ root: "2", replacedAt: "yesterday" }] };
    expectMedzkError(() => rootAcceptable(broken, "2", now, hour), "INVALID_REGISTRY", /replacedAt/);
  });
});

describe("JsonFileIssuerRegistry", () => {
  let dir: string;
  let path: string;
  let mtime = Date.parse("2026-01-01T00:00:00Z") / 1000;

  // Explicit, increasing mtimes: two writes in the same second must still look different.
  async function writeRegistry(content: unknown): Promise<void> {
    await writeFile(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    mtime += 10;
    await utimes(path, mtime, mtime);
  }

  const file = (issuers: unknown[], revocation?: Record<string, unknown>) => ({ format: "medzk-issuers/v1", issuers, ...(revocation ? { revocation } : {}) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "medzk-issuers-"));
    path = join(dir, "issuers.json");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads issuers and revocation roots from the file", async () => {
    const [k1, k2] = [newKey(), newKey()];
    await writeRegistry(
      file(
        [
          { id: "clinic", name: "Clinic", keys: [{ publicKey: k1, validFrom: "2026-01-01", status: "active" }], schemas: ["patient-record/v1"] },
          { id: "insurer", keys: [{ publicKey: k2 }] },
        ],
        { clinic: { current: "42", previous: [{ root: "41", replacedAt: "2026-01-31T23:00:00Z" }] }, insurer: { current: "0" } },
      ),
    );
    const registry = new JsonFileIssuerRegistry(path);
    expect(registry.lastError).toBeUndefined();
    expect((await registry.lookupKey(k1))?.issuer).toEqual({
      id: "clinic", name: "Clinic", keys: [{ publicKey: k1, validFrom: "2026-01-01", status: "active" }], schemas: ["patient-record/v1"],
    });
    expect((await registry.lookupKey(k2))?.issuer.id).toBe("insurer");
    expect(await registry.lookupKey(newKey())).toBeUndefined();
    expect(await registry.revocationRoots("clinic")).toEqual({ current: "42", previous: [{ root: "41", replacedAt: "2026-01-31T23:00:00Z" }] });
    expect(await registry.revocationRoots("insurer")).toEqual({ current: "0", previous: [] });
    expect(await registry.revocationRoots("nobody")).toBeUndefined();
    const roots = (await registry.revocationRoots("clinic"))!;
    expect(rootAcceptable(roots, "41", new Date("2026-01-31T23:30:00Z"), 3_600_000)).toBe("recent");
    expect(rootAcceptable(roots, "41", new Date("2026-02-01T00:00:00Z"), 3_600_000)).toBe("stale");
  });

  it("throws a MedzkError when the initial file is missing or invalid", async () => {
    expectMedzkError(() => new JsonFileIssuerRegistry(join(dir, "missing.json")), "REGISTRY_UNREADABLE", /cannot read/);
    expectMedzkError(() => new JsonFileIssuerRegistry(dir), "REGISTRY_UNREADABLE", /cannot read/);
    const k = newKey();
    const cases: Array<[unknown, string, RegExp]> = [
      ["{ not json", "INVALID_REGISTRY", /not valid JSON/],
      [[], "INVALID_REGISTRY", /"file" must be a JSON object/],
      [{ format: "medzk-issuers/v2", issuers: [] }, "INVALID_REGISTRY", /format/],
      [{ format: "medzk-issuers/v1" }, "INVALID_REGISTRY", /issuers/],
      [{ format: "medzk-issuers/v1", issuers: [], extra: 1 }, "INVALID_REGISTRY", /unknown (key|property) "extra"/],
      [file([{ id: "a", keys: [{ publicKey: "00".repeat(32) }] }]), "INVALID_REGISTRY", /issuers\[0\]\.keys\[0\]\.publicKey/],
      [file([{ id: "a", keys: [{ publicKey: k }] }, { id: "b", keys: [{ publicKey: k }] }]), "INVALID_REGISTRY", /issuers\[1\]\.keys\[0\]\.publicKey/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { b: { current: "1" } }), "INVALID_REGISTRY", /"revocation" has unknown (key|property) "b"/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "01" } }), "INVALID_REGISTRY", /revocation\["a"\]\.current/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: FIELD_ORDER.toString() } }), "INVALID_REGISTRY", /current/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: 1 } }), "INVALID_REGISTRY", /current/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: {} } }), "INVALID_REGISTRY", /previous/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "0x1", replacedAt: "2026-01-01T00:00:00Z" }] } }), "INVALID_REGISTRY", /previous\[0\]\.root/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "2", replacedAt: "2026-02-30T00:00:00Z" }] } }), "INVALID_REGISTRY", /previous\[0\]\.replacedAt/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "2", replacedAt: "2026-01-01" }] } }), "INVALID_REGISTRY", /replacedAt/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "2", replacedAt: "2026-01-01T00:00:00" }] } }), "INVALID_REGISTRY", /replacedAt/],
      // One instant rule (core/validate): UTC "…Z" only, at most millisecond precision.
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "2", replacedAt: "2026-01-01T01:00:00+01:00" }] } }), "INVALID_REGISTRY", /replacedAt/],
      [file([{ id: "a", keys: [{ publicKey: k }] }], { a: { current: "1", previous: [{ root: "2", replacedAt: "2026-01-01T00:00:00.0000Z" }] } }), "INVALID_REGISTRY", /replacedAt/],
      [file([{ id: "a", keys: [{ publicKey: k }], extra: true }]), "INVALID_REGISTRY", /unknown (key|property) "extra"/],
      [file([{ id: "a", keys: [{ publicKey: k, validUntil: "2026-02-30" }] }]), "INVALID_REGISTRY", /validUntil/],
    ];
    for (const [content, code, field] of cases) {
      await writeRegistry(content);
      expectMedzkError(() => new JsonFileIssuerRegistry(path), code, field);
    }
  });

  it("picks up a rewritten file", async () => {
    const [oldKey, freshKey] = [newKey(), newKey()];
    await writeRegistry(file([{ id: "clinic", keys: [{ publicKey: oldKey }] }], { clinic: { current: "1" } }));
    const registry = new JsonFileIssuerRegistry(path);
    expect(keyRefusal((await registry.lookupKey(oldKey))!.key, day("2026-03-01"))).toBeUndefined();
    expect(await registry.lookupKey(freshKey)).toBeUndefined();

    await writeRegistry(
      file([{ id: "clinic", keys: [{ publicKey: oldKey, status: "retired" }, { publicKey: freshKey }] }], {
        clinic: { current: "2", previous: [{ root: "1", replacedAt: "2026-03-01T00:00:00Z" }] },
      }),
    );
    expect(keyRefusal((await registry.lookupKey(oldKey))!.key, day("2026-03-01"))?.code).toBe("ISSUER_KEY_RETIRED");
    expect((await registry.lookupKey(freshKey))?.issuer.id).toBe("clinic");
    expect((await registry.revocationRoots("clinic"))?.current).toBe("2");
    expect(registry.lastError).toBeUndefined();
  });

  it("keeps serving the last valid content when a rewrite is invalid, until a valid one arrives", async () => {
    const [k1, k2] = [newKey(), newKey()];
    await writeRegistry(file([{ id: "clinic", keys: [{ publicKey: k1 }] }], { clinic: { current: "7" } }));
    const registry = new JsonFileIssuerRegistry(path);

    await writeRegistry('{ "format": "medzk-issuers/v1", "issuers": [');
    expect((await registry.lookupKey(k1))?.issuer.id).toBe("clinic");
    expect(registry.lastError).toBeInstanceOf(MedzkError);
    expect(registry.lastError?.message).toMatch(/not valid JSON/);

    await writeRegistry(file([{ id: "clinic", keys: [{ publicKey: k1, validUntil: "2026-02-30" }] }]));
    expect((await registry.revocationRoots("clinic"))?.current).toBe("7");
    expect((registry.lastError as MedzkError).code).toBe("INVALID_REGISTRY");
    expect(keyRefusal((await registry.lookupKey(k1))!.key, day("2027-01-01"))).toBeUndefined();

    // A deleted file also leaves the last valid content in place.
    await rm(path);
    expect((await registry.lookupKey(k1))?.issuer.id).toBe("clinic");
    expect(registry.lastError?.message).toMatch(/ENOENT/);
    expect((registry.lastError as MedzkError).code).toBe("REGISTRY_UNREADABLE");

    await writeRegistry(file([{ id: "clinic", keys: [{ publicKey: k2 }] }]));
    expect(await registry.lookupKey(k1)).toBeUndefined();
    expect((await registry.lookupKey(k2))?.issuer.id).toBe("clinic");
    expect(await registry.revocationRoots("clinic")).toBeUndefined();
    expect(registry.lastError).toBeUndefined();
  });

  it("concurrent lookups after a rewrite all see the new version, as frozen snapshots", async () => {
    const key = newKey();
    await writeRegistry(file([{ id: "clinic", keys: [{ publicKey: key }] }]));
    const registry = new JsonFileIssuerRegistry(path);
    await writeRegistry(file([{ id: "clinic", name: "Renamed", keys: [{ publicKey: key }] }]));
    const results = await Promise.all(Array.from({ length: 20 }, () => registry.lookupKey(key)));
    expect(new Set(results.map((r) => r?.issuer)).size).toBe(1);
    expect(results[0]?.issuer.name).toBe("Renamed");
    expect(() => {
      results[0]!.key.status = "active";
    }).toThrow(TypeError);
    expect((await registry.lookupKey(key))?.key.status).toBeUndefined();
  });
});
