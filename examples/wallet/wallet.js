// A patient wallet in plain ESM: asks the verifier for a proof request, proves it in the browser
// (prove checks the request's signature by the verifier key it names first) and sends the
// presentation to the request's signed responseUrl, and nowhere else. medzk and the circuit artifacts are served from this page's
// own origin (paths relative to this file, as laid out in the medzk repository and package).
import { MedzkError, prove } from "../../dist/browser/medzk.js";

const ARTIFACTS = new URL("../../artifacts/", import.meta.url);
const PRESET = "adult"; // a preset of the verifier's config: the service decides what is asked
const $ = (id) => document.getElementById(id);

// Where the verifier is: ?verifier=… on the page URL, else what was used last time.
$("verifier").value = new URLSearchParams(location.search).get("verifier") ?? localStorage.getItem("medzk.verifier") ?? "";
$("credential").value = localStorage.getItem("medzk.credential") ?? "";
$("holder").value = localStorage.getItem("medzk.holder") ?? "";

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

    step("request", "asking the verifier for a proof request");
    const { request } = await post(new URL("v1/requests", verifier), { preset: PRESET }, 201);
    const presentation = await prove({ credential, holder, request, artifacts: ARTIFACTS, onProgress: ({ stage, elapsedMs }) => step(stage, `${stage} (${elapsedMs} ms)`) });
    // The answer goes only where the signed request says (prove has checked the signature, so a
    // request relayed by a third party cannot redirect it); a request naming no place goes back
    // to the verifier it came from.
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
  const item = document.createElement("li");
  item.dataset.stage = stage;
  item.textContent = text;
  $("progress").append(item);
}

function show(status, text) {
  $("result").dataset.status = status;
  $("result").textContent = text;
}
