import type { CircuitFiles } from "./circuits.mjs";

export declare function publicSignalNames(files: CircuitFiles): Promise<{ names: string[]; nOutputs: number; constraints: number }>;
export declare function checkArtifacts(options?: { verifyZkey?: boolean; fresh?: boolean; circuits?: readonly string[]; log?: (message: string) => void }): Promise<string[]>;
