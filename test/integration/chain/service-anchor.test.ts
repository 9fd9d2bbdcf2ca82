/**
 * The verifier service on a real JSON-RPC endpoint of the in-process EVM: trust from the
 * MedzkRegistry (`chain`), every verification in its audit log, and checkpoints anchored in the
 * registry from the verifier's own EVM account (`audit.anchor.chain`) — then the log verified
 * against the chain's checkpoints, as `medzk audit verify` does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ChainCheckpointAnchor, type ChainWriter, addIssuer, addIssuerKey, deployMedzk, publishRevocationRoot, registerVerifier } from "../../../src/chain.js";
import { EMPTY_REVOCATION_ROOT } from "../../../src/core/revocation.js";
import { type ProofRequest, auditLogId, generateVerifierKey, prove, verifyAuditLog } from "../../../src/index.js";
import { FileAuditLog } from "../../../src/verifier.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, makeWorld } from "../../helpers/fixtures.js";
import { startChain } from "./edr.js";

// Hardhat's well-known development account #3 (mnemonic "test test … junk"): its key is public,
// which is what a test wants; the registry admits this account for the verifier.
const ACCOUNT_3_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

let chain: Awaited<ReturnType<typeof startChain>>;
let registry: `0x${string}`;
let rpcServer: Server;
let rpcUrl: string;
let service: VerifierService;
let world: World;
let dir: string;
const key = generateVerifierKey();

beforeAll(async () => {
  world = await makeWorld();
  chain = await startChain();
  ({ registry } = await deployMedzk({ client: chain.client, wallet: chain.wallet(0), maxRootAgeSeconds: 3600 }));
  const as = (i: number): ChainWriter => ({ client: chain.client, wallet: chain.wallet(i), registry });
  await addIssuer(as(0), { account: chain.accounts[1]!, name: "St Elsewhere", schemas: ["patient-record/v1"] });
  await addIssuerKey(as(0), { issuer: chain.accounts[1]!, publicKey: world.hospital.publicKey });
  await publishRevocationRoot(as(1), EMPTY_REVOCATION_ROOT);
  await registerVerifier(as(0), { publicKey: key.publicKey, account: chain.accounts[3]!, name: "Acme claims" });
  // A JSON-RPC endpoint over HTTP for the in-process EVM: what a Besu node or an L2 offers.
  rpcServer = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const call = async (m: { id: unknown; method: string; params?: unknown[] }) => {
        try {
          return { jsonrpc: "2.0", id: m.id, result: await chain.rpc(m.method, m.params ?? []) };
        } catch (error) {
          const e = error as { code?: number; message: string; data?: unknown };
          return { jsonrpc: "2.0", id: m.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } };
        }
      };
      const parsed = JSON.parse(body) as Parameters<typeof call>[0] | Array<Parameters<typeof call>[0]>;
      const answer = Array.isArray(parsed) ? await Promise.all(parsed.map(call)) : await call(parsed);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
    });
  });
  await new Promise<void>((done) => rpcServer.listen(0, "127.0.0.1", done));
  rpcUrl = `http://127.0.0.1:${(rpcServer.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), "medzk-service-anchor-"));
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    signingKey: { hex: key.privateKey },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    chain: { rpcUrl, registry, cacheSeconds: 1 },
    audit: { file: join(dir, "audit.jsonl"), anchor: { chain: { account: { env: "MEDZK_TEST_EVM_KEY" } } }, checkpointEvery: 1 },
  }, { env: { MEDZK_TEST_EVM_KEY: ACCOUNT_3_KEY } });
  service = await createVerifierService(config, { logger: false });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await new Promise((done) => rpcServer?.close(done));
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("trusts the chain, records each verification, anchors its checkpoints in the registry, and the log verifies against them", async () => {
  const url = await service.listen();
  const post = async (path: string, body: unknown) => (await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
  const { request } = (await post("/v1/requests", { preset: "adult" })) as { request: ProofRequest };
  const presentation = await prove({ credential: world.record, holder: world.patient, request });
  expect(await post("/v1/verify", { presentation, expected: request })).toMatchObject({ result: { ok: true, preset: "adult", issuer: world.hospital.publicKey } });
  expect(await post("/v1/verify", { presentation, expected: request })).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
  await service.close(); // anchors whatever is unanchored before it stops

  const logId = auditLogId(key.publicKey);
  const anchor = new ChainCheckpointAnchor({ client: chain.client, wallet: chain.wallet(3), registry });
  const checkpoints = await anchor.checkpoints(logId);
  expect(checkpoints.length).toBeGreaterThanOrEqual(1);
  expect(checkpoints[0]!.ref).toMatch(new RegExp(`^evm:31337:${registry.toLowerCase()}:0x[0-9a-f]{64}$`));
  const log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: key.publicKey });
  const report = verifyAuditLog({ verifier: key.publicKey, records: await log.dump(), checkpoints });
  await log.close();
  expect(report).toMatchObject({ ok: true, size: 2, covered: 2, problems: [] });
});

it("refuses a chain anchor without a chain, or with something that is not an EVM key, never echoing it", () => {
  const base = { signingKey: { hex: key.privateKey }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [world.hospital.publicKey] };
  expect(() => parseServiceConfig({ ...base, audit: { file: "a.jsonl", anchor: { chain: { account: { hex: ACCOUNT_3_KEY } } } } })).toThrow(/give "chain"/);
  const withChain = { ...base, trustedIssuers: undefined, chain: { rpcUrl, registry } };
  let message = "";
  try {
    parseServiceConfig({ ...withChain, audit: { file: "a.jsonl", anchor: { chain: { account: { hex: "0xnot-a-key-1234" } } } } });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/must hold an EVM private key/);
  expect(message).not.toContain("not-a-key");
  expect(() => parseServiceConfig({ ...withChain, audit: { file: "a.jsonl", anchor: { file: "x", chain: {} } } })).toThrow(/exactly one of "file" or "chain"/);
});
