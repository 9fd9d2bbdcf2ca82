export const VERIFIER_PACKAGE_DIR: string;
export const FORBIDDEN: string[];
export function buildVerifierPackage(options?: { outDir?: string }): Promise<{ dir: string; pkg: Record<string, unknown> }>;
export function packVerifierPackage(options?: { outDir?: string }): Promise<string>;
