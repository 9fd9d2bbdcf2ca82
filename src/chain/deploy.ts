/**
 * Deploying medzk's contracts: the six snarkjs-generated Groth16 verifiers, the registry's
 * write-time checks (MedzkRegistryChecks: issuer keys in BabyJubJub's prime-order subgroup, purpose
 * scopes), the registry, and each circuit's verifier, verification key (for the batch path) and
 * signal layout set in it.
 */
import type { Abi, Address, PublicClient } from "viem";
import { MedzkError } from "../core/errors.js";
import { type ChainWallet, type ChainWriter, loadViem, send, unavailable } from "./client.js";
import { CHAIN_CIRCUITS, circuitId, circuitLayout, verificationKeyBytes } from "./codec.js";
import { groth16VerifierAbi, medzkRegistryAbi, medzkRegistryChecksAbi } from "./generated/abi.js";
import { groth16VerifierBytecode, medzkRegistryBytecode, medzkRegistryChecksBytecode } from "./generated/bytecode.js";

/** What {@link deployMedzk} deployed. */
export interface MedzkDeployment {
  /** The MedzkRegistry's address. */
  registry: Address;
  /** The MedzkRegistryChecks contract the registry calls when an issuer key or a verifier is added. */
  checks: Address;
  /** Each circuit's Groth16 verifier contract. */
  verifiers: Record<string, Address>;
}

export interface DeployOptions {
  client: PublicClient;
  /** Deploys, becomes DEFAULT_ADMIN_ROLE and (unless given below) ISSUER_ADMIN_ROLE and VERIFIER_ADMIN_ROLE. */
  wallet: ChainWallet;
  /** How long a replaced revocation or set root is still accepted, in seconds. Default 86,400 (one day). */
  maxRootAgeSeconds?: number;
  /** Who admits issuers and publishes trusted sets. Default: the deployer. */
  issuerAdmin?: Address;
  /** Who admits and suspends verifiers. Default: the deployer. */
  verifierAdmin?: Address;
  /** Circuits to set up. Default: all six. */
  circuits?: readonly string[];
}

async function deployContract(client: PublicClient, wallet: ChainWallet, abi: Abi, bytecode: `0x${string}`, args: readonly unknown[] = []): Promise<Address> {
  try {
    const hash = await wallet.deployContract({ abi, bytecode, args, account: wallet.account, chain: wallet.chain } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new MedzkError("CHAIN_TRANSACTION_FAILED", `deployment ${hash} failed`);
    return receipt.contractAddress;
  } catch (error) {
    throw unavailable("deploying a contract", error);
  }
}

/** Deploys the verifiers, the MedzkRegistryChecks contract and the registry (their addresses: `verifiers`, `checks`, `registry`), grants the roles and sets the circuits. */
export async function deployMedzk(options: DeployOptions): Promise<MedzkDeployment> {
  const { client, wallet } = options;
  const maxRootAge = options.maxRootAgeSeconds ?? 86_400;
  if (!Number.isSafeInteger(maxRootAge) || maxRootAge < 0) throw new MedzkError("INVALID_ARGUMENT", `"maxRootAgeSeconds" must be an integer >= 0`);
  const names = options.circuits ?? CHAIN_CIRCUITS;
  const verifiers: Record<string, Address> = {};
  for (const name of names) {
    const bytecode = groth16VerifierBytecode[name];
    if (!bytecode) throw new MedzkError("INVALID_ARGUMENT", `unknown circuit ${JSON.stringify(name)}`);
    verifiers[name] = await deployContract(client, wallet, groth16VerifierAbi as Abi, bytecode);
  }
  const admin = wallet.account.address;
  const checks = await deployContract(client, wallet, medzkRegistryChecksAbi as Abi, medzkRegistryChecksBytecode);
  const registry = await deployContract(client, wallet, medzkRegistryAbi as Abi, medzkRegistryBytecode, [admin, BigInt(maxRootAge), checks]);
  const writer: ChainWriter = { client, wallet, registry };
  const { keccak256, toHex } = await loadViem();
  await send(writer, "grantRole", [keccak256(toHex("medzk.ISSUER_ADMIN")), options.issuerAdmin ?? admin]);
  await send(writer, "grantRole", [keccak256(toHex("medzk.VERIFIER_ADMIN")), options.verifierAdmin ?? admin]);
  for (const name of names) {
    await send(writer, "setCircuit", [circuitId(name), verifiers[name], verificationKeyBytes(name), circuitLayout(name)]);
  }
  return { registry, checks, verifiers };
}
