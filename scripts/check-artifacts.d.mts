import type { CircuitFiles } from "./circuits.mjs";

export declare function publicSignalNames(files: CircuitFiles): Promise<{ names: string[]; nOutputs: number; constraints: number }>;
export declare function checkArtifacts(options?: { verifyZkey?: boolean; fresh?: boolean; log?: (message: string) => void }): Promise<string[]>;
