/**
 * End to end in a real browser: the patient-wallet example (examples/wallet) loads the browser
 * bundle and the artifacts from a local static server under a strict Content-Security-Policy,
 * asks a verifier for a request, proves in headless Chromium (Debian's, driven by playwright-core)
 * and sends the presentation, which the verifier accepts once and refuses as a replay after.
 *
 * Needs `npm run build` (dist/browser). Skipped with a warning when no Chromium is installed,
 * unless MEDZK_REQUIRE_BROWSER is set (CI sets it), in which case it fails.
 */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { createServer } from "node:http";
import { builtinModules } from "node:module";
import type { AddressInfo } from "node:net";
import { extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProvingArtifacts } from "../../src/artifacts/loader.js";
import * as browserApi from "../../src/browser.js";
import { nodeArtifactLocation } from "../../src/artifacts/node-source.js";

import { createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, sealCredential } from "../../src/index.js";
import { createVerifierService, parseServiceConfig } from "../../src/server.js";

const provingArtifacts = (circuit: string, source?: string) => loadProvingArtifacts(circuit, nodeArtifactLocation(source));

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUNDLE = join(ROOT, "dist/browser/medzk.js");
const CHROMIUM = [process.env["MEDZK_CHROMIUM"], "/usr/bin/chromium", "/usr/lib/chromium/chromium"].find(
  (path): path is string => !!path && existsSync(path),
);
const REQUIRED = !!process.env["MEDZK_REQUIRE_BROWSER"];
if (!CHROMIUM && !REQUIRED) console.warn("test/e2e/browser.test.ts: no chromium binary found, skipping the browser tests");

/** The real verifier HTTP service (medzk/server) on a free loopback port, accepting the wallet page's origin. */
async function startVerifierEndpoint(
  policy: { trustedIssuers: string[] },
  options: { corsOrigins: readonly string[] },
): Promise<{ url: string; publicKey: string; close(): Promise<void> }> {
  // A free port known before start-up: the config's responseUrl names it, and every request
  // carries it under the service's signature (the wallet posts answers only there).
  const probe = createServer();
  const port = Number(new URL(await listen(probe)).port);
  await new Promise((done) => probe.close(done));
  const key = generateVerifierKey();
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port },
    signingKey: { hex: key.privateKey },
    responseUrl: `http://127.0.0.1:${port}/v1/verify`,
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: policy.trustedIssuers,
    corsOrigins: [...options.corsOrigins],
  });
  const service = await createVerifierService(config, { logger: false });
  const url = await service.listen();
  return { url, publicKey: key.publicKey, close: () => service.close() };
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".zkey": "application/octet-stream",
};

/**
 * A static server for the three folders a wallet deployment serves, with the CSP of
 * docs/browser.md. URL paths are repository paths, so the page's relative imports work as they
 * would from the package. `overrides` serves generated files (the deployment's verifiers.json).
 */
async function startStaticServer(csp: () => string, overrides: ReadonlyMap<string, () => string> = new Map()): Promise<{ url: string; close(): Promise<void> }> {
  const served = ["examples/wallet", "dist/browser", "artifacts"].map((dir) => join(ROOT, dir) + sep);
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const generated = overrides.get(pathname);
    if (generated && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json", "content-security-policy": csp(), "x-content-type-options": "nosniff" }).end(generated());
      return;
    }
    // Browsers ask for an icon the page does not declare; a real site would have one.
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const path = join(ROOT, pathname);
    const file = path.endsWith(sep) ? join(path, "index.html") : path;
    const type = MIME[extname(file)];
    if (req.method !== "GET" || !type || !served.some((dir) => file.startsWith(dir))) {
      res.writeHead(404).end();
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": type, "content-security-policy": csp(), "x-content-type-options": "nosniff" }).end(bytes);
  });
  const url = await listen(server);
  return { url, close: () => new Promise((done) => server.close(() => done())) };
}

/** Resident memory of the Chromium renderer processes started by this process, in bytes. */
async function rendererRss(): Promise<number> {
  const procs = new Map<number, { ppid: number; renderer: boolean; rss: number }>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = await readFile(`/proc/${name}/status`, "utf8");
      const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8");
      procs.set(Number(name), {
        ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]),
        renderer: cmdline.includes("--type=renderer"),
        rss: 1024 * Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      });
    } catch {
      // The process exited while we looked.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  return [...procs].filter(([pid, p]) => p.renderer && ours(pid)).reduce((sum, [, p]) => sum + p.rss, 0);
}

