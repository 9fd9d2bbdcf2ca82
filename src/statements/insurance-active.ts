/**
 * Statement "insuranceActive": the holder is covered on the request's as-of date
 * (coverageStart <= as-of date <= coverageEnd) by an "insurance-coverage/v1" credential of the
 * insurer `insurerId`. Circuit: circuits/lib/insurance_active.circom (registry entry
 * "insurance_active"), which hard-wires the schema's slots: insurerId 0, coverageStart 3,
 * coverageEnd 4.
 */
import { encodeString, slotOf } from "../core/schemas.js";
import type { Statement } from "../core/statement.js";
import { assertObject, assertString } from "../core/validate.js";
import type { StatementModule } from "./definition.js";

/** The statement's type (core/statement.ts, where the request format carries it). */
type InsuranceActiveStatement = Extract<Statement, { type: "insuranceActive" }>;

const MAX_INSURER_ID = 256;

export const insuranceActive: StatementModule<InsuranceActiveStatement> = {
  type: "insuranceActive",
  fields: { insurerId: { type: "string" } },
  parse(raw) {
    const s = assertObject(raw, "statement", { required: ["type", "insurerId"] }, "INVALID_STATEMENT");
    return { type: "insuranceActive", insurerId: assertString(s.insurerId, "insurerId", { max: MAX_INSURER_ID }, "INVALID_STATEMENT") };
  },
  publicInputs: (s) => ({ insurerId: encodeString(s.insurerId) }),
  holds(s, schema, fields, asOf) {
    const slot = (name: string) => fields[slotOf(schema, name)!]!;
    const day = BigInt(asOf);
    return slot("insurerId") === encodeString(s.insurerId) && slot("coverageStart") <= day && day <= slot("coverageEnd");
  },
  // Slot 0 (insurerId) is not an input: the circuit takes the public insurerId in its place.
  attributeInputs: (fields) => ({ attr: fields.slice(1) }),
};
