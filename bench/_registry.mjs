// The registry the on-chain benches run against (bench/gas.mjs, bench/gas-trace.mjs): MedzkRegistry
// deployed on Hardhat 3's in-process EDR (bench/_edr.mjs) with one issuer (account 1, the bench
// world's key, an empty revocation root published) and the bench verifier registered from
// account 2 for the purpose "bench"; and requests re-signed with a challenge of the bench's choice.
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { addIssuer, addIssuerKey, deployMedzk, publishRevocationRoot, registerVerifier } from "../dist/chain.js";
import { EMPTY_REVOCATION_ROOT, createVerifier } from "../dist/index.js";
import { VERIFIER_KEY, world } from "./_fixtures.mjs";
import { startChain } from "./_edr.mjs";

/** Resolves to { chain, deployment, registry, w (the bench world), verifier (its requests for "bench") }. */
export async function benchRegistry() {
  const chain = await startChain();
  const deployment = await deployMedzk({ client: chain.client, wallet: chain.wallet(0) });
  const registry = deployment.registry;
  const as = (i) => ({ client: chain.client, wallet: chain.wallet(i), registry });
  const w = await world();
  await addIssuer(as(0), { account: chain.accounts[1], name: "Issuer" });
  await addIssuerKey(as(0), { issuer: chain.accounts[1], publicKey: w.publicKey });
  await publishRevocationRoot(as(1), EMPTY_REVOCATION_ROOT);
  await registerVerifier(as(0), { publicKey: VERIFIER_KEY.publicKey, account: chain.accounts[2], name: "Bench", purposes: ["bench"] });
  // The chain's clock is the wall clock: requests are made on today's date.
  const verifier = createVerifier({ trustedIssuers: [w.publicKey], key: VERIFIER_KEY, purpose: "bench" });
  return { chain, deployment, registry, w, verifier };
}

/**
 * The request with another challenge, signed again with the verifier's key (src/core/request.ts
 * requestSigningInput: the domain, then JSON of the fields in a fixed order; prove() refuses a
 * request whose signature does not verify, so a drift here fails the bench).
 */
export function withChallenge(request, challenge) {
  const { signature: _, ...unsigned } = { ...request, challenge: challenge.toString() };
  const fields = [unsigned.format, unsigned.verifier, unsigned.purpose ?? null, unsigned.responseUrl ?? null, unsigned.challenge, unsigned.asOf, unsigned.statement, unsigned.expiresAt];
  if (unsigned.issuerSet !== undefined) fields.push(unsigned.issuerSet);
  const message = utf8ToBytes("medzk-request/v2\0" + JSON.stringify(fields));
  return { ...unsigned, signature: bytesToHex(ed25519.sign(message, hexToBytes(VERIFIER_KEY.privateKey))) };
}
