// "Add a SMART Health Card": the patient gives the wallet a SMART Health Card (a .smart-health-card
// file, the text of its QR code, or a photo of the QR code, decoded here in the browser with
// jsQR), and a hospital of hospitals.json acting as bridge issuer (its `smartHealthCards` route)
// checks the card against the card issuers it trusts and sends back medzk records sealed to this
// wallet's encryption key, bound to its holder commitment. The wallet opens and keeps them; this
// page then says what was imported, in words.
//
// The card goes to the hospital, whose page this is (same origin, as the CSP's connect-src
// requires); the records come back sealed, so only this wallet can open them.
//
// jsQR (Apache-2.0, a devDependency of medzk) is loaded only when a photo is chosen, from the
// route serve.mjs gives it (./jsqr.js); a deployment without it still takes files and pasted text.

const $ = (id) => document.getElementById(id);
const MAX_FILE_BYTES = 1_000_000;
/** The vaccine groups of immunization/v1, in words. */
const GROUPS = {
  covid19: "COVID-19", influenza: "influenza", measles: "measles", mumps: "mumps", rubella: "rubella", varicella: "chickenpox (varicella)",
  diphtheria: "diphtheria", tetanus: "tetanus", pertussis: "whooping cough (pertussis)", polio: "polio", hepatitisA: "hepatitis A",
  hepatitisB: "hepatitis B", hib: "Hib", hpv: "HPV", pneumococcal: "pneumococcal disease", meningococcal: "meningococcal disease",
  rotavirus: "rotavirus", yellowFever: "yellow fever", tuberculosis: "tuberculosis", zoster: "shingles (zoster)",
};
const SYSTEMS = { "http://hl7.org/fhir/sid/cvx": "CVX", "http://snomed.info/sct": "SNOMED CT" };
/** Why a card was refused, in words (the code is shown beside). */
const REFUSALS = {
  UNTRUSTED_ISSUER: "its issuer is not one the hospital trusts",
  UNKNOWN_KID: "it was signed with a key its issuer does not (or no longer) publish",
  BAD_SIGNATURE: "its signature does not match: it was altered or damaged",
  REVOKED: "its issuer has revoked it",
  EXPIRED: "it has expired",
  NOT_YET_VALID: "it is not valid yet",
  MALFORMED_QR: "the QR code text is incomplete or damaged (for a card in several codes, give all of them)",
  MALFORMED_INPUT: "it is not a SMART Health Card",
  TOO_LARGE: "it is too large",
};

/**
 * Wires the "Add a SMART Health Card" controls. The hooks are wallet.js's: `run` (one action at a
 * time, errors shown), `existing` (the open wallet), `refresh`, `show`, `PageError`, `day`.
 */
export function initSmartHealthCards({ hospitals, run, existing, refresh, show, PageError, day }) {
  const bridge = hospitals.find((h) => h.smartHealthCards !== undefined);
  if (bridge === undefined) return; // the section stays hidden: no hospital here turns cards into records
  $("shc").hidden = false;
  $("shc-bridge").textContent = bridge.name;

  /** Sends the card to the bridge and keeps what it returns; runs inside wallet.js's `run`. */
  async function add(card, what) {
    show("working", `${bridge.name} is checking your SMART Health Card…`);
    const w = await existing();
    const { commitment, encryptionKey } = await w.identity();
    const response = await fetch(bridge.smartHealthCards, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ card, commitment, encryptionKey }) });
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 201) {
      const code = answer.error?.code;
      const why = REFUSALS[code] ?? answer.error?.message ?? `HTTP ${response.status}`;
      return show("error", `${bridge.name} did not accept ${what}: ${why}.`, code);
    }
    const imported = [];
    for (const { envelope, source } of answer.credentials) imported.push(describe(await w.receive(envelope), source));
    await refresh(w);
    // Immunizations the hospital could not name a vaccine group for are said, not dropped silently.
    for (const { element } of answer.leftOut ?? []) imported.push(`Not imported: the immunization in ${element.replace(/^Bundle\.entry\[(\d+)\].*$/, (_, i) => `entry ${Number(i) + 1}`)} of the card, whose vaccine code ${bridge.name} does not know`);
    $("shc-imported").replaceChildren(...imported.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
    const n = answer.credentials.length;
    show("received", `${bridge.name} checked your SMART Health Card from ${answer.card.issuer.name} and sent you ${n === 1 ? "1 record" : `${n} records`}. They are locked in your wallet.`);
  }

  /** One imported record in words: "COVID-19 vaccine (CVX 207), dose 1, given on 1 January 2021 — card from …". */
  function describe(credential, source) {
    const from = `from the SMART Health Card of ${source.cardIssuer.name}`;
    if (credential.schema.id !== "immunization/v1") return `Patient record ${from}`;
    const { vaccineGroup, vaccineCode, occurrenceDate, doseNumber } = credential.attributes;
    const [system, code] = String(vaccineCode).split("|");
    const dose = doseNumber > 0 ? `dose ${doseNumber}` : "dose number not stated";
    return `${GROUPS[vaccineGroup] ?? vaccineGroup} vaccine (${SYSTEMS[system] ?? system} ${code}), ${dose}, given on ${day(occurrenceDate)}, ${from}`;
  }

  $("shc-file").addEventListener("change", () => {
    const file = $("shc-file").files?.[0];
    $("shc-file").value = "";
    if (!file) return;
    void run(async () => {
      if (file.size > MAX_FILE_BYTES) throw new PageError("That file is too large to be a SMART Health Card (over 1 MB).");
      await add(await file.text(), "the card file");
    });
  });

  $("shc-add-text").addEventListener("click", () => {
    const text = $("shc-text").value.trim();
    void run(async () => {
      if (!text.startsWith("shc:/")) throw new PageError("Paste the text of the card's QR code: it starts with shc:/", "shc-text");
      await add(text.split(/\s+/), "the pasted card");
    });
  });

  $("shc-photo").addEventListener("change", () => {
    const files = [...($("shc-photo").files ?? [])];
    $("shc-photo").value = "";
    if (files.length === 0) return;
    void run(async () => {
      show("working", "Reading the QR code in the photo…");
      const texts = [];
      for (const file of files) texts.push(await readQrPhoto(file, PageError));
      await add(texts, files.length === 1 ? "the photographed card" : "the photographed codes");
    });
  });
}

/** The text of the QR code in a photo, decoded in this browser. */
async function readQrPhoto(file, PageError) {
  if (file.size > 20_000_000) throw new PageError("That photo is too large (over 20 MB).");
  let jsQR;
  try {
    ({ default: jsQR } = await import(new URL("./jsqr.js", import.meta.url).href));
  } catch {
    throw new PageError("Reading QR codes from photos is not available on this site: add the card file or paste its text instead.");
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PageError("That file is not a photo this browser can read.");
  }
  // Large photos are scaled down: QR codes stay readable, and decoding stays quick on a phone.
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(image.data, image.width, image.height);
  if (!code?.data?.startsWith("shc:/")) throw new PageError("No SMART Health Card QR code was found in that photo: try a sharper, closer one.");
  return code.data;
}
