/**
 * The bridge issuer: a hospital or health authority that trusts a SMART Health Card's issuer
 * turns the card's Patient and Immunizations into medzk credentials, bound to the patient's
 * holder commitment and sealed to the patient's encryption key (docs/fhir.md, "SMART Health
 * Cards"). Trust runs card issuer → bridge → verifier:
 *
 * - the card issuer signed the Bundle (ES256); the bridge checks that signature, the key, its
 *   revocation list and the dates against the trust directory it chose (importSmartHealthCard);
 * - the bridge maps the Bundle through the FHIR mapping table (issueFromFhir) and signs the
 *   credentials with its own key: from then on it is the bridge that vouches for them;
 * - a verifier trusts the bridge's key (its issuer registry), and never sees the card, its
 *   issuer or its signature: only proofs about the credentials.
 *
 * Each credential comes back with the card it came from (issuer, kid, SHA-256 of the JWS, the
 * Bundle entry), for the bridge's records.
 *
 * NOTE: a SMART Health Card is a bearer document ("SMART Health Cards are designed for use
 * alongside existing forms of identification", spec FAQ). The bridge binds the credentials to
 * the commitment of whoever presents the card; that the presenter is the card's patient is the
 * bridge's to establish out of band (e.g. the card's name and birth date against an identity
 * document), as for any issuer and `issueCredential`.
 */
import type { Credential } from "../core/credential.js";
import { type Envelope, parseEncryptionKey } from "../core/envelope.js";
import { MedzkError } from "../core/errors.js";
import { assertFieldElement, assertObject } from "../core/validate.js";
import { type FhirCredential, issueFromFhir } from "../fhir/issue-from-fhir.js";
import { mapFhir } from "../fhir/mapping.js";
import type { FhirRefusalCode } from "../fhir/refusal.js";
import { sealCredential } from "../issuer/seal-credential.js";
import type { IssuerKey } from "../issuer/keys.js";
import type { RevocationRegistry } from "../issuer/revocation-registry.js";
import { type ImportedSmartHealthCard, type SmartHealthCardFile, importSmartHealthCard } from "./import-card.js";
import type { SmartHealthCardRefusalCode } from "./refusal.js";
import type { ShcTrustDirectory } from "./trust-directory.js";

/** What {@link issueFromSmartHealthCard} needs besides the bridge's key and the card. */
export interface SmartHealthCardBridgeOptions {
  /** The patient's holder commitment (`Holder.commitment`): every credential is bound to it. */
  holderCommitment: string;
  /** The patient's public encryption key (`holderEncryptionKey`): every credential is sealed to it. */
  holderEncryptionKey: string;
  /** The card issuers the bridge trusts, with their keys and revocation lists (VCI directory snapshot format). */
  trustedIssuers: ShcTrustDirectory;
  /** The clock the card's `nbf`/`exp` are checked with and the credentials are issued on; default: the system clock. */
  clock?: () => Date;
  /** Last valid day of the credentials, "YYYY-MM-DD"; default: never expires. */
  expiresOn?: string;
  /** The bridge's revocation registry: each credential takes a slot. */
  revocation?: RevocationRegistry;
  /**
   * How doses are numbered (issueFromFhir's option): "stated" (default; SMART Health Cards
   * usually state none, so doseNumber is 0) or "countInBundle" (each vaccine group's doses
   * numbered 1, 2, … by date). NOTE: "countInBundle" asserts that the card holds the patient's
   * whole series for the group; a dose left out (unknown vaccine code) is not counted, so numbers
   * can only come out lower than the truth, never higher.
   */
  doseNumbers?: "stated" | "countInBundle";
}

/** Which card a credential came from: the bridge's record of it. */
export interface SmartHealthCardSource {
  /** The card's issuer: its `iss` and its name in the trust directory. */
  cardIssuer: { iss: string; name: string };
  /** The card's signing key id. */
  kid: string;
  /** SHA-256 of the card's compact JWS, hex. */
  jwsSha256: string;
  /** The Bundle entry the credential was mapped from ("Bundle.entry[1].resource"), and its fullUrl. */
  element: string;
  fullUrl?: string;
}

