/**
 * The resident Groth16 prover (src/prover/groth16-prove.ts) against snarkjs: a presentation from
 * `prove` (threaded curve) verifies with the snarkjs CLI, and the same prover on the
 * single-threaded curve (the browser's fallback where workers cannot start, where every task runs
 * in the calling thread) gives randomised proofs of the witness's public signals that
 * snarkjs.groth16.verify accepts, and that it refuses once one coordinate is changed; and the
 * fixed-base path (the tables a key gets after its 16th proof in a process) proves what the
 * snarkjs CLI verifies, the same public signals as the windowed path.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { afterAll, describe, expect, it } from "vitest";
import { threadedCurve, verifierCurve } from "../../src/groth16/curve.js";
import { buildCircuitInput, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "../../src/index.js";
import { groth16ProveResident, provingTables } from "../../src/prover/groth16-prove.js";
import { parseProvingKey, wtnsValues } from "../../src/prover/proving-key.js";

const now = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const holder = createHolder();
const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now });
const verifier = createVerifier({ trustedIssuers: [issuer.publicKey], key: generateVerifierKey(), clock: () => now });
const statement = { type: "ageAtLeast", minAge: 18 } as const;
const vkey = JSON.parse(await readFile("artifacts/age_at_least.vkey.json", "utf8")) as object;
const dir = await mkdtemp(join(tmpdir(), "medzk-prover-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const snarkjsCli = (args: string[]) => promisify(execFile)(process.execPath, ["node_modules/snarkjs/build/cli.cjs", "groth16", "verify", ...args]).then((r) => r.stdout, (e: { stdout: string }) => e.stdout);
/** The snarkjs CLI's verdict on `proof` with `publicSignals` under the age_at_least key. */
async function cliVerifies(name: string, publicSignals: string[], proof: object): Promise<boolean> {
  const files = { vkey: join(dir, `${name}-vkey.json`), pub: join(dir, `${name}-public.json`), proof: join(dir, `${name}-proof.json`) };
  await writeFile(files.vkey, JSON.stringify(vkey));
  await writeFile(files.pub, JSON.stringify(publicSignals));
  await writeFile(files.proof, JSON.stringify(proof));
  return (await snarkjsCli([files.vkey, files.pub, files.proof])).includes("OK!");
}
async function ageWitness(): Promise<{ key: ReturnType<typeof parseProvingKey>; witness: Uint8Array; expected: string[] }> {
  const { input } = await buildCircuitInput({ credential, holder, request: verifier.createRequest({ statement }), now });
  const { WitnessCalculatorBuilder } = await import("circom_runtime");
  const calculator = await WitnessCalculatorBuilder(await readFile("artifacts/age_at_least.wasm"));
  const key = parseProvingKey(new Uint8Array(await readFile("artifacts/age_at_least.zkey")));
  const witness = wtnsValues(await calculator.calculateWTNSBin(input), key.nVars);
  const expected = (await calculator.calculateWitness(input)).slice(1, key.nPublic + 1).map(String);
  return { key, witness, expected };
}

describe("the resident prover", () => {
  it("proves presentations the snarkjs CLI verifies", async () => {
    const presentation = await prove({ credential, holder, request: verifier.createRequest({ statement }), now });
    expect(await cliVerifies("windowed", presentation.publicSignals, presentation.proof)).toBe(true);
    // The CLI does refuse: the same proof under another challenge.
    const other = [...presentation.publicSignals];
    other[6] = (BigInt(other[6]!) + 1n).toString();
    expect(await cliVerifies("windowed-other", other, presentation.proof)).toBe(false);
  });

  it("with the key's fixed-base tables, proves what the snarkjs CLI verifies", async () => {
    const { key, witness, expected } = await ageWitness();
    const curve = (await threadedCurve())!;
    expect(curve.tm.concurrency).toBeGreaterThan(1);
    const windowed = await groth16ProveResident(curve, key, witness);
    // Built now rather than after the key's 16th proof (the same tables, the same cache).
    expect(await provingTables(curve, key)).toBe(true);
    const [p1, p2] = [await groth16ProveResident(curve, key, witness), await groth16ProveResident(curve, key, witness)];
    for (const p of [windowed, p1, p2]) expect(p.publicSignals).toEqual(expected);
    expect(p1.proof.pi_a).not.toEqual(p2.proof.pi_a);
    expect(await cliVerifies("table-1", p1.publicSignals, p1.proof)).toBe(true);
    expect(await cliVerifies("table-2", p2.publicSignals, p2.proof)).toBe(true);
    // Refused when mixed up: p1's A with p2's B and C.
    expect(await cliVerifies("table-mixed", p1.publicSignals, { ...p2.proof, pi_a: p1.proof.pi_a })).toBe(false);
  }, 120_000);

  it("two proofs at once on one circuit each carry their own witness (one wasm instance serves both)", async () => {
    // Two holders, two requests: interleaved in the witness calculator, each proof used to be
    // able to come out over the other's witness (its challenge, nullifier and signals).
    const other = createHolder();
    const otherCredential = await issueCredential(issuer, { schema: "patient-record/v1", holder: other.commitment, attributes: { dateOfBirth: "1980-02-02" }, now });
    const requests = [verifier.createRequest({ statement }), verifier.createRequest({ statement })];
    const [a, b] = await Promise.all([
      prove({ credential, holder, request: requests[0]!, now }),
      prove({ credential: otherCredential, holder: other, request: requests[1]!, now }),
    ]);
    expect(a.request).toEqual(requests[0]);
    expect(b.request).toEqual(requests[1]);
    expect(a.publicSignals).not.toEqual(b.publicSignals);
    for (const p of [a, b]) expect(await verifier.verify(p)).toMatchObject({ ok: true });
  });

  it("proves on a single-threaded curve, with fresh randomness per proof", async () => {
    const { key, witness, expected } = await ageWitness();
    const curve = await verifierCurve();
    expect(curve.tm.concurrency).toBe(1);
    const [p1, p2] = [await groth16ProveResident(curve, key, witness), await groth16ProveResident(curve, key, witness)];
    expect(p1.publicSignals).toEqual(expected);
    expect(p2.publicSignals).toEqual(expected);
    expect(p1.proof.pi_a).not.toEqual(p2.proof.pi_a);
    expect(p1.proof.pi_c).not.toEqual(p2.proof.pi_c);
    for (const p of [p1, p2]) expect(await snarkjs.groth16.verify(vkey as never, p.publicSignals, p.proof as never)).toBe(true);
    // Mixed up: p1's A with p2's B and C.
    expect(await snarkjs.groth16.verify(vkey as never, p1.publicSignals, { ...p2.proof, pi_a: p1.proof.pi_a } as never)).toBe(false);
  });
});
