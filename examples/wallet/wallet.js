// A patient wallet page in plain ESM, on medzk's wallet. It asks a verifier service for a proof
// request, and the wallet answers only if the request is signed by a verifier in this page's
// trust list (verifiers.json, next to this file), the wallet's policy allows the question and the
// verifier is within its probing budget; then the page shows the patient who asks, what, and what
// the answer reveals, and proves in the browser only after "Share". The presentation goes to the
// request's signed responseUrl, and nowhere else. The holder secret, the records, the receipts and
// the probing memory live in IndexedDB, encrypted under the patient's passphrase (scrypt +
// XChaCha20-Poly1305); nothing is kept in localStorage.
//
// Files next to this one, all from the page's own origin:
// - verifiers.json (medzk-verifiers/v1): whom the wallet answers, by key, with names; the first
//   origin of each entry is where the page asks it for a request (a `?verifier=<url>` link
//   chooses another, still answered only if its key is listed).
// - hospitals.json (medzk-wallet-hospitals/v1): issuer keys with the names to show on records,
//   and optionally a `demoRecords` route of the same origin that seals a record to this holder
//   (`npm run wallet` serves one; the shipped file lists none).
// medzk and the circuit artifacts come from paths relative to this file, as laid out in the medzk
// repository and package (examples/wallet/, dist/browser/, artifacts/).
import { IndexedDbWalletStore, MedzkError, NEVER_EXPIRES, createHolder, createWallet, parseVerifierRegistry } from "../../dist/browser/medzk.js";
import { installOpenid4vp } from "./openid4vp.js";

const ARTIFACTS = new URL("../../artifacts/", import.meta.url);
const PRESET = "adult"; // a preset of the verifier's config: the service decides what is asked
const HOSPITALS_FORMAT = "medzk-wallet-hospitals/v1";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// One encrypted database per wallet name (?wallet=…, e.g. one per family member).
const WALLET = params.get("wallet") ?? "medzk-wallet";
$("wallet-name").value = WALLET;

// The store is keyed by the passphrase: derived once per passphrase typed, not per action.
let opened;
function store() {
  const passphrase = $("passphrase").value;
  if (passphrase.length < 8) throw new PageError("Type your passphrase first (at least 8 characters).", "passphrase");
  if (opened?.passphrase !== passphrase) opened = { passphrase, store: new IndexedDbWalletStore(WALLET, { passphrase }) };
  return opened.store;
}

/** A mistake of the patient's, said in words, with the field to go back to. */
class PageError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

const readJson = (name) =>
  fetch(new URL(name, import.meta.url)).then((response) => {
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return response.json();
  });

// Whom this wallet trusts: the deployment's registry document (medzk-verifiers/v1), parsed strictly.
// A list that cannot be read trusts nobody: every request is then refused (REGISTRY_UNAVAILABLE).
const verifierList = await readJson("./verifiers.json")
  .then((document) => ({ directory: parseVerifierRegistry(document), entries: document.verifiers }))
  .catch((error) => ({ directory: { lookup: () => Promise.reject(error) }, entries: [], error }));
const trusted = verifierList.directory;

// The hospitals this page knows by name (and the demo ones that issue records), parsed strictly.
const hospitals = await readJson("./hospitals.json").then(parseHospitals, (error) => ({ list: [], error }));

