/**
 * The holder's view of a verifier's audit trail: who verified what about me, and when.
 *
 * The verifier serves a nullifier's entries only to whoever proves it holds that nullifier
 * (src/server/audit-access.ts). So the wallet asks it for an audit challenge (POST
 * /v1/audit/challenges { preset }: a request the verifier signed, and a ticket marking it as an
 * audit challenge), checks the request is this verifier's own in the expected scope, answers it
 * with the holder's wallet (`respond`, i.e. `Wallet.respond`), and sends the presentation with the
 * ticket (POST /v1/audit/entries). It computes its nullifier Poseidon(secret, scope) itself (the
 * prover's holderNullifier; the scope from the verifier's key and purpose, core's verifierScope),
 * and checks each entry served against the checkpoints it reads from the anchor itself (a file,
 * or the registry contract on chain), never from the verifier: src/audit/inclusion.ts.
 * NOTE: the statement of an audit challenge is the verifier's choice (the preset is only a name
 * it maps), so the challenge is answered as any request is: through the wallet's trust list,
 * policy, probing budget and consent, with a receipt. Proving it directly would let a verifier
 * ask, as an "audit challenge", what the wallet would refuse or count (a disclosure, a new
 * threshold). The verifier learns no nullifier it did not know (every presentation to it carries
 * it); fetch over HTTPS. What the proofs cannot show is an entry the verifier withheld (see
 * src/audit/inclusion.ts).
 */
import type { CheckpointAnchor } from "../audit/anchor.js";
import { auditLogId } from "../audit/entry.js";
import { type AuditTrailReport, checkAuditEntries } from "../audit/inclusion.js";
import { MedzkError } from "../core/errors.js";
import type { Presentation } from "../core/presentation.js";
import { type ProofRequest, checkRequest, requestSignatureValid, verifierScope } from "../core/request.js";
import { assertObject, checkHex, isPlainObject } from "../core/validate.js";
import { type Holder, holderNullifier, parseHolder } from "../prover/holder.js";

