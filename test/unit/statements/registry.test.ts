/**
 * The statement registry (src/statements/registry.ts) against the circuit registry
 * (circuits/circuits.json, read strictly by scripts/circuits.mjs): every statement has exactly
 * one circuit, its signal order is the registry's, every input signal but the issuer key and the
 * revocation root is one the verifier derives, and the circuits' compile-time constants are the
 * library's own values. The compiled circuits' .sym order is checked by test/circuits.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import registryJson from "../../../circuits/circuits.json" with { type: "json" };
import { CIRCUITS, mainSource, readRegistry } from "../../../scripts/circuits.mjs";
import { BUILTIN_SCHEMAS, schemaIdField, slotOf } from "../../../src/core/schemas.js";
import { MAX_DISCLOSED, MAX_PREDICATES, NO_SLOT, SET_SIZE } from "../../../src/statements/query.js";
import {
  type Statement,
  ISSUER_MODES,
  STATEMENT_TYPES,
  builtinSchemas,
  flattenInputs,
  normaliseStatement,
  parseStatement,
  statementDefinition,
} from "../../../src/statements/registry.js";

/** One valid statement per type, for the derivation checks. */
const EXAMPLES: Record<string, Statement> = {
  ageAtLeast: { type: "ageAtLeast", minAge: 18 },
  insuranceActive: { type: "insuranceActive", insurerId: "acme-health" },
  query: {
    type: "query",
    schema: "insurance-coverage/v1",
    where: [{ attribute: "plan", op: "IN", values: ["gold", "platinum"] }],
    disclose: ["coverageEnd"],
  },
};

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return "accepted";
};

describe("statement registry", () => {
  it("serves exactly the statements of circuits/circuits.json, each from its circuit", () => {
    // Every statement once per issuer mode: "key" (issuer key public) and "set" (hidden).
    for (const mode of ISSUER_MODES) {
      expect([...STATEMENT_TYPES].sort(), mode).toEqual(CIRCUITS.filter((c) => c.issuerMode === mode).flatMap((c) => c.statements).sort());
    }
    expect(CIRCUITS.every((c) => (ISSUER_MODES as readonly string[]).includes(c.issuerMode))).toBe(true);
    expect(Object.keys(EXAMPLES).sort()).toEqual([...STATEMENT_TYPES].sort());
    for (const type of STATEMENT_TYPES) {
      expect(statementDefinition(type)).toBe(statementDefinition(type, "key"));
      for (const mode of ISSUER_MODES) {
        const def = statementDefinition(type, mode);
        const circuit = CIRCUITS.find((c) => c.name === def.circuit)!;
        expect(circuit.statements).toContain(type);
        expect(circuit.issuerMode).toBe(mode);
        expect(def.issuerMode).toBe(mode);
        expect(def.signals).toEqual(circuit.publicSignals);
        expect(def.outputs).toEqual(circuit.outputs);
      }
    }
  });

  it("a hidden-issuer circuit has its sibling's public signals with issuerAx, issuerAy, revocationRoot replaced by issuerSetRoot", () => {
    for (const type of STATEMENT_TYPES) {
      const key = statementDefinition(type, "key");
      const set = statementDefinition(type, "set");
      const at = key.signals.indexOf("issuerAx");
      expect(key.signals.slice(at, at + 3)).toEqual(["issuerAx", "issuerAy", "revocationRoot"]);
      expect(set.signals).toEqual([...key.signals.slice(0, at), "issuerSetRoot", ...key.signals.slice(at + 3)]);
      expect(set.outputs).toEqual(key.outputs);
      const keyEntry = CIRCUITS.find((c) => c.name === key.circuit)!;
      const setEntry = CIRCUITS.find((c) => c.name === set.circuit)!;
      expect(setEntry.params).toEqual(keyEntry.params);
      expect(setEntry.schema).toBe(keyEntry.schema);
    }
  });

  it("derives every public input but the issuer key and the revocation root (or the set root, compared with the request's) from the request", () => {
    for (const type of STATEMENT_TYPES) {
      for (const [mode, issuerSignals] of [["key", ["issuerAx", "issuerAy", "revocationRoot"]], ["set", ["issuerSetRoot"]]] as const) {
        const def = statementDefinition(type, mode);
        const statement = parseStatement(EXAMPLES[type]);
        const schema = def.schema(statement, builtinSchemas);
        const derived = [...flattenInputs({ asOfDate: 0n, challenge: 0n, scope: 0n, ...def.publicInputs(statement, schema) }).keys()];
        const inputs = def.signals.slice(def.outputs.length);
        expect([...derived, ...issuerSignals].sort(), `${type} ${mode}`).toEqual([...inputs].sort());
      }
    }
  });

  it("reads the schema a circuit fixes from the registry, and the circuits' constants are the library's", () => {
    for (const c of CIRCUITS) {
      if (c.schema === null) continue;
      const schema = BUILTIN_SCHEMAS[c.schema]!;
      expect(String(c.params["SCHEMA_ID"])).toBe(schemaIdField(schema).toString());
      for (const type of c.statements) {
        const def = statementDefinition(type as Statement["type"]);
        expect(def.schema(EXAMPLES[type]!, () => undefined)).toBe(schema);
      }
    }
    expect(registryJson.circuits.age_at_least.params.DOB_SLOT).toBe(slotOf(BUILTIN_SCHEMAS["patient-record/v1"]!, "dateOfBirth"));
    const q = registryJson.circuits.query;
    expect([q.params.N_PREDICATES, q.params.SET_SIZE, q.params.N_DISCLOSED]).toEqual([MAX_PREDICATES, SET_SIZE, MAX_DISCLOSED]);
    expect(NO_SLOT).toBe(8); // the credential's attribute slots; the circuit's "disclose nothing"
  });

  it("parseStatement refuses with stable codes; normaliseStatement is its alias", () => {
    expect(normaliseStatement).toBe(parseStatement);
    for (const bad of [null, [], "ageAtLeast", 18]) expect(code(() => parseStatement(bad))).toBe("INVALID_STATEMENT");
    expect(code(() => parseStatement({ type: "bloodTypeIs" }))).toBe("UNKNOWN_STATEMENT");
    expect(code(() => parseStatement({ type: "toString" }))).toBe("UNKNOWN_STATEMENT");
    expect(code(() => parseStatement({ minAge: 18 }))).toBe("UNKNOWN_STATEMENT");
    for (const minAge of [-1, 1.5, 256, "18", null, undefined]) expect(code(() => parseStatement({ type: "ageAtLeast", minAge }))).toBe("INVALID_STATEMENT");
    expect(code(() => parseStatement({ type: "ageAtLeast" }))).toBe("INVALID_STATEMENT");
    expect(code(() => parseStatement({ type: "ageAtLeast", minAge: 18, extra: 1 }))).toBe("INVALID_STATEMENT");
    for (const insurerId of ["", "x".repeat(257), 7]) expect(code(() => parseStatement({ type: "insuranceActive", insurerId }))).toBe("INVALID_STATEMENT");
    expect(code(() => parseStatement({ type: "query", schema: "unpinned/v1", where: [] }))).toBe("UNKNOWN_SCHEMA");
    expect(parseStatement({ type: "ageAtLeast", minAge: 255 })).toEqual({ type: "ageAtLeast", minAge: 255 });
    expect(parseStatement({ type: "insuranceActive", insurerId: "x".repeat(256) })).toEqual({ type: "insuranceActive", insurerId: "x".repeat(256) });
  });
});

