/**
 * importSmartHealthCard against the SMART Health Cards specification's own examples (every
 * example, in every form it is published in) and against cards a test issuer signs to show each
 * refusal: one byte altered, a removed key, a revoked rid, a future nbf, an untrusted issuer, a
 * zip other than DEF, an oversized payload.
 */
import { describe, expect, it } from "vitest";
import { importSmartHealthCard } from "../../../src/shc/import-card.js";
import type { ShcTrustDirectory } from "../../../src/shc/trust-directory.js";
import { rejectionCodeOf } from "../../helpers/errors.js";
import {
  EXAMPLES,
  EXAMPLES_VALID_AT,
  SPEC_ISS,
  SPEC_ISSUER_NAME,
  SPEC_KID,
  SPEC_KID_X5C,
  cardPayload,
  example,
  specCrl,
  specDirectory,
  specJwks,
  testCardIssuer,
  toQrTexts,
} from "../../helpers/shc.js";

const clock = () => EXAMPLES_VALID_AT;
const nbf = EXAMPLES_VALID_AT.getTime() / 1000 - 60;
const BUNDLE = { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "resource:0", resource: { resourceType: "Patient", birthDate: "1990-04-01" } }] };

async function refusal(input: Parameters<typeof importSmartHealthCard>[0], trustedIssuers: ShcTrustDirectory = specDirectory(), at = clock): Promise<string> {
  const result = await importSmartHealthCard(input, { trustedIssuers, clock: at });
  if (result.ok) throw new Error("imported, expected a refusal");
  expect(result.error.message.length).toBeGreaterThan(0);
  return result.error.code;
}

/** The JWS with the character at `index` of part `part` (0 header, 1 payload, 2 signature) replaced by another base64url character. */
function alter(jws: string, part: number, index: number): string {
  const parts = jws.split(".");
  const p = parts[part]!;
  parts[part] = p.slice(0, index) + (p[index] === "A" ? "B" : "A") + p.slice(index + 1);
  return parts.join(".");
}

/** The spec's CRL without example 03's entry: the directory of a verifier that has not seen the revocation. */
const unrevoked = () => {
  const crl = specCrl();
  return specDirectory({ crls: [{ ...crl, rids: crl.rids.filter((rid) => !rid.startsWith("vwAjHdarZuc")) }] });
};

