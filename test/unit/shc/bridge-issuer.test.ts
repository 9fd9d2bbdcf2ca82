/**
 * issueFromSmartHealthCard: the spec's example card becomes credentials signed by the bridge,
 * bound to the holder and sealed to it, each naming the card it came from; a refused card or
 * Bundle issues nothing; an immunization of a vaccine the mapping table lacks is left out, named.
 */
import { describe, expect, it } from "vitest";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { RevocationRegistry } from "../../../src/issuer/revocation-registry.js";
import { createHolder, holderEncryptionKey } from "../../../src/prover/holder.js";
import { openCredential } from "../../../src/prover/open-credential.js";
import { issueFromSmartHealthCard } from "../../../src/shc/bridge-issuer.js";
import { rejectionCodeOf } from "../../helpers/errors.js";
import { EXAMPLES_VALID_AT, SPEC_ISS, SPEC_ISSUER_NAME, SPEC_KID, cardPayload, example, specDirectory, testCardIssuer } from "../../helpers/shc.js";

const clock = () => EXAMPLES_VALID_AT;
const nbf = EXAMPLES_VALID_AT.getTime() / 1000 - 60;
const bridge = generateIssuerKey();
const holder = createHolder();
const options = (extra: Record<string, unknown> = {}) => ({ holderCommitment: holder.commitment, holderEncryptionKey: holderEncryptionKey(holder), trustedIssuers: specDirectory(), clock, ...extra });

const patient = { fullUrl: "resource:0", resource: { resourceType: "Patient", name: [{ family: "Anyperson" }], birthDate: "1990-04-01" } };
const immunization = (code: string, date: string, status = "completed") => ({
  resourceType: "Immunization",
  status,
  vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code }] },
  patient: { reference: "resource:0" },
  occurrenceDateTime: date,
});
const bundle = (...immunizations: object[]) => ({
  resourceType: "Bundle",
  type: "collection",
  entry: [patient, ...immunizations.map((resource, i) => ({ fullUrl: `resource:${i + 1}`, resource }))],
});