/** Options of {@link auditTrail}. */
export interface AuditTrailOptions {
  /** The wallet's holder (only its secret is used, for the nullifier; it never leaves this function). */
  holder: Holder | Pick<Holder, "secret">;
  /** The verifier: its Ed25519 public key and the purpose of its requests (its scope). */
  verifier: { publicKey: string; purpose?: string };
  /** Where the verifier's checkpoints are anchored (FileCheckpointAnchor, ChainCheckpointAnchor). */
  anchor: CheckpointAnchor;
  /** The verifier service's base URL, e.g. "https://insurer.example"; or give `entries`. */
  url?: string;
  /** With `url`: the verifier preset the audit challenge asks for (one the holder's wallet answers, e.g. one it answered before). */
  preset?: string;
  /**
   * With `url`: the holder's wallet's `respond` (`Wallet.respond`), which answers the audit
   * challenge as any request: trusted verifier, policy, probing budget, consent, receipt. A
   * hidden-issuer challenge is answered with the set the wallet's `issuerSets` gives for its root.
   */
  respond?: (request: ProofRequest) => Promise<Presentation>;
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
 * verifier cannot be asked or refuses the audit proof (its code in the message), INVALID_REQUEST
 * when its audit challenge is not its own signed request in the expected scope, the wallet's
 * refusals (`respond`'s codes: REQUEST_NOT_ALLOWED, PROBING_LIMIT, DECLINED_BY_HOLDER, …),
 * ANCHOR_UNAVAILABLE from the anchor.
 */
export async function auditTrail(options: AuditTrailOptions): Promise<AuditTrailReport> {
  const o = assertObject(options, "options", { required: ["holder", "verifier", "anchor"], optional: ["url", "preset", "respond", "entries", "fetch"] });
  const secret = parseHolder(o.holder);
  const v = assertObject(o.verifier, "verifier", { required: ["publicKey"], optional: ["purpose"] });
  if (!checkHex(v.publicKey, "verifier.publicKey", 32).ok) throw new MedzkError("INVALID_ARGUMENT", `"verifier.publicKey" must be the verifier's Ed25519 public key (32 bytes of lowercase hex)`);
  if (v.purpose !== undefined && typeof v.purpose !== "string") throw new MedzkError("INVALID_ARGUMENT", `"verifier.purpose" must be a string`);
  const anchor = o.anchor as CheckpointAnchor;
  if (typeof anchor !== "object" || anchor === null || typeof anchor.checkpoints !== "function") throw new MedzkError("INVALID_ARGUMENT", `"anchor" must be a CheckpointAnchor`);
  if ((o.url === undefined) === (o.entries === undefined)) throw new MedzkError("INVALID_ARGUMENT", `give exactly one of "url" (the verifier service) or "entries" (its answer)`);
  const proving = (["preset", "respond"] as const).filter((k) => o[k] !== undefined);
  if (o.entries !== undefined && proving.length > 0) throw new MedzkError("INVALID_ARGUMENT", `"${proving[0]}" goes with "url" (proving an audit challenge), not "entries"`);
  const publicKey = v.publicKey as string;
  const purpose = v.purpose as string | undefined;
  const nullifier = holderNullifier(secret, verifierScope(publicKey, purpose)).toString();
  let answer: unknown = o.entries;
  if (o.url !== undefined) {
    if (typeof o.preset !== "string" || o.preset.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"preset" must name the verifier preset the audit challenge asks for`);
    if (typeof o.respond !== "function") throw new MedzkError("INVALID_ARGUMENT", `"respond" must be the holder's wallet's respond (it answers the audit challenge)`);
    const base = serviceUrl(o.url);
    const fetchFn = (o.fetch as typeof fetch | undefined) ?? globalThis.fetch;
    const challenge = parseChallenge(await call(fetchFn, new URL("v1/audit/challenges", base), { preset: o.preset }), publicKey, purpose);
    const presentation = await (o.respond as NonNullable<AuditTrailOptions["respond"]>)(challenge.request);
    answer = await call(fetchFn, new URL("v1/audit/entries", base), { presentation, ticket: challenge.ticket });
  }
  const checkpoints = await anchor.checkpoints(auditLogId(publicKey));
  return checkAuditEntries(answer, { verifier: publicKey, nullifier, checkpoints });
}

/**
 * The verifier's audit challenge, checked before anything is proven: the request this verifier
 * signed (its own key, in the scope the nullifier was computed for) and a ticket of 64 bytes.
 * The ticket is the verifier's business; the request is what the holder's wallet answers (with
 * the set its own `issuerSets` gives, not the one served here, when the issuer is hidden).
 */
function parseChallenge(value: unknown, publicKey: string, purpose: string | undefined): { request: ProofRequest; ticket: string } {
  const bad = (why: string): never => {
    throw new MedzkError("INVALID_REQUEST", `the verifier's audit challenge ${why}`);
  };
  if (!isPlainObject(value)) return bad("is not an object");
  const known = new Set(["request", "ticket", "issuerSet"]);
  const extra = Object.keys(value).find((k) => !known.has(k));
  if (extra !== undefined) bad(`has an unknown field ${JSON.stringify(extra)}`);
  const request = checkRequest(value["request"], "request");
  if (!request.ok) return bad(`is malformed: ${request.message}`);
  const r = request.value;
  if (r.verifier !== publicKey || r.purpose !== purpose) bad("is another verifier's or another purpose's request");
  if (!requestSignatureValid(r)) bad("is not signed by the verifier");
  if (!checkHex(value["ticket"], "ticket", 64).ok) bad("has no ticket of 64 bytes of lowercase hex");
  if ((r.issuerSet === undefined) !== (value["issuerSet"] === undefined)) bad("names an issuer set it does not give, or gives one it does not name");
  return { request: r, ticket: value["ticket"] as string };
}

function serviceUrl(url: unknown): URL {
  let base: URL;
  try {
    base = new URL(String(url).endsWith("/") ? String(url) : `${String(url)}/`);
  } catch {
    throw new MedzkError("INVALID_ARGUMENT", `"url" must be the verifier service's base URL, e.g. "https://insurer.example"`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new MedzkError("INVALID_ARGUMENT", `"url" must be an https: (or http:) URL`);
  return base;
}

/** POSTs `body` as JSON; the JSON answer of a 2xx, else AUDIT_LOG_UNAVAILABLE naming the service's error code. */
async function call(fetchFn: typeof fetch, endpoint: URL, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(endpoint, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch (cause) {
    throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `cannot reach the verifier's audit trail at ${endpoint.origin}`, { cause });
  }
  let json: unknown;
  try {
    json = (await response.json()) as unknown;
  } catch (cause) {
    throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `the verifier's audit trail answered HTTP ${response.status} without JSON`, { cause });
  }
  if (!response.ok) {
    const code = isPlainObject(json) && isPlainObject(json["error"]) && typeof json["error"]["code"] === "string" && /^[A-Z_]{1,64}$/.test(json["error"]["code"]) ? ` ${json["error"]["code"]}` : "";
    throw new MedzkError("AUDIT_LOG_UNAVAILABLE", `the verifier's audit trail answered HTTP ${response.status}${code}`);
  }
  return json;
}
