/**
 * The wallet's consent policy: plain JSON, per verifier (by public key) plus a default, saying
 * which statement types a verifier may ask, which attributes its query predicates may touch and
 * which attributes it may have disclosed. Decided from the request alone: a refusal by policy
 * says nothing about the record.
 */
import { MedzkError } from "../core/errors.js";
import type { Statement, StatementType } from "../core/statement.js";
import { assertArray, assertHex, assertInteger, assertObject, assertString, isPlainObject } from "../core/validate.js";

/** What one verifier (or, as the default, any trusted verifier) may ask. */
export interface VerifierRules {
  /** Statement types it may ask. Default: all ("ageAtLeast", "insuranceActive", "query"). */
  statements?: StatementType[];
  /** Attributes its query predicates may name. Default: any attribute of the query's schema. */
  attributes?: string[];
  /**
   * Schemas (ids) its queries may be over. Default: every schema the wallet knows (built-in, and
   * the wallet's `schemas` option). A query over a schema the wallet does not know is refused with
   * the same code and message as one over a schema listed nowhere here.
   */
  schemas?: string[];
  /** Attributes it may have disclosed (prove's `allowDisclosure`). Default: none. */
  disclose?: string[];
  /** This verifier's probing budget. Default: the policy's `probing`. */
  probing?: ProbingBudget;
  /**
   * Answer only requests that hide the issuer among the verifier's trusted set (for records whose
   * issuer is itself sensitive: a clinic's name can be a diagnosis). Default false.
   */
  hideIssuer?: boolean;
  /**
   * When the issuer is hidden, the fewest distinct keys of the set, for the statement's schema
   * and valid on the as-of day, that the wallet knows on its own (its `knownIssuers`, or every
   * member of a set whose root `publishedIssuerSetRoot` gives): the anonymity set. Keys only the
   * verifier vouches for do not count; a smaller set is refused (ISSUER_SET_TOO_SMALL). Default 2.
   */
  minIssuerSetSize?: number;
  /**
   * Answer hidden-issuer requests only under the set root published for the schema (the wallet's
   * `publishedIssuerSetRoot`, e.g. the registry contract's), never under a set the verifier
   * chose. Default false.
   */
  requirePublishedIssuerSet?: boolean;
}

/** The probing guard's budget; see guard.ts. */
export interface ProbingBudget {
  /** Distinct questions a verifier may ask about one attribute within the window. Default 2. */
  maxDistinct?: number;
  /** The window, in days. Default 30. */
  windowDays?: number;
}

/** A wallet policy: JSON-safe, so it can live in a file next to the wallet. */
export interface WalletPolicy {
  /** Rules for trusted verifiers without their own entry. Default: {@link VerifierRules}' defaults. */
  default?: VerifierRules;
  /** Rules by verifier public key (lowercase hex); an entry replaces the default for that verifier. */
  verifiers?: Record<string, VerifierRules>;
  /** The probing budget of every verifier whose rules set none. Default: 2 distinct questions per 30 days. */
  probing?: ProbingBudget;
}

/** The smallest anonymity set a wallet accepts by default when the issuer is hidden: one key hides nothing. */
export const DEFAULT_MIN_ISSUER_SET_SIZE = 2;

/** The guard's defaults: 2 distinct questions per verifier and attribute per 30 days (at most 2 bits). */
export const DEFAULT_MAX_DISTINCT = 2;
export const DEFAULT_WINDOW_DAYS = 30;

const TYPES: readonly StatementType[] = ["ageAtLeast", "insuranceActive", "query"];

/** A probing budget with the defaults filled in. */
export interface Budget {
  maxDistinct: number;
  windowMs: number;
}

/** Rules with the defaults filled in; `attributes` undefined means any attribute. */
export interface Rules {
  statements: StatementType[];
  attributes: string[] | undefined;
  /** Undefined means any schema the wallet knows. */
  schemas: string[] | undefined;
  disclose: string[];
  budget: Budget;
  hideIssuer: boolean;
  minIssuerSetSize: number;
  requirePublishedIssuerSet: boolean;
}

export interface ParsedPolicy {
  rulesFor(verifier: string): Rules;
  /** Whether any rules (the default's or a verifier's) set `requirePublishedIssuerSet`. */
  requiresPublishedIssuerSet: boolean;
}

function names(value: unknown, name: string): string[] {
  return assertArray(value, name).map((n, i) => assertString(n, `${name}[${i}]`, { max: 128 }));
}

function parseBudget(value: unknown, name: string, fallback: Budget): Budget {
  if (value === undefined) return fallback;
  const b = assertObject(value, name, { required: [], optional: ["maxDistinct", "windowDays"] });
  return {
    maxDistinct: b.maxDistinct === undefined ? fallback.maxDistinct : assertInteger(b.maxDistinct, `${name}.maxDistinct`, 0, 1000),
    windowMs: b.windowDays === undefined ? fallback.windowMs : assertInteger(b.windowDays, `${name}.windowDays`, 1, 3660) * DAY_MS,
  };
}

const DAY_MS = 86_400_000;

