/**
 * The query language: a plain-JSON statement of up to 4 predicates over the attributes of one
 * credential of a named schema, all of which must hold, plus up to 2 attributes to disclose.
 *
 *   { "type": "query", "schema": "insurance-coverage/v1",
 *     "where": [ { "attribute": "plan", "op": "IN", "values": ["gold", "platinum"] },
 *                { "attribute": "coverageEnd", "op": "GTE", "value": "2026-12-31" } ],
 *     "disclose": ["plan"] }
 *
 * Operators: EQ, NE, LT, LTE, GT, GTE and BETWEEN (inclusive, `values: [low, high]`) on dates,
 * integers and booleans; EQ, NE, IN and NOT_IN (`values`: 1 to 16) on every type. A single-value
 * predicate on a date may compare with a date relative to the request's as-of date,
 * `"value": { "daysBeforeAsOf": 14 }`: it is resolved when the query is compiled, from the as-of
 * date of the request being proven or verified (the verifier's own), so the circuit still sees
 * a constant bound and the verifier compares it with the value it derives itself. This module
 * compiles a query to the public inputs of circuits/lib/query.circom and evaluates it in TS with
 * exactly the circuit's semantics (the prover checks a query holds before proving); `query` at
 * the end is the statement module the registry serves.
 *
 * The compiled descriptor (predicates and disclosed slots) is a private circuit input; its one
 * public signal is `queryHash` (queryHash below, QueryDescriptorHash in query.circom), which the
 * verifier recomputes from the statement of its own request, never from what the holder sends.
 */
import { poseidon9 } from "poseidon-lite/poseidon9";
import { poseidon16 } from "poseidon-lite/poseidon16";
import registry from "../../circuits/circuits.json" with { type: "json" };
import { daysBefore } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { type AttributeDefinition, type AttributeValue, MAX_ATTRIBUTES, type SchemaDefinition, encodeValue, schemaIdField, slotOf } from "../core/schemas.js";
import type { Operator, Predicate, QueryStatement, RelativeDate } from "../core/statement.js";
import { assertObject, checkObject, isPlainObject } from "../core/validate.js";
import type { SchemaResolver, StatementModule } from "./definition.js";

// The sizes the query circuit was compiled with (circuits/circuits.json).
const { N_PREDICATES, SET_SIZE: SET, N_DISCLOSED } = registry.circuits.query.params;
export const MAX_PREDICATES: number = N_PREDICATES;
export const SET_SIZE: number = SET;
export const MAX_DISCLOSED: number = N_DISCLOSED;
/** discloseSlot value meaning "nothing" (the circuit outputs 0). */
export const NO_SLOT: number = MAX_ATTRIBUTES;

// The statement's JSON types live in core/statement.ts (the request format carries them).
export type { Operator, Predicate, QueryStatement, RelativeDate } from "../core/statement.js";

