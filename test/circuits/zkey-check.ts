/**
 * The slow half of the artifact check (scripts/check-artifacts.mjs): each proving key descends
 * from its R1CS and the committed powers of tau (zkey new, whose output must have the pinned
 * initialZkey hash, then snarkjs's verifyFromInit). One test file per circuit family calls this,
 * so vitest runs them in parallel and schedules them first (vitest.config.ts): run in one file,
 * the six verifications were the suite's longest path.
 */
import { describe, expect, it } from "vitest";
import { checkArtifacts } from "../../scripts/check-artifacts.mjs";
import { CIRCUITS } from "../../scripts/circuits.mjs";

export function describeZkeyCheck(family: string): void {
  // The key-mode circuit and its hidden-issuer twin ("age_at_least", "age_at_least_hidden").
  const names = CIRCUITS.map((c) => c.name).filter((n) => n === family || n === `${family}_hidden`);
  describe(`${family} proving keys`, () => {
    it("belong to this family's circuits in the registry", () => {
      expect(names).toEqual([family, `${family}_hidden`]);
    });
    for (const name of names) {
      it(`${name}: zkey new gives the pinned initial zkey, and the shipped zkey verifies from it`, async () => {
        expect(await checkArtifacts({ verifyZkey: true, circuits: [name] })).toEqual([]);
      }, 900_000);
    }
  });
}
