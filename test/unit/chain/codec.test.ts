/** medzk/chain's codec: circuit layouts from the circuit registry, proof and key encodings, statement parameters. */
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { describe, expect, it } from "vitest";
import circuits from "../../../circuits/circuits.json" with { type: "json" };
import { CHAIN_CIRCUITS, circuitId, circuitLayout, proofWords, statementParams, verificationKeyBytes } from "../../../src/chain.js";
import { BUILTIN_SCHEMAS, schemaIdField } from "../../../src/core/schemas.js";
import { compileQuery, queryHash } from "../../../src/statements/query.js";

const NO_INDEX = 255;

describe("circuit layouts", () => {
  it("cover every circuit of the registry and point at the right signals", () => {
    expect(CHAIN_CIRCUITS).toEqual(Object.keys(circuits.circuits));
    for (const [name, entry] of Object.entries(circuits.circuits)) {
      const l = circuitLayout(name);
      const signals = entry.publicSignals;
      const hidden = entry.issuerMode === "set";
      expect(l.nSignals).toBe(signals.length);
      expect(l.hidden).toBe(hidden);
      expect(signals[l.nullifierAt]).toBe("nullifier");
      expect(signals.slice(l.issuerAt, l.issuerAt + (hidden ? 1 : 3))).toEqual(hidden ? ["issuerSetRoot"] : ["issuerAx", "issuerAy", "revocationRoot"]);
      expect([signals[l.asOfAt], signals[l.challengeAt], signals[l.scopeAt]]).toEqual(["asOfDate", "challenge", "scope"]);
      if (entry.schema === null) expect(signals[l.schemaAt]).toBe("schemaId");
      else expect([l.schemaAt, l.fixedSchemaId]).toEqual([NO_INDEX, schemaIdField(BUILTIN_SCHEMAS[entry.schema]!)]);
      // The parameters are exactly the signals neither produced by the circuit nor checked against registry state.
      const params = (l.paramsAt.slice(2).match(/../g) ?? []).map((h) => signals[parseInt(h, 16)]);
      const registry = ["issuerAx", "issuerAy", "revocationRoot", "issuerSetRoot", "asOfDate", "challenge", "scope"];
      expect(params).toEqual(signals.filter((s) => !entry.outputs.includes(s) && !registry.includes(s)));
      expect(circuitId(name)).toBe(`0x${bytesToHex(keccak_256(utf8ToBytes(name)))}`);
    }
    expect(() => circuitLayout("nope")).toThrow(/unknown circuit/);
  });

  it("encode proofs in snarkjs's Solidity calldata order and keys as EIP-197 words", () => {
    const proof = {
      pi_a: ["1", "2", "1"], pi_b: [["3", "4"], ["5", "6"], ["1", "0"]], pi_c: ["7", "8", "1"], protocol: "groth16", curve: "bn128",
    } as const;
    expect(proofWords(proof as never)).toEqual([1n, 2n, 4n, 3n, 6n, 5n, 7n, 8n]);
    for (const name of CHAIN_CIRCUITS) {
      const n = circuits.circuits[name as keyof typeof circuits.circuits].publicSignals.length;
      expect((verificationKeyBytes(name).length - 2) / 64).toBe(14 + 2 * (n + 1));
    }
  });

  it("take statement parameters from the statement, in the layout's order", () => {
    expect(statementParams("age_at_least", { type: "ageAtLeast", minAge: 21 })).toEqual([21n]);
    expect(statementParams("age_at_least_hidden", { type: "ageAtLeast", minAge: 21 })).toEqual([21n]);
    const statement = {
      type: "query", schema: "insurance-coverage/v1", where: [{ attribute: "plan", op: "IN", values: ["gold", "silver"] }], disclose: ["coverageEnd"],
    } as const;
    const schema = BUILTIN_SCHEMAS["insurance-coverage/v1"]!;
    // The query's two parameters: its schema id and the hash of the descriptor compiled from the statement.
    const hash = queryHash(compileQuery(statement as never, schema));
    expect(statementParams("query", statement as never)).toEqual([schemaIdField(schema), hash]);
    expect(statementParams("query_hidden", statement as never)).toEqual([schemaIdField(schema), hash]);
    // Another set, disclosure or bound is another hash.
    const other = { ...statement, where: [{ attribute: "plan", op: "IN", values: ["gold"] }] };
    expect(statementParams("query", other as never)[1]).not.toBe(hash);
    expect(statementParams("query", { ...statement, disclose: [] } as never)[1]).not.toBe(hash);
  });
});