const OPERATORS: readonly Operator[] = ["EQ", "NE", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN"];

/** Circuit op codes (circuits/lib/query.circom). */
const OP = { none: 0n, range: 1n, in: 2n, notIn: 3n } as const;

export interface CompiledQuery {
  predSlot: bigint[];
  predOp: bigint[];
  predLo: bigint[];
  predHi: bigint[];
  predSet: bigint[][];
  discloseSlot: bigint[];
}

const invalid = (message: string): never => {
  throw new MedzkError("INVALID_STATEMENT", `query: ${message}`);
};

function numericBounds(a: AttributeDefinition): [bigint, bigint] | undefined {
  switch (a.type) {
    case "date":
      return [10101n, 99991231n];
    case "integer":
      return [0n, (1n << BigInt(a.bits)) - 1n];
    case "boolean":
      return [0n, 1n];
    default:
      return undefined;
  }
}

const encode = (a: AttributeDefinition, v: unknown) => encodeValue(a, v).field;

/** At most about a hundred years back: a bound further away says nothing a fixed date would not. */
const MAX_DAYS_BEFORE_AS_OF = 36500;

/** Whether a predicate value is a relative date (a plain object; attribute values never are). */
const isRelative = (v: unknown): v is RelativeDate => isPlainObject(v);

/** Validates a relative date value for predicate `i` on `attribute` (throws INVALID_STATEMENT). */
function relativeDate(v: Record<string, unknown>, attribute: AttributeDefinition, i: number): RelativeDate {
  const shape = checkObject(v, `where[${i}].value`, { required: ["daysBeforeAsOf"] });
  if (!shape.ok) return invalid(shape.message);
  if (attribute.type !== "date") return invalid(`where[${i}]: a relative date needs a date attribute; "${attribute.name}" is ${attribute.type}`);
  const days = v["daysBeforeAsOf"];
  if (typeof days !== "number" || !Number.isInteger(days) || days < 0 || days > MAX_DAYS_BEFORE_AS_OF) {
    return invalid(`where[${i}].value: "daysBeforeAsOf" must be an integer from 0 to ${MAX_DAYS_BEFORE_AS_OF}, got ${JSON.stringify(days)}`);
  }
  return { daysBeforeAsOf: days };
}

/**
 * The YYYYMMDD encoding of a predicate value: a relative date is resolved on `asOf` (YYYYMMDD),
 * the request's as-of date. NOTE: soundness rests on `asOf` being the request's own: the
 * verifier passes the as-of date of the request it signed, which is also a public signal.
 */
function encodePredicateValue(a: AttributeDefinition, v: AttributeValue | RelativeDate, asOf: number | undefined): bigint {
  if (!isRelative(v)) return encode(a, v);
  if (asOf === undefined) return invalid(`a relative date ("daysBeforeAsOf") needs the request's as-of date`);
  const day = daysBefore(asOf, v.daysBeforeAsOf);
  return day === undefined ? invalid(`"daysBeforeAsOf" ${v.daysBeforeAsOf} lies before 0001-01-01`) : BigInt(day);
}

/** Validates a query against its schema and returns a normalised copy (throws INVALID_STATEMENT). */
export function normaliseQuery(raw: Record<string, unknown>, schema: SchemaDefinition): QueryStatement {
  const q = assertObject(raw, "statement", { required: ["type", "schema"], optional: ["where", "disclose"] }, "INVALID_STATEMENT");
  const where = q.where ?? [];
  const disclose = q.disclose ?? [];
  if (!Array.isArray(where) || where.length > MAX_PREDICATES) invalid(`"where" must list at most ${MAX_PREDICATES} predicates`);
  if (!Array.isArray(disclose) || disclose.length > MAX_DISCLOSED) invalid(`"disclose" must list at most ${MAX_DISCLOSED} attributes`);
  if ((where as unknown[]).length + (disclose as unknown[]).length === 0) invalid("a query needs a predicate or a disclosure");
  const predicates = (where as unknown[]).map((p, i) => normalisePredicate(p, schema, i));
  const disclosed = (disclose as unknown[]).map((name) => {
    if (typeof name !== "string" || slotOf(schema, name) === undefined) return invalid(`cannot disclose unknown attribute ${JSON.stringify(name)}`);
    return name;
  });
  if (new Set(disclosed).size !== disclosed.length) invalid("an attribute is disclosed twice");
  const out: QueryStatement = { type: "query", schema: schema.id, where: predicates };
  if (disclosed.length > 0) out.disclose = disclosed;
  return out;
}

function normalisePredicate(p: unknown, schema: SchemaDefinition, i: number): Predicate {
  const shaped = checkObject(p, `where[${i}]`, { required: ["attribute", "op"], optional: ["value", "values"] });
  if (!shaped.ok) return invalid(shaped.message);
  const r: Record<string, unknown> = shaped.value;
  const name = r["attribute"];
  const slot = typeof name === "string" ? slotOf(schema, name) : undefined;
  if (slot === undefined) return invalid(`where[${i}]: schema ${schema.id} has no attribute ${JSON.stringify(name)}`);
  const attribute = schema.attributes[slot]!;
  const op = r["op"] as Operator;
  if (!OPERATORS.includes(op)) return invalid(`where[${i}]: unknown operator ${JSON.stringify(r["op"])}`);
  const numeric = numericBounds(attribute) !== undefined;
  const allowed = op === "EQ" || op === "NE" || op === "IN" || op === "NOT_IN" || numeric;
  if (!allowed) invalid(`where[${i}]: ${op} needs a date, integer or boolean attribute; "${name}" is ${attribute.type}`);
  const keys = Object.keys(r).sort().join(",");
  const value = (v: unknown) => encodeValue(attribute, v).value;
  switch (op) {
    case "BETWEEN": {
      const vs = r["values"];
      if (keys !== "attribute,op,values" || !Array.isArray(vs) || vs.length !== 2) return invalid(`where[${i}]: BETWEEN takes "values": [low, high]`);
      if (encode(attribute, vs[0]) > encode(attribute, vs[1])) invalid(`where[${i}]: BETWEEN low is above high`);
      return { attribute: name as string, op, values: [value(vs[0]), value(vs[1])] };
    }
    case "IN":
    case "NOT_IN": {
      const vs = r["values"];
      if (keys !== "attribute,op,values" || !Array.isArray(vs) || vs.length === 0 || vs.length > SET_SIZE) {
        return invalid(`where[${i}]: ${op} takes "values" with 1 to ${SET_SIZE} entries`);
      }
      return { attribute: name as string, op, values: vs.map(value) };
    }
    default: {
      if (keys !== "attribute,op,value") return invalid(`where[${i}]: ${op} takes "value"`);
      const given = r["value"];
      if (isPlainObject(given)) return { attribute: name as string, op, value: relativeDate(given, attribute, i) };
      const v = encode(attribute, given);
      const [min, max] = numericBounds(attribute) ?? [0n, 0n];
      if ((op === "LT" && v <= min) || (op === "GT" && v >= max)) invalid(`where[${i}]: ${op} ${String(r["value"])} can never hold`);
      return { attribute: name as string, op, value: value(r["value"]) };
    }
  }
}

/**
 * The query circuit's statement inputs for a normalised query. `asOf` (YYYYMMDD), the request's
 * as-of date, resolves relative dates; a query with one throws INVALID_STATEMENT without it.
 */
export function compileQuery(q: QueryStatement, schema: SchemaDefinition, asOf?: number): CompiledQuery {
  const c: CompiledQuery = { predSlot: [], predOp: [], predLo: [], predHi: [], predSet: [], discloseSlot: [] };
  const push = (slot: number, op: bigint, lo: bigint, hi: bigint, set: bigint[]) => {
    c.predSlot.push(BigInt(slot));
    c.predOp.push(op);
    c.predLo.push(lo);
    c.predHi.push(hi);
    // Padding repeats the first element, never 0: a zero attribute must not match padding.
    c.predSet.push(Array.from({ length: SET_SIZE }, (_, j) => set[j] ?? set[0] ?? 0n));
  };
  for (const p of q.where) {
    const slot = slotOf(schema, p.attribute)!;
    const a = schema.attributes[slot]!;
    const bounds = numericBounds(a);
    if (p.op === "IN" || p.op === "NOT_IN") {
      push(slot, p.op === "IN" ? OP.in : OP.notIn, 0n, 0n, p.values.map((v) => encode(a, v)));
    } else if (p.op === "BETWEEN") {
      push(slot, OP.range, encode(a, p.values[0]), encode(a, p.values[1]), []);
    } else if (!bounds) {
      push(slot, p.op === "EQ" ? OP.in : OP.notIn, 0n, 0n, [encode(a, (p as { value: AttributeValue }).value)]);
    } else {
      const v = encodePredicateValue(a, (p as { value: AttributeValue | RelativeDate }).value, asOf);
      const [min, max] = bounds;
      if (p.op === "NE") push(slot, OP.notIn, 0n, 0n, [v]);
      else {
        const [lo, hi] = { EQ: [v, v], LT: [min, v - 1n], LTE: [min, v], GT: [v + 1n, max], GTE: [v, max] }[p.op];
        push(slot, OP.range, lo!, hi!, []);
      }
    }
  }
  while (c.predSlot.length < MAX_PREDICATES) push(0, OP.none, 0n, 0n, [0n]);
  const disclose = q.disclose ?? [];
  for (let d = 0; d < MAX_DISCLOSED; d++) c.discloseSlot.push(BigInt(d < disclose.length ? slotOf(schema, disclose[d]!)! : NO_SLOT));
  return c;
}

// The packed descriptor's field widths (query.circom QueryDescriptorHash): slot 4 bits, op 4,
// lo 64, hi 64; each disclosed slot 4 bits.
const SLOT_BITS = 4n;
const LO_SHIFT = 8n;
const HI_SHIFT = 72n;
// poseidon9 and poseidon16 below are the circuit's Poseidon(2 * N_PREDICATES + 1) and Poseidon(SET_SIZE).
if (2 * MAX_PREDICATES + 1 !== 9 || SET_SIZE !== 16 || MAX_DISCLOSED > 4) {
  throw new Error("circuits/circuits.json: query sizes changed; update queryHash's Poseidon arities");
}

/**
 * The query circuit's public `queryHash` of a compiled query (query.circom QueryDescriptorHash):
 * Poseidon(packed[0..3], Poseidon(set[0]), …, Poseidon(set[3]), disclosePacked), with
 * packed[p] = slot + 2^4 op + 2^8 lo + 2^72 hi and disclosePacked = slot[0] + 2^4 slot[1].
 * Every value a compiled query holds fits its field (slot < 9, op < 4, lo, hi < 2^64).
 */
export function queryHash(c: CompiledQuery): bigint {
  const packed = c.predSlot.map((slot, p) => slot + (c.predOp[p]! << SLOT_BITS) + (c.predLo[p]! << LO_SHIFT) + (c.predHi[p]! << HI_SHIFT));
  const sets = c.predSet.map((set) => poseidon16(set));
  const disclose = c.discloseSlot.reduce((acc, slot, d) => acc + (slot << (SLOT_BITS * BigInt(d))), 0n);
  return poseidon9([...packed, ...sets, disclose]);
}

/**
 * queryHash of a statement's compiled query, remembered per schema definition and (as-of date,
 * statement JSON): a verifier checks many answers to the same question (checkSignals derives the
 * hash for each), and one hash costs four Poseidon(16) and a Poseidon(9) in poseidon-lite (about
 * 10 ms on one core of the 2-core bench machine, 70 ms under load), against a few µs for the
 * lookup. The key is the exact statement content, so a hit is what compiling would give.
 */
const HASHES = new WeakMap<SchemaDefinition, Map<string, bigint>>();
const MAX_REMEMBERED = 256;

function statementHash(s: QueryStatement, schema: SchemaDefinition, asOf: number | undefined): bigint {
  let known = HASHES.get(schema);
  if (!known) HASHES.set(schema, (known = new Map()));
  const key = `${asOf ?? ""}|${JSON.stringify(s)}`;
  let hash = known.get(key);
  if (hash === undefined) {
    hash = queryHash(compileQuery(s, schema, asOf));
    // Oldest first: a Map iterates in insertion order.
    if (known.size >= MAX_REMEMBERED) known.delete(known.keys().next().value!);
    known.set(key, hash);
  }
  return hash;
}

/** Whether the 8 attribute slot encodings satisfy the compiled query (the circuit's semantics). */
export function queryHolds(c: CompiledQuery, fields: readonly bigint[]): boolean {
  return c.predOp.every((op, p) => {
    const v = fields[Number(c.predSlot[p])]!;
    if (op === OP.none) return true;
    if (op === OP.range) return v < 1n << 64n && c.predLo[p]! <= v && v <= c.predHi[p]!;
    const member = c.predSet[p]!.includes(v);
    return op === OP.in ? member : !member;
  });
}

/** The schema a query names: built in, or pinned by the verifier (or the holder's credential). */
function querySchema(s: { schema?: unknown }, schemas: SchemaResolver): SchemaDefinition {
  const id = s.schema;
  const schema = typeof id === "string" ? schemas(id) : undefined;
  if (!schema) throw new MedzkError("UNKNOWN_SCHEMA", `query schema ${JSON.stringify(id)} is not known here; pin its definition`);
  return schema;
}

/** The "query" statement: circuits/lib/query.circom (registry entry "query"), any schema. */
export const query: StatementModule<QueryStatement> = {
  type: "query",
  fields: { schema: { type: "string" }, where: { type: "array", maxItems: 16 }, disclose: { type: "array", maxItems: 8 } },
  optional: ["where", "disclose"],
  parse: (raw, schemas) => normaliseQuery(raw, querySchema(raw, schemas)),
  schema: querySchema,
  publicInputs: (s, schema, asOf) => ({ schemaId: schemaIdField(schema), queryHash: statementHash(s, schema, asOf) }),
  privateInputs: (s, schema, asOf) => ({ ...compileQuery(s, schema, asOf) }),
  holds: (s, schema, fields, asOf) => queryHolds(compileQuery(s, schema, asOf), fields),
  attributeInputs: (fields) => ({ attr: [...fields] }),
};
