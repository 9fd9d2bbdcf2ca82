/**
 * `medzk ceremony init | contribute | verify | finalize`: a deployment's own phase-2 ceremony for a
 * circuit (artifacts/ceremony.ts; SECURITY.md "Production keys: your own phase 2"). A ceremony
 * that does not verify exits 1 (refused), like a refused presentation.
 */
import { MedzkError } from "../../core/errors.js";
import { contribute, finalizeCeremony, initCeremony, verifyCeremony } from "../../artifacts/ceremony.js";
import { threadedCurve } from "../../groth16/curve.js";
import { CliError, EXIT, usageError } from "../cli-error.js";
import { type Command, type Parsed, optional, required } from "../io.js";

const progress = (message: string) => process.stderr.write(`medzk: ceremony: ${message}\n`);

/**
 * A ceremony that does not verify is a refusal (exit 1); other library errors stay input errors.
 * snarkjs's zkey tools build ffjavascript's shared curve with worker threads that would keep the
 * command alive after its work; medzk's shared curve (started first, as `prove` does, after
 * snarkjs's first load) is the same engine with idle workers that do not.
 */
async function refusing<T>(call: () => Promise<T>): Promise<T> {
  await import("snarkjs");
  await threadedCurve();
  try {
    return await call();
  } catch (error) {
    if (error instanceof MedzkError && error.code === "CEREMONY_INVALID") throw new CliError(error.code, error.message, { cause: error });
    throw error;
  }
}

/** `--ptau-sha256`, when given. */
const ptauHash = (args: Parsed): { ptauSha256?: string } => {
  const hash = optional(args, "ptau-sha256");
  return hash === undefined ? {} : { ptauSha256: hash };
};

const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + "\n");

export const ceremonyInit: Command = {
  name: "ceremony init",
  summary: "start a phase-2 ceremony for a circuit",
  help: `Usage: medzk ceremony init --circuit <name> --r1cs <file> --ptau <file> --dir <directory> [--initial <zkey>]

Runs snarkjs zkey new on the circuit's R1CS and the committed Powers of Tau, and writes the
ceremony transcript (ceremony.json) beside the initial zkey. The R1CS must be the one this medzk
version ships keys for, and the ptau ceremony/pot14_final.ptau (both are checked by SHA-256).
Takes tens of seconds for the smallest circuit; with --initial, an initial zkey you already have
(npm run check:artifacts keeps one per circuit under build/circuits/cache/) is used instead when
its SHA-256 is the one the manifest pins.

Options:
  --circuit <name>   the circuit (circuits/circuits.json), e.g. age_at_least
  --r1cs <file>      its compiled R1CS (node scripts/build-circuits.mjs)
  --ptau <file>      ceremony/pot14_final.ptau
  --ptau-sha256 <hex>  trust this Powers of Tau instead (a public multi-party one; SECURITY.md)
  --dir <directory>  a new directory for the ceremony
  --initial <zkey>   the pinned initial zkey, if you already have it (skips zkey new)
  -h, --help         show this help`,
  options: { circuit: { type: "string" }, r1cs: { type: "string" }, ptau: { type: "string" }, "ptau-sha256": { type: "string" }, dir: { type: "string" }, initial: { type: "string" } },
  async run(args) {
    const initial = optional(args, "initial");
    const options = { circuit: required(args, "circuit", this), r1cs: required(args, "r1cs", this), ptau: required(args, "ptau", this), dir: required(args, "dir", this), ...ptauHash(args), ...(initial === undefined ? {} : { initial }) };
    progress(initial === undefined ? `zkey new for ${options.circuit} (tens of seconds)` : `initial zkey for ${options.circuit} from ${initial}`);
    const transcript = await refusing(() => initCeremony(options));
    progress(`initial zkey ${transcript.initial.path} ${transcript.initial.sha256}`);
    print(transcript);
    return EXIT.OK;
  },
};

export const ceremonyContribute: Command = {
  name: "ceremony contribute",
  summary: "add your contribution to a ceremony",
  help: `Usage: medzk ceremony contribute --dir <directory> --name <your name> [--entropy <text>]

Checks that the latest zkey is the one the transcript attests, contributes on top of it with fresh
randomness (snarkjs zkey contribute), and appends your attestation to ceremony.json. Prints the
attestation: keep it, and find its contributionHash in "medzk ceremony verify"'s report.
The randomness is never written anywhere.

Options:
  --dir <directory>  the ceremony directory
  --name <name>      your name, recorded in the zkey (1-64 letters, digits, spaces, . _ @ -)
  --entropy <text>   extra entropy, mixed with the system's random bytes
  -h, --help         show this help`,
  options: { dir: { type: "string" }, name: { type: "string" }, entropy: { type: "string" } },
  async run(args) {
    const dir = required(args, "dir", this);
    const name = required(args, "name", this);
    const entropy = optional(args, "entropy");
    progress(`contributing as ${name} (a few seconds)`);
    print(await refusing(() => contribute({ dir, name, ...(entropy === undefined ? {} : { entropy }) })));
    return EXIT.OK;
  },
};

