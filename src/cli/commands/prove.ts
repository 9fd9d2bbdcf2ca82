/** `medzk prove`: the holder's side. */
import { loadKeys } from "../../artifacts/node-source.js";
import { prove as proveRequest, type ProveOptions } from "../../prover/node.js";
import { type Command, QUIET_OPTION, fromInput, markSensitive, optional, progress, readJson, required, writeJson } from "../io.js";
import { parseRequestFile } from "../request-file.js";

export const prove: Command = {
  name: "prove",
  summary: "answer a request with a presentation",
  help: `Usage: medzk prove --credential credential.json --holder holder.json --request request.json
                   [--revocation status.json] [--allow-disclosure a,b] [--out presentation.json] [-q]

Checks everything first (signature, holder binding, expiry, revocation, that the statement holds,
that the request's as-of date is today and its disclosures allowed), then proves. Takes two to
four seconds; progress lines (checking, loading-artifacts, proving, done) go to stderr.

The request file is the request medzk request wrote, or the response of the verifier service's
POST /v1/requests as it came ({ "request": …, "issuerSet"? }; with a hidden issuer the set it
carries is used); anything else is refused with INVALID_REQUEST.

Options:
  --credential <file>         the credential (medzk issue)
  --holder <file>             the holder secret (medzk holder)
  --request <file>            the verifier's request (medzk request), or the service's response
  --revocation <file>         the issuer's published revocation status, if it keeps one
  --allow-disclosure <names>  comma-separated attributes the holder agrees to disclose
  --keys <file>               a key manifest (medzk-keys/v1): prove with production keys
  --out <file>                where to write the presentation (default: stdout)
  -q, --quiet                 no progress lines
  -h, --help                  show this help`,
  options: {
    credential: { type: "string" },
    holder: { type: "string" },
    request: { type: "string" },
    revocation: { type: "string" },
    "allow-disclosure": { type: "string" },
    out: { type: "string" },
    keys: { type: "string" },
    ...QUIET_OPTION,
  },
  async run(args) {
    const credentialFile = required(args, "credential", this);
    const holderFile = required(args, "holder", this);
    const requestFile = required(args, "request", this);
    const credential = await readJson(credentialFile, "credential");
    const holder = await readJson(holderFile, "holder");
    // What must not reach stderr if the library names it: attribute values, the salt and
    // signature that open the commitment, the holder secret.
    const c = credential as { attributes?: unknown; salt?: unknown; signature?: unknown } | null;
    markSensitive([c?.attributes, c?.salt, c?.signature, (holder as { secret?: unknown } | null)?.secret]);
    const { request, issuerSet } = parseRequestFile(await readJson(requestFile, "request"), requestFile);
    const step = progress("prove", args);
    const options: ProveOptions = {
      credential: credential as ProveOptions["credential"],
      holder: holder as ProveOptions["holder"],
      request,
      onProgress: ({ stage, elapsedMs }) => step(stage, elapsedMs),
    };
    if (issuerSet !== undefined) options.issuerSet = issuerSet as ProveOptions["issuerSet"];
    const revocationFile = optional(args, "revocation");
    if (revocationFile !== undefined) options.revocation = (await readJson(revocationFile, "revocation status")) as ProveOptions["revocation"];
    const keysFile = optional(args, "keys");
    if (keysFile !== undefined) options.keys = await fromInput(keysFile, () => loadKeys(keysFile));
    const allow = optional(args, "allow-disclosure");
    if (allow !== undefined) options.allowDisclosure = allow.split(",").map((s) => s.trim()).filter(Boolean);
    const presentation = await fromInput(`proving ${requestFile} with ${credentialFile}`, () => proveRequest(options));
    // Health data: disclosed attributes and the holder's nullifier.
    await writeJson(optional(args, "out"), presentation, "private");
    return 0;
  },
};
