// The ledger demo, in one process: an in-process EVM (Hardhat 3's EDR, no config file, no port),
// the medzk contracts deployed on it, a hospital admitted as an issuer with its key, publishing
// its revocation root from its own account; an insurer's verifier admitted with its request key;
// a patient proving "at least 18" to that verifier, verified ON CHAIN (proof, issuer key, root,
// statement, scope, challenge; once) and by the verifier's own service reading its trust from the
// chain; the hospital revokes the record, publishes the new root, and both refuse. Then a batch of
// four verified with one pairing check, and what a wallet learns about the verifier from the chain.
// Every verification the insurer makes goes into its hash-chained audit log; a checkpoint of the
// log is anchored in the registry; the log is verified against the chain, and the patient's wallet
// finds, from its own nullifier, who verified what about it and when.
// Run: npm run demo:ledger
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import { createPublicClient, createWalletClient, custom, defineChain } from "viem";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileAuditLog,
  RevocationRegistry,
  anchorCheckpoint,
  auditEntriesFor,
  auditLogId,
  auditTrail,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
  verifyAuditLog,
} from "medzk";
import {
  ChainCheckpointAnchor,
  ChainIssuerRegistry,
  ChainVerifierDirectory,
  addIssuer,
  addIssuerKey,
  chainAuditResult,
  deployMedzk,
  publishRevocationRoot,
  registerVerifier,
  verifyBatchOnChain,
  verifyOnChain,
} from "medzk/chain";

const t0 = performance.now();
const step = (text) => console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${text}`);

// ---- the chain: in process, automining, its clock the wall clock ----
const hre = await createHardhatRuntimeEnvironment({});
const { provider } = await hre.network.connect();
const chainDef = defineChain({ id: 31337, name: "EDR", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } } });
const transport = custom(provider);
const client = createPublicClient({ chain: chainDef, transport, pollingInterval: 10 });
const [adminAccount, hospitalAccount, insurerAccount] = await provider.request({ method: "eth_accounts" });
const walletOf = (account) => createWalletClient({ chain: chainDef, transport, account, pollingInterval: 10 });

const { registry, verifiers } = await deployMedzk({ client, wallet: walletOf(adminAccount), maxRootAgeSeconds: 600 });
step(`deployed MedzkRegistry at ${registry} and ${Object.keys(verifiers).length} Groth16 verifiers`);
const admin = { client, wallet: walletOf(adminAccount), registry };
const hospitalWriter = { client, wallet: walletOf(hospitalAccount), registry };
const insurerWriter = { client, wallet: walletOf(insurerAccount), registry };

// ---- the consortium admits a hospital and an insurer's verifier ----
const hospital = generateIssuerKey();
const revocations = new RevocationRegistry({ issuer: "st-mary" });
await addIssuer(admin, { account: hospitalAccount, name: "St Mary's Hospital", schemas: ["patient-record/v1"] });
await addIssuerKey(admin, { issuer: hospitalAccount, publicKey: hospital.publicKey });
await publishRevocationRoot(hospitalWriter, revocations.publish().root);
step(`admitted issuer St Mary's (account ${hospitalAccount}); it published its revocation root`);
const verifierKey = generateVerifierKey();
await registerVerifier(admin, { publicKey: verifierKey.publicKey, account: insurerAccount, name: "Acme Health claims", purposes: ["claims"] });
step(`admitted verifier "Acme Health claims" (request key ${verifierKey.publicKey.slice(0, 16)}…, account ${insurerAccount})`);

// ---- a wallet asks the chain who is asking ----
const directory = new ChainVerifierDirectory({ client, registry });
step(`a wallet looks up the request key on chain: ${JSON.stringify(await directory.lookup(verifierKey.publicKey))}`);

