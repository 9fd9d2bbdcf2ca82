/** issueFromFhir is all or nothing, the revocation registry included. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { EMPTY_REVOCATION_ROOT, REVOCATION_CAPACITY } from "../../../src/core/revocation.js";
import { generateIssuerKey, issueFromFhir, RevocationRegistry } from "../../../src/index.js";

it("a registry with fewer free slots than records takes none and signs nothing (REVOCATION_REGISTRY_FULL)", async () => {
  const issuer = generateIssuerKey();
  // HL7's Twinrix example: one Immunization, two credentials (hepatitis A and B).
  const twinrix = JSON.parse(readFileSync("test/fixtures/fhir/hl7-r4/Immunization-protocol.json", "utf8"));
  const status = { format: "medzk-revocation/v1", issuer: issuer.publicKey, root: EMPTY_REVOCATION_ROOT, revoked: [], updatedAt: "2026-01-01T00:00:00.000Z", nextSlot: REVOCATION_CAPACITY - 1 };
  const revocation = RevocationRegistry.fromStatus(status);
  await expect(issueFromFhir(issuer, twinrix, { holderCommitment: "12345", revocation })).rejects.toMatchObject({ code: "REVOCATION_REGISTRY_FULL" });
  expect(revocation.publish().nextSlot).toBe(REVOCATION_CAPACITY - 1);
});
