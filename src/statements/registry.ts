/**
 * Statements a holder can prove, each backed by one circuit. A statement definition says which
 * credential schema it reads, how its parameters are validated, which public inputs they become,
 * whether a credential satisfies it, and which private attribute inputs its circuit takes. Both
 * the prover and the verifier derive public signals from here, so the two sides cannot drift.
 */
import { ageOn } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { type CompiledQuery, type QueryStatement, compileQuery, normaliseQuery, queryHolds } from "./query.js";
import { BUILTIN_SCHEMAS, type SchemaDefinition, encodeString, schemaIdField } from "../core/schemas.js";

/**
 * What a holder proves about one credential on the request's as-of date. Every statement also
 * proves the issuer signature, the holder binding, non-revocation and non-expiry.
 */
export type Statement =
  | {
      /** At least `minAge` whole years old, from a "patient-record/v1" credential's dateOfBirth. */
      type: "ageAtLeast";
      /** Whole years, an integer from 0 to 255. */
      minAge: number
    }
  | {
      /** Covered (coverageStart <= as-of date <= coverageEnd) by an "insurance-coverage/v1" credential. */
      type: "insuranceActive";
      /** The credential's insurerId, exactly: 1 to 256 characters. */
      insurerId: string
    }
  | QueryStatement;

/** The statement kinds: "ageAtLeast", "insuranceActive" and "query". */
export type StatementType = Statement["type"];

/** Finds a schema definition by id (built-ins plus whatever a verifier or holder pinned). */
export type SchemaResolver = (id: string) => SchemaDefinition | undefined;
export const builtinSchemas: SchemaResolver = (id) => BUILTIN_SCHEMAS[id];

/** A circuit input value in snarkjs's shape: a number, or (nested) arrays of them. */
export type InputValue = bigint | InputValue[];

const flat = (name: string, ...dims: number[]): string[] => {
  let names = [name];
  for (const d of dims) names = names.flatMap((n) => Array.from({ length: d }, (_, i) => `${n}[${i}]`));
  return names;
};

/** Public signals common to every circuit, in the order they follow the statement outputs. */
const HEAD = ["issuerAx", "issuerAy", "revocationRoot", "asOfDate"] as const;

interface StatementDefinition {
  circuit: string;
  /** The circuit's public signals in order; `outputs` are produced by the circuit, not compared. */
  signals: readonly string[];
  outputs: readonly string[];
  schema(statement: Statement, schemas: SchemaResolver): SchemaDefinition;
  normalise(raw: Record<string, unknown>, schemas: SchemaResolver): Statement;
  /** The statement's own public inputs (besides issuer, root, as-of date, challenge, scope). */
  publicInputs(statement: Statement, schema: SchemaDefinition): Record<string, InputValue>;
  holds(statement: Statement, schema: SchemaDefinition, fields: readonly bigint[], asOf: number): boolean;
  /** The circuit's private attribute inputs from the 8 slot encodings. */
  attributeInputs(fields: readonly bigint[]): Record<string, InputValue>;
}

const MAX_MIN_AGE = 255; // the circuit range-checks minAge to 8 bits
const MAX_INSURER_ID = 256;
type Of<T extends StatementType> = Extract<Statement, { type: T }>;

function builtin(id: string): SchemaDefinition {
  return BUILTIN_SCHEMAS[id]!;
}

function compiled(statement: Statement, schema: SchemaDefinition): CompiledQuery {
  return compileQuery(statement as QueryStatement, schema);
}

