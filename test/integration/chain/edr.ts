/**
 * An in-process EVM for the chain tests and the ledger demo: Hardhat 3's EDR network, created
 * programmatically (no config file, no network port), driven through viem over its EIP-1193 provider.
 */
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import { type Address, createPublicClient, createWalletClient, custom, defineChain } from "viem";
import type { ChainWallet } from "../../../src/chain.js";

export async function startChain() {
  const hre = await createHardhatRuntimeEnvironment({});
  const { provider } = await hre.network.connect();
  const chain = defineChain({
    id: 31337,
    name: "EDR (in process)",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
  });
  // No retries: the provider is in process, so a failed request (a revert) fails at once, not
  // after viem's default three retries with backoff (about a second per reverted call).
  const transport = custom(provider, { retryCount: 0 });
  // Automining: a receipt exists as soon as the transaction is sent, so poll fast.
  const client = createPublicClient({ chain, transport, pollingInterval: 10 });
  const accounts = (await provider.request({ method: "eth_accounts" })) as Address[];
  const wallet = (i: number): ChainWallet => createWalletClient({ chain, transport, account: accounts[i]!, pollingInterval: 10 }) as ChainWallet;
  const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });
  return {
    client,
    accounts,
    wallet,
    rpc,
    snapshot: async () => (await rpc("evm_snapshot")) as string,
    revert: async (id: string) => {
      await rpc("evm_revert", [id]);
    },
    /** Moves the chain's clock forward and mines a block. */
    increaseTime: async (seconds: number) => {
      await rpc("evm_increaseTime", [seconds]);
      await rpc("evm_mine");
    },
  };
}
