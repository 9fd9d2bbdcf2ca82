/**
 * Credential schemas: plain-JSON definitions of the attributes a credential carries, their types,
 * and cross-attribute rules. The attribute order is the slot order of the signed commitment
 * (up to 8 slots, circuits/lib/credential.circom).
 *
 * Types and their field encodings (what the circuits compare):
 * - "date": "YYYY-MM-DD" -> the integer YYYYMMDD (order-preserving; years 0001-9999)
 * - "integer" with `bits` (1..64): a non-negative integer below 2^bits, as itself
 * - "boolean": 0 or 1
 * - "enum" with `values`: one of the listed strings, hashed like a string (so the verifier can
 *   decode a disclosed value by hashing the list)
 * - "string": any string of 1..1024 characters -> the first 248 bits of
 *   SHA-256("medzk/string\0" + value) (domain-separated from scopes and schema ids)
 *
 * A schema's field id is the hash of its whole canonical definition, so two different
 * definitions can never share an id, and a verifier that pins a definition pins its meaning.
 */
import { parseDate } from "./dates.js";
import { MedzkError } from "./errors.js";
import { hashToField } from "./field.js";
import { checkObject, isPlainObject } from "./validate.js";

/** An attribute's type, which fixes how its value is encoded as a field element. */
export type AttributeType =
  | {
      /** A UTC calendar date "YYYY-MM-DD" (years 0001-9999), encoded as the integer YYYYMMDD. */
      type: "date"
    }
  | {
      /** A non-negative integer below 2^bits, encoded as itself. */
      type: "integer";
      /** Bit width, 1 to 64. */
      bits: number
    }
  | {
      /** true or false, encoded as 1 or 0. */
      type: "boolean"
    }
  | {
      /** One of `values`, hashed like a string; a verifier decodes a disclosed value. */
      type: "enum";
      /** 1 to 256 distinct non-empty strings. */
      values: string[]
    }
  | {
      /** 1 to 1024 characters, hashed to 248 bits: disclosed only as its hash. */
      type: "string"
    };

/** One attribute of a schema. Its position in the schema's `attributes` is its slot in the commitment. */
export type AttributeDefinition = {
  /** A letter, then up to 63 letters, digits or "_"; unique in the schema. */
  name: string
} & AttributeType;

/** `notAfter`: the attribute's date must not lie after another date attribute or "$issuedAt". */
export interface SchemaRule {
  /** Name of a date attribute. */
  attribute: string;
  /** Name of another date attribute, or "$issuedAt" for the issuance date. */
  notAfter: string;
}

/**
 * A credential schema. The hash of the whole normalised definition is signed into every
 * credential, so a verifier that pins a definition pins its meaning.
 */
export interface SchemaDefinition {
  /** Name and version, e.g. "patient-record/v1". */
  id: string;
  /** 1 to 8 attributes, in slot order. */
  attributes: AttributeDefinition[];
  /** Date-order rules, enforced when a credential is issued or checked (not by the circuits). */
  rules?: SchemaRule[];
}

/** An attribute value as written in a credential. */
export type AttributeValue = string | number | boolean;

export const MAX_ATTRIBUTES = 8;
export const MAX_INTEGER_BITS = 64;
const MAX_STRING_LENGTH = 1024;
const MAX_ENUM_VALUES = 256;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * The vaccine groups of "immunization/v1": the diseases a vaccine protects against, one per
 * credential (a combination vaccine such as MMR gives one credential per group). The FHIR
 * mapping (src/fhir/vaccine-codes.ts) derives the group from the vaccine's code. Appending a
 * group changes the schema's definition and so its id: a new schema version.
 */
export const VACCINE_GROUPS = [
  "covid19", "influenza", "measles", "mumps", "rubella", "varicella", "diphtheria", "tetanus", "pertussis",
  "polio", "hepatitisA", "hepatitisB", "hib", "hpv", "pneumococcal", "meningococcal", "rotavirus",
  "yellowFever", "tuberculosis", "zoster",
] as const;

/** A vaccine group of "immunization/v1" (see {@link VACCINE_GROUPS}). */
export type VaccineGroup = (typeof VACCINE_GROUPS)[number];

/**
 * The built-in schemas by id, known to every verifier: "patient-record/v1" (dateOfBirth),
 * "insurance-coverage/v1" (insurerId, memberId, plan, coverageStart, coverageEnd) and
 * "immunization/v1" (vaccineGroup, vaccineCode, occurrenceDate, doseNumber: one dose of a
 * vaccine; docs/fhir.md has each attribute's FHIR source).
 */
