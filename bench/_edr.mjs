// An in-process EVM for the gas benchmark: Hardhat 3's EDR network created programmatically (no
// config file, no port), driven through viem (test/integration/chain/edr.ts is the tests' twin).
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import { createPublicClient, createWalletClient, custom, defineChain } from "viem";

export async function startChain() {
  const hre = await createHardhatRuntimeEnvironment({});
  const { provider } = await hre.network.connect();
  const chain = defineChain({ id: 31337, name: "EDR (in process)", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } } });
  const transport = custom(provider);
  const client = createPublicClient({ chain, transport, pollingInterval: 10 });
  const accounts = await provider.request({ method: "eth_accounts" });
  const wallet = (i) => createWalletClient({ chain, transport, account: accounts[i], pollingInterval: 10 });
  return { client, accounts, wallet };
}
