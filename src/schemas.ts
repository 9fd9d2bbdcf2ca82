/**
 * Credential schemas: which attributes a credential of a schema carries, how each is validated,
 * and how it is encoded as a field element for the signed commitment. The attribute order here
 * is the order of the circuit's commitment preimage (circuits/lib/*.circom).
 */
import { parseDate } from "./dates.js";
import { MedzkError } from "./errors.js";
import { hashToField } from "./field.js";

export type AttributeType = "date" | "string";

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
}

export interface SchemaDefinition {
  /** Schema name, e.g. "patient-record/v1". */
  id: string;
  attributes: readonly AttributeDefinition[];
  /** Cross-attribute rules, run after each attribute parsed. `issuedOn` is YYYYMMDD. */
  check?: (encoded: Record<string, number | bigint>, issuedOn: number) => void;
}

export const BUILTIN_SCHEMAS: Readonly<Record<string, SchemaDefinition>> = {
  "patient-record/v1": {
    id: "patient-record/v1",
    attributes: [{ name: "dateOfBirth", type: "date" }],
    check: (a, issuedOn) => {
      if ((a["dateOfBirth"] as number) > issuedOn) {
        throw new MedzkError("INVALID_ATTRIBUTE", `"dateOfBirth" lies in the future of the issuance date`);
      }
    },
  },
  "insurance-coverage/v1": {
    id: "insurance-coverage/v1",
    attributes: [
      { name: "insurerId", type: "string" },
      { name: "memberId", type: "string" },
      { name: "plan", type: "string" },
      { name: "coverageStart", type: "date" },
      { name: "coverageEnd", type: "date" },
    ],
    check: (a) => {
      if ((a["coverageStart"] as number) > (a["coverageEnd"] as number)) {
        throw new MedzkError("INVALID_ATTRIBUTE", `"coverageStart" must not be after "coverageEnd"`);
      }
    },
  },
};

export function getSchema(id: unknown): SchemaDefinition {
  const schema = typeof id === "string" ? BUILTIN_SCHEMAS[id] : undefined;
  if (!schema) {
    throw new MedzkError(
      "UNKNOWN_SCHEMA",
      `unknown schema ${JSON.stringify(id)}; known: ${Object.keys(BUILTIN_SCHEMAS).join(", ")}`,
    );
  }
  return schema;
}

/** The field element a schema id contributes to the commitment (pinned in the circuits). */
export function schemaIdField(id: string): bigint {
  return hashToField("schema", id);
}

/** Field encoding of a free string attribute (also used for statement parameters like insurerId). */
export function encodeString(value: string): bigint {
  return hashToField("string", value);
}

const MAX_STRING_LENGTH = 1024;

/**
 * Validates the attributes of a credential against its schema and returns them with their field
 * encodings (dates as YYYYMMDD numbers, strings hashed). Throws INVALID_ATTRIBUTE / INVALID_DATE.
 */
export function encodeAttributes(
  schema: SchemaDefinition,
  attributes: unknown,
  issuedOn: number,
): { values: Record<string, string>; encoded: Record<string, number | bigint>; fields: bigint[] } {
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    throw new MedzkError("INVALID_ATTRIBUTE", `"attributes" must be an object`);
  }
  const given = attributes as Record<string, unknown>;
  const known = new Set(schema.attributes.map((a) => a.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new MedzkError("INVALID_ATTRIBUTE", `schema ${schema.id} has no attribute "${key}"`);
  }
  const values: Record<string, string> = {};
  const encoded: Record<string, number | bigint> = {};
  for (const { name, type } of schema.attributes) {
    const value = given[name];
    if (typeof value !== "string") {
      throw new MedzkError("INVALID_ATTRIBUTE", `attribute "${name}" must be a string, got ${typeof value}`);
    }
    if (type === "date") {
      encoded[name] = parseDate(value, name);
    } else {
      if (value.length === 0 || value.length > MAX_STRING_LENGTH) {
        throw new MedzkError("INVALID_ATTRIBUTE", `attribute "${name}" must have 1 to ${MAX_STRING_LENGTH} characters`);
      }
      encoded[name] = encodeString(value);
    }
    values[name] = value;
  }
  schema.check?.(encoded, issuedOn);
  return { values, encoded, fields: schema.attributes.map((a) => BigInt(encoded[a.name]!)) };
}
