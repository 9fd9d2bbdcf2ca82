// A patient wallet page in plain ESM, on medzk's wallet: it asks the verifier service for a proof
// request, and the wallet answers only if the request is signed by a verifier in this page's
// trust list (verifiers.json, next to this file), the wallet's policy allows the question and the
// verifier is within its probing budget; then it proves in the browser and the page sends the
// presentation to the request's signed responseUrl, and nowhere else. The holder secret, the
// credentials, the receipts and the probing memory live in IndexedDB, encrypted under the
// patient's passphrase (scrypt + XChaCha20-Poly1305); localStorage keeps only the verifier's URL.
// medzk and the circuit artifacts are served from this page's own origin (paths relative to this
// file, as laid out in the medzk repository and package).
import { IndexedDbWalletStore, MedzkError, createHolder, createWallet, parseVerifierRegistry } from "../../dist/browser/medzk.js";

const ARTIFACTS = new URL("../../artifacts/", import.meta.url);
const PRESET = "adult"; // a preset of the verifier's config: the service decides what is asked
const $ = (id) => document.getElementById(id);
// One encrypted database per wallet name (?wallet=…, e.g. one per family member).
const WALLET = new URLSearchParams(location.search).get("wallet") ?? "medzk-wallet";
$("wallet-name").value = WALLET;
// The store is keyed by the passphrase: derived once per passphrase typed, not per action.
let opened;
function store() {
  const passphrase = $("passphrase").value;
  if (opened?.passphrase !== passphrase) opened = { passphrase, store: new IndexedDbWalletStore(WALLET, { passphrase }) };
  return opened.store;
}

// Whom this wallet trusts: the deployment's registry document (medzk-verifiers/v1), parsed strictly.
const trusted = await fetch(new URL("./verifiers.json", import.meta.url))
  .then((response) => {
    if (!response.ok) throw new Error(`verifiers.json: HTTP ${response.status}`);
    return response.json();
  })
  .then(parseVerifierRegistry)
  .catch((error) => ({ lookup: () => Promise.reject(error) })); // every request refused: REGISTRY_UNAVAILABLE

// Where the verifier is: ?verifier=… on the page URL, else what was used last time.
$("verifier").value = new URLSearchParams(location.search).get("verifier") ?? localStorage.getItem("medzk.verifier") ?? "";
$("unlock").addEventListener("click", () => void run(async () => {
  show("working", "unlocking…");
  const w = wallet({});
  await addPasted(w);
  await showReceipts(w);
  show("unlocked", "unlocked");
}));

// A new wallet: the holder secret is made here and never leaves this browser (encrypted at rest).
$("create").addEventListener("click", () => void run(async () => {
  show("working", "creating…");
  if ((await store().load()) !== undefined) throw new Error("this wallet already exists: unlock it instead");
  const w = createWallet({ holder: createHolder(), trustedVerifiers: trusted, store: store(), artifacts: ARTIFACTS });
  await showReceipts(w);
  show("created", "created: give your hospital the two values below");
}));

/**
 * The wallet over the encrypted store: a holder and a credential pasted into the form are added
 * to it (the first time, or a new credential); afterwards the passphrase alone opens it. The
 * textareas are cleared once stored, so no secret stays in the page.
 */
