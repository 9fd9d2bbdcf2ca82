/**
 * Statement "ageAtLeast": the holder was at least `minAge` whole years old on the request's
 * as-of date, from the dateOfBirth of a "patient-record/v1" credential. Circuit:
 * circuits/lib/age_at_least.circom (registry entry "age_at_least").
 */
import { ageOn } from "../core/dates.js";
import { slotOf } from "../core/schemas.js";
import type { Statement } from "../core/statement.js";
import { assertInteger, assertObject } from "../core/validate.js";
import type { StatementModule } from "./definition.js";

/** The statement's type (core/statement.ts, where the request format carries it). */
type AgeAtLeastStatement = Extract<Statement, { type: "ageAtLeast" }>;

/** The circuit range-checks minAge to 8 bits. */
const MAX_MIN_AGE = 255;

export const ageAtLeast: StatementModule<AgeAtLeastStatement> = {
  type: "ageAtLeast",
  fields: { minAge: { type: "integer" } },
  parse(raw) {
    const s = assertObject(raw, "statement", { required: ["type", "minAge"] }, "INVALID_STATEMENT");
    return { type: "ageAtLeast", minAge: assertInteger(s.minAge, "minAge", 0, MAX_MIN_AGE, "INVALID_STATEMENT") };
  },
  publicInputs: (s) => ({ minAge: BigInt(s.minAge) }),
  // The documented birthday rule (core/dates.ts), exactly what the circuit enforces.
  holds: (s, schema, fields, asOf) => ageOn(Number(fields[slotOf(schema, "dateOfBirth")!]), asOf) >= s.minAge,
  attributeInputs: (fields) => ({ attr: [...fields] }),
};
