/**
 * The bundled manifest and verification keys (src/artifacts/manifest.ts) against the circuit
 * registry, and the docs tables against both. Recompiling the circuits and checking every pin
 * is test/circuits/artifacts.test.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CIRCUITS } from "../../../scripts/circuits.mjs";
import { MANIFEST, assertUsableKey, circuitManifest, verificationKey } from "../../../src/artifacts/manifest.js";

const thousands = (n: number) => n.toLocaleString("en-US");

describe("artifact manifest", () => {
  it("lists exactly the registry's circuits, with the registry's statements and signal counts", () => {
    expect(Object.keys(MANIFEST.circuits)).toEqual(CIRCUITS.map((c) => c.name));
    for (const c of CIRCUITS) {
      const entry = circuitManifest(c.name);
      expect(entry.name).toBe(c.name);
      expect(c.statements).toContain(entry.statement);
      expect(entry.publicSignals).toBe(c.publicSignals.length);
      // The SHA-256 of zkey new (ceremony verification's starting point), distinct per circuit.
      expect(entry.initialZkey).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(CIRCUITS.map((c) => circuitManifest(c.name).initialZkey)).size).toBe(CIRCUITS.length);
  });

  it("pins constraint counts (age with revocation under 8,000; 4 predicates + revocation + disclosure + the descriptor hash under 12,000)", () => {
    expect(MANIFEST.circuits["age_at_least"]!.constraints).toBe(7761);
    expect(MANIFEST.circuits["insurance_active"]!.constraints).toBe(7804);
    expect(MANIFEST.circuits["query"]!.constraints).toBe(11988);
    // The issuer hidden among the verifier's trusted set: within 2,600 of each sibling; every circuit under 2^14.
    expect(MANIFEST.circuits["age_at_least_hidden"]!.constraints).toBe(10122);
    expect(MANIFEST.circuits["insurance_active_hidden"]!.constraints).toBe(10165);
    expect(MANIFEST.circuits["query_hidden"]!.constraints).toBe(14352);
  });

  it("bundles a verification key for every registry circuit, passing its pin and the phase-2 check", () => {
    for (const c of CIRCUITS) {
      const vk = verificationKey(c.name);
      expect(vk.nPublic).toBe(c.publicSignals.length);
      expect(vk.vk_gamma_2).not.toEqual(vk.vk_delta_2);
    }
  });

  it("refuses circuits outside the registry", () => {
    for (const name of ["nope", "constructor", "__proto__"]) {
      expect(() => circuitManifest(name)).toThrow(expect.objectContaining({ code: "ARTIFACT_INTEGRITY" }));
      expect(() => verificationKey(name)).toThrow(expect.objectContaining({ code: "ARTIFACT_INTEGRITY" }));
    }
  });

  it("refuses a key without a phase-2 contribution, or of the wrong shape", () => {
    const vk = verificationKey("age_at_least");
    const entry = MANIFEST.circuits["age_at_least"]!;
    expect(() => assertUsableKey({ ...vk, vk_delta_2: vk.vk_gamma_2 }, entry)).toThrow(/gamma == delta/);
    expect(() => assertUsableKey({ ...vk, IC: vk.IC.slice(1) }, entry)).toThrow(/manifest/);
    expect(() => assertUsableKey({ ...vk, nPublic: 7 }, entry)).toThrow(/manifest/);
  });
});

describe("docs tables", () => {
  it("circuits/README.md lists every registry circuit with its template, statements, schema, constraints and signals", () => {
    const text = readFileSync("circuits/README.md", "utf8");
    const rows = [...text.matchAll(/^\| `([a-z_]+)` \| `(\w+)` \| ([^|]+) \| ([^|]+) \| \*\*([\d,]+)\*\* \| (\d+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(CIRCUITS.map((c) => c.name));
    for (const [, name, template, statements, schema, constraints, signals] of rows) {
      const c = CIRCUITS.find((x) => x.name === name)!;
      expect(template).toBe(c.template);
      expect(statements!.trim()).toBe(c.statements.map((s) => `\`${s}\``).join(", "));
      expect(schema!.trim()).toBe(c.schema === null ? "any (public `schemaId`)" : `\`${c.schema}\``);
      expect(constraints).toBe(thousands(MANIFEST.circuits[name!]!.constraints));
      expect(Number(signals)).toBe(c.publicSignals.length);
    }
  });

  it("README.md states the pinned constraint counts", () => {
    const text = readFileSync("README.md", "utf8");
    const rows = [...text.matchAll(/^\| medzk `([a-z_]+)`[^|]*\| ([\d,]+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(CIRCUITS.map((c) => c.name));
    for (const [, name, constraints] of rows) expect(constraints).toBe(thousands(MANIFEST.circuits[name!]!.constraints));
    for (const c of CIRCUITS) {
      for (const s of c.statements) expect(text).toContain(`\`${s}\``);
    }
  });
});