export const BUILTIN_SCHEMAS: Readonly<Record<string, SchemaDefinition>> = {
  "patient-record/v1": {
    id: "patient-record/v1",
    attributes: [{ name: "dateOfBirth", type: "date" }],
    rules: [{ attribute: "dateOfBirth", notAfter: "$issuedAt" }],
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
    rules: [{ attribute: "coverageStart", notAfter: "coverageEnd" }],
  },
  "immunization/v1": {
    id: "immunization/v1",
    attributes: [
      { name: "vaccineGroup", type: "enum", values: [...VACCINE_GROUPS] },
      // "system|code", e.g. "http://hl7.org/fhir/sid/cvx|03": hashed, so a verifier can ask for a
      // product (EQ / IN) without learning it otherwise.
      { name: "vaccineCode", type: "string" },
      { name: "occurrenceDate", type: "date" },
      // The dose's number in its series (FHIR protocolApplied.doseNumberPositiveInt); 0: not stated.
      { name: "doseNumber", type: "integer", bits: 8 },
    ],
    rules: [{ attribute: "occurrenceDate", notAfter: "$issuedAt" }],
  },
};

const invalid = (message: string): never => {
  throw new MedzkError("INVALID_SCHEMA", `schema: ${message}`);
};

/** The keys each attribute type allows, besides `name` and `type`. */
const ATTRIBUTE_EXTRA_KEYS: Record<string, readonly string[]> = { integer: ["bits"], enum: ["values"] };

/**
 * Validates a schema definition and returns a normalised deep copy (keys in a fixed order), so
 * that its canonical JSON, and therefore its id, is well defined. Strict: an unknown key at any
 * level is refused, not dropped (a misspelt "rules" would otherwise silently vanish). Throws
 * INVALID_SCHEMA.
 */
export function defineSchema(definition: unknown): SchemaDefinition {
  const checked = checkObject(definition, "schema", { required: ["id", "attributes"], optional: ["rules"] });
  if (!checked.ok) return invalid(checked.message);
  const d = checked.value as Partial<SchemaDefinition>;
  if (typeof d.id !== "string" || d.id.length === 0 || d.id.length > 128) invalid(`"id" must be a string of 1 to 128 characters`);
  if (!Array.isArray(d.attributes) || d.attributes.length === 0 || d.attributes.length > MAX_ATTRIBUTES) {
    invalid(`"attributes" must list 1 to ${MAX_ATTRIBUTES} attributes`);
  }
  const names = new Set<string>();
  const attributes = d.attributes!.map((a, i): AttributeDefinition => {
    const type = isPlainObject(a) && typeof a["type"] === "string" ? a["type"] : "";
    const shape = checkObject(a, `attributes[${i}]`, { required: ["name", "type"], optional: Object.hasOwn(ATTRIBUTE_EXTRA_KEYS, type) ? ATTRIBUTE_EXTRA_KEYS[type]! : [] });
    if (!shape.ok) return invalid(shape.message);
    const name = a.name;
    if (typeof name !== "string" || !NAME.test(name)) return invalid(`attributes[${i}].name must match ${NAME}`);
    if (names.has(name)) invalid(`duplicate attribute "${name}"`);
    names.add(name);
    switch (a.type) {
      case "date":
      case "boolean":
      case "string":
        return { name, type: a.type };
      case "integer": {
        const bits = (a as { bits?: unknown }).bits;
        if (typeof bits !== "number" || !Number.isInteger(bits) || bits < 1 || bits > MAX_INTEGER_BITS) {
          return invalid(`attribute "${name}": "bits" must be an integer from 1 to ${MAX_INTEGER_BITS}`);
        }
        return { name, type: "integer", bits };
      }
      case "enum": {
        const values = (a as { values?: unknown }).values;
        if (!Array.isArray(values) || values.length === 0 || values.length > MAX_ENUM_VALUES) {
          return invalid(`attribute "${name}": "values" must list 1 to ${MAX_ENUM_VALUES} strings`);
        }
        if (values.some((v) => typeof v !== "string" || v.length === 0 || v.length > MAX_STRING_LENGTH) || new Set(values).size !== values.length) {
          return invalid(`attribute "${name}": enum values must be distinct non-empty strings`);
        }
        return { name, type: "enum", values: [...(values as string[])] };
      }
      default:
        return invalid(`attribute "${name}": unknown type ${JSON.stringify((a as { type?: unknown }).type)}`);
    }
  });
  if (d.rules !== undefined && !Array.isArray(d.rules)) invalid(`"rules" must be an array`);
  const rules = (d.rules ?? []).map((r, i): SchemaRule => {
    const shape = checkObject(r, `rules[${i}]`, { required: ["attribute", "notAfter"] });
    if (!shape.ok) return invalid(shape.message);
    const attr = attributes.find((a) => a.name === r?.attribute);
    const other = r?.notAfter === "$issuedAt" ? { type: "date" } : attributes.find((a) => a.name === r?.notAfter);
    if (attr?.type !== "date" || other?.type !== "date") invalid(`rules[${i}] must relate two date attributes (or "$issuedAt")`);
    return { attribute: r.attribute, notAfter: r.notAfter };
  });
  return rules.length > 0 ? { id: d.id!, attributes, rules } : { id: d.id!, attributes };
}

/** A built-in schema by id, or a validated user-defined definition. */
export function resolveSchema(schema: unknown): SchemaDefinition {
  if (typeof schema === "string") {
    const builtin = BUILTIN_SCHEMAS[schema];
    if (!builtin) {
      throw new MedzkError("UNKNOWN_SCHEMA", `unknown schema ${JSON.stringify(schema)}; built-in: ${Object.keys(BUILTIN_SCHEMAS).join(", ")}`);
    }
    return builtin;
  }
  return defineSchema(schema);
}

