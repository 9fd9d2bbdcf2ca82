/**
 * How medzk's JSON meets the registry contract's ABI: circuit ids, issuer key ids, the signal
 * layout of each circuit (from circuits/circuits.json, the same file the prover and verifier read),
 * proofs in snarkjs's calldata order, verification keys as the words the batch path reads, and the
 * statement parameters a verifier asks the contract to check. Pure functions, no chain access.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import circuits from "../../circuits/circuits.json" with { type: "json" };
import { verificationKey } from "../artifacts/manifest.js";
import { parseDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import type { Groth16Proof } from "../core/groth16-proof.js";
import type { Presentation } from "../core/presentation.js";
import type { ProofRequest } from "../core/request.js";
import { BUILTIN_SCHEMAS, schemaIdField } from "../core/schemas.js";
import type { Statement } from "../core/statement.js";
import { flattenInputs, statementDefinition } from "../statements/registry.js";

/** A 0x-prefixed hex string, as viem types it. */
export type Hex = `0x${string}`;

/** Every shipped circuit, in registry order. */
export const CHAIN_CIRCUITS: readonly string[] = Object.keys(circuits.circuits);

const NO_INDEX = 255;
/** Signals the contract checks against its own state, not against the caller's statement. */
const REGISTRY_SIGNALS = new Set(["nullifier", "issuerAx", "issuerAy", "revocationRoot", "issuerSetRoot", "asOfDate", "challenge", "scope"]);

interface RegistryEntry {
  schema: string | null;
  statements: string[];
  issuerMode: string;
  outputs: string[];
  publicSignals: string[];
}

function entry(circuit: string): RegistryEntry {
  const found = (circuits.circuits as Record<string, RegistryEntry>)[circuit];
  if (!found) throw new MedzkError("INVALID_ARGUMENT", `unknown circuit ${JSON.stringify(circuit)}; known: ${CHAIN_CIRCUITS.join(", ")}`);
  return found;
}

/** The contract's id of a circuit: keccak256 of its name. */
export function circuitId(circuit: string): Hex {
  entry(circuit);
  return `0x${bytesToHex(keccak_256(utf8ToBytes(circuit)))}`;
}

function word(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, "0"));
}

/** The contract's id of an issuer key: keccak256(abi.encode(Ax, Ay)). */
export function keyIdOf(ax: bigint, ay: bigint): Hex {
  const bytes = new Uint8Array(64);
  bytes.set(word(ax), 0);
  bytes.set(word(ay), 32);
  return `0x${bytesToHex(keccak_256(bytes))}`;
}

/** MedzkRegistry.Layout of a circuit: where each registry-checked signal sits, and the statement's parameters. */
export interface ChainLayout {
  nSignals: number;
  hidden: boolean;
  nullifierAt: number;
  issuerAt: number;
  asOfAt: number;
  challengeAt: number;
  scopeAt: number;
  schemaAt: number;
  fixedSchemaId: bigint;
  paramsAt: Hex;
}

/** The names of a circuit's statement parameters, in the order `params` lists them. */
export function paramNames(circuit: string): string[] {
  const e = entry(circuit);
  return e.publicSignals.filter((name) => !REGISTRY_SIGNALS.has(name) && !e.outputs.includes(name));
}

export function circuitLayout(circuit: string): ChainLayout {
  const e = entry(circuit);
  const at = (name: string) => {
    const i = e.publicSignals.indexOf(name);
    if (i < 0) throw new Error(`circuits/circuits.json: ${circuit} has no signal ${name}`);
    return i;
  };
  const hidden = e.issuerMode === "set";
  const fixed = e.schema === null ? undefined : BUILTIN_SCHEMAS[e.schema];
  if (e.schema !== null && !fixed) throw new Error(`circuits/circuits.json: ${circuit} fixes unknown schema ${e.schema}`);
  const params = paramNames(circuit).map(at);
  return {
    nSignals: e.publicSignals.length,
    hidden,
    nullifierAt: at("nullifier"),
    issuerAt: at(hidden ? "issuerSetRoot" : "issuerAx"),
    asOfAt: at("asOfDate"),
    challengeAt: at("challenge"),
    scopeAt: at("scope"),
    schemaAt: fixed ? NO_INDEX : at("schemaId"),
    fixedSchemaId: fixed ? schemaIdField(fixed) : 0n,
    paramsAt: `0x${params.map((i) => i.toString(16).padStart(2, "0")).join("")}`,
  };
}

