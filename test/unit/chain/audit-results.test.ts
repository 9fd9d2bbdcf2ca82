/**
 * The one mapping from the registry contract's results to audit result codes (src/chain/verify.ts
 * CHAIN_AUDIT_RESULTS, docs/ledger.md): total over the contract's results, each an entry the
 * audit log accepts, and "OK" only for "Accepted". A chain result such as "ScopeMismatch" is not
 * an audit code: written as is, the log refuses it (the ledger demo's audit line used to throw).
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { chainEntry } from "../../../src/audit/entry.js";
import { CHAIN_AUDIT_RESULTS, CHAIN_RESULTS, type ChainResult, chainAuditResult } from "../../../src/chain/verify.js";

const entry = (result: string) =>
  chainEntry(
    { time: "2026-01-01T00:00:00.000Z", verifier: "ab".repeat(32), purpose: "claims", preset: "adult", statement: { type: "ageAtLeast", minAge: 18 }, result, nullifier: null, requestId: "1" },
    0,
    "00".repeat(32),
  );

describe("chain results as audit codes", () => {
  it("maps every contract result, in the contract's order, to a code the audit log accepts", () => {
    expect(Object.keys(CHAIN_AUDIT_RESULTS)).toEqual([...CHAIN_RESULTS]);
    for (const result of CHAIN_RESULTS) {
      const code = chainAuditResult({ result, nullifier: "1", statementId: "0x00", txHash: "0x00" });
      expect([result, code === "OK"]).toEqual([result, result === "Accepted"]);
      expect(entry(code).entry.result).toBe(code);
    }
    // Distinct refusals stay distinct.
    expect(new Set(Object.values(CHAIN_AUDIT_RESULTS)).size).toBe(CHAIN_RESULTS.length);
    expect(() => entry("ScopeMismatch")).toThrow(/result/);
  });

  it("gives a refusal before sending its own code, and refuses an unknown result", () => {
    expect(chainAuditResult({ result: "NotSent", error: { code: "STATEMENT_MISMATCH", message: "m" } })).toBe("STATEMENT_MISMATCH");
    expect(() => chainAuditResult({ result: "Forged" as ChainResult, nullifier: "1", statementId: "0x00", txHash: "0x00" })).toThrow(/unknown chain result/);
  });

  it("is the table docs/ledger.md documents, row for row", async () => {
    const doc = await readFile(new URL("../../../docs/ledger.md", import.meta.url), "utf8");
    const section = /### Chain results and audit codes\n([\s\S]*?)\n\n(?!\|)[^|]/.exec(doc)?.[1] ?? "";
    const rows = [...section.matchAll(/^\| `(\w+)` \| `(\w+)`[^|]*\|$/gm)].map(([, chain, audit]) => [chain, audit]);
    expect(rows).toEqual(Object.entries(CHAIN_AUDIT_RESULTS));
  });
});
