/**
 * The numeric `shc:/` QR text of a SMART Health Card, back to its compact JWS (SMART Health Cards
 * Framework 1.x, §Health Cards as QR Codes, §Encoding QRs and §Chunking Larger SHCs):
 *
 *   shc:/<digits>            one QR code
 *   shc:/<C>/<N>/<digits>    chunk C of N (deprecated by the spec, still read here)
 *
 * Each JWS character c is the two digits of ord(c) - 45, so every pair lies from 00 ("-") to
 * 77 ("z"). Chunks may come in any order (the spec asks consumers to allow that); a set must be
 * complete, each chunk once, all naming the same N.
 */
import { Refused } from "./refusal.js";

const PREFIX = "shc:/";
const SINGLE = /^shc:\/([0-9]*)$/;
const CHUNK = /^shc:\/([1-9][0-9]{0,2})\/([1-9][0-9]{0,2})\/([0-9]*)$/;
/** ord("-"): the lowest character of a compact JWS (spec §Encoding QRs). */
const OFFSET = 45;
/** ord("z") - 45: the highest pair. */
const MAX_PAIR = 77;

/** Whether a text is (the first chunk of) a `shc:/` QR text. */
export function isQrText(text: string): boolean {
  return text.startsWith(PREFIX);
}

/**
 * The compact JWS of one `shc:/` text or of a complete set of chunks (in any order). Refuses
 * MALFORMED_QR; the caller bounds the length first.
 */
export function decodeQrTexts(texts: readonly string[]): string {
  if (texts.length === 0) throw new Refused("MALFORMED_QR", "no shc:/ text");
  if (texts.length === 1) {
    const single = SINGLE.exec(texts[0]!);
    if (single) return decodeDigits(single[1]!, "shc:/ text");
  }
  const chunks = new Map<number, string>();
  let total: number | undefined;
  for (const [i, text] of texts.entries()) {
    const m = CHUNK.exec(text);
    if (!m) {
      const why = SINGLE.test(text) ? "a single-code shc:/ text cannot be part of a chunked set" : "not shc:/<digits> or shc:/<C>/<N>/<digits>";
      throw new Refused("MALFORMED_QR", `QR text ${i + 1}: ${why}`);
    }
    const index = Number(m[1]);
    const count = Number(m[2]);
    // "only if more than one chunk is required" (spec §Encoding QRs): 1/1 is not a chunk set.
    if (count < 2) throw new Refused("MALFORMED_QR", `QR text ${i + 1}: a chunked set has at least 2 chunks, this one says ${count}`);
    if (index > count) throw new Refused("MALFORMED_QR", `QR text ${i + 1}: chunk ${index} of ${count}`);
    if (total !== undefined && count !== total) throw new Refused("MALFORMED_QR", `QR text ${i + 1}: chunk of a set of ${count}, the others are of a set of ${total}`);
    total = count;
    if (chunks.has(index)) throw new Refused("MALFORMED_QR", `QR text ${i + 1}: chunk ${index} of ${count} given twice`);
    chunks.set(index, m[3]!);
  }
  if (chunks.size !== total) {
    const missing = Array.from({ length: total! }, (_, i) => i + 1).filter((i) => !chunks.has(i));
    throw new Refused("MALFORMED_QR", `chunked set of ${total}: chunk ${missing.join(", ")} missing`);
  }
  let jws = "";
  for (let i = 1; i <= total!; i++) jws += decodeDigits(chunks.get(i)!, `chunk ${i} of ${total}`);
  return jws;
}

function decodeDigits(digits: string, name: string): string {
  if (digits.length === 0 || digits.length % 2 !== 0) throw new Refused("MALFORMED_QR", `${name}: the digits must be a non-empty even number, got ${digits.length}`);
  const codes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < digits.length; i += 2) {
    const pair = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48);
    if (pair > MAX_PAIR) throw new Refused("MALFORMED_QR", `${name}: digit pair ${digits.slice(i, i + 2)} at position ${i} is above ${MAX_PAIR}`);
    codes[i / 2] = pair + OFFSET;
  }
  // ASCII only (45..122), so the bytes are the characters.
  return new TextDecoder().decode(codes);
}