describe("browser entry (Node side)", () => {
  it("exports what a wallet needs and nothing of the verifier or issuer", () => {
    expect(Object.keys(browserApi).sort()).toMatchInlineSnapshot(`
      [
        "BUILTIN_SCHEMAS",
        "IndexedDbWalletStore",
        "MedzkError",
        "MemoryWalletStore",
        "NEVER_EXPIRES",
        "auditTrail",
        "buildCircuitInput",
        "checkCredential",
        "createHolder",
        "createWallet",
        "defineSchema",
        "encodeString",
        "holderEncryptionKey",
        "openCredential",
        "parseVerifierRegistry",
        "prove",
        "respondOpenid4vp",
      ]
    `);
  });

  it("its types require the artifact URL too (tsc, part of npm test, checks these lines)", () => {
    const patient = createHolder();
    const typeErrors = [
      // @ts-expect-error: a browser has no package folder, so `artifacts` is required
      () => browserApi.prove({ credential: {} as Parameters<typeof browserApi.prove>[0]["credential"], holder: patient, request: {} }),
      // @ts-expect-error: the same for the wallet
      () => browserApi.createWallet({ holder: patient, trustedVerifiers: [] }),
    ];
    expect(typeErrors).toHaveLength(2);
  });

  it("requires an artifact URL in the browser and refuses a malformed one", async () => {
    await expect(browserApi.prove({} as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("required") });
    await expect(browserApi.prove({ artifacts: "::not a url" } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("Node reads artifacts from an http artifact host too, and any source is held to the pins", async () => {
    const host = await startStaticServer(() => "default-src 'none'");
    try {
      const { wasm, zkey } = await provingArtifacts("age_at_least", `${host.url}/artifacts`);
      expect([wasm.length, zkey.length]).toEqual([(await readFile(join(ROOT, "artifacts/age_at_least.wasm"))).length, (await readFile(join(ROOT, "artifacts/age_at_least.zkey"))).length]);
      await expect(provingArtifacts("age_at_least", `${host.url}/nowhere/`)).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY", message: expect.stringContaining("cannot read") });
    } finally {
      await host.close();
    }
    const hostile = { base: new URL("https://artifacts.example/"), read: async () => new Uint8Array(64) };
    await expect(loadProvingArtifacts("insurance_active", hostile)).rejects.toMatchObject({ code: "ARTIFACT_INTEGRITY", message: expect.stringContaining("manifest pins") });
  });

  it("the bundle is one self-contained ESM file without Node built-ins", async () => {
    const source = await readFile(BUNDLE, "utf8");
    const builtins = builtinModules.filter((m) => !m.startsWith("_")).map((m) => m.replace(/[/]/g, "\\/"));
    const nodeImport = new RegExp(`(?:\\bfrom|\\bimport\\s*\\(|\\brequire\\s*\\()\\s*["'\`](?:node:[\\w/]+|(?:${builtins.join("|")}))["'\`]`);
    expect(source.match(nodeImport)).toBeNull();
    expect(source).not.toMatch(/["'`]node:[a-z_]+(?:\/[a-z_]+)?["'`]/);
    // No import of anything at all: a page can load it with no import map and no bundler.
    expect(source).not.toMatch(/(?:^|[;\n}])\s*import\s*(?:[\w${},*\s]+from\s*)?["']/);
  });
});

/** prove()'s elapsed time at the start of each stage, read off the page's progress list (data-ms). */
async function stageTimes(page: Page): Promise<Record<string, number>> {
  const stages = await page.$$eval("#progress li", (items) => items.map((li) => [(li as HTMLElement).dataset["stage"], (li as HTMLElement).dataset["ms"]] as const));
  return Object.fromEntries(stages.flatMap(([stage, ms]) => (stage !== undefined && ms !== undefined ? [[stage, Number(ms)]] : [])));
}

function describeTimes(at: Record<string, number>): string {
  return `checks ${at["loading-artifacts"]} ms, artifacts ${at["proving"]! - at["loading-artifacts"]!} ms, Groth16 ${at["done"]! - at["proving"]!} ms, prove() ${at["done"]} ms`;
}

describe.skipIf(!CHROMIUM && !REQUIRED)("patient wallet in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  let site: { url: string; close(): Promise<void> };
  let verifierEndpoint: { url: string; publicKey: string; close(): Promise<void> };
  const hospital = generateIssuerKey();
  // The policy of docs/browser.md; a test below takes parts out to show each is needed.
  const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self' <verifier>";
  let csp = CSP;
  // Everything the page did, for the assertions on what it loaded and logged.
  const requested: string[] = [];
  const failed: string[] = [];
  const consoleLines: string[] = [];
  const presentations: string[] = [];

  beforeAll(async () => {
    expect(CHROMIUM, "MEDZK_REQUIRE_BROWSER is set but no chromium binary was found (apt-get install chromium)").toBeDefined();
    expect(existsSync(BUNDLE), "dist/browser/medzk.js is missing: run npm run build").toBe(true);
    let verifierOrigin = "";
    // The wallet deployment's trust list: the verifier service's key, under the name the patient knows.
    const verifiersJson = () =>
      JSON.stringify({ format: "medzk-verifiers/v1", verifiers: [{ publicKey: verifierEndpoint.publicKey, name: "Acme Health", origins: [verifierEndpoint.url] }] });
    site = await startStaticServer(() => csp.replace("<verifier>", verifierOrigin), new Map([["/examples/wallet/verifiers.json", verifiersJson]]));
    verifierEndpoint = await startVerifierEndpoint({ trustedIssuers: [hospital.publicKey] }, { corsOrigins: [site.url] });
    verifierOrigin = verifierEndpoint.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      headless: true,
      // The network is closed: without the background-networking flags Chromium keeps trying
      // to reach Google's services at start-up.
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
    page.on("request", (request) => {
      requested.push(request.url());
      if (request.url().endsWith("/v1/verify")) presentations.push(request.postData() ?? "");
    });
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    // CSP violations, failed loads and uncaught errors all show up here.
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.goto(walletUrl("main"));
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await verifierEndpoint?.close();
  });

  const PASSPHRASE = "correct horse battery staple";
  /** The wallet page for one wallet (its own encrypted IndexedDB database) and one verifier. */
  const walletUrl = (wallet: string, verifier = verifierEndpoint.url) => `${site.url}/examples/wallet/?verifier=${encodeURIComponent(verifier)}&wallet=${wallet}`;

  /**
   * Types the passphrase, chooses the holder backup and the record files when given (the page
   * adds a record as soon as it is chosen; a refusal then is the result), then submits the form
   * or clicks "unlock"; resolves when the page shows a result.
   */
  async function submit(
    on: Page,
    add: { credential?: unknown; holder?: unknown } = {},
    options: { passphrase?: string; button?: "#prove" | "#unlock"; consent?: "#share" | "#decline" } = {},
  ): Promise<{ status: string | null; code: string | null; result: string | null; wallMs: number; asked?: string | null }> {
    await on.waitForSelector("html[data-ready]");
    await on.fill("#passphrase", options.passphrase ?? PASSPHRASE);
    const settled = () => on.waitForSelector("#result:not([data-status=working])[data-status]", { timeout: 60_000 });
    const shown = async () => ({ status: await on.getAttribute("#result", "data-status"), code: await on.getAttribute("#result", "data-code"), result: await on.textContent("#result") });
    const file = (value: unknown) => ({ name: "record.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(value)) });
    const started = Date.now();
    if (add.holder !== undefined) {
      await on.setInputFiles("#holder-file", file(add.holder));
      await on.waitForSelector("#result[data-status=pending]");
    }
    if (add.credential !== undefined) {
      await on.setInputFiles("#credential-file", file(add.credential));
      await settled();
      if ((await on.getAttribute("#result", "data-status")) === "error") return { ...(await shown()), wallMs: Date.now() - started };
    }
    await on.click(options.button ?? "#prove");
    // Either the wallet asks the patient (then answer as told: share by default) or it is done.
    const next = await on.waitForSelector("#consent:not([hidden]), #result:not([data-status=working])[data-status]", { timeout: 60_000 });
    let asked: string | null | undefined;
    if ((await next.getAttribute("id")) === "consent") {
      asked = `${await on.textContent("#consent-title")}: ${await on.textContent("#consent-question")}`;
      await on.click(options.consent ?? "#share");
      await settled();
    }
    return { ...(await shown()), wallMs: Date.now() - started, asked };
  }

  /** The raw value the wallet page keeps in IndexedDB for a wallet name. */
  const storedText = (on: Page, wallet: string) =>
    on.evaluate(
      (name) =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => {
            const get = open.result.transaction("wallet").objectStore("wallet").get("state");
            get.onsuccess = () => (open.result.close(), resolve(get.result));
            get.onerror = () => reject(get.error);
          };
        }),
      wallet,
    );

  it("a new wallet receives a sealed record, proves with progress shown, the verifier accepts once and refuses the replay, and nothing leaves localhost", async () => {
    // The patient creates the wallet in the page (the holder secret is made there and never
    // shown); the hospital issues to the commitment and seals to the encryption key the page shows.
    await page.waitForSelector("html[data-ready]");
    await page.fill("#passphrase", PASSPHRASE);
    await page.click("#create");
    await page.waitForSelector("#result[data-status=created]", { timeout: 60_000 });
    const commitment = (await page.textContent("#commitment"))!;
    const encryptionKey = (await page.textContent("#encryption-key"))!;
    expect(encryptionKey).toMatch(/^[0-9a-f]{64}$/);
    const credential = await issueCredential(hospital, {
      schema: "patient-record/v1",
      holder: commitment,
      attributes: { dateOfBirth: "1990-04-01" },
    });
    const envelope = await sealCredential(credential, encryptionKey);
    const idleRss = await rendererRss();
    let peakRss = idleRss;
    const sampler = setInterval(() => void rendererRss().then((rss) => (peakRss = Math.max(peakRss, rss))), 100);
    const shown = await submit(page, { credential: envelope }).finally(() => clearInterval(sampler));

    expect({ ...shown, console: consoleLines, failed }).toMatchObject({ status: "accepted", console: [], failed: [] });
    expect(shown.result).toMatch(/^Accepted: Acme Health confirmed you are at least 18 \(answer for \d{1,2} [A-Z][a-z]+ \d{4}\)\.$/);
    // The patient was asked, with the verifier named from the trust list.
    expect(shown.asked).toMatch(/^Acme Health is asking: Are you at least 18 years old on \d{1,2} [A-Z][a-z]+ \d{4}\?$/);
    const stages = await page.$$eval("#progress li", (items) => items.map((li) => (li as HTMLElement).dataset["stage"]));
    expect(stages).toEqual(["request", "checking", "loading-artifacts", "proving", "done", "send"]);
    const at = await stageTimes(page);
    expect(at["done"]).toBeGreaterThan(at["proving"]!);
    console.info(`browser proof (ageAtLeast), cold: ${describeTimes(at)}; click to verified ${shown.wallMs} ms; renderer RSS ${(idleRss / 2 ** 20).toFixed(0)} MiB before, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`);

    // The page loaded the bundle and the artifacts from its own origin and talked to the verifier,
    // and nothing else: no CDN, no other host.
    const origins = new Set(requested.map((url) => new URL(url.startsWith("blob:") ? url.slice(5) : url).origin));
    expect([...origins].sort()).toEqual([site.url, verifierEndpoint.url].sort());
    for (const path of ["/dist/browser/medzk.js", "/artifacts/age_at_least.wasm", "/artifacts/age_at_least.zkey"]) {
      expect(requested).toContain(site.url + path);
    }

    // Nothing personal on the console, and the same presentation sent again is a replay.
    expect(consoleLines.join("\n")).not.toContain(credential.salt);
    expect(presentations).toHaveLength(1);
    // Sent to the signed request's responseUrl (the service's config names it).
    const sent = JSON.parse(presentations[0]!) as { presentation: { request: { responseUrl?: string } } };
    expect(sent.presentation.request.responseUrl).toBe(`${verifierEndpoint.url}/v1/verify`);
    expect(requested).toContain(`${verifierEndpoint.url}/v1/verify`);
    const replay = await fetch(`${verifierEndpoint.url}/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: presentations[0] });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });

    // The wallet's receipt, named from the trust list. The holder secret and the record went into
    // the encrypted store: the file inputs are cleared, IndexedDB holds only the vault, and
    // localStorage nothing.
    const receipts = () => page.$$eval("#receipts li", (items) => items.map((li) => li.textContent ?? ""));
    const receiptLine = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · Acme Health · age ≥ 18 · answered$/;
    expect(await receipts()).toEqual([expect.stringMatching(receiptLine)]);
    expect([await page.inputValue("#holder-file"), await page.inputValue("#credential-file")]).toEqual(["", ""]);
    const stored = await storedText(page, "main");
    expect(JSON.parse(stored as string)).toMatchObject({ format: "medzk-wallet-vault/v1", kdf: { name: "scrypt", logN: 17 } });
    for (const secret of [credential.salt, credential.signature.S, "1990-04-01", "Acme Health", commitment]) expect(stored).not.toContain(secret);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    // Declined: nothing proved, nothing sent, a receipt kept.
    const sentBefore = presentations.length;
    expect(await submit(page, {}, { consent: "#decline" })).toMatchObject({ status: "declined", result: "Declined: nothing was sent." });
    expect(presentations).toHaveLength(sentBefore);
    // Warm, from the passphrase alone: the same page proves again (the same question is free).
    expect(await submit(page)).toMatchObject({ status: "accepted" });
    console.info(`browser proof (ageAtLeast), warm: ${describeTimes(await stageTimes(page))}`);
    // After a reload the receipts come back with the passphrase; a wrong one opens nothing.
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    expect(await receipts()).toEqual([]);
    expect(await submit(page, {}, { button: "#unlock", passphrase: "not the passphrase" })).toMatchObject({ status: "error", code: "WALLET_DECRYPTION_FAILED" });
    expect(await submit(page, {}, { button: "#unlock" })).toMatchObject({ status: "unlocked" });
    expect(await receipts()).toEqual([expect.stringMatching(receiptLine), expect.stringMatching(/ · Acme Health · age ≥ 18 · you declined$/), expect.stringMatching(receiptLine)]);
    expect(await page.textContent("#held")).toBe("Open · 1 record in this wallet");
  });

  it("the wallet refuses a verifier service outside its trust list before proving, and sends nothing to it", async () => {
    const stranger = await startVerifierEndpoint({ trustedIssuers: [hospital.publicKey] }, { corsOrigins: [site.url] });
    const patient = createHolder();
    const credential = await issueCredential(hospital, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-04-01" } });
    const other = await browser.newPage();
    const sent: string[] = [];
    other.on("request", (request) => sent.push(request.url()));
    try {
      // CORS for the stranger's origin is the page's CSP business: connect-src names only the
      // trusted verifier, so widen it for this page to show the wallet (not the CSP) refuses.
      csp = CSP.replace("<verifier>", `<verifier> ${stranger.url}`);
      await other.goto(walletUrl("stranger", stranger.url));
      expect(await submit(other, { credential, holder: patient })).toMatchObject({ status: "error", code: "UNTRUSTED_VERIFIER" });
      expect(await other.$$eval("#progress li", (items) => items.map((li) => (li as HTMLElement).dataset["stage"]))).toEqual(["request"]);
      expect(sent).toContain(`${stranger.url}/v1/requests`);
      expect(sent.filter((url) => url.endsWith("/v1/verify"))).toEqual([]);
      expect(sent.filter((url) => url.endsWith(".zkey"))).toEqual([]);
      // The refusal is in the log the patient sees, with the key (the wallet has no name for it).
      expect((await other.$$eval("#receipts li", (items) => items.map((li) => li.textContent ?? "")))[0]).toMatch(/ · unknown verifier [0-9a-f]{12}… · age ≥ 18 · not answered \(UNTRUSTED_VERIFIER\)$/);
    } finally {
      csp = CSP;
      await other.close();
      await stranger.close();
    }
  });

  it("IndexedDbWalletStore keeps the wallet document as the other stores do and refuses a corrupted one", async () => {
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const outcome = await page.evaluate(`(async () => {
      const medzk = await import("/dist/browser/medzk.js");
      const store = new medzk.IndexedDbWalletStore("medzk-store-test", { unencrypted: true });
      const empty = await store.load();
      const state = { format: "medzk-wallet/v1", receipts: [], guard: [{ verifier: "${"ab".repeat(32)}", attribute: "patient-record/v1#dateOfBirth", question: "ageAtLeast 18", at: "2026-06-15T12:00:00.000Z" }] };
      await store.save(state);
      const again = await new medzk.IndexedDbWalletStore("medzk-store-test", { unencrypted: true }).load();
      // Encrypted: another database, the same document back; the wrong passphrase opens nothing.
      const sealed = new medzk.IndexedDbWalletStore("medzk-store-sealed", { passphrase: "a long passphrase", kdfCost: 14 });
      await sealed.save(state);
      const unsealed = await new medzk.IndexedDbWalletStore("medzk-store-sealed", { passphrase: "a long passphrase", kdfCost: 14 }).load();
      const wrong = await new medzk.IndexedDbWalletStore("medzk-store-sealed", { passphrase: "another passphrase" }).load().then(() => "loaded", (e) => e.code);
      // Corrupt it behind the store's back.
      await new Promise((resolve, reject) => {
        const open = indexedDB.open("medzk-store-test");
        open.onsuccess = () => {
          const tx = open.result.transaction("wallet", "readwrite");
          tx.objectStore("wallet").put('{"format":"medzk-wallet/v1","receipts":[],"guard":[{"verifier":"x"}]}', "state");
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      });
      const corrupted = await new medzk.IndexedDbWalletStore("medzk-store-test", { unencrypted: true }).load().then(() => "loaded", (e) => e.code);
      return { empty: empty === undefined, again, corrupted, unsealed: JSON.stringify(unsealed) === JSON.stringify(again), wrong };
    })()`);
    expect(outcome).toEqual({
      empty: true,
      again: { format: "medzk-wallet/v1", receipts: [], guard: [{ verifier: "ab".repeat(32), attribute: "patient-record/v1#dateOfBirth", question: "ageAtLeast 18", at: "2026-06-15T12:00:00.000Z" }] },
      corrupted: "WALLET_STORE_INVALID",
      unsealed: true,
      wrong: "WALLET_DECRYPTION_FAILED",
    });
  });

  it("shows the verifier's refusal code (a credential from an issuer the verifier does not trust)", async () => {
    const patient = createHolder();
    const credential = await issueCredential(generateIssuerKey(), {
      schema: "patient-record/v1",
      holder: patient.commitment,
      attributes: { dateOfBirth: "1990-04-01" },
    });
    await page.goto(walletUrl("untrusted-issuer"));
    const shown = await submit(page, { credential, holder: patient });
    expect({ ...shown, console: consoleLines }).toMatchObject({ status: "refused", code: "UNTRUSTED_ISSUER", result: "Acme Health did not accept the answer: it does not trust the hospital that issued your record. (UNTRUSTED_ISSUER)", console: [] });
  });

  it("a page served a tampered proving key refuses to prove (ARTIFACT_INTEGRITY)", async () => {
    const patient = createHolder();
    const credential = await issueCredential(hospital, {
      schema: "patient-record/v1",
      holder: patient.commitment,
      attributes: { dateOfBirth: "1990-04-01" },
    });
    // A fresh page: the first one has the genuine artifacts cached.
    const tampered = await browser.newPage();
    const lines: string[] = [];
    tampered.on("console", (message) => lines.push(`${message.type()}: ${message.text()}`));
    await tampered.route("**/artifacts/age_at_least.zkey", async (route) => {
      const body = Buffer.from(await (await route.fetch()).body());
      body[body.length - 100] = body[body.length - 100]! ^ 1;
      await route.fulfill({ body, contentType: "application/octet-stream" });
    });
    await tampered.goto(walletUrl("tampered"));
    // The page says so in words, with the code; prove()'s message (unit-tested) names the file and both digests.
    expect(await submit(tampered, { credential, holder: patient })).toMatchObject({ status: "error", code: "ARTIFACT_INTEGRITY" });
    expect(lines).toEqual([]);
    await tampered.close();
  });

  it("the policy is enforced: without 'wasm-unsafe-eval' the page cannot prove; without blob: workers it proves on one thread", async () => {
    const patient = createHolder();
    const credential = await issueCredential(hospital, {
      schema: "patient-record/v1",
      holder: patient.commitment,
      attributes: { dateOfBirth: "1990-04-01" },
    });
    const outcomes: Array<{ result: string | null; console: string }> = [];
    for (const weaker of [CSP.replace(" 'wasm-unsafe-eval'", ""), CSP.replace(" blob:", "")]) {
      csp = weaker;
      const restricted = await browser.newPage();
      const lines: string[] = [];
      restricted.on("console", (message) => lines.push(message.text()));
      try {
        await restricted.goto(walletUrl(`csp-${outcomes.length}`));
        outcomes.push({ result: (await submit(restricted, { credential, holder: patient })).result, console: lines.join("\n") });
      } finally {
        csp = CSP;
        await restricted.close();
      }
    }
    // Compiling WebAssembly (the witness calculator, ffjavascript's curves) needs 'wasm-unsafe-eval':
    // the credential check before it is plain JavaScript (EdDSA on @zk-kit/eddsa-poseidon), so the
    // refusal comes from proving, as PROVING_FAILED (the page shows the code, not the cause).
    // ffjavascript's prover threads are workers from blob: URLs; when the policy refuses them,
    // medzk proves single-threaded rather than waiting for threads that never start.
    expect(outcomes).toMatchObject([
      { result: expect.stringMatching(/^Could not finish: .*\(PROVING_FAILED\)$/) },
      { result: expect.stringMatching(/^Accepted: /), console: expect.stringMatching(/worker.*Content Security Policy|Content Security Policy.*worker/is) },
    ]);
  });

  it("two tabs on one IndexedDB wallet lose no update: three distinct questions with a budget of two, two answered, every receipt kept, a reopened wallet refuses a fourth", async () => {
    // False statements (ageAtLeast 90+ for someone born in 1990): evaluated, so they spend the
    // budget exactly like proofs, without proving in the test.
    const issuer = generateIssuerKey();
    const holder = createHolder();
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-05-17" } });
    const key = generateVerifierKey();
    const acme = createVerifier({ trustedIssuers: [issuer.publicKey], key });
    const [q1, q2, q3, q4] = [90, 91, 92, 93].map((minAge) => acme.createRequest({ statement: { type: "ageAtLeast", minAge } }));
    // Two tabs of one origin in one browser context (one profile): one IndexedDB database.
    const context = await browser.newContext();
    const tabs = [await context.newPage(), await context.newPage()];
    try {
      const open = `(async () => {
        const medzk = await import("/dist/browser/medzk.js");
        window.raceWallet = medzk.createWallet({
          holder: ${JSON.stringify(holder)},
          credentials: [${JSON.stringify(credential)}],
          trustedVerifiers: [{ publicKey: "${key.publicKey}", name: "Acme Health" }],
          store: new medzk.IndexedDbWalletStore("medzk-two-tabs", { unencrypted: true }),
          artifacts: new URL("/artifacts/", location.href),
          // The patient takes a moment: both tabs pass the first budget check before either records.
          consent: () => new Promise((resolve) => setTimeout(() => resolve(true), 50)),
        });
        return (await window.raceWallet.receipts()).length;
      })()`;
      for (const tab of tabs) {
        await tab.goto(walletUrl("two-tabs"));
        expect(await tab.evaluate(open)).toBe(0);
      }
      const ask = (tab: Page, request: unknown) => tab.evaluate(`window.raceWallet.respond(${JSON.stringify(request)}).then(() => "shown", (e) => e.code)`);
      const codes = await Promise.all([ask(tabs[0]!, q1), ask(tabs[1]!, q2), ask(tabs[0]!, q3)]);
      expect([...codes].sort()).toEqual(["PROBING_LIMIT", "STATEMENT_NOT_SATISFIED", "STATEMENT_NOT_SATISFIED"]);
      // Reopened (a reload): the guard remembers both questions and every receipt is there.
      await tabs[1]!.reload();
      expect(await tabs[1]!.evaluate(open)).toBe(3);
      expect(await ask(tabs[1]!, q4)).toBe("PROBING_LIMIT");
    } finally {
      await context.close();
    }
  });

  it("refuses to add a credential bound to another holder, before asking the verifier anything", async () => {
    const credential = await issueCredential(hospital, {
      schema: "patient-record/v1",
      holder: createHolder().commitment,
      attributes: { dateOfBirth: "1990-04-01" },
    });
    await page.goto(walletUrl("mismatch"));
    const shown = await submit(page, { credential, holder: createHolder() });
    expect(shown).toMatchObject({ status: "error", code: "HOLDER_MISMATCH" });
    expect(await page.$$eval("#progress li", (items) => items.map((li) => (li as HTMLElement).dataset["stage"]))).toEqual([]);
  });
});
