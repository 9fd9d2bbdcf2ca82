/** `medzk open`: the holder takes a sealed credential out of its envelope. */
import { openCredential } from "../../prover/open-credential.js";
import type { Holder } from "../../prover/holder.js";
import { type Command, QUIET_OPTION, fromInput, markSensitive, optional, progress, readJson, required, writeJson } from "../io.js";

export const open: Command = {
  name: "open",
  summary: "open a sealed credential with the holder's key",
  help: `Usage: medzk open --envelope sealed.json --holder holder.json [--out credential.json] [-q]

Decrypts an envelope from medzk issue --seal-to with the key derived from the holder's secret,
then checks the credential inside like any other (strict format, issuer signature, bound to this
holder). An envelope that was altered, truncated or sealed to someone else opens to nothing.
Takes a second or two; progress lines (opening, done) go to stderr.

Options:
  --envelope <file>   the sealed envelope (medzk-envelope/v1)
  --holder <file>     the holder (medzk holder) it was sealed to
  --out <file>        where to write the credential: created owner-only, never over an
                      existing file (default: stdout)
  -q, --quiet         no progress lines
  -h, --help          show this help`,
  options: { envelope: { type: "string" }, holder: { type: "string" }, out: { type: "string" }, ...QUIET_OPTION },
  async run(args) {
    const envelopeFile = required(args, "envelope", this);
    const holderFile = required(args, "holder", this);
    const envelope = await readJson(envelopeFile, "envelope");
    const holder = await readJson(holderFile, "holder");
    markSensitive((holder as { secret?: unknown } | null)?.secret);
    const step = progress("open", args);
    // Decrypting is instant; checking the credential's signature loads the EdDSA code (a second or more).
    step("opening");
    const credential = await fromInput(`opening ${envelopeFile}`, () => openCredential(envelope, holder as Holder));
    await writeJson(optional(args, "out"), credential, "received");
    step("done");
    return 0;
  },
};
