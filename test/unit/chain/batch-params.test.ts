/**
 * verifyBatchOnChain's one set of statement parameters (src/chain/verify.ts batchParams): the
 * contract's verifyPresentations checks every item against one `params`, so requests whose
 * statement resolves to different parameters (a relative date on either side of UTC midnight)
 * are refused up front, naming the items, instead of sent with the first item's parameters and
 * reverted whole on chain. No chain, no proofs: the caller's own signed requests only.
 */
import { describe, expect, it } from "vitest";
import { statementParams } from "../../../src/chain.js";
import { batchParams } from "../../../src/chain/verify.js";
import { createVerifier, generateIssuerKey, generateVerifierKey } from "../../../src/index.js";

const key = generateVerifierKey();
const issuer = generateIssuerKey();
/** A request of the same verifier key made at `iso` (its as-of day is that instant's UTC day). */
const ask = (iso: string, statement: unknown) =>
  createVerifier({ key, trustedIssuers: [issuer.publicKey], clock: () => new Date(iso) }).createRequest({ statement: statement as never });
// "Coverage started at least 30 days before the request's as-of day": a relative date.
const relative = { type: "query", schema: "insurance-coverage/v1", where: [{ attribute: "coverageStart", op: "LTE", value: { daysBeforeAsOf: 30 } }] };
const fixed = { type: "query", schema: "insurance-coverage/v1", where: [{ attribute: "plan", op: "IN", values: ["gold", "platinum"] }] };

describe("batchParams", () => {
  it("sends the parameters every request resolves to when they agree, across days for a statement without relative dates", () => {
    const sameDay = [ask("2026-12-07T00:00:01Z", relative), ask("2026-12-07T23:59:59Z", relative)];
    expect(batchParams(sameDay)).toEqual(statementParams("query", sameDay[0]!.statement, "2026-12-07"));
    const acrossMidnight = [ask("2026-12-06T23:59:59Z", fixed), ask("2026-12-07T00:00:01Z", fixed)];
    expect(batchParams(acrossMidnight)).toEqual(statementParams("query", fixed as never));
    const age = [ask("2026-12-06T23:59:59Z", { type: "ageAtLeast", minAge: 18 }), ask("2026-12-07T00:00:01Z", { type: "ageAtLeast", minAge: 18 })];
    expect(batchParams(age)).toEqual([18n]);
  });

  it("refuses a relative date resolved on two as-of days, naming the items of each", () => {
    const own = [
      ask("2026-12-06T23:59:58Z", relative),
      ask("2026-12-07T00:00:01Z", relative),
      ask("2026-12-06T23:59:59Z", relative),
    ];
    // The two days give two queryHash values: the contract would refuse one side with StatementMismatch.
    expect(statementParams("query", relative as never, "2026-12-06")).not.toEqual(statementParams("query", relative as never, "2026-12-07"));
    expect(() => batchParams(own)).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/2 different sets of parameters.*expected\[0, 2\] \(as of 2026-12-06\); expected\[1\] \(as of 2026-12-07\)/),
      }),
    );
  });

  it("still refuses another statement or issuer mode", () => {
    expect(() => batchParams([ask("2026-12-07T12:00:00Z", fixed), ask("2026-12-07T12:00:00Z", relative)])).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/expected\[1\]" asks another statement/) }),
    );
  });
});
