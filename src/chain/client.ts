/**
 * The viem clients medzk/chain works through, and how it fails. viem is an optional peer
 * dependency: a verifier that never touches a chain does not install it. Callers create the
 * clients (any transport: HTTP to Besu or an L2, or an in-process EIP-1193 provider) and pass
 * them in; this module only uses their methods, and imports viem itself lazily for event decoding.
 */
import type { Abi, Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import { MedzkError } from "../core/errors.js";
import { medzkRegistryAbi } from "./generated/abi.js";

export type { Address };
export type ChainWallet = WalletClient<Transport, Chain | undefined, Account>;

/** Where the registry is and how to read it. */
export interface ChainReader {
  /** A viem public client on the registry's chain. */
  client: PublicClient;
  /** The MedzkRegistry contract's address. */
  registry: Address;
}

/** Where the registry is, how to read it, and the account that writes. */
export interface ChainWriter extends ChainReader {
  /** A viem wallet client whose `account` is the writer (an admin, an issuer or a verifier account). */
  wallet: ChainWallet;
}

/** viem, loaded on first use; MISSING_DEPENDENCY if it is not installed. */
export async function loadViem(): Promise<typeof import("viem")> {
  try {
    return await import("viem");
  } catch (cause) {
    throw new MedzkError("MISSING_DEPENDENCY", `medzk/chain needs the viem package: run npm install viem`, { cause });
  }
}

/** Any failure to read the chain, as CHAIN_UNAVAILABLE (a MedzkError passes through). */
export function unavailable(what: string, cause: unknown): MedzkError {
  if (cause instanceof MedzkError) return cause;
  return new MedzkError("CHAIN_UNAVAILABLE", `${what}: ${(cause as Error)?.message?.split("\n")[0] ?? String(cause)}`, { cause });
}

/** The decoded contract error inside a viem error (or a MedzkError caused by one), if there is one. */
export function revertError(error: unknown): { errorName: string; args: readonly unknown[] } | undefined {
  let e = error as { cause?: unknown; data?: { errorName?: string; args?: readonly unknown[] } } | undefined;
  for (let depth = 0; e && depth < 8; depth++) {
    if (e.data?.errorName) return { errorName: e.data.errorName, args: e.data.args ?? [] };
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The name and arguments of a contract error inside a viem error, if there is one ("NotAnIssuer(0x…)"). */
export function revertReason(error: unknown): string | undefined {
  const found = revertError(error);
  return found && `${found.errorName}(${found.args.map(String).join(", ")})`;
}

/**
 * Sends one registry transaction from the writer's account and waits for its receipt. A revert
 * (simulated first, so the contract's named error is reported) or a failed receipt throws
 * CHAIN_TRANSACTION_FAILED naming the function and the error; an unreachable RPC CHAIN_UNAVAILABLE.
 */
export async function send(
  writer: ChainWriter,
  functionName: string,
  args: readonly unknown[],
): Promise<{ hash: `0x${string}`; blockNumber: bigint; logs: readonly { address: Address; data: `0x${string}`; topics: readonly `0x${string}`[] }[] }> {
  let hash: `0x${string}`;
  try {
    const { request } = await writer.client.simulateContract({
      address: writer.registry,
      abi: medzkRegistryAbi as Abi,
      functionName,
      args,
      account: writer.wallet.account,
    });
    hash = await writer.wallet.writeContract(request as never);
  } catch (error) {
    const reason = revertReason(error);
    if (reason) throw new MedzkError("CHAIN_TRANSACTION_FAILED", `${functionName} reverted: ${reason}`, { cause: error });
    throw unavailable(`${functionName} could not be sent`, error);
  }
  let receipt;
  try {
    receipt = await writer.client.waitForTransactionReceipt({ hash });
  } catch (error) {
    throw unavailable(`${functionName} (${hash}) did not confirm`, error);
  }
  if (receipt.status !== "success") throw new MedzkError("CHAIN_TRANSACTION_FAILED", `${functionName} (${hash}) reverted`);
  return { hash, blockNumber: receipt.blockNumber, logs: receipt.logs };
}

/** One registry read (at `blockNumber`, or the latest block), failing with CHAIN_UNAVAILABLE. */
export async function read<T>(reader: ChainReader, functionName: string, args: readonly unknown[] = [], blockNumber?: bigint): Promise<T> {
  try {
    const at = blockNumber === undefined ? {} : { blockNumber };
    return (await reader.client.readContract({ address: reader.registry, abi: medzkRegistryAbi as Abi, functionName, args, ...at })) as T;
  } catch (error) {
    throw unavailable(`reading ${functionName} from the registry ${reader.registry}`, error);
  }
}
