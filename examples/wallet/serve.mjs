#!/usr/bin/env node
// `npm run wallet`: the patient wallet page, a verifier service and a demo hospital, in one
// process on one origin, so the page needs no `?verifier=` parameter, no CORS and no static server
// of its own.
//
// - The verifier is medzk's own service (medzk/server, `createVerifierService`), with one preset
//   ("adult": at least 18 today); this script only adds routes to the Fastify app it returns.
// - The page, the browser bundle and the proving artifacts are served from the same app, at the
//   paths they have in the repository and in the npm package (examples/wallet/, dist/browser/,
//   artifacts/), so the page's relative imports are the ones a copied deployment uses.
// - verifiers.json is generated: it names this verifier's key (the page's trust list), and
//   hospitals.json names the demo hospital with the route that issues a record to the page's
//   holder: `POST /demo/records` { commitment, encryptionKey } → { envelope } (a credential sealed
//   to the holder's encryption key; the server never sees the holder secret).
//
// - examples/insurer/ (in a checkout of the repository) is an insurer's page asking by OpenID4VP
//   (docs/openid4vp.md), added by examples/insurer/back-end.mjs.
//
// Every page file is sent with the Content-Security-Policy of docs/browser.md.
//
// NOTE: a demonstration, not a deployment: the demo hospital issues a record with a fixed date of
// birth to anyone who asks, and the verifier trusts it. The keys are kept in a file (mode 0600,
// in the system's temporary directory unless MEDZK_WALLET_KEYS names another) so that a wallet
// made on one run still answers after a restart.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WALLET_DIR = join(ROOT, "examples/wallet");
const BUNDLE = join(ROOT, "dist/browser/medzk.js");
const ARTIFACTS = join(ROOT, "artifacts");

/** The policy of docs/browser.md: everything from this origin, WebAssembly compiled, prover workers from blob: URLs. */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const DEMO_VERIFIER_NAME = "Riverside Pharmacy";
export const DEMO_HOSPITAL_NAME = "St Mary's Hospital";
const DEMO_DATE_OF_BIRTH = "1990-04-01";

const PAGE_FILES = new Map([
  ["", ["index.html", "text/html; charset=utf-8"]],
  ["index.html", ["index.html", "text/html; charset=utf-8"]],
  ["wallet.js", ["wallet.js", "text/javascript; charset=utf-8"]],
  ["wallet.css", ["wallet.css", "text/css; charset=utf-8"]],
  ["openid4vp.js", ["openid4vp.js", "text/javascript; charset=utf-8"]],
]);
const INSURER_BACK_END = join(ROOT, "examples/insurer/back-end.mjs");
const ARTIFACT_NAME = /^[a-z0-9_]{1,64}\.(wasm|zkey)$/;

/**
 * Starts the verifier service with the wallet page on it.
 * @param {{ host?: string, port?: number, publicUrl?: string, keysFile?: string, logger?: false | import("pino").DestinationStream }} [options]
 *   `port` 0 (the default) takes a free one; `publicUrl` is the address browsers use when a
 *   (TLS-terminating) proxy is in front (default http://host:port); `keysFile` keeps the demo keys
 *   (default: new keys, not kept).
 */
