/** `medzk issue-fhir`: credentials from a FHIR R4 resource or Bundle in a JSON file (docs/fhir.md). */
import { issueFromFhir, type FhirCredential, type FhirIssueOptions } from "../../fhir/issue-from-fhir.js";
import { parseIssuerKey } from "../../issuer/keys.js";
import { inputError } from "../cli-error.js";
import { changeRevocationStatus } from "../revocation-status-file.js";
import { type Command, QUIET_OPTION, fromInput, markSensitive, optional, progress, readJson, required, writeJson } from "../io.js";

export const issueFhir: Command = {
  name: "issue-fhir",
  summary: "sign credentials from a FHIR R4 resource or Bundle",
  help: `Usage: medzk issue-fhir --issuer issuer.json --holder-commitment <commitment | holder.pub.json>
                        --fhir <resource.json | bundle.json> [--expires YYYY-MM-DD]
                        [--revocation status.json] [--count-doses] [--out credentials.json] [-q]

Reads a FHIR R4 Patient, Coverage or Immunization, or a Bundle of them, checks it strictly and
maps it (docs/fhir.md): a Patient to patient-record/v1, a Coverage to insurance-coverage/v1, an
Immunization to one immunization/v1 per vaccine group. All or nothing: a refused resource
(FHIR_MALFORMED, FHIR_PARTIAL_DATE, FHIR_STATUS_REFUSED, FHIR_UNKNOWN_CODE_SYSTEM,
FHIR_UNKNOWN_CODE, FHIR_UNMAPPABLE, the message naming the element) signs nothing, exit 3.
The output is a JSON array of { credential, source }, one per credential, source naming the
resource it came from.

Options:
  --issuer <file>               issuer key from medzk keygen
  --holder-commitment <value>   the holder's commitment (decimal), or a file holding { commitment }
  --fhir <file>                 the FHIR R4 JSON (a resource or a Bundle)
  --expires <date>              last valid day of every credential (default: never expires)
  --revocation <file>           the issuer's revocation status: each credential takes the next slot
  --count-doses                 number a Bundle's doses of a vaccine group that state no number
                                1, 2, … by date (for a Bundle holding the whole series, such as a
                                SMART Health Card's); by default a dose without a number gets 0
  --out <file>                  where to write the credentials (default: stdout)
  -q, --quiet                   no progress lines
  -h, --help                    show this help`,
  options: {
    issuer: { type: "string" },
    "holder-commitment": { type: "string" },
    fhir: { type: "string" },
    expires: { type: "string" },
    revocation: { type: "string" },
    "count-doses": { type: "boolean" },
    out: { type: "string" },
    ...QUIET_OPTION,
  },
  async run(args) {
    const issuerFile = required(args, "issuer", this);
    const step = progress("issue-fhir", args);
    const keyJson = await readJson(issuerFile, "issuer key");
    markSensitive((keyJson as { privateKey?: unknown } | null)?.privateKey);
    const key = await fromInput(issuerFile, () => parseIssuerKey(keyJson));
    const holderArg = required(args, "holder-commitment", this);
    const holderJson = /^[0-9]+$/.test(holderArg) ? undefined : ((await readJson(holderArg, "holder file")) as { commitment?: unknown; secret?: unknown } | null);
    markSensitive(holderJson?.secret);
    const commitment = holderJson === undefined ? holderArg : holderJson?.commitment;
    if (typeof commitment !== "string") throw inputError(`--holder-commitment ${holderArg} has no "commitment" (a decimal string): give a holder's public part (medzk holder --public) or the commitment itself`);
    const fhirFile = required(args, "fhir", this);
    const fhir = await readJson(fhirFile, "FHIR resource");
    // NOTE: not marked sensitive (unlike medzk issue's attributes): a refusal names the element
    // and may quote its value (a partial date, a status), which the issuer, whose record it is,
    // needs to fix it; redacting every string of the record would also redact element names.
    const options: FhirIssueOptions = { holderCommitment: commitment };
    if (args.values["count-doses"] === true) options.doseNumbers = "countInBundle";
    const expires = optional(args, "expires");
    if (expires !== undefined) options.expiresOn = expires;
    const issue = async (): Promise<FhirCredential[]> => {
      step("signing");
      const issued = await fromInput(fhirFile, () => issueFromFhir(key, fhir, options));
      await writeJson(optional(args, "out"), issued, "private");
      return issued;
    };
    const statusFile = optional(args, "revocation");
    if (statusFile === undefined) await issue();
    else {
      step(`taking revocation slots in ${statusFile}`);
      await changeRevocationStatus(statusFile, async (registry) => {
        options.revocation = registry;
        await issue();
      });
    }
    step("done");
    return 0;
  },
};
