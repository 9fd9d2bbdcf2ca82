/**
 * SMART Health Card fixtures: the specification's own examples (test/fixtures/shc/, see its
 * README), a trust directory holding the spec's example issuer, and a test issuer that signs
 * cards of its own (for the refusals the published examples cannot show: a future nbf, another
 * zip, an oversized payload).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateSync } from "fflate";
import { CompactSign, type JWK, type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { ShcRevocationList, ShcTrustDirectory } from "../../src/shc/trust-directory.js";

const DIR = fileURLToPath(new URL("../fixtures/shc/", import.meta.url));
export const readShcFixture = (name: string): string => readFileSync(`${DIR}${name}`, "utf8");

/** The spec's example issuer (`iss` of every example card). */
export const SPEC_ISS = "https://spec.smarthealth.cards/examples/issuer";
export const SPEC_ISSUER_NAME = "SMART Health Cards example issuer";
/** Key 0 of the example JWKS: signs examples 00, 02 and 03; has crlVersion 1. */
export const SPEC_KID = "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s";
/** Key 1 of the example JWKS (with an x5c chain): signs example 01. */
export const SPEC_KID_X5C = "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw";
/** A time when every example is valid: after their nbf (2023-06-22), before example 03's exp (2024-06-21). */
export const EXAMPLES_VALID_AT = new Date("2024-01-01T00:00:00Z");
export const EXAMPLES = ["00", "01", "02", "03"] as const;

export const specJwks = (): { keys: JWK[] } => JSON.parse(readShcFixture("jwks.json"));
export const specCrl = (): ShcRevocationList => JSON.parse(readShcFixture(`${SPEC_KID}.json`));

/** The example card `n` in each of its published forms. */
export function example(n: (typeof EXAMPLES)[number]): { file: string; jws: string; qr: string[]; payload: { vc: { credentialSubject: { fhirBundle: unknown }; rid?: string } } } {
  const qr: string[] = [];
  for (let i = 0; ; i++) {
    try {
      qr.push(readShcFixture(`example-${n}-f-qr-code-numeric-value-${i}.txt`).trim());
    } catch {
      break;
    }
  }
  return {
    file: readShcFixture(`example-${n}-e-file.smart-health-card`),
    jws: readShcFixture(`example-${n}-d-jws.txt`).trim(),
    qr,
    payload: JSON.parse(readShcFixture(`example-${n}-b-jws-payload-expanded.json`)),
  };
}

type IssuerInfo = ShcTrustDirectory["issuerInfo"][number];

/** A trust directory (VCI snapshot format) holding the spec's example issuer, its JWKS and its CRL, and any other entries given. */
export function specDirectory(options: { keys?: JWK[]; crls?: ShcRevocationList[]; more?: IssuerInfo[] } = {}): ShcTrustDirectory {
  return {
    directory: "test/fixtures/shc",
    time: "2026-12-07T00:00:00Z",
    issuerInfo: [
      { issuer: { iss: SPEC_ISS, name: SPEC_ISSUER_NAME }, keys: (options.keys ?? specJwks().keys) as IssuerInfo["keys"], crls: options.crls ?? [specCrl()] },
      ...(options.more ?? []),
    ],
  };
}

/** A card issuer made for the test: an ES256 key pair, its directory entry, and a signer of arbitrary cards. */
export interface TestCardIssuer {
  iss: string;
  kid: string;
  publicJwk: JWK;
  entry(extra?: { crlVersion?: number; crls?: ShcRevocationList[] }): IssuerInfo;
  /** Signs `payload` (JSON, deflated unless `raw`) under `header` (default { alg: ES256, zip: DEF, kid }). */
  sign(payload: unknown, options?: { header?: Record<string, unknown>; raw?: boolean }): Promise<string>;
}

export async function testCardIssuer(iss: string, name = "Test card issuer"): Promise<TestCardIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = { kty: "EC", crv: "P-256", x: exported.x!, y: exported.y! };
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");
  return {
    iss,
    kid,
    publicJwk,
    entry: (extra = {}) => ({
      issuer: { iss, name },
      keys: [{ ...publicJwk, kid, use: "sig", alg: "ES256", ...(extra.crlVersion === undefined ? {} : { crlVersion: extra.crlVersion }) } as IssuerInfo["keys"][number]],
      ...(extra.crls ? { crls: extra.crls } : {}),
    }),
    sign: (payload, options = {}) => signWith(privateKey, options.header ?? { alg: "ES256", zip: "DEF", kid }, payload, options.raw ?? false),
  };
}

async function signWith(key: CryptoKey, header: Record<string, unknown>, payload: unknown, raw: boolean): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(raw ? json : deflateSync(json)).setProtectedHeader(header as { alg: string }).sign(key);
}

/** The payload of a health card from `iss` holding `bundle`, issued at `nbf` (seconds). */
export function cardPayload(iss: string, bundle: unknown, nbf: number, extra: { exp?: number; rid?: string } = {}): Record<string, unknown> {
  return {
    iss,
    nbf,
    ...(extra.exp === undefined ? {} : { exp: extra.exp }),
    vc: {
      type: ["https://smarthealth.cards#health-card"],
      credentialSubject: { fhirVersion: "4.0.1", fhirBundle: bundle },
      ...(extra.rid === undefined ? {} : { rid: extra.rid }),
    },
  };
}

/** The numeric shc:/ text of a JWS, cut into `chunks` codes when more than one (spec §Encoding QRs). */
export function toQrTexts(jws: string, chunks = 1): string[] {
  const digits = [...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, "0"));
  const size = Math.ceil(digits.length / chunks);
  return Array.from({ length: chunks }, (_, i) => `shc:/${chunks > 1 ? `${i + 1}/${chunks}/` : ""}${digits.slice(i * size, (i + 1) * size).join("")}`);
}
