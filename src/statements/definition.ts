/**
 * What a statement module provides. One module per statement (age-at-least.ts,
 * insurance-active.ts, query.ts) says how its parameters are parsed, which credential schema it
 * reads (when its circuit takes the schema as a public signal), which public inputs the
 * parameters become, whether a credential satisfies it, and which private attribute inputs its
 * circuit takes. The registry (registry.ts) joins each module with its circuit's entry in
 * circuits/circuits.json (circuit name, public-signal order, outputs, fixed schema).
 */
import { BUILTIN_SCHEMAS, type SchemaDefinition } from "../core/schemas.js";

/** A circuit input value in snarkjs's shape: a number, or (nested) arrays of them. */
export type InputValue = bigint | InputValue[];

/** Finds a schema definition by id (built-ins plus whatever a verifier or holder pinned). */
export type SchemaResolver = (id: string) => SchemaDefinition | undefined;

/** The built-in schemas only. */
export const builtinSchemas: SchemaResolver = (id) => BUILTIN_SCHEMAS[id];

/** The JSON Schema of one statement field, for the service's envelope (src/server/schemas.ts). */
export type FieldSchema = Record<string, unknown>;

export interface StatementModule<S extends { type: string }> {
  type: S["type"];
  /**
   * The statement's fields besides "type", with the JSON Schema type the service's envelope
   * checks (the module's `parse` checks everything else); `optional` lists those that may be absent.
   */
  fields: Readonly<Record<string, FieldSchema>>;
  optional?: readonly string[];
  /**
   * Validates a caller's statement (an object whose "type" is this module's) and returns a
   * normalised copy. Throws MedzkError: INVALID_STATEMENT, or UNKNOWN_SCHEMA / INVALID_DATE /
   * INVALID_ATTRIBUTE for what names a schema or attribute value.
   */
  parse(raw: Record<string, unknown>, schemas: SchemaResolver): S;
  /**
   * The schema a statement reads, for circuits that take it as a public signal. Absent when the
   * circuit fixes its schema at compile time (the registry's `schema`).
   */
  schema?(statement: S, schemas: SchemaResolver): SchemaDefinition;
  /**
   * The statement's own public inputs (besides issuer, root, as-of date, challenge, scope).
   * `asOf` (YYYYMMDD) is the request's as-of date, for parameters relative to it (a query's
   * relative dates); a statement that has such parameters throws INVALID_STATEMENT without it.
   */
  publicInputs(statement: S, schema: SchemaDefinition, asOf?: number): Record<string, InputValue>;
  /**
   * The statement's private circuit inputs, which its public inputs commit to (a query's
   * descriptor behind its `queryHash`): the prover's only. Absent when the statement has none.
   */
  privateInputs?(statement: S, schema: SchemaDefinition, asOf?: number): Record<string, InputValue>;
  /** Whether the 8 attribute slot encodings satisfy the statement on `asOf` (YYYYMMDD), as the circuit decides. */
  holds(statement: S, schema: SchemaDefinition, fields: readonly bigint[], asOf: number): boolean;
  /** The circuit's private attribute inputs from the 8 slot encodings. */
  attributeInputs(fields: readonly bigint[]): Record<string, InputValue>;
}
