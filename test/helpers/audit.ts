/** Audit entries for tests: a fixed verifier key and entries that differ by seq. */
import type { AuditEntryInput } from "../../src/audit/entry.js";

export const AUDIT_VERIFIER = "a".repeat(64);

export function auditInput(i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    time: new Date(Date.UTC(2026, 5, 15, 12, 0, i % 60)).toISOString(),
    verifier: AUDIT_VERIFIER,
    purpose: "claims",
    preset: "adult",
    statement: { type: "ageAtLeast", minAge: 18 },
    result: i % 5 === 4 ? "INVALID_PROOF" : "OK",
    nullifier: String(1000 + (i % 3)),
    requestId: String(7_000_000 + i),
    ...overrides,
  };
}
