/**
 * The holder's view of a verifier's audit trail: who verified what about me, and when.
 *
 * The wallet computes its own nullifier in the verifier's scope (Poseidon(secret, scope), the
 * prover's holderNullifier; the scope from the verifier's key and purpose, core's verifierScope),
 * asks the verifier for the entries under it (GET /v1/audit/entries?nullifier=…, or takes them as
 * data), and checks each against the checkpoints it reads from the anchor itself (a file, or the
 * registry contract on chain), never from the verifier: src/audit/inclusion.ts.
 * NOTE: the nullifier is sent to the verifier, which knows it already (every presentation to it
 * carries it) and to nobody else; fetch over HTTPS. What the proofs cannot show is an entry the
 * verifier withheld (see src/audit/inclusion.ts).
 */
import type { CheckpointAnchor } from "../audit/anchor.js";
import { auditLogId } from "../audit/entry.js";
import { type AuditTrailReport, checkAuditEntries } from "../audit/inclusion.js";
import { MedzkError } from "../core/errors.js";
import { verifierScope } from "../core/request.js";
import { assertObject, checkHex } from "../core/validate.js";
import { type Holder, holderNullifier, parseHolder } from "../prover/holder.js";

/** Options of {@link auditTrail}. */
export interface AuditTrailOptions {
  /** The wallet's holder (only its secret is used, and it never leaves this function). */
  holder: Holder | Pick<Holder, "secret">;
  /** The verifier: its Ed25519 public key and the purpose of its requests (its scope). */
  verifier: { publicKey: string; purpose?: string };
  /** Where the verifier's checkpoints are anchored (FileCheckpointAnchor, ChainCheckpointAnchor). */
  anchor: CheckpointAnchor;
  /** The verifier service's base URL, e.g. "https://insurer.example"; or give `entries`. */
  url?: string;
  /** The verifier's answer (medzk-audit-entries/v1), already fetched; or give `url`. */
  entries?: unknown;
  /** The fetch to use with `url` (default: the global fetch). */
  fetch?: typeof fetch;
}

/**
 * Who verified what about this holder at one verifier, and when, with each entry checked
 * against the anchored checkpoints. Resolves to a report whose `items` are the entries that
 * checked (`status` "anchored", or "pending" before the next checkpoint) and whose `problems` say
 * what did not. Throws MedzkError: INVALID_ARGUMENT for the options, AUDIT_LOG_UNAVAILABLE when the
 * verifier cannot be asked, ANCHOR_UNAVAILABLE from the anchor.
 */
export async function auditTrail(options: AuditTrailOptions): Promise<AuditTrailReport> {
  const o = assertObject(options, "options", { required: ["holder", "verifier", "anchor"], optional: ["url", "entries", "fetch"] });
  const secret = parseHolder(o.holder);
  const v = assertObject(o.verifier, "verifier", { required: ["publicKey"], optional: ["purpose"] });
  if (!checkHex(v.publicKey, "verifier.publicKey", 32).ok) throw new MedzkError("INVALID_ARGUMENT", `"verifier.publicKey" must be the verifier's Ed25519 public key (32 bytes of lowercase hex)`);
  if (v.purpose !== undefined && typeof v.purpose !== "string") throw new MedzkError("INVALID_ARGUMENT", `"verifier.purpose" must be a string`);
  const anchor = o.anchor as CheckpointAnchor;
  if (typeof anchor !== "object" || anchor === null || typeof anchor.checkpoints !== "function") throw new MedzkError("INVALID_ARGUMENT", `"anchor" must be a CheckpointAnchor`);
  if ((o.url === undefined) === (o.entries === undefined)) throw new MedzkError("INVALID_ARGUMENT", `give exactly one of "url" (the verifier service) or "entries" (its answer)`);
  const publicKey = v.publicKey as string;
  const nullifier = holderNullifier(secret, verifierScope(publicKey, v.purpose as string | undefined)).toString();
  const answer = o.entries !== undefined ? o.entries : await fetchEntries(o.url, nullifier, (o.fetch as typeof fetch | undefined) ?? globalThis.fetch);
  const checkpoints = await anchor.checkpoints(auditLogId(publicKey));
  return checkAuditEntries(answer, { verifier: publicKey, nullifier, checkpoints });
}

async function fetchEntries(url: unknown, nullifier: string, fetchFn: typeof fetch): Promise<unknown> {
  let endpoint: URL;
  try {
    endpoint = new URL("v1/audit/entries", String(url).endsWith("/") ? String(url) : `${String(url)}/`);
  } catch {
    throw new MedzkError("INVALID_ARGUMENT", `"url" must be the verifier service's base URL, e.g. "https://insurer.example"`);
  }
  if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") throw new MedzkError("INVALID_ARGUMENT", `"url" must be an https: (or http:) URL`);
  endpoint.searchParams.set("nullifier", nullifier);
  let response: Response;
  try {
    response = await fetchFn(endpoint, { headers: { accept: "application/json" } });
  } catch (cause) {
    throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `cannot reach the verifier's audit trail at ${endpoint.origin}`, { cause });
  }
  if (!response.ok) throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `the verifier's audit trail answered HTTP ${response.status}`);
  try {
    return (await response.json()) as unknown;
  } catch (cause) {
    throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `the verifier's audit trail did not answer JSON`, { cause });
  }
}
