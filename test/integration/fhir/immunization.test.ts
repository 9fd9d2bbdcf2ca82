/**
 * From a FHIR record to a verified immunization proof, through the verifier service: HL7's R4
 * example Immunization-protocol (Twinrix, CVX 104: dose 1 against hepatitis A, dose 2 against
 * hepatitis B) issued with issueFromFhir, and the service's immunization preset "immunized
 * against hepatitis B with at least 2 doses, the last at least 14 days before the as-of date"
 * proven with the existing query circuit. One real proof; the false statement (hepatitis A,
 * dose 1) is refused by the prover before any proving.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daysBefore } from "../../../src/core/dates.js";
import { type Holder, type IssuerKey, type ProofRequest, type Statement, createHolder, generateIssuerKey, generateVerifierKey, issueFromFhir, prove } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type QueryStatement, compileQuery, queryHash } from "../../../src/statements/query.js";
import { builtinSchemas, statementDefinition } from "../../../src/statements/registry.js";

/** The preset docs/service.md shows (examples/verifier-immunization.json). */
const PRESET = JSON.parse(readFileSync("examples/verifier-immunization.json", "utf8")).presets["hepatitisB-2-doses"] as Statement;

let hospital: IssuerKey;
let patient: Holder;
let service: VerifierService;
let base: string;

const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function request(): Promise<ProofRequest> {
  const res = await post("/v1/requests", { preset: "hepatitisB-2-doses" });
  expect(res.status).toBe(201);
  return ((await res.json()) as { request: ProofRequest }).request;
}

beforeAll(async () => {
  hospital = generateIssuerKey();
  patient = createHolder();
  const key = generateVerifierKey();
  const config = parseServiceConfig(
    { listen: { host: "127.0.0.1", port: 0 }, presets: { "hepatitisB-2-doses": PRESET }, trustedIssuers: [hospital.publicKey], signingKey: { env: "KEY" } },
    { env: { KEY: key.privateKey } },
  );
  service = await createVerifierService(config, { logger: { write: () => {} } });
  base = await service.listen();
});

afterAll(async () => {
  await service?.close();
});

describe("immunization proof from FHIR", () => {
  it("proves the preset from the hepatitis B dose and the service verifies it; the hepatitis A dose cannot", async () => {
    const fhir = JSON.parse(readFileSync("test/fixtures/fhir/hl7-r4/Immunization-protocol.json", "utf8"));
    const issued = await issueFromFhir(hospital, fhir, { holderCommitment: patient.commitment });
    const [hepA, hepB] = issued.map((i) => i.credential);
    expect([hepA!.attributes, hepB!.attributes]).toMatchObject([{ vaccineGroup: "hepatitisA", doseNumber: 1 }, { vaccineGroup: "hepatitisB", doseNumber: 2 }]);

    const req = await request();
    // The relative date is resolved on the request's as-of date, by the verifier from its own
    // request; the bound is inside the descriptor the public queryHash commits to.
    const definition = statementDefinition("query");
    const signals = definition.signals;
    const schema = definition.schema(PRESET, builtinSchemas);
    const asOf = Number(req.asOf.replaceAll("-", ""));
    const presentation = await prove({ credential: hepB!, holder: patient, request: req });
    const occurrence = PRESET.type === "query" ? PRESET.where.findIndex((p) => p.attribute === "occurrenceDate") : -1;
    const compiled = compileQuery(PRESET as QueryStatement, schema, asOf);
    expect(compiled.predHi[occurrence]).toBe(BigInt(daysBefore(asOf, 14)!));
    expect(presentation.publicSignals[signals.indexOf("queryHash")]).toBe(String(queryHash(compiled)));

    // A bound other than the verifier's own (the holder's "as of today" moved a day) is refused
    // before the proof is even checked: the verifier derives the bound from its request.
    const moved = structuredClone(presentation);
    const movedBound = { ...compiled, predHi: compiled.predHi.map((hi, p) => (p === occurrence ? BigInt(daysBefore(asOf, 13)!) : hi)) };
    moved.publicSignals[signals.indexOf("queryHash")] = String(queryHash(movedBound));
    const refused = (await (await post("/v1/verify", { presentation: moved, expected: req })).json()) as { result: { ok: boolean; error?: { code: string } } };
    expect(refused.result).toMatchObject({ ok: false, error: { code: "STATEMENT_MISMATCH" } });

    const res = await post("/v1/verify", { presentation, expected: req });
    const body = (await res.json()) as { result: { ok: boolean; preset?: string } };
    expect(body.result).toMatchObject({ ok: true, preset: "hepatitisB-2-doses" });

    // Hepatitis A: one dose only. The prover refuses before proving (no proof of a false statement exists).
    await expect(prove({ credential: hepA!, holder: patient, request: await request() })).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
  });
});
