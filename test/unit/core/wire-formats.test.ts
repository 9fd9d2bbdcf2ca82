/**
 * Mutation tests of every wire format's parser: an unknown key at each level, each key removed,
 * wrong types; each refused with the format's stable code, never a crash.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Credential, checkCredential } from "../../../src/core/credential.js";
import { FIELD_ORDER } from "../../../src/core/field.js";
import { PRESENTATION_FORMAT, parsePresentation } from "../../../src/core/presentation.js";
import { type ProofRequest, REQUEST_FORMAT, checkRequest, parseRequest } from "../../../src/core/request.js";
import { issueCredential } from "../../../src/issuer/issue-credential.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { createHolder } from "../../../src/prover/holder.js";
import { rejectionCodeOf } from "../../helpers/errors.js";

const request: ProofRequest = {
  format: REQUEST_FORMAT,
  verifier: "cd".repeat(32),
  purpose: "claims",
  responseUrl: "https://insurer.example/v1/verify",
  challenge: "12345",
  asOf: "2026-03-01",
  statement: { type: "ageAtLeast", minAge: 18 },
  expiresAt: "2026-03-01T12:05:00.000Z",
  signature: "ab".repeat(64),
};
/** The keys a request must have; `purpose` and `responseUrl` are optional. */
const REQUIRED = ["format", "verifier", "challenge", "asOf", "statement", "expiresAt", "signature"];
/** A 0.1 request: refused (INVALID_REQUEST to the prover, MALFORMED_PRESENTATION to a verifier). */
const V1 = {
  format: "medzk-request/v1",
  challenge: "12345",
  scope: "acme/claims",
  asOf: "2026-03-01",
  statement: { type: "ageAtLeast", minAge: 18 },
  expiresAt: "2026-03-01T12:05:00.000Z",
  mac: "ab".repeat(32),
};

/** The code of the MedzkError `f` throws or rejects with (sync parsers and async checks alike). */
const codeOf = (f: () => unknown) => rejectionCodeOf(async () => f());

function without(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = value;
  return rest;
}