export const ceremonyVerify: Command = {
  name: "ceremony verify",
  summary: "verify a ceremony's whole chain",
  help: `Usage: medzk ceremony verify --dir <directory> --r1cs <file> --ptau <file>

Checks the transcript's attestations chain (none skipped, reordered or altered), that the zkeys
present are the attested files, once finalized that the verification key the transcript names
is the one the final zkey exports, then with snarkjs that the last zkey derives from the R1CS and
the ptau through exactly the attested contributions (and the beacon, once finalized). Prints the
verified contributions and, once finalized, verificationKeyId: the only key loadKeys(manifest,
{ transcript }) takes for this circuit. Exit status 1 when the ceremony does not verify. Takes
seconds when the initial zkey (init's output, as the manifest pins it) is still in the directory,
tens of seconds otherwise (snarkjs then recomputes it).

Options:
  --dir <directory>  the ceremony directory
  --r1cs <file>      the circuit's R1CS
  --ptau <file>      ceremony/pot14_final.ptau
  --ptau-sha256 <hex>  trust this Powers of Tau instead of the committed one
  -h, --help         show this help`,
  options: { dir: { type: "string" }, r1cs: { type: "string" }, ptau: { type: "string" }, "ptau-sha256": { type: "string" } },
  async run(args) {
    const options = { dir: required(args, "dir", this), r1cs: required(args, "r1cs", this), ptau: required(args, "ptau", this), ...ptauHash(args) };
    progress(`verifying ${options.dir} (tens of seconds)`);
    print(await refusing(() => verifyCeremony(options)));
    return EXIT.OK;
  },
};

export const ceremonyFinalize: Command = {
  name: "ceremony finalize",
  summary: "apply the beacon and write the production keys",
  help: `Usage: medzk ceremony finalize --dir <directory> --r1cs <file> --ptau <file> --beacon <hex>
                               --out <directory> [--iterations <n>] [--wasm <file>]

Applies a public random beacon to the last contribution (snarkjs zkey beacon), verifies the whole
ceremony as "ceremony verify" does, and only then writes to --out the proving key, the
verification key, the circuit's wasm and the key manifest keys.json (medzk-keys/v1) that
createVerifier, prove, createWallet, the service's "keys" and the CLI's --keys take. The
transcript names the verification key exported from the final zkey (beacon.verificationKeyId).
An existing keys.json in --out gains this circuit. Takes tens of seconds.

Options:
  --dir <directory>   the ceremony directory
  --r1cs <file>       the circuit's R1CS
  --ptau <file>       ceremony/pot14_final.ptau
  --ptau-sha256 <hex> trust this Powers of Tau instead of the committed one
  --beacon <hex>      the beacon: public randomness announced in advance (e.g. a future block hash)
  --iterations <n>    beacon iterations exponent, 2^n hashes (default 10)
  --wasm <file>       the circuit's wasm (default: the one shipped in this package)
  --out <directory>   where to write the keys and keys.json
  -h, --help          show this help`,
  options: {
    dir: { type: "string" },
    r1cs: { type: "string" },
    ptau: { type: "string" },
    "ptau-sha256": { type: "string" },
    beacon: { type: "string" },
    iterations: { type: "string" },
    wasm: { type: "string" },
    out: { type: "string" },
  },
  async run(args) {
    const iterations = optional(args, "iterations");
    const wasm = optional(args, "wasm");
    if (iterations !== undefined && !/^[0-9]{1,2}$/.test(iterations)) throw usageError(`--iterations must be an integer from 0 to 63`);
    const options = {
      dir: required(args, "dir", this),
      r1cs: required(args, "r1cs", this),
      ptau: required(args, "ptau", this),
      beacon: required(args, "beacon", this),
      out: required(args, "out", this),
      ...(iterations === undefined ? {} : { iterationsExp: Number(iterations) }),
      ...(wasm === undefined ? {} : { wasm }),
      ...ptauHash(args),
    };
    progress(`applying the beacon and verifying the ceremony (tens of seconds)`);
    const result = await refusing(() => finalizeCeremony(options));
    progress(`keys written; key manifest ${result.manifest}`);
    print({ manifest: result.manifest, ...result.report });
    return EXIT.OK;
  },
};
