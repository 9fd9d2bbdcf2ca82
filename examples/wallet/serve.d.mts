// Types of serve.mjs for TypeScript callers (test/e2e/wallet-page.test.ts).
import type { DestinationStream } from "pino";

export declare const DEMO_VERIFIER_NAME: string;
export declare const DEMO_HOSPITAL_NAME: string;

export interface WalletServer {
  /** The page's address, e.g. "http://127.0.0.1:8787/examples/wallet/". */
  url: string;
  /** The service's base URL (the verifier's and the demo hospital's routes). */
  origin: string;
  verifierPublicKey: string;
  hospitalPublicKey: string;
  close(): Promise<void>;
}

export declare function startWalletServer(options?: { host?: string; port?: number; publicUrl?: string; keysFile?: string; logger?: false | DestinationStream }): Promise<WalletServer>;

/** The card issuers the demo bridge trusts (the SMART Health Cards spec's example issuer), in the VCI directory format; undefined outside a repository checkout. */
export declare function exampleCardIssuers(): import("../../src/shc/trust-directory.js").ShcTrustDirectory | undefined;
