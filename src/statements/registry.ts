/**
 * The statements a holder can prove, each backed by one circuit: the statement modules joined
 * with their circuits' entries in circuits/circuits.json (the circuit registry, bundled at build
 * time like artifacts/manifest.json). The registry gives each statement its circuit, its public
 * signals in order and which of them the circuit outputs, and the schema when the circuit fixes
 * it; the module gives the rest (definition.ts). Both the prover and the verifier derive public
 * signals from here, so the two sides cannot drift, and scripts/check-artifacts.mjs checks the
 * compiled circuits' signal order against the same file.
 */
import circuits from "../../circuits/circuits.json" with { type: "json" };
import { MedzkError } from "../core/errors.js";
import { BUILTIN_SCHEMAS, type SchemaDefinition } from "../core/schemas.js";
import type { Statement, StatementType } from "../core/statement.js";
import { isPlainObject } from "../core/validate.js";
import { ageAtLeast } from "./age-at-least.js";
import { type InputValue, type SchemaResolver, type StatementModule, builtinSchemas } from "./definition.js";
import { insuranceActive } from "./insurance-active.js";
import { query } from "./query.js";

export { builtinSchemas, type InputValue, type SchemaResolver } from "./definition.js";
export type { Statement, StatementType } from "../core/statement.js";

/** Every statement module; a new statement adds its module here (circuits/README.md). */
const MODULES: { [T in StatementType]: StatementModule<Extract<Statement, { type: T }>> } = { ageAtLeast, insuranceActive, query };

/**
 * How a proof shows its issuer (circuits/circuits.json's `issuerMode`): "key", the issuer key and
 * its revocation root are public signals; "set", they are private and proven to be a leaf of the
 * verifier's trusted issuer set, whose root `issuerSetRoot` is the one public signal about the
 * issuer (core/issuer-set.ts). A request with an `issuerSet` asks for "set".
 */
export type IssuerMode = "key" | "set";

/** A statement module with its circuit's registry entry. */
export interface StatementDefinition {
  type: StatementType;
  issuerMode: IssuerMode;
  /** The circuit's name in circuits/circuits.json and artifacts/manifest.json. */
  circuit: string;
  /** The circuit's public signals in order ("nullifier", "disclosed[0]", "queryHash", …). */
  signals: readonly string[];
  /** The leading signals the circuit produces (not compared with the request). */
  outputs: readonly string[];
  schema(statement: Statement, schemas: SchemaResolver): SchemaDefinition;
  parse(raw: Record<string, unknown>, schemas: SchemaResolver): Statement;
  /** The statement's own public inputs (besides issuer, root, as-of date, challenge, scope); `asOf` (YYYYMMDD) resolves relative dates. */
  publicInputs(statement: Statement, schema: SchemaDefinition, asOf?: number): Record<string, InputValue>;
  /** The statement's private inputs its public inputs commit to (the prover's only; {} when none). */
  privateInputs(statement: Statement, schema: SchemaDefinition, asOf?: number): Record<string, InputValue>;
  holds(statement: Statement, schema: SchemaDefinition, fields: readonly bigint[], asOf: number): boolean;
  /** The circuit's private attribute inputs from the 8 slot encodings. */
  attributeInputs(fields: readonly bigint[]): Record<string, InputValue>;
}

function define(module: StatementModule<Statement>, issuerMode: IssuerMode): StatementDefinition {
  const found = Object.entries(circuits.circuits).find(([, c]) => c.issuerMode === issuerMode && (c.statements as string[]).includes(module.type));
  // A build whose registry and modules disagree is broken; test/unit/statements checks both ways.
  if (!found) throw new Error(`circuits/circuits.json has no circuit serving "${module.type}" in issuer mode "${issuerMode}"`);
  const [circuit, entry] = found;
  let schema = module.schema;
  if (entry.schema !== null) {
    const fixed = BUILTIN_SCHEMAS[entry.schema];
    if (!fixed || module.schema) throw new Error(`circuits/circuits.json: ${circuit} fixes schema ${entry.schema}, which its statement module cannot use`);
    schema = () => fixed;
  }
  if (!schema) throw new Error(`statement "${module.type}" names no schema and its circuit ${circuit} fixes none`);
  const privateInputs = module.privateInputs ?? (() => ({}));
  return { ...module, issuerMode, circuit, signals: entry.publicSignals, outputs: entry.outputs, schema, privateInputs };
}

export const ISSUER_MODES: readonly IssuerMode[] = ["key", "set"];

// Each module only ever receives statements of its own type: statementDefinition(s.type).
const DEFINITIONS = Object.fromEntries(
  Object.values(MODULES).map((m) => [m.type, { key: define(m as StatementModule<Statement>, "key"), set: define(m as StatementModule<Statement>, "set") }]),
) as Record<StatementType, Record<IssuerMode, StatementDefinition>>;

export const STATEMENT_TYPES = Object.keys(DEFINITIONS) as StatementType[];

/** A statement type's definition in an issuer mode (default "key": the issuer key is public). */
export function statementDefinition(type: StatementType, issuerMode: IssuerMode = "key"): StatementDefinition {
  return DEFINITIONS[type][issuerMode];
}

/** The statement modules, for the service's JSON schemas (src/server/schemas.ts). */
export function statementModules(): readonly StatementModule<Statement>[] {
  return Object.values(MODULES) as StatementModule<Statement>[];
}

/**
 * Validates a statement given by a caller and returns a normalised copy. Throws MedzkError:
 * INVALID_STATEMENT (not an object, wrong or unknown fields), UNKNOWN_STATEMENT (a "type" this
 * library does not know), UNKNOWN_SCHEMA (a query over a schema `schemas` does not resolve), or
 * INVALID_DATE / INVALID_ATTRIBUTE for a query value its attribute cannot hold.
 */
export function parseStatement(statement: unknown, schemas: SchemaResolver = builtinSchemas): Statement {
  if (!isPlainObject(statement)) throw new MedzkError("INVALID_STATEMENT", `"statement" must be an object`);
  const type = statement["type"];
  if (typeof type !== "string" || !Object.hasOwn(DEFINITIONS, type)) {
    throw new MedzkError("UNKNOWN_STATEMENT", `unknown statement type ${JSON.stringify(type)}; known: ${STATEMENT_TYPES.join(", ")}`);
  }
  return DEFINITIONS[type as StatementType].key.parse(statement, schemas);
}

/**
 * @deprecated Renamed {@link parseStatement}; this alias goes in the next release.
 * @alias
 */
export const normaliseStatement: typeof parseStatement = parseStatement;

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