describe("the specification's examples", () => {
  for (const n of EXAMPLES) {
    it(`example ${n} verifies and imports as a file, a JWS and QR text, with its bundle as published`, async () => {
      const ex = example(n);
      const forms = [ex.file, JSON.parse(ex.file), ex.jws, ex.qr, ex.qr.join("\n"), [...ex.qr].reverse()];
      for (const form of forms) {
        // Example 03 is the spec's revoked card: it imports only where its revocation is not listed (below).
        const result = await importSmartHealthCard(form, { trustedIssuers: n === "03" ? unrevoked() : specDirectory(), clock });
        if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
        expect(result.cards).toHaveLength(1);
        const [card] = result.cards;
        expect(card!.issuer).toEqual({ iss: SPEC_ISS, name: SPEC_ISSUER_NAME });
        expect(card!.kid).toBe(n === "01" ? SPEC_KID_X5C : SPEC_KID);
        expect(card!.jws).toBe(ex.jws);
        expect(card!.jwsSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(card!.rid).toBe(ex.payload.vc.rid);
        expect(card!.fhirVersion).toBe("4.0.1");
        expect(card!.bundle).toEqual(ex.payload.vc.credentialSubject.fhirBundle);
      }
    });
  }

  it("example 02 is a chunked set of three QR codes", () => {
    expect(example("02").qr.map((t) => t.slice(0, 9))).toEqual(["shc:/1/3/", "shc:/2/3/", "shc:/3/3/"]);
  });

  it("example 03, revoked by the spec's CRL (its rid, cards issued before a time after its nbf): REVOKED in every form", async () => {
    expect(specCrl().rids).toContain("vwAjHdarZuc.1687450765");
    const ex = example("03");
    for (const form of [ex.file, ex.jws, ex.qr]) expect(await refusal(form)).toBe("REVOKED");
    // A timestamp before its nbf revokes only earlier cards (§Revocation); no timestamp revokes every card with the rid.
    const listed = (rid: string) => specDirectory({ crls: [{ ...specCrl(), rids: [rid] }] });
    expect((await importSmartHealthCard(ex.jws, { trustedIssuers: listed("vwAjHdarZuc.1687450764"), clock })).ok).toBe(true);
    expect(await refusal(ex.jws, listed("vwAjHdarZuc"))).toBe("REVOKED");
  });

  it("example 03 carries exp 2024-06-21: refused as EXPIRED on the system clock", async () => {
    expect(await refusal(example("03").jws, unrevoked(), () => new Date())).toBe("EXPIRED");
  });
});

describe("refusals, each with its code", () => {
  it("one byte altered in the payload or the signature: BAD_SIGNATURE, in every form", async () => {
    const { jws } = example("00");
    const payload = jws.split(".")[1]!.length;
    for (const altered of [alter(jws, 1, 10), alter(jws, 1, payload >> 1), alter(jws, 2, 20)]) {
      expect(await refusal(altered)).toBe("BAD_SIGNATURE");
      expect(await refusal({ verifiableCredential: [altered] })).toBe("BAD_SIGNATURE");
      expect(await refusal(toQrTexts(altered))).toBe("BAD_SIGNATURE");
    }
    // In the header: the JSON breaks, or the kid names no key.
    expect(["MALFORMED_JWS", "UNKNOWN_KID"]).toContain(await refusal(alter(jws, 0, 40)));
  });

  it("a removed (revoked) key: UNKNOWN_KID; a key listing crlVersion without that list in the directory: REVOCATION_UNKNOWN", async () => {
    const keys = specJwks().keys.filter((k) => k.kid !== SPEC_KID);
    expect(await refusal(example("00").jws, specDirectory({ keys, crls: [] }))).toBe("UNKNOWN_KID");
    expect(await refusal(example("00").jws, specDirectory({ crls: [] }))).toBe("REVOCATION_UNKNOWN");
    const newer = specJwks().keys.map((k) => (k.kid === SPEC_KID ? { ...k, crlVersion: 2 } : k));
    expect(await refusal(example("00").jws, specDirectory({ keys: newer }))).toBe("REVOCATION_UNKNOWN");
  });

  it("a card from an issuer not in the directory: UNTRUSTED_ISSUER, also when it claims a trusted issuer's iss with its own key", async () => {
    const other = await testCardIssuer("https://clinic.example/shc");
    const card = await other.sign(cardPayload(other.iss, BUNDLE, nbf));
    expect(await refusal(card)).toBe("UNTRUSTED_ISSUER");
    // Trusted, the same card imports.
    expect((await importSmartHealthCard(card, { trustedIssuers: specDirectory({ more: [other.entry()] }), clock })).ok).toBe(true);
    // A key of one trusted issuer signing a card that claims another trusted issuer.
    expect(await refusal(await other.sign(cardPayload(SPEC_ISS, BUNDLE, nbf)), specDirectory({ more: [other.entry()] }))).toBe("UNTRUSTED_ISSUER");
    // A card claiming the trusted iss but signed by an unlisted key.
    expect(await refusal(await other.sign(cardPayload(SPEC_ISS, BUNDLE, nbf)))).toBe("UNKNOWN_KID");
  });

  it("nbf in the future: NOT_YET_VALID; exp in the past: EXPIRED; a revoked rid: REVOKED", async () => {
    const issuer = await testCardIssuer("https://clinic.example/shc");
    const trusted = specDirectory({ more: [issuer.entry()] });
    expect(await refusal(await issuer.sign(cardPayload(issuer.iss, BUNDLE, nbf + 3600)), trusted)).toBe("NOT_YET_VALID");
    expect(await refusal(await issuer.sign(cardPayload(issuer.iss, BUNDLE, nbf - 7200, { exp: nbf - 60 })), trusted)).toBe("EXPIRED");
    const crl = { kid: issuer.kid, method: "rid" as const, ctr: 1, rids: ["r1d"] };
    const withCrl = specDirectory({ more: [issuer.entry({ crlVersion: 1, crls: [crl] })] });
    expect(await refusal(await issuer.sign(cardPayload(issuer.iss, BUNDLE, nbf, { rid: "r1d" })), withCrl)).toBe("REVOKED");
    expect((await importSmartHealthCard(await issuer.sign(cardPayload(issuer.iss, BUNDLE, nbf, { rid: "other" })), { trustedIssuers: withCrl, clock })).ok).toBe(true);
  });

  it("zip other than DEF, alg other than ES256, other header keys, a payload that is not DEFLATE: their codes", async () => {
    const issuer = await testCardIssuer("https://clinic.example/shc");
    const trusted = specDirectory({ more: [issuer.entry()] });
    const payload = cardPayload(issuer.iss, BUNDLE, nbf);
    expect(await refusal(await issuer.sign(payload, { header: { alg: "ES256", kid: issuer.kid }, raw: true }), trusted)).toBe("ZIP_NOT_DEF");
    expect(await refusal(await issuer.sign(payload, { header: { alg: "ES256", zip: "GZIP", kid: issuer.kid } }), trusted)).toBe("ZIP_NOT_DEF");
    const es384 = `${Buffer.from(JSON.stringify({ alg: "ES384", zip: "DEF", kid: issuer.kid })).toString("base64url")}.AAAA.AAAA`;
    expect(await refusal(es384, trusted)).toBe("ALG_NOT_ES256");
    expect(await refusal(await issuer.sign(payload, { header: { alg: "ES256", zip: "DEF", kid: issuer.kid, typ: "JWT" } }), trusted)).toBe("MALFORMED_JWS");
    expect(await refusal(await issuer.sign(payload, { header: { alg: "ES256", zip: "DEF", kid: issuer.kid }, raw: true }), trusted)).toBe("MALFORMED_PAYLOAD");
  });

  it("a payload inflating past the bound, a JWS or a file over theirs: TOO_LARGE", async () => {
    const issuer = await testCardIssuer("https://clinic.example/shc");
    const trusted = specDirectory({ more: [issuer.entry()] });
    const padded = { ...BUNDLE, entry: [{ resource: { resourceType: "Patient", birthDate: "1990-04-01", note: "x".repeat(300_000) } }] };
    const bomb = await issuer.sign(cardPayload(issuer.iss, padded, nbf));
    expect(bomb.length).toBeLessThan(2000);
    expect(await refusal(bomb, trusted)).toBe("TOO_LARGE");
    const [header, , signature] = example("00").jws.split(".");
    expect(await refusal(`${header}.${"A".repeat(70_000)}.${signature}`)).toBe("TOO_LARGE");
    expect(await refusal({ verifiableCredential: Array.from({ length: 17 }, () => example("00").jws) })).toBe("TOO_LARGE");
  });

  it("claims and bundles that are not a health card's: MALFORMED_PAYLOAD, FHIR_BUNDLE_REFUSED", async () => {
    const issuer = await testCardIssuer("https://clinic.example/shc");
    const trusted = specDirectory({ more: [issuer.entry()] });
    const good = cardPayload(issuer.iss, BUNDLE, nbf) as { vc: Record<string, unknown> };
    const cases: Array<[unknown, string]> = [
      [{ ...good, sub: "x" }, "MALFORMED_PAYLOAD"],
      [{ ...good, nbf: "2024-01-01" }, "MALFORMED_PAYLOAD"],
      [{ ...good, vc: { ...good.vc, type: ["VerifiableCredential"] } }, "MALFORMED_PAYLOAD"],
      [{ ...good, vc: { ...good.vc, credentialSubject: { fhirVersion: "5.0.0", fhirBundle: BUNDLE } } }, "MALFORMED_PAYLOAD"],
      [{ ...good, vc: { ...good.vc, rid: "not a rid" } }, "MALFORMED_PAYLOAD"],
      [cardPayload(issuer.iss, { ...BUNDLE, type: "document" }, nbf), "FHIR_BUNDLE_REFUSED"],
      [cardPayload(issuer.iss, { resourceType: "Patient" }, nbf), "FHIR_BUNDLE_REFUSED"],
    ];
    for (const [payload, code] of cases) expect(await refusal(await issuer.sign(payload), trusted), JSON.stringify(payload).slice(0, 120)).toBe(code);
    // The strict FHIR R4 parser names the element.
    const badPatient = { ...BUNDLE, entry: [{ fullUrl: "resource:0", resource: { resourceType: "Patient", birthDate: 19900401 } }] };
    const refused = await importSmartHealthCard(await issuer.sign(cardPayload(issuer.iss, badPatient, nbf)), { trustedIssuers: trusted, clock });
    expect(refused).toEqual({ ok: false, error: { code: "FHIR_BUNDLE_REFUSED", message: expect.stringMatching(/^Bundle\.entry\[0\]\.resource\.birthDate: .*\(FHIR_MALFORMED\)$/) } });
    // Other vc.type entries are ignored, as the spec asks.
    const typed = { ...good, vc: { ...good.vc, type: ["https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization"] } };
    expect((await importSmartHealthCard(await issuer.sign(typed), { trustedIssuers: trusted, clock })).ok).toBe(true);
  });

  it("malformed QR text and chunk sets: MALFORMED_QR", async () => {
    const qr = example("02").qr;
    const single = example("00").qr[0]!;
    const cases: Array<string | string[]> = [
      [qr[0]!, qr[1]!], // a chunk missing
      [qr[0]!, qr[1]!, qr[1]!], // repeated
      [qr[0]!, qr[1]!, qr[2]!.replace("shc:/3/3/", "shc:/3/4/")], // inconsistent N
      qr[2]!.replace("shc:/3/3/", "shc:/4/3/"), // C > N
      "shc:/1/1/" + single.slice(5), // 1 of 1 is not a chunk set
      [single, qr[0]!], // single code mixed into a set
      single.slice(0, -1), // odd number of digits
      "shc:/" + "99" + single.slice(7), // a pair above 77
      "shc:/12a4",
    ];
    for (const input of cases) expect(await refusal(input), JSON.stringify(input).slice(0, 60)).toBe("MALFORMED_QR");
  });

  it("inputs that are no card: MALFORMED_INPUT or MALFORMED_JWS", async () => {
    expect(await refusal('{"verifiableCredential": []}')).toBe("MALFORMED_INPUT");
    expect(await refusal({ verifiableCredential: [example("00").jws], extra: 1 } as never)).toBe("MALFORMED_INPUT");
    expect(await refusal("{not json")).toBe("MALFORMED_INPUT");
    expect(await refusal(42 as never)).toBe("MALFORMED_INPUT");
    expect(await refusal(["not shc"])).toBe("MALFORMED_INPUT");
    expect(await refusal("a.b")).toBe("MALFORMED_JWS");
    expect(await refusal("a.b.c!")).toBe("MALFORMED_JWS");
  });

  it("a file is imported whole or not at all, and names the card at fault", async () => {
    const ok = await importSmartHealthCard({ verifiableCredential: [example("00").jws, example("01").jws] }, { trustedIssuers: specDirectory(), clock });
    expect(ok.ok && ok.cards.map((c) => c.kid)).toEqual([SPEC_KID, SPEC_KID_X5C]);
    const bad = await importSmartHealthCard({ verifiableCredential: [example("00").jws, alter(example("01").jws, 2, 5)] }, { trustedIssuers: specDirectory(), clock });
    expect(bad).toEqual({ ok: false, error: { code: "BAD_SIGNATURE", message: expect.stringMatching(/^verifiableCredential\[1\]: /) } });
  });
});

describe("the trust directory is the caller's: a malformed one throws INVALID_SHC_DIRECTORY", () => {
  const spec = specJwks().keys;
  const cases: Array<[string, unknown]> = [
    ["kid not the key's thumbprint", specDirectory({ keys: [{ ...spec[0]!, kid: SPEC_KID_X5C }] })],
    ["a private key", specDirectory({ keys: [{ ...spec[0]!, d: "AAAA" }] })],
    ["an RSA key", specDirectory({ keys: [{ ...spec[0]!, kty: "RSA" }] })],
    ["an unknown key member", specDirectory({ keys: [{ ...spec[0]!, extra: 1 } as never] })],
    ["a CRL for a key the issuer does not hold", specDirectory({ keys: [spec[1]!] })],
    ["a CRL of another method", specDirectory({ crls: [{ ...specCrl(), method: "other" as "rid" }] })],
    ["a malformed rid", specDirectory({ crls: [{ ...specCrl(), rids: ["has space"] }] })],
    ["an iss with a trailing slash", { issuerInfo: [{ issuer: { iss: `${SPEC_ISS}/`, name: "x" }, keys: [] }] }],
    ["an http iss", { issuerInfo: [{ issuer: { iss: "http://spec.smarthealth.cards/examples/issuer", name: "x" }, keys: [] }] }],
    ["an issuer listed twice", { issuerInfo: [...specDirectory().issuerInfo, ...specDirectory().issuerInfo] }],
    ["unknown top-level keys", { ...specDirectory(), participating_issuers: [] }],
  ];
  for (const [why, trustedIssuers] of cases) {
    it(why, async () => {
      expect(await rejectionCodeOf(() => importSmartHealthCard(example("00").jws, { trustedIssuers: trustedIssuers as ShcTrustDirectory, clock }))).toBe("INVALID_SHC_DIRECTORY");
    });
  }
});
