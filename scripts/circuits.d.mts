export declare const ROOT: string;
export declare const ARTIFACTS_DIR: string;
export declare const BUILD_DIR: string;
export declare const CEREMONY_DIR: string;
export declare const PTAU_POWER: number;
export declare const PTAU_FILE: string;

export declare const ISSUER_MODES: readonly ["key", "set"];

/** One entry of circuits/circuits.json, as readRegistry returns it. */
export interface CircuitEntry {
  name: string;
  template: string;
  include: string;
  params: Record<string, number | string>;
  schema: string | null;
  statements: string[];
  /** "key": issuer key and revocation root public; "set": hidden among the trusted issuer set. */
  issuerMode: "key" | "set";
  outputs: string[];
  publicSignals: string[];
  publicInputs: string[];
}
export interface CircuitFiles {
  r1cs: string;
  wasm: string;
  sym: string;
}
export declare function readRegistry(path?: string): { pragma: string; circuits: CircuitEntry[] };
export declare const CIRCUITS: readonly CircuitEntry[];
export declare function mainSource(name: string): string;
export declare function compileCircuit(name: string, outDir?: string): Promise<CircuitFiles>;
export declare function compiledCircuit(name: string, options?: { onlyIfFree?: false; log?: (message: string) => void }): Promise<CircuitFiles>;
export declare function compiledCircuit(name: string, options: { onlyIfFree: true; log?: (message: string) => void }): Promise<CircuitFiles | undefined>;
/** The initial zkey (zkey new on the compiled R1CS and the committed ptau), cached beside the compile. */
export declare function initialZkey(name: string, options?: { log?: (message: string) => void }): Promise<{ path: string; sha256: string }>;
