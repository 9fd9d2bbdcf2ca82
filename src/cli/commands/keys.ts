/**
 * `medzk keygen`, `medzk verifier-key` and `medzk holder`: new issuer keys, verifier signing keys
 * and holder secrets, and a holder's public part (commitment and encryption key).
 */
import { type Holder, createHolder, holderCommitment, holderEncryptionKey } from "../../prover/holder.js";
import { generateIssuerKey } from "../../issuer/keys.js";
import { generateVerifierKey } from "../../verifier/verifier-key.js";
import { type Command, fromInput, markSensitive, optional, readJson, writeJson } from "../io.js";

export const keygen: Command = {
  name: "keygen",
  summary: "create an issuer signing key",
  help: `Usage: medzk keygen [--out issuer.json]

Creates an EdDSA-Poseidon issuer key { privateKey, publicKey } (hex). With --out the key is
written to a new owner-only file (never overwritten) and the public key is printed; without it
the whole key is printed. Publish the public key; verifiers list it in "trustedIssuers" or in
their issuer registry.

Options:
  --out <file>   where to write the key (must not exist)
  -h, --help     show this help`,
  options: { out: { type: "string" } },
  run: (args) => writeKeyPair(args, generateIssuerKey()),
};

export const verifierKey: Command = {
  name: "verifier-key",
  summary: "create a verifier signing key",
  help: `Usage: medzk verifier-key [--out verifier.key]

Creates an Ed25519 verifier key { privateKey, publicKey } (hex). The verifier signs every
request with it, wallets check the signature, and the nullifier scope is derived from the public
key, so keep the private key as carefully as an issuer key: whoever holds it can ask in the
verifier's name. With --out the key is written to a new owner-only file (never overwritten) and
the public key is printed; without it the whole key is printed. A verifier config points at the
file with "signingKey": { "file": "verifier.key" }; every instance of one service uses the same.

Options:
  --out <file>   where to write the key (must not exist)
  -h, --help     show this help`,
  options: { out: { type: "string" } },
  run: (args) => writeKeyPair(args, generateVerifierKey()),
};

export const holder: Command = {
  name: "holder",
  summary: "create a holder secret and its commitment",
  help: `Usage: medzk holder [--out holder.json]
       medzk holder --public holder.json [--out holder.pub.json]

Creates a holder { secret, commitment }. The secret never leaves the holder's device; the
commitment is what an issuer binds credentials to (medzk issue --holder-commitment). With --out
the holder is written to a new owner-only file and the commitment is printed.

With --public, writes what the holder of an existing holder file hands an issuer instead:
{ commitment, encryptionKey }, the X25519 key (derived from the secret) that sealed credentials
are encrypted to (medzk issue --seal-to, medzk open). Nothing in it is secret.

Options:
  --public <file>   an existing holder file: write its public part, create nothing
  --out <file>      where to write the holder (must not exist) or, with --public, its public part
  -h, --help        show this help`,
  options: { out: { type: "string" }, public: { type: "string" } },
  async run(args) {
    const out = optional(args, "out");
    const holderFile = optional(args, "public");
    if (holderFile !== undefined) {
      const existing = await readJson(holderFile, "holder");
      markSensitive((existing as { secret?: unknown } | null)?.secret);
      const encryptionKey = await fromInput(holderFile, () => holderEncryptionKey(existing as Holder));
      const { commitment } = existing as Holder;
      await writeJson(out, { commitment: commitment ?? holderCommitment(BigInt((existing as Holder).secret)).toString(), encryptionKey }, "public");
      return 0;
    }
    const h = createHolder();
    await writeJson(out, h, "secret");
    if (out !== undefined) process.stdout.write(`${h.commitment}\n`);
    return 0;
  },
};

/** Writes a fresh key pair to a new owner-only file (printing its public key) or to stdout. */
async function writeKeyPair(args: Parameters<Command["run"]>[0], key: { privateKey: string; publicKey: string }): Promise<number> {
  const out = optional(args, "out");
  await writeJson(out, key, "secret");
  if (out !== undefined) process.stdout.write(`${key.publicKey}\n`);
  return 0;
}
