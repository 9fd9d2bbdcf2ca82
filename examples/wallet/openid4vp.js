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
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("openid4vp");
  if (fromLink !== null) {
    $("openid4vp-link").value = fromLink;
    history.replaceState(null, "", location.pathname + location.search);
  }
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
