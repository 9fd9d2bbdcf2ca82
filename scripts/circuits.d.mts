export declare const ROOT: string;
export declare const ARTIFACTS_DIR: string;
export declare const BUILD_DIR: string;
export declare const CEREMONY_DIR: string;
export declare const PTAU_POWER: number;
export declare const PTAU_FILE: string;
export declare const CIRCUITS: ReadonlyArray<{ name: string; statement: string }>;
export declare function compileCircuit(
  name: string,
  outDir?: string,
): Promise<{ r1cs: string; wasm: string; sym: string }>;
