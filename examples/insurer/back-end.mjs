// The insurer's page of `npm run wallet` (examples/wallet/serve.mjs adds it to the verifier
// service's app): an insurer asking by OpenID4VP (docs/openid4vp.md). The page shows the request
// as a QR code (a phone's wallet scans it) and as a link to the wallet page on this device; its
// back end (`/demo/insurer/*`, here) creates the request at the verifier service, keeps the
// result token (the page never sees it) and tells the page the result, which appears without a
// reload.
//
// NOTE: a demonstration: one insurer, one preset, tokens kept in memory; the service is called
// in-process (app.inject) where a real back end would call it over HTTP.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import QRCode from "qrcode";

const DIR = fileURLToPath(new URL(".", import.meta.url));
const FILES = new Map([
  ["", ["index.html", "text/html; charset=utf-8"]],
  ["index.html", ["index.html", "text/html; charset=utf-8"]],
  ["insurer.js", ["insurer.js", "text/javascript; charset=utf-8"]],
]);

/**
 * Adds the insurer's page and back end to the service's Fastify app.
 * @param {import("fastify").FastifyInstance} app
 * @param {{ origin: string, send: (reply: import("fastify").FastifyReply, file: string, type: string) => Promise<unknown> }} options
 */
export async function addInsurerPage(app, { origin, send }) {
  app.get("/examples/insurer", (_request, reply) => reply.redirect("/examples/insurer/"));
  app.get("/examples/insurer/*", (request, reply) => {
    const page = FILES.get(request.params["*"]);
    if (!page) return reply.code(404).send({ error: { code: "NOT_FOUND", message: "no such page file" } });
    return send(reply, join(DIR, page[0]), page[1]);
  });

  /**
   * The page's handle → the transaction's state and result token. NOTE: the page polls by a
   * handle of its own, never by the state: the state is in the request object (and in the QR
   * code of a request by value), so polling by state would hand the result to whoever saw it.
   * Entries go when the request is long expired (the service forgets it 10 minutes after).
   */
  const transactions = new Map();
  const forget = (now) => {
    for (const [handle, t] of transactions) if (t.dropAt <= now) transactions.delete(handle);
  };
  app.post(
    "/demo/insurer/requests",
    { schema: { body: { type: "object", additionalProperties: false, properties: { by: { type: "string", enum: ["reference", "value"] } } } } },
    async (request, reply) => {
      const created = await app.inject({ method: "POST", url: "/v1/openid4vp/requests", payload: { preset: "adult", by: request.body?.by ?? "reference" } });
      if (created.statusCode !== 201) return reply.code(502).send({ error: { code: "VERIFIER_UNAVAILABLE", message: `the verifier answered ${created.statusCode}` } });
      const { link, state, resultToken, expiresAt } = created.json();
      forget(Date.now());
      const handle = randomBytes(16).toString("base64url");
      transactions.set(handle, { state, resultToken, dropAt: Date.parse(expiresAt) + 15 * 60_000 });
      const qr = await QRCode.toString(link, { type: "svg", errorCorrectionLevel: "L", margin: 2 });
      return reply.code(201).send({
        link,
        handle,
        qr: `data:image/svg+xml;base64,${Buffer.from(qr).toString("base64")}`,
        // Same device: the wallet page, with the request in the fragment (never sent to a server).
        walletLink: `${origin}/examples/wallet/#${new URLSearchParams({ openid4vp: link })}`,
      });
    },
  );
  app.get("/demo/insurer/results/:handle", async (request, reply) => {
    const transaction = transactions.get(request.params.handle);
    if (transaction === undefined) return reply.code(404).send({ error: { code: "NOT_FOUND", message: "no such request" } });
    const { state, resultToken } = transaction;
    const answer = await app.inject({ method: "POST", url: "/v1/openid4vp/results", payload: { state, resultToken } });
    return reply.code(answer.statusCode).send(answer.json());
  });
}
