// The wallet page's OpenID4VP part (docs/openid4vp.md): an insurer's page shows an
// `openid4vp://` link as a QR code (scanned by a phone) or as a link to this page
// (`#openid4vp=<link>`, same device); the patient pastes or opens it here, is asked as for any
// request, and the wallet posts its answer to the request's signed response_uri. The insurer's
// page shows the result; this page says where the answer went.
import { respondOpenid4vp } from "../../dist/browser/medzk.js";

/**
 * Wires the "request link" field. `page` is what wallet.js shares: `$`, `run` (one action at a
 * time, errors shown), `wallet({ onProgress })`, `addPending`, `refresh`, `show`, `step`, `begin`
 * (resets the progress panel for an answer), `asker()` (who was asked, from the trust list).
 */
export function installOpenid4vp(page) {
  const { $ } = page;
  // Same device: the insurer's page linked here with the request in the fragment (never sent to a server).
  // On load, and when the page was open already (then only the fragment changes).
  const fromFragment = () => {
    const fromLink = new URLSearchParams(location.hash.slice(1)).get("openid4vp");
    if (fromLink === null) return;
    $("openid4vp-link").value = fromLink;
    history.replaceState(null, "", location.pathname + location.search);
    $("openid4vp-link").scrollIntoView({ block: "nearest" });
  };
  fromFragment();
  addEventListener("hashchange", fromFragment);
  // A photo of the QR code: read here (jsQR), into the field; the patient then answers as for a pasted link.
  $("openid4vp-photo").addEventListener("change", () =>
    void page.run(async () => {
      const file = $("openid4vp-photo").files?.[0];
      $("openid4vp-photo").value = "";
      if (file === undefined) return;
      // Working while the photo is read: decoding a large photo takes a moment on a phone.
      page.show("working", "Reading the QR code in the photo…");
      const link = await readQrCode(file, page.PageError);
      if (!link.startsWith("openid4vp://")) throw new page.PageError("That QR code is not a request link (openid4vp://).", "openid4vp-link");
      $("openid4vp-link").value = link;
      page.show("scanned", "Read the request from the photo. Answer it below when you are ready.");
    }),
  );
  $("openid4vp-answer").addEventListener("click", () =>
    void page.run(async () => {
      const link = $("openid4vp-link").value.trim();
      if (!link.startsWith("openid4vp://")) throw new page.PageError("Paste the request link the organisation showed you (it starts with openid4vp://).", "openid4vp-link");
      page.begin();
      const w = page.wallet({ onProgress: ({ stage, elapsedMs }) => page.step(stage, elapsedMs) });
      await page.addPending(w);
      page.step("request");
      let answer;
      try {
        answer = await respondOpenid4vp(w, link);
      } finally {
        await page.refresh(w).catch(() => undefined);
      }
      $("openid4vp-link").value = "";
      page.show("sent", `Sent: your answer went to ${page.asker()} at ${new URL(answer.responseUri).origin}. Their page shows what they found.`);
    }),
  );
}

/** The text of the QR code in an image file (jsQR, loaded when first needed). */
async function readQrCode(file, PageError) {
  if (file.size > 20_000_000) throw new PageError("That photo is too large (over 20 MB).", "openid4vp-photo");
  let jsQR;
  try {
    // Served by npm run wallet (serve.mjs) where jsQR is installed; no file of the package.
    ({ default: jsQR } = await import(new URL("./jsqr.js", import.meta.url).href));
  } catch {
    throw new PageError("This page cannot read QR codes from photos here: paste the request link instead.", "openid4vp-link");
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PageError("That file is not a picture this browser can read.", "openid4vp-photo");
  }
  // Photos from phones are large; a QR code stays readable at 1024 pixels across.
  const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = jsQR(data, width, height);
  if (code === null) throw new PageError("No QR code found in that photo: try again closer, or paste the link.", "openid4vp-photo");
  return code.data;
}
