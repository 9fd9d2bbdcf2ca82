// Valid presentations for the load generator (bench/load.mjs), proved once and cached in
// bench/results/ (gitignored): proving is ~1 s each, so a few hundred are made ahead of a run
// and reused until their requests come within a few hours of expiry (requestTtlSeconds 86400).
// Usage: node bench/_presentations.mjs [count]   (also imported by load.mjs)
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { createHolder, createVerifier, issueCredential, prove } from "../dist/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE = join(ROOT, "bench", "results", "load-presentations.json");
// Fixed keys, so that the services of a later run (same signing key, same trusted issuer) accept
// the cached presentations. Benchmark keys only: never use them anywhere else.
const SIGNING_PRIVATE_KEY = "6c".repeat(32);
export const SIGNING_KEY = { privateKey: SIGNING_PRIVATE_KEY, publicKey: bytesToHex(ed25519.getPublicKey(hexToBytes(SIGNING_PRIVATE_KEY))) };
const ISSUER_PRIVATE_KEY = "0".repeat(62) + "2a";
export const PURPOSE = "load";
export const STATEMENT = { type: "ageAtLeast", minAge: 18 };
export const TTL_SECONDS = 86_400;
// Cached presentations are reused while their requests have at least this much life left.
const MIN_LIFE_MS = 3 * 3600_000;

/** `count` valid presentations (and the issuer's public key), from the cache when it holds enough. */
export async function presentations(count, log = () => {}) {
  let cached = { issuer: undefined, presentations: [] };
  if (existsSync(CACHE)) cached = JSON.parse(await readFile(CACHE, "utf8"));
  const alive = cached.presentations.filter((p) => Date.parse(p.request.expiresAt) - Date.now() > MIN_LIFE_MS);
  if (alive.length >= count && cached.issuer) return { issuer: cached.issuer, presentations: alive.slice(0, count) };
  const issuerKey = { privateKey: ISSUER_PRIVATE_KEY };
  const holder = createHolder();
  const credential = await issueCredential(issuerKey, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-05-17" } });
  const verifier = createVerifier({ trustedIssuers: [credential.issuer], key: SIGNING_KEY, purpose: PURPOSE, requestTtlSeconds: TTL_SECONDS });
  const made = [...alive];
  const t0 = performance.now();
  while (made.length < count) {
    made.push(await prove({ credential, holder, request: verifier.createRequest({ statement: STATEMENT }) }));
    if (made.length % 10 === 0 || made.length === count) {
      log(`proved ${made.length}/${count} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      // Saved as it goes: an interrupted run keeps what it proved.
      await mkdir(dirname(CACHE), { recursive: true });
      await writeFile(CACHE, JSON.stringify({ issuer: credential.issuer, presentations: made }));
    }
  }
  return { issuer: credential.issuer, presentations: made };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 300);
  await presentations(count, (m) => console.log(m));
  process.exit(0);
}
