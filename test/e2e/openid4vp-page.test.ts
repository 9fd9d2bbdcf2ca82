/**
 * OpenID4VP across two pages in headless Chromium (docs/openid4vp.md): the insurer's page of
 * `npm run wallet` shows a request; the wallet page answers the link opened on the same device (asked,
 * proves, posts); the insurer's page shows the result without reloading. Then: the same link again (a
 * replayed request_uri) is refused, the response posted a second time gives no second result,
 * and a request tampered in transit is refused. One proof. Needs `npm run build`.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_HOSPITAL_NAME, DEMO_VERIFIER_NAME, type WalletServer, startWalletServer } from "../../examples/wallet/serve.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCREENSHOTS = join(ROOT, "test/e2e/.screenshots");
const CHROMIUM = [process.env["MEDZK_CHROMIUM"], "/usr/bin/chromium", "/usr/lib/chromium/chromium"].find((path): path is string => !!path && existsSync(path));
const REQUIRED = !!process.env["MEDZK_REQUIRE_BROWSER"];

describe.skipIf(!CHROMIUM && !REQUIRED)("OpenID4VP between the insurer's page and the wallet page", () => {
  let server: WalletServer;
  let browser: Browser;
  let keysDir: string;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    keysDir = await mkdtemp(join(tmpdir(), "medzk-oid4vp-keys-"));
    server = await startWalletServer({ port: 0, keysFile: join(keysDir, "keys.json"), logger: false });
    browser = await chromium.launch({ executablePath: CHROMIUM!, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(keysDir, { recursive: true, force: true });
  });

  it("honest flow, replayed request_uri, response posted twice, tampered request", async () => {
    const insurer = await browser.newPage({ viewport: { width: 800, height: 900 } });
    const wallet = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const errors: string[] = [];
    for (const p of [insurer, wallet]) p.on("pageerror", (e) => errors.push(e.message));
    const responses: string[] = [];
    wallet.on("request", (r) => {
      if (r.url().endsWith("/v1/openid4vp/response")) responses.push(r.postData() ?? "");
    });
    const walletResult = async () => ({ status: await wallet.getAttribute("#result", "data-status"), code: await wallet.getAttribute("#result", "data-code"), text: await wallet.textContent("#result") });
    const settled = () => wallet.waitForSelector("#result:not([data-status=working])[data-status]", { timeout: 120_000 });
    const answer = async (link: string) => {
      await wallet.fill("#openid4vp-link", link);
      await wallet.click("#openid4vp-answer");
    };

    // A wallet with the demo hospital's record.
    await wallet.goto(server.url);
    await wallet.waitForSelector("html[data-ready]");
    await wallet.fill("#passphrase", "correct horse battery staple");
    await wallet.click("#create");
    await settled();
    await wallet.click(`text=Get a demo record from ${DEMO_HOSPITAL_NAME}`);
    await settled();
    expect((await walletResult()).status).toBe("received");

    // The insurer asks: a QR code and the link.
    await insurer.goto(`${server.origin}/examples/insurer/`);
    await insurer.waitForSelector("html[data-ready]");
    await insurer.click("#ask");
    await insurer.waitForSelector("#status[data-status=waiting]");
    const link = await insurer.inputValue("#link");
    expect(link).toMatch(/^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Akey%3Az6Mk.+&request_uri=/);
    expect(await insurer.getAttribute("#qr", "src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const walletLink = await insurer.getAttribute("#wallet-link", "href");
    expect(walletLink).toBe(`${server.origin}/examples/wallet/#${new URLSearchParams({ openid4vp: link })}`);
    await insurer.screenshot({ path: join(SCREENSHOTS, "oid4vp-01-insurer-qr.png") });
    // What a phone's camera would see: the QR code as shown.
    const qrPhoto = await insurer.locator("#qr").screenshot();

    // Same device: the link opens the wallet page with the request filled in (and the fragment
    // dropped from the address); the wallet asks the patient (the verifier named from the trust
    // list), proves, posts.
    await wallet.goto(walletLink!);
    await wallet.waitForSelector("html[data-ready]");
    expect([await wallet.inputValue("#openid4vp-link"), new URL(wallet.url()).hash]).toEqual([link, ""]);
    await wallet.fill("#passphrase", "correct horse battery staple");
    await wallet.click("#openid4vp-answer");
    await wallet.waitForSelector("#consent:not([hidden])", { timeout: 60_000 });
    expect(await wallet.textContent("#consent-title")).toBe(`${DEMO_VERIFIER_NAME} is asking`);
    expect(await wallet.textContent("#consent-where")).toBe(`Your answer would go to ${server.origin} and nowhere else.`);
    await wallet.screenshot({ path: join(SCREENSHOTS, "oid4vp-02-wallet-consent.png") });
    await wallet.click("#share");
    await settled();
    expect(await walletResult()).toMatchObject({ status: "sent", text: expect.stringContaining(`Sent: your answer went to ${DEMO_VERIFIER_NAME} at ${server.origin}`) });
    // The insurer's page shows the result, without a reload.
    await insurer.waitForSelector("#status[data-status=accepted]", { timeout: 30_000 });
    expect(await insurer.textContent("#status")).toBe("Verified: you are at least 18. Thank you!");
    await insurer.screenshot({ path: join(SCREENSHOTS, "oid4vp-03-insurer-verified.png") });
    expect(responses).toHaveLength(1);

    // The same link again, this time from a photo of the QR code (read on the page with jsQR):
    // its request_uri was used, so the wallet gets nothing to answer.
    await wallet.setInputFiles("#openid4vp-photo", { name: "qr.png", mimeType: "image/png", buffer: qrPhoto });
    // Not settled(): the previous answer's "sent" is settled already, before the photo is read.
    await wallet.waitForSelector("#result:is([data-status=scanned], [data-status=error])", { timeout: 120_000 });
    expect([await wallet.getAttribute("#result", "data-status"), await wallet.inputValue("#openid4vp-link")]).toEqual(["scanned", link]);
    await wallet.click("#openid4vp-answer");
    await settled();
    expect(await walletResult()).toMatchObject({ status: "error", code: "OPENID4VP_REQUEST_UNAVAILABLE" });

    // The response posted a second time: refused, and the insurer's result stays the one.
    const again = await fetch(`${server.origin}/v1/openid4vp/response`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: responses[0] });
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([409, "OPENID4VP_ALREADY_ANSWERED"]);
    expect(await insurer.textContent("#status")).toBe("Verified: you are at least 18. Thank you!");
    // The insurer's page polls its back end by a handle of its own: the state (in the request
    // object, and in the QR code of a request by value) reads no result there.
    const state = new URLSearchParams(responses[0]).get("state")!;
    expect((await fetch(`${server.origin}/demo/insurer/results/${state}`)).status).toBe(404);

    // A request tampered in transit (by value, its response_uri changed): refused, nothing sent.
    await insurer.click("#ask-by-value");
    await insurer.waitForFunction((old) => (document.getElementById("link") as HTMLInputElement).value !== old, link);
    const byValue = new URL(await insurer.inputValue("#link"));
    const [h, p, s] = byValue.searchParams.get("request")!.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    byValue.searchParams.set("request", `${h}.${Buffer.from(JSON.stringify({ ...claims, response_uri: "https://evil.example/collect" })).toString("base64url")}.${s}`);
    await answer(byValue.toString());
    await settled();
    expect(await walletResult()).toMatchObject({ status: "error", code: "REQUEST_SIGNATURE_INVALID" });
    expect(await wallet.isHidden("#consent")).toBe(true);
    expect(responses).toHaveLength(1);
    expect(await insurer.getAttribute("#status", "data-status")).toBe("waiting");
    await wallet.screenshot({ path: join(SCREENSHOTS, "oid4vp-04-wallet-tampered.png") });
    expect(errors).toEqual([]);
  });
});
