/**
 * Statements a holder can prove, each backed by one circuit. A statement definition says which
 * credential schema it reads, how its parameters are validated and encoded as public signals,
 * whether a credential satisfies it, and which private inputs its circuit takes. Both the prover
 * and the verifier derive public signals from here, so the two sides cannot drift apart.
 */
import type { CheckedCredential } from "./credential.js";
import { MedzkError } from "./errors.js";
import { encodeString } from "./schemas.js";

export type Statement =
  | { type: "ageAtLeast"; minAge: number }
  | { type: "insuranceActive"; insurerId: string };

export type StatementType = Statement["type"];

/** Public-signal layout shared by every circuit; `parameter` is the statement's own signal. */
export const PUBLIC_SIGNALS = ["nullifier", "issuerAx", "issuerAy", "asOfDate", "parameter", "challenge", "scope"] as const;
export type PublicSignalName = (typeof PUBLIC_SIGNALS)[number];
export const SIGNAL_INDEX = Object.fromEntries(PUBLIC_SIGNALS.map((n, i) => [n, i])) as Record<PublicSignalName, number>;

interface StatementDefinition {
  /** Artifact name (circuits/main/<circuit>.circom). */
  circuit: string;
  schema: string;
  /** Validates caller-supplied parameters; returns a normalised copy or throws INVALID_ARGUMENT. */
  normalise(statement: Record<string, unknown>): Statement;
  /** The value of the "parameter" public signal. */
  parameter(statement: Statement): bigint;
  /** Whether the credential satisfies the statement on `asOf` (YYYYMMDD). */
  holds(statement: Statement, credential: CheckedCredential, asOf: number): boolean;
  /** The circuit's private attribute inputs. */
  attributeInputs(credential: CheckedCredential): Record<string, bigint>;
}

const MAX_MIN_AGE = 255; // the circuit range-checks minAge to 8 bits
const MAX_INSURER_ID = 256;

const DEFINITIONS: Record<StatementType, StatementDefinition> = {
  ageAtLeast: {
    circuit: "age_at_least",
    schema: "patient-record/v1",
    normalise(s) {
      const minAge = s["minAge"];
      if (typeof minAge !== "number" || !Number.isInteger(minAge) || minAge < 0 || minAge > MAX_MIN_AGE) {
        throw new MedzkError("INVALID_ARGUMENT", `"minAge" must be an integer from 0 to ${MAX_MIN_AGE}, got ${JSON.stringify(minAge)}`);
      }
      return { type: "ageAtLeast", minAge };
    },
    parameter: (s) => BigInt((s as Extract<Statement, { type: "ageAtLeast" }>).minAge),
    holds(s, c, asOf) {
      const { minAge } = s as Extract<Statement, { type: "ageAtLeast" }>;
      return (c.encoded["dateOfBirth"] as number) + minAge * 10000 <= asOf;
    },
    attributeInputs: (c) => ({ dateOfBirth: BigInt(c.encoded["dateOfBirth"]!) }),
  },
  insuranceActive: {
    circuit: "insurance_active",
    schema: "insurance-coverage/v1",
    normalise(s) {
      const insurerId = s["insurerId"];
      if (typeof insurerId !== "string" || insurerId.length === 0 || insurerId.length > MAX_INSURER_ID) {
        throw new MedzkError("INVALID_ARGUMENT", `"insurerId" must be a string of 1 to ${MAX_INSURER_ID} characters`);
      }
      return { type: "insuranceActive", insurerId };
    },
    parameter: (s) => encodeString((s as Extract<Statement, { type: "insuranceActive" }>).insurerId),
    holds(s, c, asOf) {
      const { insurerId } = s as Extract<Statement, { type: "insuranceActive" }>;
      return (
        c.credential.attributes["insurerId"] === insurerId &&
        (c.encoded["coverageStart"] as number) <= asOf &&
        asOf <= (c.encoded["coverageEnd"] as number)
      );
    },
    // insurerId is not here: the circuit takes the public "parameter" signal as the signed insurerId.
    attributeInputs: (c) => ({
      memberId: BigInt(c.encoded["memberId"]!),
      plan: BigInt(c.encoded["plan"]!),
      coverageStart: BigInt(c.encoded["coverageStart"]!),
      coverageEnd: BigInt(c.encoded["coverageEnd"]!),
    }),
  },
};

/** Circuit input name of the "parameter" signal per statement. */
export const PARAMETER_INPUT: Record<StatementType, string> = { ageAtLeast: "minAge", insuranceActive: "insurerId" };

export const STATEMENT_TYPES = Object.keys(DEFINITIONS) as StatementType[];

export function statementDefinition(type: StatementType): StatementDefinition {
  return DEFINITIONS[type];
}

/** Validates a statement given by a caller (throws UNKNOWN_STATEMENT / INVALID_ARGUMENT). */
export function normaliseStatement(statement: unknown): Statement {
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) {
    throw new MedzkError("INVALID_ARGUMENT", `"statement" must be an object`);
  }
  const s = statement as Record<string, unknown>;
  const type = s["type"];
  if (typeof type !== "string" || !Object.hasOwn(DEFINITIONS, type)) {
    throw new MedzkError("UNKNOWN_STATEMENT", `unknown statement type ${JSON.stringify(type)}; known: ${STATEMENT_TYPES.join(", ")}`);
  }
  const extra = Object.keys(s).filter((k) => k !== "type" && k !== PARAMETER_INPUT[type as StatementType]);
  if (extra.length > 0) throw new MedzkError("INVALID_ARGUMENT", `statement ${type} has no field "${extra[0]}"`);
  return DEFINITIONS[type as StatementType].normalise(s);
}

/** Equality of two normalised statements. */
export function sameStatement(a: Statement, b: Statement): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
