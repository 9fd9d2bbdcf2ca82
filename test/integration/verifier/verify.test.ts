/**
 * End to end: issue -> request -> prove -> verify for both statements, the date boundaries, and
 * every way a presentation can be wrong. Proofs are generated once and tampered with per test.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FIELD_ORDER } from "../../../src/core/field.js";
import { type ChallengeStore, MemoryChallengeStore, type Presentation, issueCredential, prove } from "../../../src/index.js";
import { clone, fixedClock, generateIssuerKey, generateVerifierKey, makeWorld, present, SCOPE, VERIFIER_KEY, verifierFor, type World } from "../../helpers/fixtures.js";

const NOW = "2026-06-15T12:00:00Z";
const AGE = { type: "ageAtLeast", minAge: 18 } as const;
const INSURED = { type: "insuranceActive", insurerId: "acme-health" } as const;

let world: World;
let agePresentation: Presentation;
let insurancePresentation: Presentation;

/** A fresh verifier (fresh challenge store) at NOW, sharing the signing key with the one that made the proofs. */
const freshVerifier = (extra = {}) => verifierFor(world, fixedClock(NOW), { key: VERIFIER_KEY, ...extra });

beforeAll(async () => {
  world = await makeWorld("2000-02-29");
  const v = freshVerifier();
  agePresentation = await present(v, world.record, world.patient, AGE, new Date(NOW));
  insurancePresentation = await present(v, world.coverage, world.patient, INSURED, new Date(NOW));
});

describe("honest presentations", () => {
  it("verifies ageAtLeast and returns the statement, nullifier and issuer", async () => {
    const result = await freshVerifier().verify(agePresentation);
    expect(result).toMatchObject({ ok: true, statement: AGE, asOf: "2026-06-15", scope: SCOPE, issuer: world.hospital.publicKey });
    expect(result.ok && result.nullifier).toBe(agePresentation.publicSignals[0]);
  });

  it("verifies insuranceActive", async () => {
    const result = await freshVerifier().verify(insurancePresentation);
    expect(result).toMatchObject({ ok: true, statement: INSURED, issuer: world.insurerKey.publicKey });
  });

  it("gives one holder the same nullifier within a scope and a different one in another scope", async () => {
    const a = await freshVerifier().verify(agePresentation);
    const b = await freshVerifier().verify(insurancePresentation);
    expect(a.ok && b.ok && a.nullifier === b.nullifier).toBe(true);
    const other = verifierFor(world, fixedClock(NOW)); // another key
    const p = await present(other, world.record, world.patient, AGE, new Date(NOW));
    const c = await other.verify(p);
    expect(c.ok && a.ok && c.nullifier !== a.nullifier).toBe(true);
  });

  it("reports proving progress in order", async () => {
    const stages: string[] = [];
    const v = freshVerifier();
    const request = v.createRequest({ statement: AGE });
    const p = await prove({ credential: world.record, holder: world.patient, request, now: new Date(NOW), onProgress: (e) => stages.push(e.stage) });
    expect(stages).toEqual(["checking", "loading-artifacts", "proving", "done"]);
    expect((await v.verify(p)).ok).toBe(true);
  });

  it("survives a JSON round trip (presentations are plain JSON)", async () => {
    const wire = JSON.parse(JSON.stringify(agePresentation));
    expect((await freshVerifier().verify(wire)).ok).toBe(true);
  });

  it("verifies with the snarkjs CLI and the shipped verification key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-cli-"));
    await writeFile(join(dir, "proof.json"), JSON.stringify(agePresentation.proof));
    await writeFile(join(dir, "public.json"), JSON.stringify(agePresentation.publicSignals));
    const cli = join(process.cwd(), "node_modules", "snarkjs", "build", "cli.cjs");
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli, "groth16", "verify", join(process.cwd(), "artifacts", "age_at_least.vkey.json"), join(dir, "public.json"), join(dir, "proof.json"),
    ]);
    expect(stdout).toContain("OK!");
  });
});