describe("request (INVALID_REQUEST)", () => {
  it("parses a well-formed request to an equal value", () => {
    expect(parseRequest(JSON.parse(JSON.stringify(request)))).toEqual(request);
    expect(checkRequest(request)).toEqual({ ok: true, value: request });
  });

  it("takes purpose and responseUrl as optional", () => {
    const { purpose: _p, responseUrl: _r, ...bare } = request;
    expect(parseRequest(bare)).toEqual(bare);
    expect(parseRequest(without({ ...request }, "purpose"))).toEqual(without({ ...request }, "purpose"));
  });

  it("refuses a medzk-request/v1 request and a v2 request carrying v1's scope or mac", async () => {
    expect(await codeOf(() => parseRequest(V1))).toBe("INVALID_REQUEST");
    expect(await codeOf(() => parseRequest({ ...request, scope: "acme/claims" }))).toBe("INVALID_REQUEST");
    expect(await codeOf(() => parseRequest({ ...request, mac: "ab".repeat(32) }))).toBe("INVALID_REQUEST");
    const parsed = parsePresentation({ format: PRESENTATION_FORMAT, request: V1, proof: {}, publicSignals: [] });
    expect(parsed).toMatchObject({ ok: false, code: "MALFORMED_PRESENTATION" });
  });

  it("refuses an unknown key and each missing key, naming it", async () => {
    expect(await codeOf(() => parseRequest({ ...request, valid: 1 }))).toBe("INVALID_REQUEST");
    expect(() => parseRequest({ ...request, valid: 1 })).toThrow(/"valid"/);
    for (const key of REQUIRED) {
      expect(await codeOf(() => parseRequest(without({ ...request }, key))), key).toBe("INVALID_REQUEST");
      expect(() => parseRequest(without({ ...request }, key))).toThrow(new RegExp(`request\\.${key}`));
      expect(checkRequest(without({ ...request }, key)).ok).toBe(false);
    }
  });

  const wrong: Record<string, unknown[]> = {
    format: ["medzk-request/v1", "medzk-request/v3", 1, null],
    verifier: ["CD".repeat(32), "cd".repeat(31), "cd".repeat(33), "", 5, null],
    purpose: ["", "x".repeat(65), "claims/2026", "a b", "ünïcode", "claims\u0000", 7, null],
    responseUrl: [
      "", "/v1/verify", "insurer.example/v1/verify", "http://insurer.example/v1/verify", "ftp://insurer.example/",
      "https://user:pw@insurer.example/", "https://insurer.example/#frag", "https://INSURER.example/", "https://insurer.example",
      `https://insurer.example/${"x".repeat(2048)}`, "javascript:alert(1)", 7, null,
    ],
    challenge: [12345, "012345", FIELD_ORDER.toString(), "-1", "0x10"],
    asOf: ["2026-02-30", "2026-03-01T00:00:00Z", 20260301],
    statement: [null, [], "ageAtLeast", { minAge: 18 }, { type: 1 }],
    expiresAt: [
      "2026-03-01T12:05:00+00:00", "2026-03-01T12:05:00", "2026-02-30T00:00:00Z", "Sun, 01 Mar 2026 12:05:00 GMT",
      Date.parse("2026-03-01T12:05:00Z"), null,
    ],
    signature: ["AB".repeat(64), "ab".repeat(63), "ab".repeat(65), "ab".repeat(32), 5, null],
  };
  for (const [key, values] of Object.entries(wrong)) {
    it(`refuses a wrong ${key}`, async () => {
      for (const value of values) {
        expect(await codeOf(() => parseRequest({ ...request, [key]: value })), `${key}=${String(value)}`).toBe("INVALID_REQUEST");
        expect(checkRequest({ ...request, [key]: value }).ok).toBe(false);
      }
    });
  }

  it("refuses a statement nested deeper than 16 levels without overflowing", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkRequest({ ...request, statement: { type: "query", where: deep } }).ok).toBe(false);
  });

  it("refuses non-objects", () => {
    for (const bad of [null, undefined, "x", 1, [request], new Map()]) expect(checkRequest(bad).ok).toBe(false);
  });
});

describe("presentation envelope (MALFORMED_PRESENTATION, never throws)", () => {
  const proof = { pi_a: ["1", "2", "1"], pi_b: [["1", "2"], ["3", "4"], ["1", "0"]], pi_c: ["1", "2", "1"], protocol: "groth16", curve: "bn128" };
  const key = { circuit: "age_at_least", id: "ab".repeat(32) };
  const presentation = { format: PRESENTATION_FORMAT, request, key, proof, publicSignals: ["1", "2"] };

  it("parses the envelope and passes the proof through untouched", () => {
    const parsed = parsePresentation(JSON.parse(JSON.stringify(presentation)));
    expect(parsed).toEqual({ ok: true, value: presentation });
  });

  it("reads the older medzk-presentation/v1 (no key) as such; refuses a key in v1 and a malformed key in v2", () => {
    const { key: _key, ...v1 } = { ...presentation, format: "medzk-presentation/v1" };
    expect(parsePresentation(v1)).toEqual({ ok: true, value: v1 });
    for (const bad of [
      { ...v1, key },
      { ...presentation, format: "medzk-presentation/v3" },
      { ...presentation, key: { ...key, extra: 1 } },
      { ...presentation, key: { circuit: "age_at_least" } },
      { ...presentation, key: { ...key, id: "AB".repeat(32) } },
      { ...presentation, key: { ...key, circuit: "../x" } },
      { ...presentation, key: "age_at_least" },
      { ...presentation, format: 2n },
    ]) {
      expect(parsePresentation(bad), Object.keys(bad).join(",")).toMatchObject({ ok: false, code: "MALFORMED_PRESENTATION" });
    }
  });

  it("refuses an unknown key at the top and inside the request, and each missing key", () => {
    for (const bad of [
      { ...presentation, valid: 1 },
      { ...presentation, request: { ...request, nullifier: "1" } },
      ...Object.keys(presentation).map((key) => without(presentation, key)),
      ...REQUIRED.map((key) => ({ ...presentation, request: without({ ...request }, key) })),
    ]) {
      const parsed = parsePresentation(bad);
      expect(parsed.ok, JSON.stringify(bad).slice(0, 80)).toBe(false);
      if (!parsed.ok) expect(parsed.code).toBe("MALFORMED_PRESENTATION");
    }
  });

  it("refuses wrong types and never throws", () => {
    for (const bad of [
      null, undefined, 1, "x", [], [presentation],
      { ...presentation, format: "medzk-presentation/v3" },
      { ...presentation, publicSignals: "1,2" },
      { ...presentation, publicSignals: { 0: "1" } },
      { ...presentation, publicSignals: new Array(257).fill("1") },
      { ...presentation, request: "x" },
      { ...presentation, request: { ...request, statement: [] } },
    ]) {
      expect(() => parsePresentation(bad)).not.toThrow();
      const parsed = parsePresentation(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.code).toBe("MALFORMED_PRESENTATION");
    }
  });
});

