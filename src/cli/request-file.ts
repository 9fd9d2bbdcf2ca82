/**
 * The file `medzk prove --request` reads. Two shapes are taken, told apart by their keys:
 * - a proof request (`medzk-request/v2`, what `medzk request` writes), which has "format";
 * - the verifier service's response to POST /v1/requests, `{ "request": …, "issuerSet"? }`
 *   (saved as it came, e.g. `curl … > request.json`), where "issuerSet" is the trusted issuer
 *   set a hidden-issuer request names (docs/service.md), which the holder needs to prove
 *   membership of.
 * Anything else is refused with INVALID_REQUEST saying which shapes are taken, before anything is
 * read from it. The request and the set inside are then parsed strictly by the prover.
 */
import { checkObject, isPlainObject, kindOf } from "../core/validate.js";
import { CliError } from "./cli-error.js";

export interface RequestFile {
  request: unknown;
  /** The trusted issuer set from a service response, when it carried one. */
  issuerSet?: unknown;
}

const SHAPES = `a proof request (medzk-request/v2, from medzk request) or the response of POST /v1/requests ({ "request": …, "issuerSet"? })`;

export function parseRequestFile(json: unknown, file: string): RequestFile {
  const refuse = (why: string) => new CliError("INVALID_REQUEST", `request ${file} must be ${SHAPES}: ${why}`);
  if (!isPlainObject(json)) throw refuse(`it is ${kindOf(json)}`);
  if (Object.hasOwn(json, "format")) {
    // Another medzk file given by mistake (a presentation has a "request" too) is named as such;
    // a request of another version is the prover's to refuse (it names the format it takes).
    const format = json["format"];
    if (typeof format === "string" && /^medzk-(?!request\/)[a-z-]+\/v[0-9]+$/.test(format)) throw refuse(`it is a ${format} file`);
    return { request: json };
  }
  if (!Object.hasOwn(json, "request")) throw refuse(`it has neither "format" (a request) nor "request" (a service response)`);
  const envelope = checkObject(json, "response", { required: ["request"], optional: ["issuerSet"] });
  if (!envelope.ok) throw refuse(envelope.message);
  if (!isPlainObject(envelope.value.request)) throw refuse(`its "request" is ${kindOf(envelope.value.request)}`);
  return envelope.value.issuerSet === undefined ? { request: envelope.value.request } : { request: envelope.value.request, issuerSet: envelope.value.issuerSet };
}