const DEFINITIONS: Record<StatementType, StatementDefinition> = {
  ageAtLeast: {
    circuit: "age_at_least",
    signals: ["nullifier", ...HEAD, "minAge", "challenge", "scope"],
    outputs: ["nullifier"],
    schema: () => builtin("patient-record/v1"),
    normalise(s) {
      const minAge = s["minAge"];
      if (typeof minAge !== "number" || !Number.isInteger(minAge) || minAge < 0 || minAge > MAX_MIN_AGE) {
        throw new MedzkError("INVALID_ARGUMENT", `"minAge" must be an integer from 0 to ${MAX_MIN_AGE}, got ${JSON.stringify(minAge)}`);
      }
      onlyFields(s, ["type", "minAge"]);
      return { type: "ageAtLeast", minAge };
    },
    publicInputs: (s) => ({ minAge: BigInt((s as Of<"ageAtLeast">).minAge) }),
    // The documented birthday rule (dates.ts), exactly what the circuit enforces.
    holds: (s, _schema, fields, asOf) => ageOn(Number(fields[0]), asOf) >= (s as Of<"ageAtLeast">).minAge,
    attributeInputs: (fields) => ({ attr: [...fields] }),
  },
  insuranceActive: {
    circuit: "insurance_active",
    signals: ["nullifier", ...HEAD, "insurerId", "challenge", "scope"],
    outputs: ["nullifier"],
    schema: () => builtin("insurance-coverage/v1"),
    normalise(s) {
      const insurerId = s["insurerId"];
      if (typeof insurerId !== "string" || insurerId.length === 0 || insurerId.length > MAX_INSURER_ID) {
        throw new MedzkError("INVALID_ARGUMENT", `"insurerId" must be a string of 1 to ${MAX_INSURER_ID} characters`);
      }
      onlyFields(s, ["type", "insurerId"]);
      return { type: "insuranceActive", insurerId };
    },
    publicInputs: (s) => ({ insurerId: encodeString((s as Of<"insuranceActive">).insurerId) }),
    holds(s, _schema, fields, asOf) {
      const a = BigInt(asOf);
      return fields[0] === encodeString((s as Of<"insuranceActive">).insurerId) && fields[3]! <= a && a <= fields[4]!;
    },
    // Slot 0 (insurerId) is not an input: the circuit takes the public insurerId in its place.
    attributeInputs: (fields) => ({ attr: fields.slice(1) }),
  },
  query: {
    circuit: "query",
    signals: [
      "nullifier", ...flat("disclosed", 2), ...HEAD, "schemaId", "challenge", "scope",
      ...flat("predSlot", 4), ...flat("predOp", 4), ...flat("predLo", 4), ...flat("predHi", 4),
      ...flat("predSet", 4, 16), ...flat("discloseSlot", 2),
    ],
    outputs: ["nullifier", ...flat("disclosed", 2)],
    schema(s, schemas) {
      const id = (s as QueryStatement).schema;
      const schema = typeof id === "string" ? schemas(id) : undefined;
      if (!schema) throw new MedzkError("UNKNOWN_SCHEMA", `query schema ${JSON.stringify(id)} is not known here; pin its definition`);
      return schema;
    },
    normalise(s, schemas) {
      return normaliseQuery(s, DEFINITIONS.query.schema(s as unknown as Statement, schemas));
    },
    publicInputs(s, schema) {
      return { schemaId: schemaIdField(schema), ...compiled(s, schema) };
    },
    holds: (s, schema, fields) => queryHolds(compiled(s, schema), fields),
    attributeInputs: (fields) => ({ attr: [...fields] }),
  },
};

function onlyFields(s: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(s).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new MedzkError("INVALID_ARGUMENT", `statement ${String(s["type"])} has no field "${extra[0]}"`);
}

export const STATEMENT_TYPES = Object.keys(DEFINITIONS) as StatementType[];

export function statementDefinition(type: StatementType): StatementDefinition {
  return DEFINITIONS[type];
}

/** Validates a statement given by a caller (throws UNKNOWN_STATEMENT / INVALID_ARGUMENT / UNKNOWN_SCHEMA). */
export function normaliseStatement(statement: unknown, schemas: SchemaResolver = builtinSchemas): Statement {
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) {
    throw new MedzkError("INVALID_ARGUMENT", `"statement" must be an object`);
  }
  const s = statement as Record<string, unknown>;
  const type = s["type"];
  if (typeof type !== "string" || !Object.hasOwn(DEFINITIONS, type)) {
    throw new MedzkError("UNKNOWN_STATEMENT", `unknown statement type ${JSON.stringify(type)}; known: ${STATEMENT_TYPES.join(", ")}`);
  }
  return DEFINITIONS[type as StatementType].normalise(s, schemas);
}

/** Flattens named (nested) inputs into "name[i][j]" -> value, the naming of `signals`. */
export function flattenInputs(inputs: Record<string, InputValue>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const walk = (name: string, v: InputValue) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(`${name}[${i}]`, x));
    else out.set(name, v);
  };
  for (const [name, v] of Object.entries(inputs)) walk(name, v);
  return out;
}

/** snarkjs wants decimal strings. */
export function toDecimal(v: InputValue): string | unknown[] {
  return Array.isArray(v) ? v.map(toDecimal) : v.toString();
}
