// Minimal typings for the untyped dependencies, covering only what medzk calls.

declare module "circomlibjs" {
  export interface BabyJubField {
    e(value: bigint | string | number): Uint8Array;
    toObject(value: Uint8Array): bigint;
  }
  export interface Eddsa {
    F: BabyJubField;
    prv2pub(privateKey: Uint8Array): [Uint8Array, Uint8Array];
    signPoseidon(privateKey: Uint8Array, message: Uint8Array): { R8: [Uint8Array, Uint8Array]; S: bigint };
    verifyPoseidon(
      message: Uint8Array,
      signature: { R8: [Uint8Array, Uint8Array]; S: bigint },
      publicKey: [Uint8Array, Uint8Array],
    ): boolean;
    babyJub: {
      packPoint(point: [Uint8Array, Uint8Array]): Uint8Array;
      unpackPoint(bytes: Uint8Array): [Uint8Array, Uint8Array] | null;
    };
  }
  export function buildEddsa(): Promise<Eddsa>;
  export function buildPoseidon(): Promise<((inputs: bigint[]) => Uint8Array) & { F: BabyJubField }>;
}

declare module "snarkjs" {
  export interface SnarkjsProof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export const groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: string | Uint8Array | { type: "mem"; data: Uint8Array },
      zkey: string | Uint8Array | { type: "mem"; data: Uint8Array },
      logger?: unknown,
      wtnsCalcOptions?: unknown,
      proverOptions?: { singleThread?: boolean },
    ): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    prove(
      zkey: string | Uint8Array | { type: "mem"; data: Uint8Array },
      witness: string | Uint8Array | { type: "mem"; data: Uint8Array },
      logger?: unknown,
      proverOptions?: { singleThread?: boolean },
    ): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: unknown, proof: unknown): Promise<boolean>;
  };
  /** snarkjs's logger shape (its ceremony functions report through it). */
  export interface SnarkjsLogger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  }
  export const zKey: {
    exportVerificationKey(zkey: string | Uint8Array | { type: "mem"; data: Uint8Array }, logger?: SnarkjsLogger): Promise<Record<string, unknown>>;
    /** Phase 2 setup: the initial zkey from an R1CS and a Powers of Tau file (`snarkjs zkey new`). */
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<unknown>;
    /** One phase-2 contribution; returns its contribution hash (BLAKE2b-512). */
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string, logger?: SnarkjsLogger): Promise<Uint8Array>;
    /** The final random-beacon contribution; returns its contribution hash. */
    beacon(oldZkey: string, newZkey: string, name: string, beaconHashHex: string, numIterationsExp: number, logger?: SnarkjsLogger): Promise<Uint8Array | false>;
    /** `snarkjs zkey verify`: the whole chain from the R1CS and the ptau. */
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<boolean>;
    /** `snarkjs zkey verify` from the initial zkey (`zkey new`'s output) instead of the R1CS: the same checks without recomputing it. */
    verifyFromInit(initialZkey: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<boolean>;
  };
}

declare module "ffjavascript" {
  // The curve object is large and dynamically shaped; medzk wraps it in src/groth16.ts.
  export function buildBn128(singleThread?: boolean): Promise<any>;
}

// ffjavascript's engine builder: not in its export map, so only the verifier-only package's build
// (scripts/pack-verifier.mjs, which resolves it by file path) imports it by this name.
declare module "ffjavascript/src/engine.js" {
  export default function buildEngine(params: object): Promise<unknown>;
}

declare module "circom_runtime" {
  export interface WitnessCalculator {
    /** The witness in snarkjs's .wtns format, for `groth16.prove`. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
    /** The witness as field elements (tests use it to check constraints directly). */
    calculateWitness(input: unknown, sanityCheck?: boolean): Promise<bigint[]>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: unknown): Promise<WitnessCalculator>;
}
