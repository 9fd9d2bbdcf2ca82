export interface InstallFootprint {
  package: string;
  project: string;
  log: string;
  tarballBytes: number;
  installedBytes: number;
  ownBytes: number;
  packageCount: number;
  packages: string[];
  forbidden: string[];
  engineWarnings: string[];
}
export function packFullPackage(): string;
export function installFootprint(tarball: string, options?: { name?: string }): Promise<InstallFootprint>;