describe("credential (INVALID_CREDENTIAL)", () => {
  let credential: Credential;
  beforeAll(async () => {
    const holder = createHolder();
    credential = await issueCredential(generateIssuerKey(), {
      schema: "patient-record/v1",
      holderCommitment: holder.commitment,
      attributes: { dateOfBirth: "1990-04-01" },
      clock: () => new Date("2026-01-01T00:00:00Z"),
    });
  });

  it("accepts the issued credential and its JSON round trip", async () => {
    const checked = await checkCredential(JSON.parse(JSON.stringify(credential)));
    expect(checked.holderCommitment.toString()).toBe(credential.holder);
    expect(checked.holder).toBe(checked.holderCommitment);
  });

  it("refuses an unknown key at the top and in the signature, and each missing key", async () => {
    const c = credential as unknown as Record<string, unknown>;
    expect(await codeOf(() => checkCredential({ ...c, valid: true }))).toBe("INVALID_CREDENTIAL");
    expect(await codeOf(() => checkCredential({ ...c, signature: { ...credential.signature, extra: "1" } }))).toBe("INVALID_CREDENTIAL");
    for (const key of Object.keys(c)) {
      expect(await codeOf(() => checkCredential(without(c, key))), key).toBe("INVALID_CREDENTIAL");
    }
    for (const key of Object.keys(credential.signature)) {
      const signature = without(credential.signature as unknown as Record<string, unknown>, key);
      expect(await codeOf(() => checkCredential({ ...c, signature })), key).toBe("INVALID_CREDENTIAL");
    }
  });

  it("refuses wrong types", async () => {
    const c = credential as unknown as Record<string, unknown>;
    for (const [key, value] of [
      ["format", "medzk-credential/v1"], ["issuer", "00".repeat(32)], ["holder", 5], ["salt", `0${credential.salt}`],
      ["issuedAt", "2026-02-30"], ["expiresAt", "2026-01-01T00:00:00Z"], ["revocationSlot", -1], ["revocationSlot", "0"],
      ["revocationSlot", 1_015_808], ["signature", null], ["signature", [1, 2, 3]], ["schema", "no-such-schema/v1"],
    ] as const) {
      expect(await codeOf(() => checkCredential({ ...c, [key]: value })), `${key}=${String(value)}`).toBe("INVALID_CREDENTIAL");
    }
    for (const bad of [null, undefined, "x", [credential]]) expect(await codeOf(() => checkCredential(bad))).toBe("INVALID_CREDENTIAL");
    // A re-signed field fails the signature, not the shape.
    expect(await codeOf(() => checkCredential({ ...c, revocationSlot: 1 }))).toBe("INVALID_CREDENTIAL");
  });
});