export async function startWalletServer(options = {}) {
  const missing = [BUNDLE, join(ROOT, "dist/index.js"), join(ROOT, "dist/server.js")].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`${missing.join(", ")} missing: run "npm run build" first (npm run wallet does)`);
  const { generateIssuerKey, generateVerifierKey, issueCredential, sealCredential, MedzkError } = await import(pathToFileURL(join(ROOT, "dist/index.js")).href);
  const { createVerifierService, parseServiceConfig } = await import(pathToFileURL(join(ROOT, "dist/server.js")).href);

  const host = options.host ?? "127.0.0.1";
  // The port is signed into every request (responseUrl), so it must be known before start-up.
  const port = options.port || (await freePort(host));
  // The origin browsers see: signed into requests (responseUrl) and listed in verifiers.json.
  const origin = options.publicUrl !== undefined ? new URL(options.publicUrl).origin : `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const keys = await demoKeys(options.keysFile, { generateIssuerKey, generateVerifierKey });

  const config = parseServiceConfig({
    name: DEMO_VERIFIER_NAME,
    listen: { host, port },
    signingKey: { hex: keys.verifier.privateKey },
    responseUrl: `${origin}/v1/verify`,
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [keys.hospital.publicKey],
    // OpenID4VP beside the service's own API: request_uri and response_uri on this origin.
    openid4vp: { publicUrl: origin },
  });
  const service = await createVerifierService(config, options.logger === undefined ? {} : { logger: options.logger });
  const { app } = service;

  const headers = (type) => ({
    "content-type": type,
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  });
  const send = async (reply, file, type) => reply.headers(headers(type)).send(await readFile(file));

  // The page's trust list and hospital list, naming this run's keys.
  const verifiers = JSON.stringify({ format: "medzk-verifiers/v1", verifiers: [{ publicKey: keys.verifier.publicKey, name: DEMO_VERIFIER_NAME, origins: [origin] }] });
  const hospitals = JSON.stringify({ format: "medzk-wallet-hospitals/v1", hospitals: [{ name: DEMO_HOSPITAL_NAME, publicKey: keys.hospital.publicKey, demoRecords: "/demo/records" }] });

  app.get("/", (_request, reply) => reply.redirect("/examples/wallet/"));
  app.get("/examples/wallet", (_request, reply) => reply.redirect("/examples/wallet/"));
  app.get("/examples/wallet/verifiers.json", (_request, reply) => reply.headers(headers("application/json")).send(verifiers));
  app.get("/examples/wallet/hospitals.json", (_request, reply) => reply.headers(headers("application/json")).send(hospitals));
  app.get("/examples/wallet/*", (request, reply) => {
    const page = PAGE_FILES.get(request.params["*"]);
    if (!page) return reply.code(404).send({ error: { code: "NOT_FOUND", message: "no such page file" } });
    return send(reply, join(WALLET_DIR, page[0]), page[1]);
  });
  app.get("/dist/browser/medzk.js", (_request, reply) => send(reply, BUNDLE, "text/javascript; charset=utf-8"));
  app.get("/artifacts/:file", (request, reply) => {
    const { file } = request.params;
    if (!ARTIFACT_NAME.test(file) || !existsSync(join(ARTIFACTS, file))) return reply.code(404).send({ error: { code: "NOT_FOUND", message: "no such artifact" } });
    return send(reply, join(ARTIFACTS, file), file.endsWith(".wasm") ? "application/wasm" : "application/octet-stream");
  });
  app.get("/favicon.ico", (_request, reply) => reply.code(204).send());

  // The insurer's page (examples/insurer/, in a checkout of the repository; not in the package).
  if (existsSync(INSURER_BACK_END)) {
    const { addInsurerPage } = await import(pathToFileURL(INSURER_BACK_END).href);
    await addInsurerPage(app, { origin, send });
  }

  // The demo hospital: a patient record sealed to the holder's encryption key. Body checked by
  // Fastify's schema (no other keys), the values by medzk (a malformed commitment or key is
  // refused with its code, as any caller mistake).
  app.post(
    "/demo/records",
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          required: ["commitment", "encryptionKey"],
          properties: { commitment: { type: "string", maxLength: 100 }, encryptionKey: { type: "string", maxLength: 100 } },
        },
      },
    },
    async (request, reply) => {
      const { commitment, encryptionKey } = request.body;
      try {
        const credential = await issueCredential(keys.hospital, { schema: "patient-record/v1", holder: commitment, attributes: { dateOfBirth: DEMO_DATE_OF_BIRTH } });
        return reply.code(201).send({ envelope: await sealCredential(credential, encryptionKey) });
      } catch (error) {
        if (error instanceof MedzkError) return reply.code(400).send({ error: { code: error.code, message: error.message } });
        throw error;
      }
    },
  );

  const url = await service.listen();
  return {
    /** The page's address. */
    url: `${url}/examples/wallet/`,
    origin: url,
    verifierPublicKey: keys.verifier.publicKey,
    hospitalPublicKey: keys.hospital.publicKey,
    close: () => service.close(),
  };
}

/** A free TCP port on the host (closed again before the service binds it). */
async function freePort(host) {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once("error", reject).listen(0, host, resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The demo keys: new ones, or kept in a file (made on the first run, mode 0600). */
async function demoKeys(file, { generateIssuerKey, generateVerifierKey }) {
  if (file !== undefined && existsSync(file)) {
    const kept = JSON.parse(await readFile(file, "utf8"));
    if (kept?.format !== "medzk-wallet-demo-keys/v1" || typeof kept.verifier?.privateKey !== "string" || typeof kept.hospital?.privateKey !== "string") {
      throw new Error(`${file} is not a medzk wallet demo keys file: delete it to start over`);
    }
    return kept;
  }
  const keys = { format: "medzk-wallet-demo-keys/v1", verifier: generateVerifierKey(), hospital: generateIssuerKey() };
  if (file !== undefined) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temporary, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  }
  return keys;
}

async function main() {
  const env = process.env;
  const port = Number(env["MEDZK_WALLET_PORT"] ?? env["PORT"] ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`MEDZK_WALLET_PORT must be a port number, got ${JSON.stringify(env["MEDZK_WALLET_PORT"] ?? env["PORT"])}`);
  const keysFile = env["MEDZK_WALLET_KEYS"] ?? join(tmpdir(), "medzk-wallet-demo", "keys.json");
  // The service's JSON log lines go to stderr, so the address below stays readable on stdout.
  const publicUrl = env["MEDZK_WALLET_PUBLIC_URL"];
  const server = await startWalletServer({ host: env["MEDZK_WALLET_HOST"] ?? "127.0.0.1", port, keysFile, logger: process.stderr, ...(publicUrl ? { publicUrl } : {}) });
  console.log(`medzk patient wallet: open ${publicUrl ? new URL("/examples/wallet/", publicUrl).href : server.url}`);
  console.log(`  verifier "${DEMO_VERIFIER_NAME}" (POST ${server.origin}/v1/requests, /v1/verify) and demo hospital "${DEMO_HOSPITAL_NAME}" on the same origin`);
  if (existsSync(INSURER_BACK_END)) console.log(`  the insurer's page, asking by OpenID4VP (QR code or link): ${server.origin}/examples/insurer/`);
  console.log(`  demo keys kept in ${keysFile}; Ctrl-C stops`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`npm run wallet: ${error.message}`);
    process.exit(1);
  });
}