function wallet({ onProgress }) {
  const holder = $("holder").value.trim() === "" ? undefined : parseJson("holder");
  return createWallet({
    ...(holder === undefined ? {} : { holder }),
    trustedVerifiers: trusted,
    store: store(),
    artifacts: ARTIFACTS,
    consent: ask,
    // A verifier hiding the issuer sends its trusted set with the request (see below).
    issuerSets: (root) => (lastIssuerSet?.root === root ? lastIssuerSet : undefined),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
}

/** The trusted issuer set that came with the last request, when the verifier hides the issuer. */
let lastIssuerSet;

/** The wallet's consent question, shown to the patient; resolves with their choice. */
function ask(question) {
  $("consent-question").textContent = `${question.verifier.name} asks: ${describe(question.statement, question.asOf)}`;
  $("consent-detail").textContent =
    (question.disclosures.length > 0 ? `It would see your ${question.disclosures.join(" and ")}. ` : "It would see only the yes, not your record. ") +
    (question.issuerSetSize !== undefined ? `It would not learn which hospital issued your record (one of ${question.issuerSetSize} it trusts). ` : "") +
    (question.responseUrl ? `The answer goes to ${new URL(question.responseUrl).origin}.` : "");
  $("consent").hidden = false;
  $("share").disabled = $("decline").disabled = false;
  $("share").focus();
  return new Promise((resolve) => {
    const choose = (yes) => () => {
      $("consent").hidden = true;
      $("share").onclick = $("decline").onclick = null;
      resolve(yes);
    };
    $("share").onclick = choose(true);
    $("decline").onclick = choose(false);
  });
}

/** A statement in words a patient reads. */
function describe(statement, asOf) {
  switch (statement.type) {
    case "ageAtLeast":
      return `are you at least ${statement.minAge} years old on ${asOf}?`;
    case "insuranceActive":
      return `is your coverage with ${statement.insurerId} active on ${asOf}?`;
    default: {
      const what = statement.where.map((p) => `${p.attribute} ${p.op} ${JSON.stringify(p.value ?? p.values ?? [p.low, p.high])}`).join(", and ");
      return `a question about your ${statement.schema} record${what ? `: ${what}` : ""}?`;
    }
  }
}

// A record chosen as a file lands in the paste box, where the next action adds it.
$("credential-file").addEventListener("change", async () => {
  const file = $("credential-file").files?.[0];
  if (file) $("credential").value = await file.text();
});

$("wallet").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(async () => {
    $("progress").replaceChildren();
    show("working", "working…");
    // A directory URL, so that "v1/…" resolves below any path prefix the service is mounted at.
    const verifier = new URL($("verifier").value.replace(/\/*$/, "/"));
    localStorage.setItem("medzk.verifier", verifier.href);
    const w = wallet({ onProgress: ({ stage, elapsedMs }) => step(stage, `${stage} (${elapsedMs} ms)`) });
    await addPasted(w);

    step("request", "asking the verifier for a proof request");
    const { request, issuerSet } = await post(new URL("v1/requests", verifier), { preset: PRESET }, 201);
    lastIssuerSet = issuerSet;
    let presentation;
    try {
      presentation = await w.respond(request);
    } finally {
      await showReceipts(w).catch(() => undefined);
    }
    // The answer goes only where the signed request says (the wallet has checked the signature,
    // so a request relayed by a third party cannot redirect it); a request naming no place goes
    // back to the verifier it came from.
    const answerUrl = request.responseUrl !== undefined ? new URL(request.responseUrl) : new URL("v1/verify", verifier);
    step("send", `sending the presentation to ${answerUrl.origin}`);
    const { result } = await post(answerUrl, { presentation, expected: request }, 200);
    if (result.ok) show("accepted", `accepted: ${result.statement.type === "ageAtLeast" ? `age ≥ ${result.statement.minAge}` : result.statement.type} on ${result.asOf}`);
    else show("refused", `refused: ${result.error.code}`);
  });
});

/** Runs one action with the buttons disabled; shows only an error's code and message, never data. */
async function run(action) {
  for (const id of ["prove", "unlock", "create"]) $(id).disabled = true;
  try {
    await action();
  } catch (error) {
    $("consent").hidden = true;
    if (error instanceof MedzkError && error.code === "DECLINED_BY_HOLDER") show("declined", "declined: nothing was sent");
    else show("error", error instanceof MedzkError ? `error: ${error.code}: ${error.message}` : `error: ${error.message}`);
  } finally {
    for (const id of ["prove", "unlock", "create"]) $(id).disabled = false;
  }
}

/** Adds what was pasted: a credential sealed to this holder (an envelope) or a plain one. */
async function addPasted(w) {
  if ($("credential").value.trim() === "") return;
  const pasted = parseJson("credential");
  if (pasted?.format === "medzk-envelope/v1") await w.receive(pasted);
  else await w.addCredential(pasted);
  $("credential").value = "";
}

/** The wallet's identity and log, newest first: who was shown what, or refused, and when. Clears stored inputs. */
async function showReceipts(w) {
  const receipts = await w.receipts(); // opens (and, the first time, initialises) the store
  $("holder").value = "";
  const { commitment, encryptionKey } = await w.identity();
  $("commitment").textContent = commitment;
  $("encryption-key").textContent = encryptionKey;
  $("held").textContent = `${(await w.credentials()).length} credential(s) in this wallet`;
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