/** hospitals.json: { format, hospitals: [{ name, publicKey, demoRecords? }] }, nothing else. */
function parseHospitals(document) {
  const fail = (why) => ({ list: [], error: new Error(`hospitals.json: ${why}`) });
  const keys = (o) => (o !== null && typeof o === "object" && !Array.isArray(o) ? Object.keys(o).sort().join() : "");
  if (keys(document) !== "format,hospitals" || document.format !== HOSPITALS_FORMAT || !Array.isArray(document.hospitals)) {
    return fail(`must be { "format": "${HOSPITALS_FORMAT}", "hospitals": [...] }`);
  }
  const list = [];
  for (const [i, h] of document.hospitals.entries()) {
    const k = keys(h);
    if (k !== "name,publicKey" && k !== "demoRecords,name,publicKey") return fail(`hospitals[${i}] must have "name", "publicKey" and optionally "demoRecords"`);
    if (typeof h.name !== "string" || h.name.length < 1 || h.name.length > 128) return fail(`hospitals[${i}].name must be 1 to 128 characters`);
    if (typeof h.publicKey !== "string" || !/^[0-9a-f]{64}$/.test(h.publicKey)) return fail(`hospitals[${i}].publicKey must be 64 lowercase hex digits`);
    let demoRecords;
    if (h.demoRecords !== undefined) {
      demoRecords = typeof h.demoRecords === "string" ? new URL(h.demoRecords, location.href) : undefined;
      // Records come only from this page's origin (the CSP's connect-src says the same).
      if (demoRecords?.origin !== location.origin) return fail(`hospitals[${i}].demoRecords must be a path on this site`);
    }
    list.push({ name: h.name, publicKey: h.publicKey, demoRecords });
  }
  return { list };
}

// Who can be asked: each trusted verifier at its first origin; a ?verifier=<url> link adds (and
// chooses) another address; with neither, this site itself (a verifier serving the page).
{
  const choices = verifierList.entries.filter((v) => v.origins?.length > 0 && v.status !== "suspended").map((v) => ({ url: `${v.origins[0]}/`, name: v.name }));
  const linked = params.get("verifier");
  let chosen = 0;
  if (linked !== null) {
    const origin = URL.canParse(linked) ? new URL(linked).origin : undefined;
    const known = choices.findIndex((c) => new URL(c.url).origin === origin && new URL(linked).pathname === "/");
    if (known >= 0) chosen = known;
    else choices.unshift({ url: linked, name: `the organisation in your link (${origin ?? linked})` });
  }
  if (choices.length === 0) choices.push({ url: new URL("/", location.href).href, name: `this site (${location.host})` });
  $("verifier").replaceChildren(...choices.map((c, i) => Object.assign(document.createElement("option"), { value: c.url, textContent: c.name, selected: i === chosen })));
}

// Records files and a restored holder wait here until the wallet opens (or are added at once when it is).
const pending = {};

// Demo hospitals: one button each, "Get a demo record from St Mary's Hospital".
for (const hospital of hospitals.list.filter((h) => h.demoRecords !== undefined)) {
  const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary demo-record", textContent: `Get a demo record from ${hospital.name}` });
  button.addEventListener("click", () => void run(async () => {
    show("working", `Asking ${hospital.name} for a record…`);
    const w = await existing();
    // The hospital seals the record to this wallet's encryption key, bound to its commitment:
    // only this wallet can open it, and only its holder can prove with it.
    const { commitment, encryptionKey } = await w.identity();
    const { envelope } = await post(hospital.demoRecords, { commitment, encryptionKey }, 201);
    await w.receive(envelope);
    await refresh(w);
    show("received", `${hospital.name} sent you a patient record. It is locked in your wallet.`);
  }));
  $("hospitals").append(button);
}
if (hospitals.error && hospitals.list.length === 0) $("hospitals").append(note(`The list of hospitals could not be read (${hospitals.error.message}).`));

$("unlock").addEventListener("click", () => void run(async () => {
  show("working", "Opening your wallet…");
  const w = wallet({});
  await addPending(w);
  await refresh(w);
  show("unlocked", "Your wallet is open.");
}));

// A new wallet: the holder secret is made here and never leaves this browser (encrypted at rest).
$("create").addEventListener("click", () => void run(async () => {
  show("working", "Creating your wallet…");
  if ((await store().load()) !== undefined) throw new PageError("A wallet already exists in this browser: open it with its passphrase instead.", "passphrase");
  const w = createWallet({ holder: pending.holder ?? createHolder(), trustedVerifiers: trusted, store: store(), artifacts: ARTIFACTS });
  delete pending.holder;
  await addPending(w);
  await refresh(w);
  show("created", "Your wallet is ready. Now add a record from your hospital.");
}));