/** One credential issued by the bridge. */
export interface BridgedCredential {
  /** The signed credential (for the bridge's own records; the patient gets the envelope). */
  credential: Credential;
  /** The credential sealed to the patient's encryption key. */
  envelope: Envelope;
  source: SmartHealthCardSource;
}

/** A card Immunization the bridge did not turn into a credential: its vaccine is not in the mapping table. */
export interface LeftOutImmunization {
  /** The card's JWS hash and the entry ("Bundle.entry[3].resource"). */
  jwsSha256: string;
  element: string;
  /** FHIR_UNKNOWN_CODE or FHIR_UNKNOWN_CODE_SYSTEM, and why. */
  code: FhirRefusalCode;
  message: string;
}

/** Why the bridge issued nothing: the card's refusal, or the FHIR mapping's (naming the element). */
export interface SmartHealthCardBridgeRefusal {
  code: SmartHealthCardRefusalCode | FhirRefusalCode;
  message: string;
}

/** The outcome: the credentials (and the immunizations left out), or why nothing was issued. */
export type SmartHealthCardBridgeResult =
  | { ok: true; cards: ImportedSmartHealthCard[]; issued: BridgedCredential[]; leftOut: LeftOutImmunization[] }
  | { ok: false; error: SmartHealthCardBridgeRefusal };

const OPTION_KEYS = { required: ["holderCommitment", "holderEncryptionKey", "trustedIssuers"], optional: ["clock", "expiresOn", "revocation", "doseNumbers"] } as const;
/** Refusals that name one Immunization's vaccine: that entry is left out, the rest of the card issued. */
const UNKNOWN_VACCINE = new Set<string>(["FHIR_UNKNOWN_CODE", "FHIR_UNKNOWN_CODE_SYSTEM"]);
const ENTRY = /^Bundle\.entry\[(\d+)\]\.resource\.vaccineCode/;

/**
 * Verifies a SMART Health Card (any form {@link importSmartHealthCard} takes) and issues, with the
 * bridge's key, a credential for its Patient ("patient-record/v1") and for each vaccine group of
 * each Immunization ("immunization/v1"), all bound to `holderCommitment` and sealed to
 * `holderEncryptionKey`. An Immunization whose vaccine code the mapping table lacks is left out
 * and listed in `leftOut` (never guessed); any other FHIR refusal issues nothing.
 *
 * Never throws for the card: a refused card or Bundle is `{ ok: false, error }`. Throws
 * MedzkError for the caller's mistakes: INVALID_KEY (the bridge key, the encryption key),
 * INVALID_ARGUMENT (the commitment, options), INVALID_SHC_DIRECTORY, REVOCATION_REGISTRY_FULL.
 */
