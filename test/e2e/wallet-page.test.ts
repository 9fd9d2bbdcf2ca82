/**
 * `npm run wallet` as a patient meets it, in headless Chromium at a phone's width: the server
 * module of examples/wallet/serve.mjs (the real verifier service with the page, the bundle, the
 * artifacts and a demo hospital on one origin), the page opened at the printed address with no
 * parameter. The patient creates a wallet, gets a demo record, is asked by the verifier named in
 * the trust list, shares (accepted), declines (nothing sent), and finds everything again after a
 * reload and a server restart.
 *
 * Screenshots of each step go to test/e2e/.screenshots/ (gitignored; the path is printed).
 * Needs `npm run build`. Skipped with a warning when no Chromium is installed, unless
 * MEDZK_REQUIRE_BROWSER is set.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_HOSPITAL_NAME, DEMO_VERIFIER_NAME, type WalletServer, startWalletServer } from "../../examples/wallet/serve.mjs";
import QRCode from "qrcode";
import { readShcFixture } from "../helpers/shc.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCREENSHOTS = join(ROOT, "test/e2e/.screenshots");
const CHROMIUM = [process.env["MEDZK_CHROMIUM"], "/usr/bin/chromium", "/usr/lib/chromium/chromium"].find(
  (path): path is string => !!path && existsSync(path),
);
const REQUIRED = !!process.env["MEDZK_REQUIRE_BROWSER"];
if (!CHROMIUM && !REQUIRED) console.warn("test/e2e/wallet-page.test.ts: no chromium binary found, skipping the wallet page tests");
const PASSPHRASE = "correct horse battery staple";

describe("npm run wallet (node examples/wallet/serve.mjs)", () => {
  let child: ChildProcess | undefined;
  let keysDir: string;
  beforeAll(async () => {
    keysDir = await mkdtemp(join(tmpdir(), "medzk-wallet-keys-"));
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill("SIGTERM");
    await rm(keysDir, { recursive: true, force: true });
  });

  it("prints the page's address; the page, its trust list naming the service's key, and the demo hospital answer there", async () => {
    const keysFile = join(keysDir, "keys.json");
    child = spawn(process.execPath, ["examples/wallet/serve.mjs"], { cwd: ROOT, env: { ...process.env, MEDZK_WALLET_PORT: "0", MEDZK_WALLET_KEYS: keysFile }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/examples\/wallet\/)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once("exit", (code) => reject(new Error(`serve.mjs exited with ${code} before printing the address: ${out}`)));
    });
    const origin = new URL(url).origin;
    const page = await fetch(url);
    expect([page.status, page.headers.get("content-security-policy")]).toEqual([200, expect.stringContaining("script-src 'self' 'wasm-unsafe-eval'")]);
    expect(await page.text()).toContain("<title>My health wallet</title>");
    expect((await fetch(origin, { redirect: "manual" })).headers.get("location")).toBe("/examples/wallet/");
    const verifiers = (await (await fetch(`${url}verifiers.json`)).json()) as { verifiers: Array<{ name: string; publicKey: string; origins: string[] }> };
    expect(verifiers.verifiers).toEqual([{ name: DEMO_VERIFIER_NAME, publicKey: expect.stringMatching(/^[0-9a-f]{64}$/), origins: [origin] }]);
    // The service is medzk's: its requests are signed with the key the page trusts.
    const created = (await (await fetch(`${origin}/v1/requests`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"preset":"adult"}' })).json()) as { request: { verifier: string; responseUrl: string } };
    expect(created.request).toMatchObject({ verifier: verifiers.verifiers[0]!.publicKey, responseUrl: `${origin}/v1/verify` });
    // The demo hospital takes exactly { commitment, encryptionKey } and refuses a malformed key with its code.
    const demo = (body: unknown) => fetch(`${origin}/demo/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => [r.status, ((await r.json()) as { error?: { code: string } }).error?.code]);
    expect(await demo({ commitment: "1", encryptionKey: "ab".repeat(32), more: 1 })).toEqual([400, "BAD_REQUEST"]);
    expect(await demo({ commitment: "1", encryptionKey: "not hex" })).toEqual([400, "INVALID_KEY"]);
    // Only the page's files, the bundle and the artifacts: not the package's other files.
    for (const path of ["/artifacts/manifest.json", "/examples/wallet/serve.mjs", "/dist/index.js", "/package.json"]) expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    expect((await fetch(`${origin}/artifacts/age_at_least.wasm`)).headers.get("content-type")).toBe("application/wasm");
    // The keys are kept for the next run, readable by the owner only.
    expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
    child.kill("SIGTERM");
    expect(await new Promise((resolve) => child!.once("exit", (code, signal) => resolve(code ?? signal)))).toBe(0);
  });
});

describe.skipIf(!CHROMIUM && !REQUIRED)("the wallet page of npm run wallet, in headless Chromium at phone width", () => {
  let server: WalletServer;
  let browser: Browser;
  let page: Page;
  let keysDir: string;
  let port: number;
  const requested: string[] = [];
  const presentations: string[] = [];
  const failed: string[] = [];
  const consoleLines: string[] = [];
  const shots: string[] = [];

  async function shot(name: string): Promise<void> {
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
  }

  beforeAll(async () => {
    expect(CHROMIUM, "MEDZK_REQUIRE_BROWSER is set but no chromium binary was found (apt-get install chromium)").toBeDefined();
    await mkdir(SCREENSHOTS, { recursive: true });
    keysDir = await mkdtemp(join(tmpdir(), "medzk-wallet-keys-"));
    server = await startWalletServer({ port: 0, keysFile: join(keysDir, "keys.json"), logger: false });
    port = Number(new URL(server.origin).port);
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // A phone: 390 CSS pixels wide, touch.
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    page.on("request", (request) => {
      requested.push(request.url());
      if (request.url().endsWith("/v1/verify")) presentations.push(request.postData() ?? "");
    });
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(keysDir, { recursive: true, force: true });
    if (shots.length > 0) console.info(`wallet page screenshots: ${SCREENSHOTS}/ (${shots.length})`);
  });

  const result = async () => ({ status: await page.getAttribute("#result", "data-status"), code: await page.getAttribute("#result", "data-code"), text: await page.textContent("#result") });
  const settled = () => page.waitForSelector("#result:not([data-status=working])[data-status]", { timeout: 120_000 });
  const texts = (selector: string) => page.$$eval(selector, (items) => items.map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()));
  const stages = () => page.$$eval("#progress li", (items) => items.map((li) => (li as HTMLElement).dataset["stage"]));
  const today = () => new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

  it("create, get a record, share (accepted), decline (nothing sent), reload and restart (still there), all from the printed address", async () => {
    await page.goto(server.url);
    await page.waitForSelector("html[data-ready]");
    // The page found its verifier without a parameter: the trust list's entry, by name.
    expect(await page.$$eval("#verifier option", (o) => o.map((e) => [e.textContent, (e as HTMLOptionElement).value]))).toEqual([[DEMO_VERIFIER_NAME, `${server.origin}/`]]);
    // Every control has a label a screen reader announces, and nothing is wider than the phone.
    expect(await page.$$eval("input:not([hidden]), select", (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id))).toEqual([]);
    expect(await page.$$eval("button", (els) => els.filter((e) => (e.textContent ?? "").trim() === "").length)).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot("01-start");

    // A wallet needs a passphrase: said in words, and the focus goes back to the field.
    await page.click("#create");
    expect(await result()).toMatchObject({ status: "error", text: expect.stringContaining("Type your passphrase") });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("passphrase");

    // A record before there is a wallet to keep it: said in words.
    await page.fill("#passphrase", PASSPHRASE);
    await page.click(`text=Get a demo record from ${DEMO_HOSPITAL_NAME}`);
    await settled();
    expect(await result()).toMatchObject({ status: "error", text: "Create your wallet first (step 1), then add records to it." });

    await page.click("#create");
    await settled();
    expect(await result()).toMatchObject({ status: "created" });
    expect(await page.isVisible("#create")).toBe(false);
    expect(await texts("#records li")).toEqual(["No records yet."]);
    await shot("02-created");

    // A file that is not a record is refused in words, without adding anything.
    await page.setInputFiles("#credential-file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    await settled();
    expect(await result()).toMatchObject({ status: "error", text: "That record file is not a medzk record (not JSON)." });
    expect(await page.inputValue("#credential-file")).toBe("");

    // The demo hospital seals a record to the wallet's encryption key; the wallet opens and keeps it.
    await page.click(`text=Get a demo record from ${DEMO_HOSPITAL_NAME}`);
    await settled();
    expect(await result()).toMatchObject({ status: "received", text: `${DEMO_HOSPITAL_NAME} sent you a patient record. It is locked in your wallet.` });
    expect(await texts("#records li")).toEqual([`Patient record from ${DEMO_HOSPITAL_NAME} date of birth: 1 April 1990 · issued ${today()}`]);
    expect(await page.textContent("#held")).toBe("Open · 1 record in this wallet");
    await shot("03-record");

    // Asked: who (from the trust list), what, what it reveals and keeps; focus on the question.
    await page.click("#prove");
    await page.waitForSelector("#consent:not([hidden])", { timeout: 60_000 });
    expect(await page.textContent("#consent-title")).toBe(`${DEMO_VERIFIER_NAME} is asking`);
    expect(await page.textContent("#consent-question")).toBe(`Are you at least 18 years old on ${today()}?`);
    expect(await texts("#consent-reveals li")).toEqual([
      "That you are at least 18: only “yes”, proven so that it cannot be faked.",
      "Which hospital signed your record.",
      "A code that lets them recognise it if you answer this same question again. It means nothing to anyone else.",
    ]);
    expect(await texts("#consent-keeps li")).toEqual(["Your date of birth or your exact age.", "Anything else in your records."]);
    expect(await page.textContent("#consent-where")).toBe(`Your answer would go to ${server.origin} and nowhere else.`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("consent-title");
    // Nothing proved or sent before the patient says yes.
    expect(requested.filter((url) => url.endsWith(".zkey") || url.endsWith("/v1/verify"))).toEqual([]);
    await shot("04-consent");

    // Keyboard only: from the question, Tab reaches "Share", and Enter shares.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("share");
    await page.keyboard.press("Enter");
    // Progress while proving: the bar moves through the stages.
    await page.waitForSelector("#progress li[data-stage=checking]", { timeout: 60_000 });
    expect(await page.isVisible("#progress-bar")).toBe(true);
    await shot("05-proving");
    await settled();
    expect(await result()).toEqual({ status: "accepted", code: null, text: `Accepted: ${DEMO_VERIFIER_NAME} confirmed you are at least 18 (answer for ${today()}).` });
    expect(await stages()).toEqual(["request", "checking", "loading-artifacts", "proving", "done", "send"]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("result");
    expect(presentations).toHaveLength(1);
    await shot("06-accepted");

    // Declined: nothing proved, nothing sent, and the log says so.
    await page.click("#prove");
    await page.waitForSelector("#consent:not([hidden])", { timeout: 60_000 });
    await page.click("#decline");
    await settled();
    expect(await result()).toMatchObject({ status: "declined", text: "Declined: nothing was sent." });
    expect(await page.textContent("#progress-label")).toBe("Stopped: you declined.");
    expect(await stages()).toEqual(["request"]);
    expect(presentations).toHaveLength(1);
    const receiptLines = [
      expect.stringMatching(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC · ${DEMO_VERIFIER_NAME} · age ≥ 18 · you declined$`)),
      expect.stringMatching(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC · ${DEMO_VERIFIER_NAME} · age ≥ 18 · answered$`)),
    ];
    expect(await texts("#receipts li")).toEqual(receiptLines);
    await shot("07-declined");

    // The server restarts (same port, same kept keys) and the page reloads: empty until the
    // passphrase opens the encrypted store; then the record and the log are back.
    await server.close();
    server = await startWalletServer({ port, keysFile: join(keysDir, "keys.json"), logger: false });
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    expect(await texts("#records li")).toEqual(["Open your wallet to see your records."]);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await page.fill("#passphrase", "not the passphrase");
    await page.click("#unlock");
    await settled();
    expect(await result()).toMatchObject({ status: "error", code: "WALLET_DECRYPTION_FAILED", text: "That passphrase does not open this wallet. (WALLET_DECRYPTION_FAILED)" });
    await page.fill("#passphrase", PASSPHRASE);
    await page.click("#unlock");
    await settled();
    expect(await result()).toMatchObject({ status: "unlocked" });
    expect(await texts("#records li")).toEqual([`Patient record from ${DEMO_HOSPITAL_NAME} date of birth: 1 April 1990 · issued ${today()}`]);
    expect(await texts("#receipts li")).toEqual(receiptLines);
    await shot("08-reopened");

    // The same page in dark mode, for the screenshot (contrast is set per scheme in wallet.css).
    await page.emulateMedia({ colorScheme: "dark" });
    await shot("09-dark");

    // Everything came from the one origin, nothing failed, nothing was logged.
    expect(new Set(requested.map((url) => new URL(url).origin))).toEqual(new Set([server.origin]));
    expect({ failed, console: consoleLines }).toEqual({ failed: [], console: [] });
  });

  it("adds a SMART Health Card through the demo hospital as bridge: a photo of its QR code, read in the browser; an altered card is refused with its code", async () => {
    // A wallet of its own (?wallet=), so this test stands without the one above.
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`${server.url}?wallet=shc-card`);
    await page.waitForSelector("html[data-ready]");
    await page.fill("#passphrase", PASSPHRASE);
    await page.click("#create");
    await settled();
    expect(await result()).toMatchObject({ status: "created" });
    expect(await page.isVisible("#shc")).toBe(true);
    expect(await page.textContent("#shc-bridge")).toBe(DEMO_HOSPITAL_NAME);

    // The spec's example 00 as a printed QR code would read: two segments, "shc:/" in byte mode and the digits in numeric mode (spec §Encoding QRs).
    const digits = readShcFixture("example-00-f-qr-code-numeric-value-0.txt").trim().slice("shc:/".length);
    const png = await QRCode.toBuffer([{ data: Buffer.from("shc:/"), mode: "byte" }, { data: digits, mode: "numeric" }], { errorCorrectionLevel: "L", margin: 4, scale: 3 });
    // Cleared first, so that settled() waits for this action's outcome, not the last one.
    const clear = () => page.evaluate(() => document.getElementById("result")!.removeAttribute("data-status"));
    await clear();
    await page.setInputFiles("#shc-photo", { name: "card.png", mimeType: "image/png", buffer: png });
    await settled();
    expect(await result()).toMatchObject({ status: "received", text: expect.stringMatching(new RegExp(`^${DEMO_HOSPITAL_NAME} checked your SMART Health Card from SMART Health Cards example issuer and sent you \\d+ records\\.`)) });
    const imported = await texts("#shc-imported li");
    const from = "from the SMART Health Card of SMART Health Cards example issuer";
    expect(imported).toEqual(expect.arrayContaining([
      `Patient record ${from}`,
      `COVID-19 vaccine (CVX 207), dose 1, given on 1 January 2021, ${from}`,
      `COVID-19 vaccine (CVX 207), dose 2, given on 29 January 2021, ${from}`,
    ]));
    // The records are in the wallet, under the bridge's name; an immunization the mapping table cannot name is said, not dropped.
    const kept = imported.filter((line) => !line.startsWith("Not imported"));
    expect(imported.length).toBe(4);
    expect((await texts("#records li")).filter((line) => line.startsWith(`Immunization record from ${DEMO_HOSPITAL_NAME}`)).length).toBe(kept.length - 1);
    expect(await page.textContent("#held")).toBe(`Open · ${kept.length} records in this wallet`);
    await shot("10-shc-imported");

    // The same card with one character of its signature changed, pasted as QR text: refused by the bridge, in words and with the code.
    const jws = readShcFixture("example-00-d-jws.txt").trim();
    const altered = `${jws.slice(0, -10)}${jws.at(-10) === "A" ? "B" : "A"}${jws.slice(-9)}`;
    const qr = `shc:/${[...altered].map((c) => String(c.charCodeAt(0) - 45).padStart(2, "0")).join("")}`;
    await page.fill("#shc-text", qr);
    await clear();
    await page.click("#shc-add-text");
    await settled();
    expect(await result()).toMatchObject({ status: "error", code: "BAD_SIGNATURE", text: `${DEMO_HOSPITAL_NAME} did not accept the pasted card: its signature does not match: it was altered or damaged. (BAD_SIGNATURE)` });
    expect({ failed: failed.filter((line) => !line.startsWith("422 ")), console: consoleLines.filter((line) => !line.includes("422")) }).toEqual({ failed: [], console: [] });
  });
});