describe("circuit registry file (scripts/circuits.mjs)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "medzk-registry-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** readRegistry on a copy of circuits.json changed by `edit`: the error message, or "accepted". */
  async function readEdited(edit: (r: typeof registryJson & Record<string, unknown>) => void): Promise<string> {
    const copy = structuredClone(registryJson) as typeof registryJson & Record<string, unknown>;
    edit(copy);
    const path = join(dir, `circuits-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(copy));
    try {
      readRegistry(path);
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  }

  it("is read strictly", async () => {
    expect(await readEdited(() => {})).toBe("accepted");
    expect(await readEdited((r) => (r["extra"] = 1))).toMatch(/top level: unknown key "extra"/);
    expect(await readEdited((r) => ((r.circuits.query as Record<string, unknown>)["pubs"] = []))).toMatch(/circuits\.query: unknown key "pubs"/);
    expect(await readEdited((r) => delete (r.circuits.query as Partial<typeof r.circuits.query>).outputs)).toMatch(/missing "outputs"/);
    expect(await readEdited((r) => (r.circuits.query.outputs = ["disclosed[0]", "nullifier", "disclosed[1]"]))).toMatch(/first public signals/);
    expect(await readEdited((r) => (r.circuits.query.publicSignals = [...r.circuits.query.publicSignals, "scope"]))).toMatch(/names a signal twice/);
    expect(await readEdited((r) => (r.circuits.insurance_active.statements = ["ageAtLeast"]))).toMatch(/already served by age_at_least in issuer mode "key"/);
    expect(await readEdited((r) => (r.circuits.insurance_active_hidden.statements = ["ageAtLeast"]))).toMatch(/already served by age_at_least_hidden in issuer mode "set"/);
    expect(await readEdited((r) => (r.circuits.query_hidden.issuerMode = "hidden"))).toMatch(/circuits\.query_hidden\.issuerMode: must be one of "key", "set"/);
    expect(await readEdited((r) => delete (r.circuits.query as Partial<typeof r.circuits.query>).issuerMode)).toMatch(/missing "issuerMode"/);
    expect(await readEdited((r) => (r.circuits.query.params = { N_DISCLOSED: 2, SET_SIZE: 16, N_PREDICATES: 4 }))).toMatch(/Query's parameters in order: N_PREDICATES, SET_SIZE, N_DISCLOSED/);
    expect(await readEdited((r) => (r.circuits.query.params.SET_SIZE = 1.5))).toMatch(/non-negative integer/);
    expect(await readEdited((r) => (r.circuits.query.template = "Quer"))).toMatch(/declares no template Quer/);
    expect(await readEdited((r) => (r.circuits.query.include = "lib/nope.circom"))).toMatch(/does not exist/);
  });

  it("generates each main component from its entry", () => {
    expect(mainSource("query")).toContain(
      'include "lib/query.circom";\n\ncomponent main {public [issuerAx, issuerAy, revocationRoot, asOfDate, schemaId, challenge, scope, ' +
        "queryHash]} = Query(4, 16, 2);",
    );
    expect(mainSource("age_at_least")).toMatch(/^pragma circom 2\.1\.5;\n/);
    expect(mainSource("age_at_least")).toContain(`= AgeAtLeast(${registryJson.circuits.age_at_least.params.SCHEMA_ID}, 0);`);
  });
});
