/** The verifier service's `chain` setting: trust from a MedzkRegistry contract, validated strictly. */
import { describe, expect, it } from "vitest";
import { generateVerifierKey } from "../../../src/index.js";
import { parseServiceConfig } from "../../../src/server.js";
import { configuredVerifier } from "../../../src/server/configured-verifier.js";

const key = generateVerifierKey().privateKey;
const base = { signingKey: { hex: key }, presets: { adult: { type: "ageAtLeast", minAge: 18 } } };
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return [(error as { code?: string }).code, (error as Error).message];
  }
  return ["(no error)"];
};

describe("service config: chain", () => {
  it("takes an RPC URL and a registry address, with a cache time", () => {
    expect(parseServiceConfig({ ...base, chain: { rpcUrl: "https://rpc.besu.example", registry: REGISTRY } }).chain).toEqual({
      rpcUrl: "https://rpc.besu.example", registry: REGISTRY, cacheSeconds: 30,
    });
    expect(parseServiceConfig({ ...base, chain: { rpcUrl: "http://127.0.0.1:8545", registry: REGISTRY, cacheSeconds: 0 } }).chain?.cacheSeconds).toBe(0);
  });

  it("refuses malformed settings, unknown keys, and a second registry", () => {
    expect(codeOf(() => parseServiceConfig({ ...base, chain: { rpcUrl: "ftp://x", registry: REGISTRY } }))).toEqual(["INVALID_ARGUMENT", expect.stringContaining("chain.rpcUrl")]);
    expect(codeOf(() => parseServiceConfig({ ...base, chain: { rpcUrl: "https://x", registry: "0x1234" } }))).toEqual(["INVALID_ARGUMENT", expect.stringContaining("chain.registry")]);
    expect(codeOf(() => parseServiceConfig({ ...base, chain: { rpcUrl: "https://x", registry: REGISTRY, ttl: 1 } }))[0]).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parseServiceConfig({ ...base, chain: { rpcUrl: "https://x", registry: REGISTRY, cacheSeconds: 7200 } }))[0]).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => parseServiceConfig({ ...base, issuersFile: "issuers.json", chain: { rpcUrl: "https://x", registry: REGISTRY } }))).toEqual(["INVALID_ARGUMENT", expect.stringContaining("not both")]);
    expect(codeOf(() => parseServiceConfig(base))).toEqual(["INVALID_ARGUMENT", expect.stringContaining('"chain"')]);
  });

  it("builds a verifier whose issuer registry is the chain's (read lazily: nothing is contacted yet)", async () => {
    const configured = await configuredVerifier(parseServiceConfig({ ...base, chain: { rpcUrl: "http://127.0.0.1:9", registry: REGISTRY } }));
    expect(configured.chainRegistry).toBeDefined();
    await expect(configured.chainRegistry!.lookupKey("00".repeat(32))).rejects.toMatchObject({ code: "CHAIN_UNAVAILABLE" });
    await configured.close();
  });
});
