/**
 * Fuzzing (fast-check) of what reads untrusted input: the HTTP API (every POST route), the
 * verifier's `verify`, and the presentation, request, issuer-set and OpenID4VP link parsers.
 * Inputs are arbitrary JSON, and mutations of well-formed documents (a key dropped, added or
 * given another value at any depth), which reach deeper than random JSON does. Properties: no
 * throw other than the typed MedzkError, every refusal with a stable code, never a 5xx, never an
 * acceptance (no input here carries a proof). CI runs a bounded pass; MEDZK_FUZZ_RUNS raises it.
 * No proof is made.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MedzkError } from "../../../src/core/errors.js";
import { parsePresentation } from "../../../src/core/presentation.js";
import { parseRequest } from "../../../src/core/request.js";
import { parseIssuerSet } from "../../../src/core/issuer-set.js";
import { parseAuthorizationLink } from "../../../src/openid4vp/authorization-request.js";
import { type ProofRequest, createVerifier, generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { HTTP_ERROR_CODES } from "../../../src/server/schemas.js";

const RUNS = Number(process.env["MEDZK_FUZZ_RUNS"] ?? 150);
const NOW = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const key = generateVerifierKey();
const verifier = createVerifier({ trustedIssuers: [issuer.publicKey], key, clock: () => NOW });
const request: ProofRequest = verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
// A presentation with the right shape and a proof of canonical-looking numbers that is no proof.
const presentation = {
  format: "medzk-presentation/v2",
  request,
  key: { circuit: "age_at_least", id: "0".repeat(64) },
  proof: { pi_a: ["1", "2", "1"], pi_b: [["1", "2"], ["3", "4"], ["1", "0"]], pi_c: ["1", "2", "1"], protocol: "groth16", curve: "bn128" },
  publicSignals: Array.from({ length: 9 }, (_, i) => String(i)),
};
const tried: Record<string, number> = {};

/** `doc` with one change at a random path: a key removed, a key added, or a value replaced. */
function mutated(doc: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (v !== null && typeof v === "object") for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
  };
  walk(doc, []);
  return fc.tuple(fc.constantFrom(...paths), fc.constantFrom("drop", "add", "set"), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 8 })).map(([path, op, value, name]) => {
    const copy = structuredClone(doc) as Record<string, unknown>;
    if (path.length === 0) return op === "set" ? value : copy;
    const parent = path.slice(0, -1).reduce((o, k) => (o as Record<string, unknown>)[k], copy as unknown) as Record<string, unknown>;
    const last = path.at(-1)!;
    if (op === "drop") delete parent[last];
    else if (op === "add" && parent[last] !== null && typeof parent[last] === "object" && !Array.isArray(parent[last])) (parent[last] as Record<string, unknown>)[name] = value;
    else parent[last] = value;
    return copy;
  });
}

const inputs = (doc: unknown) => fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutated(doc), mutated(doc).chain((d) => mutated(d)));

/** Runs `property` on RUNS inputs, counting them under `name` for the report. */
async function fuzz<T>(name: string, arb: fc.Arbitrary<T>, property: (input: T) => Promise<void> | void): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      tried[name] = (tried[name] ?? 0) + 1;
      await property(input);
    }),
    { numRuns: RUNS },
  );
}

const typedOnly = (call: () => unknown) => {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(MedzkError);
  }
};

describe("parsers never crash on hostile input", () => {
  it("parsePresentation: a result with a stable code, never a throw", () =>
    fuzz("parsePresentation", inputs(presentation), (input) => {
      const parsed = parsePresentation(input);
      if (!parsed.ok) expect(parsed.code).toBe("MALFORMED_PRESENTATION");
    }));

  it("parseRequest and parseIssuerSet: a value or a MedzkError", () =>
    fuzz("parseRequest+parseIssuerSet", inputs(request), (input) => {
      typedOnly(() => parseRequest(input));
      typedOnly(() => parseIssuerSet(input));
    }));

  it("parseAuthorizationLink: a result, never a throw", () =>
    fuzz("parseAuthorizationLink", fc.oneof(fc.string(), fc.webUrl().map((u) => u.replace(/^https?:/, "openid4vp:")), fc.jsonValue()), (input) => {
      const parsed = parseAuthorizationLink(input);
      expect(typeof parsed.ok).toBe("boolean");
    }));

  it("verify: never throws, never accepts, refuses with a code (never INTERNAL_ERROR)", () =>
    fuzz("verify", inputs(presentation), async (input) => {
      const result = await verifier.verify(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toMatch(/^(?!INTERNAL_ERROR$)[A-Z_]+$/);
    }));
});

describe("the HTTP API never answers 5xx to a hostile body", () => {
  let service: VerifierService;
  beforeAll(async () => {
    service = await createVerifierService(
      parseServiceConfig({ presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [issuer.publicKey], signingKey: { hex: key.privateKey }, limits: { batchSize: 4 } }),
      { logger: false },
    );
  });
  afterAll(() => service?.close());

  const bodies = fc.oneof(
    inputs({ presentation, expected: request }),
    inputs({ presentations: [presentation], expected: [request.challenge] }),
    inputs({ preset: "adult" }),
    fc.string(), // not JSON at all
  );
  it("POST routes: a result or a typed error, never a 5xx", () =>
    fuzz("http", fc.tuple(fc.constantFrom("/v1/verify", "/v1/verify-batch", "/v1/requests"), bodies), async ([url, body]) => {
      const res = await service.app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload: typeof body === "string" ? body : JSON.stringify(body) });
      expect(res.statusCode).toBeLessThan(500);
      const json = res.json() as { error?: { code: string }; result?: { ok: boolean }; results?: Array<{ ok: boolean }> };
      if (json.error) expect(HTTP_ERROR_CODES).toContain(json.error.code);
      for (const r of json.results ?? (json.result ? [json.result] : [])) expect(r.ok).toBe(false);
    }));
});

afterAll(() => {
  console.info(`fuzz: inputs tried ${JSON.stringify(tried)}`);
});
