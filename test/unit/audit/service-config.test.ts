/** The service's `audit` config and the entry it records for each kind of verification. */
import { describe, expect, it } from "vitest";
import { auditLogId, chainEntry } from "../../../src/audit/entry.js";
import { parseServiceConfig } from "../../../src/server/config.js";
import { auditEntryOf } from "../../../src/server/audit.js";
import { presetIndex } from "../../../src/server/presets.js";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { codeOf } from "../../helpers/errors.js";

const KEY = generateVerifierKey();
const base = { presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [generateIssuerKey().publicKey], signingKey: { hex: KEY.privateKey } };
const parse = (audit: unknown) => parseServiceConfig({ ...base, audit }, { baseDir: "/srv/medzk" });

describe("audit config", () => {
  it("resolves paths and fills in checkpointEvery", () => {
    expect(parse({ file: "audit.jsonl", anchor: { file: "anchors.jsonl" } }).audit).toEqual({ file: "/srv/medzk/audit.jsonl", anchor: { file: "/srv/medzk/anchors.jsonl" }, checkpointEvery: 100, checkpointSeconds: 3600 });
    expect(parse({ postgres: { url: "postgres://medzk@db/medzk" }, anchor: { file: "/a.jsonl" }, checkpointEvery: 10, checkpointSeconds: 60 }).audit).toEqual({ postgres: { url: "postgres://medzk@db/medzk" }, anchor: { file: "/a.jsonl" }, checkpointEvery: 10, checkpointSeconds: 60 });
    expect(parseServiceConfig(base).audit).toBeUndefined();
  });

  it("refuses mistakes, naming the field and never echoing the URL", () => {
    for (const [audit, mentions] of [
      [{}, "exactly one"],
      [{ file: "a", postgres: { url: "postgres://x" } }, "exactly one"],
      [{ file: "a", checkpointEvery: 5 }, "need \"audit.anchor\""],
      [{ file: "a", checkpointSeconds: 5 }, "need \"audit.anchor\""],
      [{ file: "a", anchor: { file: "b" }, checkpointSeconds: 0 }, "audit.checkpointSeconds"],
      [{ file: "a", anchor: { file: "b" }, checkpointEvery: 0 }, "audit.checkpointEvery"],
      [{ postgres: { url: "mysql://user:secret@x" } }, "audit.postgres.url"],
      [{ file: "a", anchor: "b" }, "audit.anchor"],
      [{ file: "a", extra: 1 }, "extra"],
    ] as const) {
      let message = "";
      expect(codeOf(() => { try { parse(audit); } catch (e) { message = (e as Error).message; throw e; } })).toBe("INVALID_ARGUMENT");
      expect(message).toContain(mentions);
      expect(message).not.toContain("secret");
    }
  });
});

describe("the entry of a verification", () => {
  const presets = presetIndex({ adult: { type: "ageAtLeast", minAge: 18 } });
  const context = { presets, purpose: "claims", now: new Date("2026-06-15T12:00:00Z") };
  const request = { format: "medzk-request/v2", verifier: KEY.publicKey, purpose: "claims", challenge: "77", asOf: "2026-06-15", statement: { type: "ageAtLeast", minAge: 18 }, expiresAt: "2026-06-15T12:05:00.000Z", signature: "00".repeat(64) };
  const presentation = (statement: unknown, nullifier: unknown) => ({ format: "medzk-presentation/v1", request: { ...request, statement }, proof: {}, publicSignals: [nullifier, "1", "2"] });
  const valid = (entry: ReturnType<typeof auditEntryOf>) => chainEntry(entry, 0, auditLogId(KEY.publicKey));

  it("records a refusal with what the presentation claims, when it parses, and its nullifier only when the refusal came after the proof", () => {
    const entry = (code: string, nullifier = "123") =>
      auditEntryOf({ result: { ok: false, error: { code, message: "x" } } as never, presentation: presentation({ type: "ageAtLeast", minAge: 18 }, nullifier), expected: "77" }, KEY.publicKey, context);
    const claimed = { time: "2026-06-15T12:00:00.000Z", verifier: KEY.publicKey, purpose: "claims", preset: "adult", statement: { type: "ageAtLeast", minAge: 18 }, requestId: "77" };
    // Anyone can send a presentation carrying someone's nullifier: refused before (or by) the
    // proof check, it proves nothing, and is not filed under that nullifier.
    for (const code of ["INVALID_PROOF", "MALFORMED_PROOF", "CHALLENGE_MISMATCH", "SCOPE_MISMATCH", "REQUEST_MISMATCH", "REQUEST_EXPIRED", "UNTRUSTED_ISSUER", "STALE_REVOCATION_ROOT", "KEY_MISMATCH", "REGISTRY_UNAVAILABLE", "INTERNAL_ERROR"]) {
      expect(entry(code)).toEqual({ ...claimed, result: code, nullifier: null });
      valid(entry(code));
    }
    // Refused after the proof verified against the verifier's own request: the nullifier is proven.
    for (const code of ["REQUEST_REPLAYED", "STORE_UNAVAILABLE", "UNKNOWN_PRESET"]) {
      expect(entry(code)).toEqual({ ...claimed, result: code, nullifier: "123" });
      expect(entry(code, "0123").nullifier).toBeNull();
      valid(entry(code));
    }
  });

  it("keeps hostile claims out: a non-canonical nullifier, an unstorable statement, garbage", () => {
    const odd = auditEntryOf({ result: { ok: false, error: { code: "NON_CANONICAL_SIGNAL", message: "x" } }, presentation: presentation({ type: "ageAtLeast", minAge: 18.5 }, "0123"), expected: undefined }, KEY.publicKey, context);
    expect(odd).toMatchObject({ nullifier: null, requestId: "77" });
    valid(odd);
    const garbage = auditEntryOf({ result: { ok: false, error: { code: "MALFORMED_PRESENTATION", message: "x" } }, presentation: { format: "nope", nullifier: "5" }, expected: { challenge: "x1" } as never }, KEY.publicKey, context);
    expect(garbage).toMatchObject({ statement: null, preset: null, nullifier: null, requestId: null, result: "MALFORMED_PRESENTATION" });
    valid(garbage);
  });
});