// A record file: added now if the wallet can be opened, else when it is.
$("credential-file").addEventListener("change", () => void run(async () => {
  show("working", "Reading the record file…");
  const file = $("credential-file").files?.[0];
  $("credential-file").value = "";
  if (!file) return show("pending", "No file chosen.");
  pending.credential = await readFileJson(file, "record file");
  if ($("passphrase").value === "") {
    show("pending", "The record will be added when you open your wallet.");
    return;
  }
  const w = await existing();
  await addPending(w);
  await refresh(w);
  show("received", "The record is locked in your wallet.");
}));

// A holder backup ({ secret, commitment }), for a new wallet: used by the next action.
$("holder-file").addEventListener("change", () => void run(async () => {
  show("working", "Reading the backup file…");
  const file = $("holder-file").files?.[0];
  $("holder-file").value = "";
  if (!file) return show("pending", "No file chosen.");
  pending.holder = await readFileJson(file, "backup file");
  show("pending", "The backup will be used when you create or open the wallet.");
}));

/** The wallet, when there is one to add to (or a restored holder to make it from). */
async function existing() {
  if (pending.holder === undefined && (await store().load()) === undefined) throw new PageError("Create your wallet first (step 1), then add records to it.", "passphrase");
  return wallet({});
}

/**
 * The wallet over the encrypted store. A restored holder initialises it (the first time);
 * afterwards the passphrase alone opens it.
 */
