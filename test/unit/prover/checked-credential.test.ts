/**
 * The prover keeps checked credentials by content (src/prover/prove.ts, checkedCredential): a
 * credential that passed once is not re-verified, so every way of presenting other content under
 * a kept one must still be checked: a tampered copy, the same object changed after its first
 * proof, and values that are not plain JSON (whose serialisation would hide the difference).
 */
import { describe, expect, it } from "vitest";
import { buildCircuitInput, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential } from "../../../src/index.js";
import { rejectionCodeOf } from "../../helpers/errors.js";

const now = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const holder = createHolder();
const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now });
const verifier = createVerifier({ trustedIssuers: [issuer.publicKey], key: generateVerifierKey(), clock: () => now });
const input = (c: unknown) => buildCircuitInput({ credential: c as typeof credential, holder, request: verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now });
const copy = () => structuredClone(credential);

describe("checked credentials kept by content", () => {
  it("serves the same content again, and refuses other content under it", async () => {
    const first = await input(credential);
    expect((await input(copy())).input["sigS"]).toBe(first.input["sigS"]);
    const tampered = copy();
    tampered.salt = (BigInt(tampered.salt) + 1n).toString();
    expect(await rejectionCodeOf(() => input(tampered))).toBe("INVALID_CREDENTIAL");
    const otherSignature = copy();
    otherSignature.signature = { ...otherSignature.signature, S: (BigInt(otherSignature.signature.S) + 1n).toString() };
    expect(await rejectionCodeOf(() => input(otherSignature))).toBe("INVALID_CREDENTIAL");
  });

  it("checks an object changed after its first proof as it is now", async () => {
    const mine = copy();
    await input(mine);
    mine.revocationSlot += 1;
    expect(await rejectionCodeOf(() => input(mine))).toBe("INVALID_CREDENTIAL");
  });

  it("checks values that are not plain JSON as given", async () => {
    await input(credential);
    // Serialised, each is the kept credential; as given, each is refused.
    const withUndefined = { ...copy(), extra: undefined };
    const withToJson = { ...copy(), revocationSlot: { toJSON: () => credential.revocationSlot } };
    for (const c of [withUndefined, withToJson]) {
      expect(JSON.stringify(c)).toBe(JSON.stringify(credential));
      expect(await rejectionCodeOf(() => input(c))).toBe("INVALID_CREDENTIAL");
    }
  });
});