function parseRules(value: unknown, name: string, defaultBudget: Budget): Rules {
  const r = assertObject(value, name, {
    required: [],
    optional: ["statements", "attributes", "schemas", "disclose", "probing", "hideIssuer", "minIssuerSetSize", "requirePublishedIssuerSet"],
  });
  for (const flag of ["hideIssuer", "requirePublishedIssuerSet"] as const) {
    if (r[flag] !== undefined && typeof r[flag] !== "boolean") throw new MedzkError("INVALID_ARGUMENT", `"${name}.${flag}" must be true or false`);
  }
  const statements = r.statements === undefined ? [...TYPES] : names(r.statements, `${name}.statements`);
  for (const [i, t] of statements.entries()) {
    if (!TYPES.includes(t as StatementType)) throw new MedzkError("INVALID_ARGUMENT", `"${name}.statements[${i}]" is not a statement type; known: ${TYPES.join(", ")}`);
  }
  return {
    statements: statements as StatementType[],
    attributes: r.attributes === undefined ? undefined : names(r.attributes, `${name}.attributes`),
    schemas: r.schemas === undefined ? undefined : names(r.schemas, `${name}.schemas`),
    disclose: r.disclose === undefined ? [] : names(r.disclose, `${name}.disclose`),
    budget: parseBudget(r.probing, `${name}.probing`, defaultBudget),
    hideIssuer: r.hideIssuer === true,
    minIssuerSetSize: r.minIssuerSetSize === undefined ? DEFAULT_MIN_ISSUER_SET_SIZE : assertInteger(r.minIssuerSetSize, `${name}.minIssuerSetSize`, 1, 4096),
    requirePublishedIssuerSet: r.requirePublishedIssuerSet === true,
  };
}

/** Validates a policy strictly (unknown keys refused by name) and fills in the defaults. */
export function parsePolicy(value: unknown = {}, name = "policy"): ParsedPolicy {
  const p = assertObject(value, name, { required: [], optional: ["default", "verifiers", "probing"] });
  // Budgets: a verifier's own rules, else the policy's `probing`, else the built-in defaults (an
  // entry in `verifiers` replaces `default` whole, its budget included).
  const budget = parseBudget(p.probing, `${name}.probing`, { maxDistinct: DEFAULT_MAX_DISTINCT, windowMs: DEFAULT_WINDOW_DAYS * DAY_MS });
  const fallback = parseRules(p.default ?? {}, `${name}.default`, budget);
  const perVerifier = new Map<string, Rules>();
  if (p.verifiers !== undefined) {
    if (!isPlainObject(p.verifiers)) throw new MedzkError("INVALID_ARGUMENT", `"${name}.verifiers" must be an object keyed by verifier public key`);
    for (const [key, rules] of Object.entries(p.verifiers)) {
      perVerifier.set(assertHex(key, `${name}.verifiers key`, 32), parseRules(rules, `${name}.verifiers.${key}`, budget));
    }
  }
  return {
    rulesFor: (verifier) => perVerifier.get(verifier) ?? fallback,
    requiresPublishedIssuerSet: [fallback, ...perVerifier.values()].some((r) => r.requirePublishedIssuerSet),
  };
}

const notAllowed = (verifierName: string, what: string) => new MedzkError("REQUEST_NOT_ALLOWED", `the wallet's policy does not allow ${verifierName} to ask ${what}`);

/**
 * The refusal of a query over a schema: one code and one message whether the policy leaves the
 * schema out or the wallet does not know it at all (and so whatever the wallet holds).
 */
function schemaNotAllowed(verifierName: string, schemaId: string): MedzkError {
  return notAllowed(verifierName, `about schema ${JSON.stringify(schemaId)}`);
}

/** The statement's type, then a query's schema (known to the wallet, and in the rules): REQUEST_NOT_ALLOWED otherwise. */
function checkTypeAndSchema(type: StatementType, schema: string | undefined, rules: Rules, verifierName: string, knows: (schemaId: string) => boolean): void {
  if (!rules.statements.includes(type)) throw notAllowed(verifierName, `a ${type} statement`);
  if (schema === undefined) return;
  if (!knows(schema) || (rules.schemas !== undefined && !rules.schemas.includes(schema))) throw schemaNotAllowed(verifierName, schema);
}

/**
 * What the rules decide from a statement as received, before it is parsed: its type, and a
 * query's schema, which the wallet must know (`knows`: built in or configured) and the rules
 * allow. Parsing reads a query's predicates against the schema's definition, which only a wallet
 * configured with the schema has (an attribute it lacks is INVALID_STATEMENT, a schema it lacks
 * UNKNOWN_SCHEMA); deciding first gives a query over a schema the wallet does not know, and one
 * over a schema the rules leave out, the same refusal in the same order, whatever the type rules,
 * predicates or configuration (a custom schema configured often means a credential held). A
 * statement whose type or schema is malformed is left to the parser (it says so from the request).
 */
export function checkAsked(raw: unknown, rules: Rules, verifierName: string, knows: (schemaId: string) => boolean): void {
  if (!isPlainObject(raw) || typeof raw["type"] !== "string" || !TYPES.includes(raw["type"] as StatementType)) return;
  const type = raw["type"] as StatementType;
  const schema = type === "query" && typeof raw["schema"] === "string" ? raw["schema"] : undefined;
  checkTypeAndSchema(type, schema, rules, verifierName, knows);
}

/**
 * Throws REQUEST_NOT_ALLOWED unless the rules allow the (parsed) statement: its type, the
 * query's schema, every predicate's attribute, every disclosure. Returns the disclosures to
 * allow when proving.
 */
export function checkAllowed(statement: Statement, rules: Rules, verifierName: string): string[] {
  const no = (what: string) => notAllowed(verifierName, what);
  // A parsed statement's schema is one the wallet knows (the parser resolved it).
  checkTypeAndSchema(statement.type, statement.type === "query" ? statement.schema : undefined, rules, verifierName, () => true);
  if (statement.type !== "query") return [];
  for (const p of statement.where) {
    if (rules.attributes !== undefined && !rules.attributes.includes(p.attribute)) throw no(`about ${p.attribute}`);
  }
  const disclose = statement.disclose ?? [];
  for (const d of disclose) if (!rules.disclose.includes(d)) throw no(`to disclose ${d}`);
  return disclose;
}
