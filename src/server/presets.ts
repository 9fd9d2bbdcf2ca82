/**
 * Presets: the statements a verifier service may ask for, named in its config
 * (`"presets": { "adult": { "type": "ageAtLeast", "minAge": 18 } }`). `POST /v1/requests` takes
 * a preset name and nothing else, so no caller of the service can choose what a holder is asked
 * (with a free statement, `minAge: 0` made any adult-only check pass), and every accepted result
 * is mapped back to the preset its statement came from.
 */
import { MedzkError } from "../core/errors.js";
import { BUILTIN_SCHEMAS, type SchemaDefinition } from "../core/schemas.js";
import { isPlainObject } from "../core/validate.js";
import { type Statement, parseStatement } from "../statements/registry.js";
import type { VerifyFailure, VerifyResult, VerifySuccess } from "../verifier/create-verifier.js";

/** A preset name: what callers send and results carry, so short and URL- and log-safe. */
const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** More presets than any policy needs: the list is also copied into the OpenAPI document. */
const MAX_PRESETS = 256;

/**
 * Parses the config's `presets`: an object of at least one name → statement, each statement
 * checked with the library's statement parser (against the built-in and the config's schemas),
 * so a preset the verifier could not ask for stops the service at start-up. Returns the
 * normalised statements. Throws MedzkError("INVALID_ARGUMENT") naming the preset.
 */
export function parsePresets(value: unknown, schemas: readonly SchemaDefinition[] | undefined): Record<string, Statement> {
  const example = `e.g. { "adult": { "type": "ageAtLeast", "minAge": 18 } }`;
  if (!isPlainObject(value)) throw new MedzkError("INVALID_ARGUMENT", `"presets" must be an object of preset names to statements, ${example}`);
  const names = Object.keys(value);
  if (names.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"presets" must name at least one statement this verifier may request, ${example}`);
  if (names.length > MAX_PRESETS) throw new MedzkError("INVALID_ARGUMENT", `"presets" may name at most ${MAX_PRESETS} statements`);
  const resolve = (id: string) => BUILTIN_SCHEMAS[id] ?? schemas?.find((s) => s.id === id);
  const presets: Record<string, Statement> = {};
  const seen = new Map<string, string>();
  for (const name of names) {
    if (!PRESET_NAME.test(name)) {
      throw new MedzkError("INVALID_ARGUMENT", `"presets": ${JSON.stringify(name)} is not a preset name (1 to 64 letters, digits, "_", "-", "." starting with a letter or digit)`);
    }
    let statement: Statement;
    try {
      statement = parseStatement(value[name], resolve);
    } catch (error) {
      if (error instanceof MedzkError) throw new MedzkError("INVALID_ARGUMENT", `"presets.${name}": ${error.message}`, { cause: error });
      throw error;
    }
    // Two names for one statement would make a result's preset ambiguous.
    const key = canonicalJson(statement);
    const other = seen.get(key);
    if (other !== undefined) throw new MedzkError("INVALID_ARGUMENT", `"presets.${name}" is the same statement as "presets.${other}": name each statement once`);
    seen.set(key, name);
    presets[name] = statement;
  }
  return presets;
}

/** Looks presets up by name and by statement. */
export interface PresetIndex {
  /** The statement of preset `name`, or undefined for a name the config does not have. */
  statement(name: string): Statement | undefined;
  /** The name of the preset whose statement `statement` is, or undefined. */
  nameOf(statement: Statement): string | undefined;
}

export function presetIndex(presets: Readonly<Record<string, Statement>>): PresetIndex {
  // Maps, not the object: a name such as "__proto__" or "constructor" from a request body must
  // not find an inherited property.
  const byName = new Map(Object.entries(presets));
  const byStatement = new Map([...byName].map(([name, statement]) => [canonicalJson(statement), name]));
  return {
    statement: (name) => byName.get(name),
    // The verified statement is the one the request carried, which the service wrote from a
    // preset and the MAC vouches for; compared in a key-order-independent form.
    nameOf: (statement) => byStatement.get(canonicalJson(statement)),
  };
}

/** JSON with object keys sorted at every level: equal for equal statements whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A result of the service: the library's, an accepted one with the preset it answered. */
export type ServiceVerifyResult = (VerifySuccess & { preset: string }) | VerifyFailure | {
  ok: false;
  error: { code: "UNKNOWN_PRESET"; message: string };
};

/**
 * Adds the preset name to an accepted result. A verified statement that is no preset (a request
 * issued before the presets changed, or by another holder of the signing key) is refused with
 * UNKNOWN_PRESET: the service vouches only for the statements its config names.
 * NOTE: the challenge is already used up then; such a request cannot be answered anyway.
 */
export function withPreset(result: VerifyResult, presets: PresetIndex): ServiceVerifyResult {
  if (!result.ok) return result;
  const preset = presets.nameOf(result.statement);
  if (preset === undefined) return { ok: false, error: { code: "UNKNOWN_PRESET", message: "the request's statement is none of this verifier's presets" } };
  return { ...result, preset };
}