/** The circuit answering a statement type in key or hidden-issuer mode. */
export function circuitFor(statementType: string, hidden: boolean): string {
  const found = CHAIN_CIRCUITS.find((name) => {
    const e = entry(name);
    return e.statements.includes(statementType) && (e.issuerMode === "set") === hidden;
  });
  if (!found) throw new MedzkError("INVALID_ARGUMENT", `no ${hidden ? "hidden-issuer" : "key-mode"} circuit serves statement ${JSON.stringify(statementType)}`);
  return found;
}

/** A proof as the contract takes it (snarkjs's Solidity calldata order): A.x, A.y, B.x (im, re), B.y (im, re), C.x, C.y. */
export function proofWords(proof: Groth16Proof): readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] {
  const n = (v: string) => BigInt(v);
  return [
    n(proof.pi_a[0]), n(proof.pi_a[1]),
    n(proof.pi_b[0][1]), n(proof.pi_b[0][0]), n(proof.pi_b[1][1]), n(proof.pi_b[1][0]),
    n(proof.pi_c[0]), n(proof.pi_c[1]),
  ];
}

/**
 * A circuit's shipped verification key as MedzkRegistry.setCircuit's `vk`: alpha, beta, gamma,
 * delta (G2 in EIP-197 order: x imaginary, x real, y imaginary, y real), then IC_0..IC_n.
 */
export function verificationKeyBytes(circuit: string): Hex {
  const vk = verificationKey(circuit);
  const g2 = (p: string[][]) => [p[0]![1]!, p[0]![0]!, p[1]![1]!, p[1]![0]!];
  const words = [vk.vk_alpha_1[0]!, vk.vk_alpha_1[1]!, ...g2(vk.vk_beta_2), ...g2(vk.vk_gamma_2), ...g2(vk.vk_delta_2), ...vk.IC.flatMap((p) => [p[0]!, p[1]!])];
  return `0x${words.map((w) => BigInt(w).toString(16).padStart(64, "0")).join("")}`;
}

/**
 * The statement parameters a verifier asks the contract to check, from the statement it signed
 * (never from the presentation's signals): the statement module's public inputs, plus the schema
 * id for circuits that take it as a signal. `asOf`, the request's as-of date "YYYY-MM-DD",
 * resolves a query's relative dates (required for such a query: INVALID_STATEMENT without it).
 */
export function statementParams(circuit: string, statement: Statement, asOf?: string): bigint[] {
  const definition = statementDefinition(statement.type);
  const schema = definition.schema(statement, (id) => BUILTIN_SCHEMAS[id]);
  const inputs = flattenInputs(definition.publicInputs(statement, schema, asOf === undefined ? undefined : parseDate(asOf, "asOf")));
  inputs.set("schemaId", schemaIdField(schema));
  return paramNames(circuit).map((name) => {
    const value = inputs.get(name);
    if (value === undefined) throw new MedzkError("INVALID_STATEMENT", `statement ${statement.type} gives no value for ${circuit}'s signal ${name}`);
    return value;
  });
}

/** verifyPresentation's arguments for a presentation: circuit id, expected params, proof words, signals. */
export interface PresentationCall {
  circuit: string;
  circuitId: Hex;
  params: bigint[];
  proof: readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  signals: bigint[];
}

/**
 * The call for a presentation: circuit and statement parameters from `request`, the verifier's
 * own request (never the copy inside the presentation, which the holder controls); the
 * hidden-issuer circuit when it names an issuer set. Proof and signals from the presentation,
 * unchecked: verifyOnChain checks them against the request first, this is the raw encoding.
 */
export function presentationCall(presentation: Presentation, request: ProofRequest): PresentationCall {
  const circuit = circuitFor(request.statement.type, request.issuerSet !== undefined);
  return {
    circuit,
    circuitId: circuitId(circuit),
    params: statementParams(circuit, request.statement, request.asOf),
    proof: proofWords(presentation.proof),
    signals: presentation.publicSignals.map((s) => BigInt(s)),
  };
}