describe("date boundaries", () => {
  it("an 18th birthday: refused the day before, accepted on the day", async () => {
    const w = await makeWorld("2008-06-15");
    const dayBefore = fixedClock("2026-06-14T23:59:00Z");
    const v1 = verifierFor(w, dayBefore);
    await expect(present(v1, w.record, w.patient, AGE, dayBefore.clock())).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
    const onTheDay = fixedClock("2026-06-15T00:00:00Z");
    const v2 = verifierFor(w, onTheDay);
    const p = await present(v2, w.record, w.patient, AGE, onTheDay.clock());
    expect(await v2.verify(p)).toMatchObject({ ok: true, asOf: "2026-06-15" });
  });

  it("born 29 February: 18 on 1 March in a non-leap year, not on 28 February", async () => {
    const w = await makeWorld("2008-02-29");
    const feb28 = fixedClock("2026-02-28T12:00:00Z");
    await expect(present(verifierFor(w, feb28), w.record, w.patient, AGE, feb28.clock())).rejects.toMatchObject({
      code: "STATEMENT_NOT_SATISFIED",
    });
    const mar1 = fixedClock("2026-03-01T00:00:00Z");
    const v = verifierFor(w, mar1);
    expect(await v.verify(await present(v, w.record, w.patient, AGE, mar1.clock()))).toMatchObject({ ok: true, asOf: "2026-03-01" });
  });

  it("uses the verifier's UTC calendar day, not the local one", () => {
    // 23:30 in UTC-5 on 14 June is already 15 June in UTC.
    const clock = fixedClock("2026-06-15T04:30:00Z");
    const request = verifierFor(world, clock).createRequest({ statement: AGE });
    expect(request.asOf).toBe("2026-06-15");
  });

  it("coverage: first and last day accepted, the day before and the day after refused", async () => {
    for (const [day, ok] of [["2026-01-01", true], ["2026-12-31", true], ["2025-12-31", false], ["2027-01-01", false]] as const) {
      const clock = fixedClock(`${day}T08:00:00Z`);
      const v = verifierFor(world, clock);
      if (ok) {
        const p = await present(v, world.coverage, world.patient, INSURED, clock.clock());
        expect(await v.verify(p)).toMatchObject({ ok: true, asOf: day });
      } else {
        await expect(present(v, world.coverage, world.patient, INSURED, clock.clock())).rejects.toMatchObject({
          code: "STATEMENT_NOT_SATISFIED",
        });
      }
    }
  });

  it("insuranceActive for another insurer is refused by the prover", async () => {
    const v = freshVerifier();
    await expect(
      present(v, world.coverage, world.patient, { type: "insuranceActive", insurerId: "other-insurer" }, new Date(NOW)),
    ).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
  });
});

describe("issuer and holder", () => {
  it("refuses a credential from an issuer the verifier does not trust", async () => {
    const rogue = generateIssuerKey();
    const forged = await issueCredential(rogue, {
      schema: "patient-record/v1",
      holder: world.patient.commitment,
      attributes: { dateOfBirth: "1970-01-01" },
      now: new Date(NOW),
    });
    const v = freshVerifier();
    const p = await present(v, forged, world.patient, AGE, new Date(NOW));
    expect(await v.verify(p)).toMatchObject({ ok: false, error: { code: "UNTRUSTED_ISSUER" } });
  });

  it("a holder cannot prove over someone else's credential", async () => {
    const thief = await makeWorld();
    await expect(present(freshVerifier(), world.record, thief.patient, AGE, new Date(NOW))).rejects.toMatchObject({
      code: "HOLDER_MISMATCH",
    });
  });
});