export async function issueFromSmartHealthCard(
  bridgeKey: IssuerKey,
  card: string | readonly string[] | SmartHealthCardFile,
  options: SmartHealthCardBridgeOptions,
): Promise<SmartHealthCardBridgeResult> {
  const o = assertObject(options, "options", OPTION_KEYS);
  if (o.doseNumbers !== undefined && o.doseNumbers !== "stated" && o.doseNumbers !== "countInBundle") {
    throw new MedzkError("INVALID_ARGUMENT", `"doseNumbers" must be "stated" or "countInBundle", got ${JSON.stringify(o.doseNumbers)}`);
  }
  // Checked before the card is read and anything signed, so a caller's mistake is never a card's refusal.
  assertFieldElement(o.holderCommitment, "holderCommitment");
  parseEncryptionKey(o.holderEncryptionKey, "holderEncryptionKey", "INVALID_KEY");
  const encryptionKey = o.holderEncryptionKey as string;
  const imported = await importSmartHealthCard(card, { trustedIssuers: o.trustedIssuers as ShcTrustDirectory, ...(o.clock === undefined ? {} : { clock: o.clock as () => Date }) });
  if (!imported.ok) return imported;

  const issueOptions = {
    holderCommitment: o.holderCommitment as string,
    ...(o.clock === undefined ? {} : { clock: o.clock as () => Date }),
    ...(o.expiresOn === undefined ? {} : { expiresOn: o.expiresOn as string }),
    ...(o.revocation === undefined ? {} : { revocation: o.revocation as RevocationRegistry }),
    ...(o.doseNumbers === undefined ? {} : { doseNumbers: o.doseNumbers as "stated" | "countInBundle" }),
  };
  // Map every card before signing any credential, so a refused card leaves nothing signed.
  const mapped: Array<{ card: ImportedSmartHealthCard; plan: Extract<Plan, { ok: true }> }> = [];
  for (const c of imported.cards) {
    const plan = planCard(c, issueOptions.doseNumbers);
    if (!plan.ok) return { ok: false, error: plan.error };
    mapped.push({ card: c, plan });
  }
  const issued: BridgedCredential[] = [];
  const leftOut: LeftOutImmunization[] = [];
  for (const { card: c, plan } of mapped) {
    leftOut.push(...plan.leftOut);
    let credentials: FhirCredential[];
    try {
      credentials = await issueFromFhir(bridgeKey, plan.bundle, issueOptions);
    } catch (error) {
      // The mapping passed; what issueCredential still refuses in the card's values (an
      // occurrence after the issuance day) is the card's, not the caller's. issueFromFhir checks
      // a card's records before signing any; in a file of several cards, an earlier card's
      // credentials may have taken revocation slots, and are not returned.
      if (error instanceof MedzkError && error.code === "INVALID_ATTRIBUTE") {
        return { ok: false, error: { code: "FHIR_UNMAPPABLE", message: renumber(error.message, plan.kept) } };
      }
      throw error;
    }
    for (const { credential, source } of credentials) {
      const element = renumber(source.element, plan.kept);
      issued.push({
        credential,
        envelope: await sealCredential(credential, encryptionKey),
        source: { cardIssuer: c.issuer, kid: c.kid, jwsSha256: c.jwsSha256, element, ...(source.fullUrl === undefined ? {} : { fullUrl: source.fullUrl }) },
      });
    }
  }
  return { ok: true, cards: imported.cards, issued, leftOut };
}

type Plan = { ok: true; bundle: unknown; kept: number[]; leftOut: LeftOutImmunization[] } | { ok: false; error: SmartHealthCardBridgeRefusal };

/**
 * The card's Bundle as the bridge will issue it: without the Immunizations whose vaccine the
 * table lacks. Found with the mapping alone (mapFhir, which signs nothing): its refusal names the
 * entry, which is set aside, and the rest is mapped again. `kept` maps the reduced Bundle's entry
 * indices back to the card's.
 */
function planCard(card: ImportedSmartHealthCard, doseNumbers: "stated" | "countInBundle" | undefined): Plan {
  const entries = card.bundle.entry ?? [];
  let kept = entries.map((_, i) => i);
  const leftOut: LeftOutImmunization[] = [];
  for (;;) {
    const bundle = { ...card.bundle, entry: kept.map((i) => entries[i]) };
    const mapped = mapFhir(bundle, doseNumbers === undefined ? {} : { doseNumbers });
    if (mapped.ok) return { ok: true, bundle, kept, leftOut };
    const { code, element, message } = mapped.refusal;
    const entry = ENTRY.exec(element);
    if (!UNKNOWN_VACCINE.has(code) || entry === null) return { ok: false, error: { code, message: `${renumber(element, kept)}: ${message}` } };
    const original = kept[Number(entry[1])]!;
    leftOut.push({ jwsSha256: card.jwsSha256, element: `Bundle.entry[${original}].resource`, code, message });
    kept = kept.filter((i) => i !== original);
  }
}

/** "Bundle.entry[i]…" of the reduced Bundle, as the card's own entry index. */
function renumber(element: string, kept: readonly number[]): string {
  return element.replace(/^Bundle\.entry\[(\d+)\]/, (_, i: string) => `Bundle.entry[${kept[Number(i)]}]`);
}
