/**
 * The audit trail's PostgreSQL stopped while the service runs: verification results are withheld
 * (503 AUDIT_UNAVAILABLE, nothing released unrecorded), /readyz reports the audit log, and once
 * PostgreSQL is back the service records and answers again without a restart. A real server;
 * no proof is made (a malformed presentation is a verification like any other, and recorded).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type TestPostgres, hasPostgres, setUpAuditRoles, startPostgres } from "../../helpers/postgres.js";

const postgres = hasPostgres("the audit trail with PostgreSQL down");
let pg: TestPostgres;
let service: VerifierService;
let base: string;

beforeAll(async () => {
  if (!postgres) return;
  pg = await startPostgres();
  const writerUrl = await setUpAuditRoles(pg);
  const config = parseServiceConfig({
    listen: { host: "127.0.0.1", port: 0 },
    presets: { adult: { type: "ageAtLeast", minAge: 18 } },
    trustedIssuers: [generateIssuerKey().publicKey],
    signingKey: { hex: generateVerifierKey().privateKey },
    audit: { postgres: { url: writerUrl } },
  });
  service = await createVerifierService(config, { logger: false });
  base = await service.listen();
});

afterAll(async () => {
  await service?.close();
  await pg?.stop();
});

const verify = () => fetch(base + "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ presentation: { format: "nope" }, expected: "1" }) });

describe.skipIf(!postgres)("audit trail on PostgreSQL, the database down", () => {
  it("withholds results with 503 AUDIT_UNAVAILABLE while it is down, and recovers by itself", async () => {
    expect(await (await verify()).json()).toMatchObject({ result: { ok: false, error: { code: "MALFORMED_PRESENTATION" } } });
    await pg.stop();
    const down = await verify();
    expect([down.status, await down.json()]).toEqual([503, { error: { code: "AUDIT_UNAVAILABLE", message: expect.any(String) } }]);
    const ready = await fetch(base + "/readyz");
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false, checks: { keys: "ok", audit: "audit log unavailable" } }]);
    await pg.restart();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await verify()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await fetch(base + "/readyz")).status).toBe(200);
  });
});
