// A patient's wallet in Node, answering an insurer's verifier service:
//
//   node examples/patient.mjs <dir> <verifier-url> [preset]
//
// <dir> holds what examples/issuer.mjs writes (holder.json, credential.json, revocation.json,
// verifiers.json); the wallet keeps its receipts and probing memory in <dir>/wallet.json (0600).
// It asks the service for a request (POST /v1/requests { preset }), answers it only if the request
// is signed by a verifier in verifiers.json and the policy and probing budget allow it, sends the
// presentation to the request's signed responseUrl (or the service's /v1/verify when the request
// names none), and prints the verifier's result and the wallet's receipts as one JSON line.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FileWalletStore, JsonFileVerifierRegistry, createWallet } from "medzk";

const [dir, verifierUrl, preset = "adult"] = process.argv.slice(2);
if (!dir || !verifierUrl) {
  console.error("usage: node examples/patient.mjs <dir> <verifier-url> [preset]");
  process.exit(2);
}
const read = async (name) => JSON.parse(await readFile(join(dir, name), "utf8"));
const post = async (url, body) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${json.error?.code ?? ""}`);
  return json;
};

const revocation = await read("revocation.json");
const wallet = createWallet({
  holder: await read("holder.json"),
  credentials: [await read("credential.json")],
  trustedVerifiers: new JsonFileVerifierRegistry(join(dir, "verifiers.json")),
  store: new FileWalletStore(join(dir, "wallet.json")),
  revocation: () => revocation,
});

const base = new URL(verifierUrl.replace(/\/*$/, "/"));
const { request } = await post(new URL("v1/requests", base), { preset });
let output;
try {
  const presentation = await wallet.respond(request);
  const { result } = await post(new URL(request.responseUrl ?? "v1/verify", base), { presentation, expected: request });
  output = { result };
} catch (error) {
  // A refusal by the wallet: only its code (the message is for people, and names the verifier).
  if (error?.name !== "MedzkError") throw error;
  output = { refused: error.code };
}
console.log(JSON.stringify({ ...output, receipts: await wallet.receipts() }));
