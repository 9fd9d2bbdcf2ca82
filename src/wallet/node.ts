/** `createWallet` for Node: proves with Node's `prove` (artifacts from the package unless told otherwise). */
import { prove } from "../prover/node.js";
import { type Wallet, type WalletOptions, createWalletWith } from "./wallet.js";

/** A wallet answering signed requests from trusted verifiers under the holder's policy; see wallet.ts. */
export function createWallet(options: WalletOptions): Wallet {
  return createWalletWith(options, prove);
}