// ---- a patient proves, the chain verifies ----
const patient = createHolder();
const record = await issueCredential(hospital, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-05-17" }, revocation: revocations });
const verifier = createVerifier({ trustedIssuers: [], issuers: new ChainIssuerRegistry({ client, registry, ttlMs: 0 }), key: verifierKey, purpose: "claims" });
const ask = () => verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
const answer = (request) => prove({ credential: record, holder: patient, request, revocation: revocations.publish() });
// The insurer keeps each request it issues: on chain it verifies an answer only against its own copy.
const asked = ask();
const presentation = await answer(asked);
step("the patient proved \"at least 18\" (nothing else about the record leaves the wallet)");
// The insurer's audit trail: a hash-chained file log, its checkpoints anchored in the registry.
const log = new FileAuditLog(join(await mkdtemp(join(tmpdir(), "medzk-ledger-")), "audit.jsonl"), { verifier: verifierKey.publicKey });
const chainAnchor = new ChainCheckpointAnchor(insurerWriter);
const record$ = (request, result, nullifier) =>
  log.append({ time: new Date().toISOString(), verifier: verifierKey.publicKey, purpose: "claims", preset: "adult", statement: request.statement, result, nullifier, requestId: request.challenge });
const onChain = await verifyOnChain(insurerWriter, presentation, { expected: asked });
// One mapping from chain results to audit codes (chainAuditResult): "OK", or the off-chain verifier's code.
await record$(asked, chainAuditResult(onChain), onChain.result === "Accepted" ? onChain.nullifier : null);
step(`on chain: ${onChain.result}, nullifier ${onChain.nullifier.slice(0, 12)}…, tx ${onChain.txHash.slice(0, 18)}…`);
const replay = await verifyOnChain(insurerWriter, presentation, { expected: asked });
await record$(asked, chainAuditResult(replay), null);
step(`on chain, the same presentation again: ${replay.result} (audit: ${chainAuditResult(replay)})`);
// Off chain too, the answer is checked against the request the insurer issued and kept.
const secondRequest = ask();
const second = await answer(secondRequest);
const offChain = await verifier.verify(second, { expected: secondRequest });
await record$(secondRequest, offChain.ok ? "OK" : offChain.error.code, offChain.ok ? offChain.nullifier : null);
step(`the insurer's own verifier, trusting the chain: ${offChain.ok ? `accepted (issuer ${offChain.issuerId})` : offChain.error.code}`);

// ---- the audit trail: anchor, verify, and the patient's view ----
const checkpoint = await anchorCheckpoint(log, chainAnchor);
step(`audit: ${checkpoint.toSeq + 1} entries; checkpoint ${checkpoint.index} (root ${checkpoint.root.slice(0, 12)}…) anchored at ${checkpoint.ref.slice(0, 40)}…`);
const audit = verifyAuditLog({ verifier: verifierKey.publicKey, records: await log.dump(), checkpoints: await chainAnchor.checkpoints(auditLogId(verifierKey.publicKey)) });
step(`audit verify against the chain: ${audit.ok ? "intact" : JSON.stringify(audit.problems[0])}`);
const mine = await auditTrail({
  holder: patient,
  verifier: { publicKey: verifierKey.publicKey, purpose: "claims" },
  anchor: chainAnchor,
  entries: await auditEntriesFor(log, chainAnchor, offChain.nullifier),
});
step(`the patient's wallet sees: ${mine.items.map((i) => `${i.time.slice(11, 19)} ${i.statement?.type} ${i.result} (${i.status})`).join("; ")}`);
if (!audit.ok || mine.items.length !== 2 || mine.problems.length !== 0) process.exitCode = 1;

// ---- revocation: the hospital publishes a new root from its own account ----
const staleRequest = ask();
const stale = await answer(staleRequest);
revocations.revoke(record.revocationSlot);
await publishRevocationRoot(hospitalWriter, revocations.publish().root);
step("St Mary's revoked the record and published the new root on chain");
const refused = await answer(ask()).then(() => "proved", (error) => error.code);
step(`the patient tries again: ${refused} (the wallet cannot prove against the new root)`);
await provider.request({ method: "evm_increaseTime", params: [601] });
await provider.request({ method: "evm_mine" });
const staleOnChain = await verifyOnChain(insurerWriter, stale, { expected: staleRequest });
await record$(staleRequest, chainAuditResult(staleOnChain), null);
step(`a proof against the old root, after maxRootAge: ${staleOnChain.result} (audit: ${chainAuditResult(staleOnChain)})`);

// ---- a batch: one pairing check for four presentations ----
const others = [];
const otherRequests = [];
for (let i = 0; i < 4; i++) {
  const holder = createHolder();
  const credential = await issueCredential(hospital, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1985-01-0" + (i + 1) }, revocation: revocations });
  otherRequests.push(ask());
  others.push(await prove({ credential, holder, request: otherRequests[i], revocation: revocations.publish() }));
}
const batch = await verifyBatchOnChain(insurerWriter, others, { expected: otherRequests });
const receipt = await client.getTransactionReceipt({ hash: batch[0].txHash });
step(`a batch of ${batch.length} verified with one pairing check: ${batch.map((e) => e.result).join(", ")} (${receipt.gasUsed} gas, ${receipt.gasUsed / BigInt(batch.length)} each)`);
step("done: on chain are keys, roots, scopes, nullifiers and result codes; no attribute, no proof input, no name of a patient");
process.exit(0);
