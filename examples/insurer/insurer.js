// The insurer's page: asks its back end for an OpenID4VP request (a QR code, a same-device link)
// and polls it until the patient's wallet has answered; the result appears without a reload.
const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
let polling = 0;

async function ask(by) {
  const round = ++polling;
  show("working", "Preparing the request…");
  const response = await fetch("/demo/insurer/requests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by }) });
  if (response.status !== 201) return show("error", `The verifier could not prepare a request (HTTP ${response.status}).`);
  const { link, handle, qr, walletLink } = await response.json();
  $("qr").src = qr;
  $("wallet-link").href = walletLink;
  $("link").value = link;
  $("request").hidden = false;
  show("waiting", "Waiting for your wallet…");
  while (round === polling) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const answer = await fetch(`/demo/insurer/results/${encodeURIComponent(handle)}`);
    if (answer.status !== 200) return show("error", `The request is no longer open (HTTP ${answer.status}).`);
    const { status, result } = await answer.json();
    if (status !== "answered" || round !== polling) continue;
    $("request").hidden = true;
    if (result.ok) return show("accepted", `Verified: you are at least ${result.statement.minAge}. Thank you!`);
    return show("refused", `We could not accept the answer (${result.error.code}).`, result.error.code);
  }
}

function show(status, text, code) {
  const out = $("status");
  out.dataset.status = status;
  if (code === undefined) delete out.dataset.code;
  else out.dataset.code = code;
  out.textContent = text;
}

$("ask").addEventListener("click", () => void ask("reference").catch((error) => show("error", error.message)));
$("ask-by-value").addEventListener("click", () => void ask("value").catch((error) => show("error", error.message)));
document.documentElement.dataset.ready = "true";