describe("issueFromSmartHealthCard", () => {
  it("the spec's example 00: a patient record and a COVID-19 immunization per known dose, signed by the bridge, bound to the holder, sealed to it, each naming its card", async () => {
    // SMART Health Cards state no dose numbers; "countInBundle" numbers the card's doses by date.
    const result = await issueFromSmartHealthCard(bridge, example("00").file, options({ doseNumbers: "countInBundle" }));
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    const [card] = result.cards;
    expect(card!.issuer).toEqual({ iss: SPEC_ISS, name: SPEC_ISSUER_NAME });
    // Three immunizations (CVX 207, 207, 229): each is issued or, if the table lacks its code, left out by name.
    const immunizations = result.issued.filter((i) => i.credential.schema.id === "immunization/v1");
    expect(immunizations.length + result.leftOut.length).toBe(3);
    for (const left of result.leftOut) expect(left).toMatchObject({ element: "Bundle.entry[3].resource", code: "FHIR_UNKNOWN_CODE", jwsSha256: card!.jwsSha256 });
    expect(result.issued.map((i) => [i.credential.schema.id, i.source.element]).slice(0, 3)).toEqual([
      ["patient-record/v1", "Bundle.entry[0].resource"],
      ["immunization/v1", "Bundle.entry[1].resource"],
      ["immunization/v1", "Bundle.entry[2].resource"],
    ]);
    expect(result.issued[0]!.credential.attributes).toEqual({ dateOfBirth: "1951-01-20" });
    expect(immunizations[0]!.credential.attributes).toMatchObject({ vaccineGroup: "covid19", vaccineCode: "http://hl7.org/fhir/sid/cvx|207", occurrenceDate: "2021-01-01", doseNumber: 1 });
    const doses = immunizations.map((i) => [i.credential.attributes["occurrenceDate"], i.credential.attributes["doseNumber"]]);
    expect(doses).toEqual([["2021-01-01", 1], ["2021-01-29", 2], ["2022-09-05", 3]].slice(0, doses.length));
    for (const { credential, envelope, source } of result.issued) {
      expect(source).toMatchObject({ cardIssuer: { iss: SPEC_ISS, name: SPEC_ISSUER_NAME }, kid: SPEC_KID, jwsSha256: card!.jwsSha256 });
      expect(credential).toMatchObject({ issuer: bridge.publicKey, holder: holder.commitment });
      expect(await openCredential(envelope, holder)).toEqual(credential); // opened and checked (shape, bridge signature)
    }
  });

  it("a refused card issues nothing: the import's code", async () => {
    const revoked = await issueFromSmartHealthCard(bridge, example("03").jws, options());
    expect(revoked).toEqual({ ok: false, error: { code: "REVOKED", message: expect.any(String) } });
    const untrusted = await issueFromSmartHealthCard(bridge, example("00").jws, options({ trustedIssuers: { issuerInfo: [] } }));
    expect(untrusted.ok === false && untrusted.error.code).toBe("UNTRUSTED_ISSUER");
  });

  it("a Bundle the mapping refuses issues nothing and names the card's entry; an unknown vaccine code is left out and the rest issued", async () => {
    const issuer = await testCardIssuer("https://clinic.example/shc");
    const trustedIssuers = specDirectory({ more: [issuer.entry()] });
    const registry = new RevocationRegistry({ issuer: "bridge", clock });
    const refused = await issueFromSmartHealthCard(bridge, await issuer.sign(cardPayload(issuer.iss, bundle(immunization("207", "2021-01-01"), immunization("207", "2021-02-01", "entered-in-error")), nbf)), options({ trustedIssuers, revocation: registry }));
    expect(refused).toEqual({ ok: false, error: { code: "FHIR_STATUS_REFUSED", message: expect.stringMatching(/^Bundle\.entry\[2\]\.resource\.status: /) } });
    expect(registry.publish().nextSlot).toBe(0); // nothing signed, no slot taken

    const partial = await issueFromSmartHealthCard(bridge, await issuer.sign(cardPayload(issuer.iss, bundle(immunization("999999", "2021-01-01"), immunization("208", "2021-02-01")), nbf)), options({ trustedIssuers }));
    if (!partial.ok) throw new Error(partial.error.message);
    expect(partial.leftOut).toEqual([{ jwsSha256: partial.cards[0]!.jwsSha256, element: "Bundle.entry[1].resource", code: "FHIR_UNKNOWN_CODE", message: expect.any(String) }]);
    expect(partial.issued.map((i) => [i.source.element, i.source.fullUrl, i.credential.attributes["occurrenceDate"] ?? null])).toEqual([
      ["Bundle.entry[0].resource", "resource:0", null],
      ["Bundle.entry[2].resource", "resource:2", "2021-02-01"],
    ]);
  });

  it("the caller's mistakes throw before anything is signed", async () => {
    expect(await rejectionCodeOf(() => issueFromSmartHealthCard(bridge, example("00").jws, options({ holderEncryptionKey: "00".repeat(31) })))).toBe("INVALID_KEY");
    expect(await rejectionCodeOf(() => issueFromSmartHealthCard(bridge, example("00").jws, options({ trustedIssuers: { issuers: [] } })))).toBe("INVALID_SHC_DIRECTORY");
    expect(await rejectionCodeOf(() => issueFromSmartHealthCard(bridge, example("00").jws, options({ extra: 1 })))).toBe("INVALID_ARGUMENT");
    expect(await rejectionCodeOf(() => issueFromSmartHealthCard(bridge, example("00").jws, options({ doseNumbers: "guess" })))).toBe("INVALID_ARGUMENT");
    expect(await rejectionCodeOf(() => issueFromSmartHealthCard(bridge, example("00").jws, options({ holderCommitment: "not a commitment" })))).toBe("INVALID_ARGUMENT");
  });
});
