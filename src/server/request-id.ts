/**
 * Request ids: the `x-request-id` a proxy or client sends is kept, so one id follows a call
 * through the proxy's log, this service's log lines and the response; without one (or with one
 * this service will not repeat) a random UUID is made.
 *
 * An incoming id is repeated into every log line of the request and into a response header, so
 * it is held to a short, plain alphabet: no spaces, quotes, control characters or non-ASCII text
 * that could forge a log field in a log pipeline reading text, split a header, or carry personal
 * data in volume. Anything else is replaced, not refused: the id is a convenience, and a bad one
 * must not cost the caller its answer.
 */
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "x-request-id";

/** At most 128 of A-Z a-z 0-9 and `. _ - : / + = @`: UUIDs, ULIDs, hex, base64 and `service/trace` ids all fit. */
const REQUEST_ID = /^[A-Za-z0-9._\-:/+=@]{1,128}$/;

/** The id an incoming request is known by: its `x-request-id` if acceptable, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  // Node joins repeated x-request-id headers with ", ", which the alphabet refuses: one id or none.
  return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
}
