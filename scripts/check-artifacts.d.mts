export declare function checkArtifacts(options?: { verifyZkey?: boolean; log?: (message: string) => void }): Promise<string[]>;
