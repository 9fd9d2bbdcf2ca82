// A patient wallet page in plain ESM, on medzk's wallet: it asks the verifier service for a proof
// request, and the wallet answers only if the request is signed by a verifier in this page's
// trust list (verifiers.json, next to this file), the wallet's policy allows the question and the
// verifier is within its probing budget; then it proves in the browser and the page sends the
// presentation to the request's signed responseUrl, and nowhere else. Receipts and the probing
// memory live in IndexedDB, so a reload keeps them. medzk and the circuit artifacts are served
// from this page's own origin (paths relative to this file, as laid out in the medzk repository
// and package).
//
// NOTE: the credential and the holder secret are still kept in localStorage here, in plain text.
// Encrypted storage under a passphrase is the next step for this page (see SECURITY.md).
import { IndexedDbWalletStore, MedzkError, createWallet, parseVerifierRegistry } from "../../dist/browser/medzk.js";

const ARTIFACTS = new URL("../../artifacts/", import.meta.url);
const PRESET = "adult"; // a preset of the verifier's config: the service decides what is asked
const store = new IndexedDbWalletStore("medzk-wallet");
const $ = (id) => document.getElementById(id);

// Whom this wallet trusts: the deployment's registry document (medzk-verifiers/v1), parsed strictly.
const trusted = fetch(new URL("./verifiers.json", import.meta.url))
  .then((response) => {
    if (!response.ok) throw new Error(`verifiers.json: HTTP ${response.status}`);
    return response.json();
  })
  .then(parseVerifierRegistry);

// Where the verifier is: ?verifier=… on the page URL, else what was used last time.
$("verifier").value = new URLSearchParams(location.search).get("verifier") ?? localStorage.getItem("medzk.verifier") ?? "";
$("credential").value = localStorage.getItem("medzk.credential") ?? "";
$("holder").value = localStorage.getItem("medzk.holder") ?? "";
void showReceipts();

$("wallet").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("prove").disabled = true;
  $("progress").replaceChildren();
  show("working", "working…");
  try {
    // A directory URL, so that "v1/…" resolves below any path prefix the service is mounted at.
    const verifier = new URL($("verifier").value.replace(/\/*$/, "/"));
    const credential = parseJson("credential");
    const holder = parseJson("holder");
    localStorage.setItem("medzk.verifier", verifier.href);
    localStorage.setItem("medzk.credential", $("credential").value);
    localStorage.setItem("medzk.holder", $("holder").value);

    const wallet = createWallet({
      holder,
      credentials: [credential],
      trustedVerifiers: await trusted,
      store,
      artifacts: ARTIFACTS,
      onProgress: ({ stage, elapsedMs }) => step(stage, `${stage} (${elapsedMs} ms)`),
    });
    step("request", "asking the verifier for a proof request");
    const { request } = await post(new URL("v1/requests", verifier), { preset: PRESET }, 201);
    let presentation;
    try {
      presentation = await wallet.respond(request);
    } finally {
      await showReceipts();
    }
    // The answer goes only where the signed request says (the wallet has checked the signature,
    // so a request relayed by a third party cannot redirect it); a request naming no place goes
    // back to the verifier it came from.
    const answerUrl = request.responseUrl !== undefined ? new URL(request.responseUrl) : new URL("v1/verify", verifier);
    step("send", `sending the presentation to ${answerUrl.origin}`);
    const { result } = await post(answerUrl, { presentation, expected: request }, 200);
    if (result.ok) show("accepted", `accepted: age ≥ ${result.statement.minAge} on ${result.asOf}`);
    else show("refused", `refused: ${result.error.code}`);
  } catch (error) {
    // Only the error code and message: never the credential, the secret or the proof.
    show("error", error instanceof MedzkError ? `error: ${error.code}: ${error.message}` : `error: ${error.message}`);
  } finally {
    $("prove").disabled = false;
  }
});

/** The wallet's log, newest first: who was shown what, or refused, and when. */
async function showReceipts() {
  let receipts;
  try {
    const state = await store.load();
    receipts = state?.receipts ?? [];
  } catch (error) {
    $("receipts").replaceChildren(item(`cannot read the receipts: ${error.code ?? error.message}`));
    return;
  }
  $("receipts").replaceChildren(
    ...receipts
      .slice()
      .reverse()
      .map((r) => {
        const who = r.verifier?.name ?? (r.verifier ? `unknown verifier ${r.verifier.publicKey.slice(0, 12)}…` : "a forged request");
        const what = r.statement?.type === "ageAtLeast" ? `age ≥ ${r.statement.minAge}` : (r.statement?.type ?? "an unreadable request");
        const li = item(`${r.at.slice(0, 16).replace("T", " ")} UTC · ${who} · ${what} · ${r.outcome === "shown" ? "shown" : `refused (${r.code})`}`);
        li.dataset.outcome = r.outcome;
        return li;
      }),
  );
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function parseJson(id) {
  try {
    return JSON.parse($(id).value);
  } catch {
    throw new Error(`the ${id} is not valid JSON`);
  }
}

async function post(url, body, expectedStatus) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (response.status !== expectedStatus) throw new Error(`${url.pathname}: HTTP ${response.status} ${json.error?.code ?? ""}`.trim());
  return json;
}

function step(stage, text) {
  const li = item(text);
  li.dataset.stage = stage;
  $("progress").append(li);
}

function show(status, text) {
  $("result").dataset.status = status;
  $("result").textContent = text;
}