/** The field element identifying a schema definition (the commitment's first input). */
export function schemaIdField(schema: SchemaDefinition): bigint {
  return hashToField("schema", JSON.stringify(defineSchema(schema)));
}

/** Field encoding of a string attribute or statement parameter (insurerId, enum values). */
export function encodeString(value: string): bigint {
  return hashToField("string", value);
}

/** Encodes one attribute value, or throws INVALID_ATTRIBUTE / INVALID_DATE naming it. */
export function encodeValue(attribute: AttributeDefinition, value: unknown): { value: AttributeValue; field: bigint } {
  const name = attribute.name;
  const fail = (why: string): never => {
    throw new MedzkError("INVALID_ATTRIBUTE", `attribute "${name}" ${why}, got ${JSON.stringify(value)}`);
  };
  switch (attribute.type) {
    case "date":
      return { value: value as string, field: BigInt(parseDate(value, name)) };
    case "integer": {
      const n = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value)
        : typeof value === "string" && /^(0|[1-9][0-9]{0,19})$/.test(value) ? BigInt(value)
        : fail("must be a non-negative integer (number or decimal string)");
      if (n < 0n || n >= 1n << BigInt(attribute.bits)) fail(`must be below 2^${attribute.bits}`);
      return { value: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString(), field: n };
    }
    case "boolean":
      return typeof value === "boolean" ? { value, field: value ? 1n : 0n } : fail("must be true or false");
    case "enum":
      if (typeof value !== "string" || !attribute.values.includes(value)) fail(`must be one of ${attribute.values.join(", ")}`);
      return { value: value as string, field: encodeString(value as string) };
    case "string":
      if (typeof value !== "string" || value.length === 0 || value.length > MAX_STRING_LENGTH) {
        fail(`must be a string of 1 to ${MAX_STRING_LENGTH} characters`);
      }
      return { value: value as string, field: encodeString(value as string) };
  }
}

/** Decodes a disclosed field value back to an attribute value where the encoding allows it. */
export function decodeValue(attribute: AttributeDefinition, field: bigint): AttributeValue | { encoded: string } {
  switch (attribute.type) {
    case "date": {
      const n = Number(field);
      const s = `${String(Math.floor(n / 10000)).padStart(4, "0")}-${String(Math.floor(n / 100) % 100).padStart(2, "0")}-${String(n % 100).padStart(2, "0")}`;
      return s;
    }
    case "integer":
      return field <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(field) : field.toString();
    case "boolean":
      return field === 1n;
    case "enum":
      return attribute.values.find((v) => encodeString(v) === field) ?? { encoded: field.toString() };
    case "string":
      // A hash cannot be inverted: the verifier can only compare it with candidates (encodeString).
      return { encoded: field.toString() };
  }
}

/**
 * Validates a credential's attributes against its schema (all present, none extra, each valid,
 * the rules hold) and returns their values and the 8 slot encodings (unused slots 0).
 * `issuedOn` is YYYYMMDD.
 */
export function encodeAttributes(
  schema: SchemaDefinition,
  attributes: unknown,
  issuedOn: number,
): { values: Record<string, AttributeValue>; fields: bigint[] } {
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
    throw new MedzkError("INVALID_ATTRIBUTE", `"attributes" must be an object`);
  }
  const given = attributes as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!schema.attributes.some((a) => a.name === key)) {
      throw new MedzkError("INVALID_ATTRIBUTE", `schema ${schema.id} has no attribute "${key}"`);
    }
  }
  const values: Record<string, AttributeValue> = {};
  const fields: bigint[] = new Array<bigint>(MAX_ATTRIBUTES).fill(0n);
  schema.attributes.forEach((attribute, slot) => {
    if (!Object.hasOwn(given, attribute.name)) {
      throw new MedzkError("INVALID_ATTRIBUTE", `attribute "${attribute.name}" is missing`);
    }
    const encoded = encodeValue(attribute, given[attribute.name]);
    values[attribute.name] = encoded.value;
    fields[slot] = encoded.field;
  });
  for (const rule of schema.rules ?? []) {
    const slot = schema.attributes.findIndex((a) => a.name === rule.attribute);
    const bound = rule.notAfter === "$issuedAt" ? BigInt(issuedOn) : fields[schema.attributes.findIndex((a) => a.name === rule.notAfter)]!;
    if (fields[slot]! > bound) {
      const what = rule.notAfter === "$issuedAt" ? "the issuance date" : `"${rule.notAfter}"`;
      throw new MedzkError("INVALID_ATTRIBUTE", `"${rule.attribute}" must not lie after ${what}`);
    }
  }
  return { values, fields };
}

/** The slot of a named attribute, or undefined. */
export function slotOf(schema: SchemaDefinition, name: string): number | undefined {
  const i = schema.attributes.findIndex((a) => a.name === name);
  return i < 0 ? undefined : i;
}