describe("requests: replay, expiry, authenticity", () => {
  it("accepts a presentation once", async () => {
    const v = freshVerifier();
    expect((await v.verify(agePresentation)).ok).toBe(true);
    expect(await v.verify(agePresentation)).toMatchObject({ ok: false, error: { code: "REQUEST_REPLAYED" } });
  });

  it("accepts exactly one of many concurrent submissions", async () => {
    const v = freshVerifier();
    const results = await Promise.all(Array.from({ length: 20 }, () => v.verify(clone(agePresentation))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.code === "REQUEST_REPLAYED")).toHaveLength(19);
  });

  it("refuses an expired request", async () => {
    const clock = fixedClock(NOW);
    const v = verifierFor(world, clock, { key: VERIFIER_KEY });
    clock.advance(5 * 60 * 1000); // the default TTL is 300 s
    expect(await v.verify(agePresentation)).toMatchObject({ ok: false, error: { code: "REQUEST_EXPIRED" } });
  });

  it("refuses requests issued by another verifier (different signing key)", async () => {
    const v = verifierFor(world, fixedClock(NOW)); // a new key
    expect(await v.verify(agePresentation)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });

  it("refuses any edit of the echoed request: statement, as-of date, expiry, purpose, response URL, key, challenge, signature", async () => {
    const edits: Array<(p: Presentation) => void> = [
      (p) => void (p.request.statement = { type: "ageAtLeast", minAge: 17 }),
      (p) => void (p.request.asOf = "2026-06-14"),
      (p) => void (p.request.expiresAt = "2099-01-01T00:00:00.000Z"),
      (p) => void (p.request.purpose = "claims"),
      (p) => void (p.request.responseUrl = "https://attacker.example/"),
      (p) => void (p.request.verifier = generateVerifierKey().publicKey),
      (p) => void (p.request.signature = p.request.signature.slice(0, -2) + (p.request.signature.endsWith("00") ? "01" : "00")),
      (p) => void (p.request.challenge = "1"),
    ];
    for (const edit of edits) {
      const p = clone(agePresentation);
      edit(p);
      expect(await freshVerifier().verify(p)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
    }
  });

  it("refuses a presentation made for another request of the same verifier", async () => {
    const v = freshVerifier();
    const other = v.createRequest({ statement: AGE });
    const p = clone(agePresentation);
    p.request = other; // authentic request, proof bound to a different challenge
    expect(await v.verify(p)).toMatchObject({ ok: false, error: { code: "CHALLENGE_MISMATCH" } });
    expect(await v.verify(agePresentation, { expected: other })).toMatchObject({ ok: false, error: { code: "REQUEST_MISMATCH" } });
    expect((await v.verify(agePresentation, { expected: agePresentation.request.challenge })).ok).toBe(true);
  });

  it("refuses a proof of one statement presented against a request for another", async () => {
    const v = freshVerifier();
    const insuranceRequest = v.createRequest({ statement: INSURED });
    const p = clone(agePresentation);
    p.request = insuranceRequest;
    // The presentation names the age circuit, the request needs the insurance one.
    expect(await v.verify(p)).toMatchObject({ ok: false, error: { code: "KEY_MISMATCH" } });
    // A v1 presentation names no circuit: several signals disagree, and the first the verifier compares decides the code.
    const { key: _key, ...v1 } = { ...p, format: "medzk-presentation/v1" };
    const result = await v.verify(v1);
    expect(result.ok).toBe(false);
    expect(["UNTRUSTED_ISSUER", "STATEMENT_MISMATCH", "CHALLENGE_MISMATCH", "INVALID_PROOF"]).toContain(
      !result.ok && result.error.code,
    );
  });

  it("reports an INTERNAL_ERROR's cause to onInternalError, not to the caller", async () => {
    const seen: Array<[unknown, unknown]> = [];
    let broken = false;
    const clock = () => (broken ? new Date(Number.NaN) : new Date(NOW));
    const v = freshVerifier({ clock, onInternalError: (error: unknown, context: unknown) => seen.push([error, context]) });
    broken = true;
    const result = await v.verify(agePresentation);
    expect(result).toEqual({ ok: false, error: { code: "INTERNAL_ERROR", message: "verification failed unexpectedly" } });
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toMatchObject({ name: "MedzkError", code: "INVALID_ARGUMENT", message: expect.stringContaining("clock") });
    expect(seen[0]![1]).toEqual({ operation: "verify" });
    expect(await v.verifyBatch([agePresentation])).toEqual([result]);
    expect(seen[1]![1]).toEqual({ operation: "verifyBatch", item: 0 });
    // A throwing hook changes nothing for the caller.
    const loud = freshVerifier({ clock, onInternalError: () => { throw new Error("logger down"); } });
    expect(await loud.verify(agePresentation)).toEqual(result);
  });

  it("fails closed when the challenge store is unreachable", async () => {
    const down: ChallengeStore = { consume: async () => Promise.reject(new Error("ECONNREFUSED")) };
    const v = freshVerifier({ challengeStore: down });
    expect(await v.verify(agePresentation)).toMatchObject({ ok: false, error: { code: "STORE_UNAVAILABLE" } });
  });

  it("two verifier instances sharing a key and a store accept a presentation once", async () => {
    const store = new MemoryChallengeStore({ clock: () => new Date(NOW) });
    const a = freshVerifier({ challengeStore: store });
    const b = freshVerifier({ challengeStore: store });
    const [ra, rb] = await Promise.all([a.verify(clone(agePresentation)), b.verify(clone(agePresentation))]);
    expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
  });
});

describe("tampered public signals", () => {
  const expectCode = async (p: unknown, code: string) =>
    expect(await freshVerifier().verify(p)).toMatchObject({ ok: false, error: { code } });
  const withSignals = (f: (s: string[]) => unknown[]) => {
    const p = clone(agePresentation) as { publicSignals: unknown[] };
    p.publicSignals = f([...agePresentation.publicSignals]);
    return p;
  };

  it("refuses each signal changed by one", async () => {
    const codes = ["INVALID_PROOF", "UNTRUSTED_ISSUER", "UNTRUSTED_ISSUER", "UNKNOWN_REVOCATION_ROOT", "AS_OF_MISMATCH", "STATEMENT_MISMATCH", "CHALLENGE_MISMATCH", "SCOPE_MISMATCH"];
    for (let i = 0; i < 8; i++) {
      await expectCode(withSignals((s) => s.map((v, j) => (j === i ? ((BigInt(v) + 1n) % FIELD_ORDER).toString() : v))), codes[i]!);
    }
  });

  it("refuses aliased signals (value + r) and every non-canonical spelling", async () => {
    for (let i = 0; i < 8; i++) {
      await expectCode(withSignals((s) => s.map((v, j) => (j === i ? (BigInt(v) + FIELD_ORDER).toString() : v))), "NON_CANONICAL_SIGNAL");
    }
    const minAge = agePresentation.publicSignals[5]!;
    for (const spelled of [`0${minAge}`, `0x${BigInt(minAge).toString(16)}`, ` ${minAge}`, `+${minAge}`, `${minAge}.0`, Number(minAge), null, [minAge]]) {
      await expectCode(withSignals((s) => s.map((v, j) => (j === 5 ? spelled : v))), "NON_CANONICAL_SIGNAL");
    }
  });

  it("refuses a wrong number of signals", async () => {
    await expectCode(withSignals((s) => s.slice(0, 7)), "PUBLIC_SIGNAL_COUNT");
    await expectCode(withSignals((s) => [...s, "0"]), "PUBLIC_SIGNAL_COUNT");
    await expectCode(withSignals(() => []), "PUBLIC_SIGNAL_COUNT");
  });
});

describe("tampered proofs and hostile input", () => {
  const verify = (p: unknown) => freshVerifier().verify(p);

  it("refuses swapped, altered or off-curve proof points", async () => {
    const swapped = clone(agePresentation);
    [swapped.proof.pi_a, swapped.proof.pi_c] = [swapped.proof.pi_c, swapped.proof.pi_a];
    expect(await verify(swapped)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });

    const offCurve = clone(agePresentation);
    offCurve.proof.pi_a[0] = (BigInt(offCurve.proof.pi_a[0]) + 1n).toString();
    expect(await verify(offCurve)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });

    // A point on the G2 curve that is not in the prime-order subgroup (the twist's cofactor is huge).
    const { bn254 } = await import("@noble/curves/bn254");
    const Fp2 = bn254.fields.Fp2;
    const x = Fp2.fromBigTuple([2n, 1n]);
    const y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), bn254.G2.CURVE.b));
    expect(bn254.G2.ProjectivePoint.fromAffine({ x, y }).isTorsionFree()).toBe(false);
    const outside = clone(agePresentation);
    outside.proof.pi_b = [[x.c0.toString(), x.c1.toString()], [y.c0.toString(), y.c1.toString()], ["1", "0"]];
    expect(await verify(outside)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF", message: expect.stringContaining("curve point") } });

    const bSwapped = clone(agePresentation);
    bSwapped.proof.pi_b[0] = [bSwapped.proof.pi_b[0][1], bSwapped.proof.pi_b[0][0]];
    expect(await verify(bSwapped)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });

    // A valid proof for the other circuit is not a proof for this one.
    const crossed = clone(agePresentation);
    crossed.proof = clone(insurancePresentation.proof);
    expect(await verify(crossed)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });
  });

  it("refuses malformed proofs with MALFORMED_PROOF", async () => {
    const variants: Array<(p: any) => void> = [
      (p) => delete p.proof,
      (p) => (p.proof.protocol = "plonk"),
      (p) => (p.proof.pi_a[2] = "2"),
      (p) => (p.proof.pi_a = p.proof.pi_a.slice(0, 2)),
      (p) => (p.proof.pi_c[0] = `0x${BigInt(p.proof.pi_c[0]).toString(16)}`),
      (p) => (p.proof.pi_b[0][0] = "21888242871839275222246405745257275088696311157297823662689037894645226208583"),
      (p) => (p.proof.pi_b = "nope"),
    ];
    for (const edit of variants) {
      const p = clone(agePresentation);
      edit(p);
      expect(await verify(p)).toMatchObject({ ok: false, error: { code: "MALFORMED_PROOF" } });
    }
  });

  it("refuses unknown keys anywhere in the presentation (mutations that used to verify)", async () => {
    const mutations: Array<[(p: any) => void, string]> = [
      [(p) => (p.valid = 1), "MALFORMED_PRESENTATION"],
      [(p) => (p.statement = []), "MALFORMED_PRESENTATION"],
      [(p) => (p.request.extra = "1"), "MALFORMED_PRESENTATION"],
      [(p) => (p.proof.nullifier = "1"), "MALFORMED_PROOF"],
      [(p) => (p.proof.pi_a = ["0", "0", "1"]), "MALFORMED_PROOF"],
      [(p) => (p.proof.pi_c = ["0", "1", "0"]), "MALFORMED_PROOF"],
      [(p) => (p.proof.pi_b = [["0", "0"], ["0", "0"], ["1", "0"]]), "MALFORMED_PROOF"],
    ];
    for (const [edit, code] of mutations) {
      const p = clone(agePresentation);
      edit(p);
      expect(await verify(p)).toMatchObject({ ok: false, error: { code } });
      expect(await freshVerifier().verifyBatch([p, agePresentation])).toMatchObject([{ ok: false, error: { code } }, { ok: true }]);
    }
  });

  it("never throws on hostile shapes", async () => {
    const hostile: unknown[] = [
      undefined, null, 0, "presentation", [], {}, { format: "medzk-presentation/v1" },
      { ...clone(agePresentation), request: null },
      { ...clone(agePresentation), request: { ...clone(agePresentation).request, statement: { type: "nope" } } },
      { ...clone(agePresentation), request: { ...clone(agePresentation).request, extra: 1 } },
      { ...clone(agePresentation), publicSignals: "1,2,3" },
      { ...clone(agePresentation), publicSignals: new Array(100_000).fill("1") },
      JSON.parse(`{"__proto__": {"ok": true}, "format": "medzk-presentation/v1"}`),
      Object.create(null),
    ];
    for (const h of hostile) {
      const result = await verify(h);
      expect(result.ok).toBe(false);
      expect(typeof (!result.ok && result.error.code)).toBe("string");
    }
  });

  it("refuses an echoed statement nested too deeply as malformed, before hashing it (no stack overflow)", async () => {
    const nest = (depth: number): Record<string, unknown> => {
      let node: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < depth; i++) node = { inner: node };
      return { type: "ageAtLeast", minAge: 18, ...node };
    };
    for (const depth of [17, 50_000]) {
      const p = clone(agePresentation) as unknown as { request: { statement: unknown } };
      p.request.statement = nest(depth);
      expect(await verify(p)).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
    }
    // A shallow extra field still reaches the MAC check (and fails it there).
    const shallow = clone(agePresentation) as unknown as { request: { statement: unknown } };
    shallow.request.statement = nest(3);
    expect(await verify(shallow)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });
});
