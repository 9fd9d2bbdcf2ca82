/**
 * Why a SMART Health Card was refused. A card is untrusted input (a file, a pasted text, a photo
 * of a QR code), so importing one never throws for what is wrong with the card: it returns
 * `{ ok: false, error: { code, message } }` with one of these stable codes. Caller mistakes (a
 * malformed trust directory, a bad option) still throw a MedzkError.
 */

/** Codes of refused SMART Health Cards. Stable: clients may switch on them. */
export type SmartHealthCardRefusalCode =
  /** Not a `.smart-health-card` file, a compact JWS or `shc:/` QR text; or a file that is not `{ "verifiableCredential": [JWS, …] }`. */
  | "MALFORMED_INPUT"
  /** `shc:/` text whose digits are not pairs from 00 to 77, or a chunked set with a missing, repeated or inconsistent chunk (spec §Encoding QRs). */
  | "MALFORMED_QR"
  /** Over a size bound: the input, one JWS, the number of cards in a file, or the inflated payload (DEFLATE bombs stop here). */
  | "TOO_LARGE"
  /** Not a compact JWS: three base64url parts, a JSON header with exactly `alg`, `zip` and `kid`. */
  | "MALFORMED_JWS"
  /** The header's `alg` is not "ES256" (spec §Health Cards are Compact). */
  | "ALG_NOT_ES256"
  /** The header's `zip` is not "DEF": the payload must be raw DEFLATE (spec §Health Cards are Compact). */
  | "ZIP_NOT_DEF"
  /** The card's `iss` is not an issuer of the trust directory (or names another issuer than the one holding the signing key). */
  | "UNTRUSTED_ISSUER"
  /** The header's `kid` is not a key of the card's issuer in the trust directory (an issuer removes a compromised key from its JWKS). */
  | "UNKNOWN_KID"
  /** The ES256 signature does not verify under the issuer's key: the card was altered, or signed by another key. */
  | "BAD_SIGNATURE"
  /** The signed payload does not inflate, is not JSON, or is not the SMART Health Card claims (`iss`, `nbf`, `exp`?, `vc`). */
  | "MALFORMED_PAYLOAD"
  /** `nbf` lies after the import's clock. */
  | "NOT_YET_VALID"
  /** `exp` lies before the import's clock (spec §Expiration of Health Cards). */
  | "EXPIRED"
  /** The card's `rid` is in its key's revocation list (before the listed timestamp, when there is one; spec §Revocation). */
  | "REVOKED"
  /** The key has a `crlVersion` but the trust directory holds no revocation list of that version or later for it: revocation cannot be checked, so the card is refused. */
  | "REVOCATION_UNKNOWN"
  /** The card's FHIR Bundle is refused by the strict FHIR R4 parser (the message names the element). */
  | "FHIR_BUNDLE_REFUSED";

/** Why a card was refused: the `error` of a failed import. */
export interface SmartHealthCardRefusal {
  /** Stable reason; clients may switch on it. */
  code: SmartHealthCardRefusalCode;
  /** What was wrong, for logs and people; the wording may change between versions. */
  message: string;
}

/** Thrown inside the import and caught at its edge, where it becomes a refusal; never escapes. */
export class Refused extends Error {
  readonly code: SmartHealthCardRefusalCode;
  constructor(code: SmartHealthCardRefusalCode, message: string) {
    super(message);
    this.code = code;
  }
}