function wallet({ onProgress }) {
  const holder = pending.holder;
  delete pending.holder;
  return createWallet({
    ...(holder === undefined ? {} : { holder }),
    trustedVerifiers: trusted,
    store: store(),
    artifacts: ARTIFACTS,
    consent: ask,
    // A verifier hiding the issuer sends its trusted set with the request (see below).
    issuerSets: (root) => (lastIssuerSet?.root === root ? lastIssuerSet : undefined),
    // Only the hospitals this page knows (hospitals.json) count toward the set's anonymity: keys
    // a verifier made up itself would hide nobody (a set of one real clinic and three of them
    // names the clinic), so such a set is refused as too small. A hospital counts for the records
    // hospitals issue only: a set of record issuers padded with some insurer's key is too small too.
    knownIssuers: hospitals.list.map((h) => ({ publicKey: h.publicKey, schemas: ["patient-record/v1"] })),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
}

/** The trusted issuer set that came with the last request, when the verifier hides the issuer. */
let lastIssuerSet;
/** Who was asked last (from the trust list, once the wallet has checked the signature). */
let asker;

/** The wallet's consent question, shown to the patient; resolves with their choice. */
function ask(question) {
  asker = question.verifier.name;
  const { ask: sentence, reveals, keeps } = explain(question);
  $("consent-who").textContent = question.verifier.name;
  $("consent-question").textContent = sentence;
  $("consent-purpose").hidden = question.purpose === undefined;
  $("consent-purpose").textContent = question.purpose === undefined ? "" : `Purpose they gave: ${question.purpose}`;
  $("consent-reveals").replaceChildren(...reveals.map(item));
  $("consent-keeps").replaceChildren(...keeps.map(item));
  $("consent-where").textContent = question.responseUrl ? `Your answer would go to ${new URL(question.responseUrl).origin} and nowhere else.` : "";
  $("consent").hidden = false;
  $("progress-label").textContent = "Waiting for your choice…";
  show("working", "Nothing has been sent. Share or decline above.");
  $("share").disabled = $("decline").disabled = false;
  $("consent").scrollIntoView({ block: "nearest" });
  $("consent-title").focus();
  return new Promise((resolve) => {
    const choose = (yes) => () => {
      $("consent").hidden = true;
      $("share").onclick = $("decline").onclick = null;
      if (yes) show("working", "Making your proof in this browser…");
      resolve(yes);
    };
    $("share").onclick = choose(true);
    $("decline").onclick = choose(false);
  });
}

const ATTRIBUTE_LABELS = {
  dateOfBirth: "date of birth",
  insurerId: "insurer",
  memberId: "member number",
  plan: "insurance plan",
  coverageStart: "coverage start date",
  coverageEnd: "coverage end date",
};
const SCHEMA_LABELS = { "patient-record/v1": "patient record", "insurance-coverage/v1": "insurance record" };
const label = (attribute) => ATTRIBUTE_LABELS[attribute] ?? attribute.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
const schemaLabel = (id) => SCHEMA_LABELS[id] ?? `${id} record`;
const OPS = { EQ: "is", NE: "is not", LT: "is before / below", LTE: "is at most", GT: "is after / above", GTE: "is at least", IN: "is one of", NOT_IN: "is none of", BETWEEN: "is between" };

/** A calendar day in words: "24 November 2026". */
function day(iso) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** What the request asks and what sharing the answer reveals, in words a patient reads. */
function explain(question) {
  const { statement, asOf, disclosures } = question;
  const hospital = question.issuerSetSize === undefined
    ? "Which hospital signed your record."
    : `Only that one of ${question.issuerSetSize} hospitals they trust, all known to this wallet, signed your record, not which one.`;
  const repeat = "A code that lets them recognise it if you answer this same question again. It means nothing to anyone else.";
  switch (statement.type) {
    case "ageAtLeast":
      return {
        ask: `Are you at least ${statement.minAge} years old on ${day(asOf)}?`,
        reveals: [`That you are at least ${statement.minAge}: only “yes”, proven so that it cannot be faked.`, hospital, repeat],
        keeps: ["Your date of birth or your exact age.", "Anything else in your records."],
      };
    case "insuranceActive":
      return {
        ask: `Is your insurance with ${statement.insurerId} active on ${day(asOf)}?`,
        reveals: [`That your coverage with ${statement.insurerId} is active on that day: only “yes”.`, hospital.replace("hospital", "insurer"), repeat],
        keeps: ["Your member number, plan and coverage dates.", "Anything else in your records."],
      };
    default: {
      const conditions = (statement.where ?? []).map((p) => `your ${label(p.attribute)} ${OPS[p.op] ?? p.op} ${[p.value ?? p.values].flat().map((v) => (typeof v === "string" ? day(v) : String(v))).join(p.op === "BETWEEN" ? " and " : ", ")}`);
      const shown = disclosures.map((d) => `Your ${label(d)}, exactly as in your record.`);
      return {
        ask: conditions.length > 0 ? `Does your ${schemaLabel(statement.schema)} show that ${conditions.join(", and ")}?` : `Do you hold a ${schemaLabel(statement.schema)}?`,
        reveals: [conditions.length > 0 ? "That this is true: only “yes”." : "That you hold one.", ...shown, hospital, repeat],
        keeps: [disclosures.length > 0 ? "Everything else in your record." : "The values in your record.", "Your other records."],
      };
    }
  }
}

$("wallet").addEventListener("submit", (event) => {
  event.preventDefault();
  void run(async () => {
    begin();
    // A directory URL, so that "v1/…" resolves below any path prefix the service is mounted at.
    const verifier = new URL($("verifier").value.replace(/\/*$/, "/"));
    const w = wallet({ onProgress: ({ stage, elapsedMs }) => step(stage, elapsedMs) });
    await addPending(w);

    step("request");
    const { request, issuerSet } = await post(new URL("v1/requests", verifier), { preset: PRESET }, 201);
    lastIssuerSet = issuerSet;
    let presentation;
    try {
      presentation = await w.respond(request);
    } finally {
      await refresh(w).catch(() => undefined);
    }
    // The answer goes only where the signed request says (the wallet has checked the signature,
    // so a request relayed by a third party cannot redirect it); a request naming no place goes
    // back to the verifier it came from.
    const answerUrl = request.responseUrl !== undefined ? new URL(request.responseUrl) : new URL("v1/verify", verifier);
    step("send", answerUrl.origin);
    const { result } = await post(answerUrl, { presentation, expected: request }, 200);
    if (result.ok) show("accepted", `Accepted: ${asker} confirmed ${confirmed(result.statement)} (answer for ${day(result.asOf)}).`);
    else show("refused", `${asker} did not accept the answer: ${REFUSALS[result.error.code] ?? "see the code"}.`, result.error.code);
  });
});

/** Resets the progress panel for an answer to an organisation. */
function begin() {
  answering = true;
  $("progress").replaceChildren();
  $("progress-bar").value = 0;
  $("working").hidden = false;
  asker = undefined;
  show("working", "Working…");
}

// Requests as OpenID4VP links (openid4vp.js): pasted, or opened from the organisation's page.
installOpenid4vp({ $, run, wallet, addPending, refresh, show, step, begin, asker: () => asker, PageError });

const confirmed = (statement) =>
  statement.type === "ageAtLeast" ? `you are at least ${statement.minAge}` : statement.type === "insuranceActive" ? `your coverage with ${statement.insurerId} is active` : `your ${schemaLabel(statement.schema)} answers their question`;

/** Why a verifier refused, in words (its code is shown beside). */
const REFUSALS = {
  UNTRUSTED_ISSUER: "it does not trust the hospital that issued your record",
  ISSUER_REVOKED: "the hospital's key was withdrawn",
  CREDENTIAL_REVOKED: "the hospital has withdrawn this record",
  REQUEST_EXPIRED: "the question had expired; ask again",
  REQUEST_REPLAYED: "this answer was already used",
};

/** Why the wallet did not answer, in words; anything else shows its message. */
const ERRORS = {
  WALLET_DECRYPTION_FAILED: "That passphrase does not open this wallet.",
  UNTRUSTED_VERIFIER: "This organisation is not one your wallet trusts, so nothing was sent to it.",
  REGISTRY_UNAVAILABLE: "The wallet's list of trusted organisations could not be read, so nothing was sent.",
  REQUEST_NOT_ALLOWED: "Your wallet's rules do not allow this question, so nothing was sent.",
  PROBING_LIMIT: "This organisation has asked too many questions recently, so nothing was sent.",
  HOLDER_MISMATCH: "This record belongs to another wallet.",
  NO_MATCHING_CREDENTIAL: "You have no record that can answer this question, so nothing was sent.",
  STATEMENT_NOT_SATISFIED: "Your records do not show this, so nothing was sent.",
  ARTIFACT_INTEGRITY: "The proof files this site served failed their integrity check, so nothing was sent.",
  ENVELOPE_NOT_FOR_HOLDER: "This record was sealed to another wallet.",
  ENVELOPE_DECRYPTION_FAILED: "This record file is damaged or was sealed to another wallet.",
};

/** Whether the running action is answering an organisation (see show). */
let answering = false;

/** Runs one action with the buttons disabled; shows only an error's code and message, never data. */
async function run(action) {
  const buttons = [$("prove"), $("unlock"), $("create"), $("openid4vp-answer"), ...document.querySelectorAll(".demo-record")];
  const set = (disabled) => buttons.forEach((b) => (b.disabled = disabled));
  set(true);
  try {
    await action();
  } catch (error) {
    $("consent").hidden = true;
    if (error instanceof MedzkError && error.code === "DECLINED_BY_HOLDER") show("declined", "Declined: nothing was sent.");
    else if (error instanceof PageError) {
      show("error", error.message);
      if (error.field) $(error.field).focus();
    } else if (error instanceof MedzkError) show("error", ERRORS[error.code] ?? `Could not finish: ${error.message}`, error.code);
    else show("error", `Could not finish: ${error.message}`);
  } finally {
    set(false);
    answering = false;
  }
}

/** Adds a restored holder's record or a chosen record file: a sealed envelope, or a plain credential. */
async function addPending(w) {
  const record = pending.credential;
  if (record === undefined) return;
  delete pending.credential;
  if (record?.format === "medzk-envelope/v1") await w.receive(record);
  else await w.addCredential(record);
}

/** Redraws what the wallet holds: its public values, records and log (newest first). */
async function refresh(w) {
  const receipts = await w.receipts(); // opens (and, the first time, initialises) the store
  const { commitment, encryptionKey } = await w.identity();
  $("commitment").textContent = commitment;
  $("encryption-key").textContent = encryptionKey;
  const credentials = await w.credentials();
  $("create").hidden = true; // this browser has a wallet under this name now
  $("held").textContent = `Open · ${credentials.length === 1 ? "1 record" : `${credentials.length} records`} in this wallet`;
  $("records").replaceChildren(...(credentials.length === 0 ? [Object.assign(item("No records yet."), { className: "empty" })] : credentials.map(record)));
  $("receipts").replaceChildren(
    ...receipts
      .slice()
      .reverse()
      .map((r) => {
        const who = r.verifier?.name ?? (r.verifier ? `unknown verifier ${r.verifier.publicKey.slice(0, 12)}…` : "a forged request");
        const what = r.statement?.type === "ageAtLeast" ? `age ≥ ${r.statement.minAge}` : (r.statement?.type ?? "an unreadable request");
        const outcome = r.outcome === "shown" ? "answered" : r.code === "DECLINED_BY_HOLDER" ? "you declined" : `not answered (${r.code})`;
        const li = item(`${r.at.slice(0, 16).replace("T", " ")} UTC · ${who} · ${what} · ${outcome}`);
        li.dataset.outcome = r.outcome;
        return li;
      }),
  );
}

/** One record, as the patient reads it: what, from whom, when, and its values (which stay here). */
function record(credential) {
  const from = hospitals.list.find((h) => h.publicKey === credential.issuer)?.name ?? `a hospital with key ${credential.issuer.slice(0, 12)}…`;
  const li = document.createElement("li");
  const title = document.createElement("strong");
  title.textContent = `${schemaLabel(credential.schema.id).replace(/^./, (c) => c.toUpperCase())} from ${from}`;
  const facts = Object.entries(credential.attributes).map(([name, value]) => `${label(name)}: ${typeof value === "string" ? day(value) : String(value)}`);
  const dates = `issued ${day(credential.issuedAt)}${credential.expiresAt === NEVER_EXPIRES ? "" : `, valid until ${day(credential.expiresAt)}`}`;
  li.append(title, " ", document.createElement("br"), `${facts.join(" · ")} · ${dates}`);
  return li;
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function note(text) {
  const p = document.createElement("p");
  p.className = "note";
  p.textContent = text;
  return p;
}

async function readFileJson(file, what) {
  if (file.size > 1_000_000) throw new PageError(`That ${what} is too large to be a record (over 1 MB).`);
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new PageError(`That ${what} is not a medzk record (not JSON).`);
  }
}

async function post(url, body, expectedStatus) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (response.status !== expectedStatus) throw new Error(`${new URL(url).host} answered HTTP ${response.status} ${json.error?.code ?? ""}`.trim());
  return json;
}

const STAGES = {
  request: () => "Asking for their question",
  checking: () => "Checking your record",
  "loading-artifacts": () => "Loading the proof files",
  proving: () => "Making the proof (a few seconds)",
  done: () => "Proof ready",
  send: (origin) => `Sending your answer to ${origin}`,
};

/** A progress step: listed (with prove()'s elapsed time in data-ms) and shown on the bar. */
function step(stage, detail) {
  const li = item(STAGES[stage]?.(detail) ?? stage);
  li.dataset.stage = stage;
  if (typeof detail === "number") li.dataset.ms = String(detail);
  $("progress").append(li);
  $("progress-bar").value = Math.min($("progress").children.length, Number($("progress-bar").max));
  $("progress-label").textContent = `${li.textContent}…`;
}

/** How the progress panel ends, by result. */
const ENDINGS = { accepted: "Finished.", sent: "Finished.", refused: "Finished.", declined: "Stopped: you declined.", error: "Stopped." };

function show(status, text, code) {
  if (!$("working").hidden && ENDINGS[status] !== undefined) $("progress-label").textContent = ENDINGS[status];
  const result = $("result");
  result.dataset.status = status;
  if (code === undefined) delete result.dataset.code;
  else result.dataset.code = code;
  result.textContent = code === undefined ? text : `${text} (${code})`;
  // The answer's outcome takes the focus (the patient is waiting for it); other messages are
  // announced (aria-live) without moving the patient away from what they were doing.
  if (status !== "working" && answering) result.focus();
}

// Everything above is wired: the page is ready for the patient (and for tests, which wait for it).
document.documentElement.dataset.ready = "true";
