export interface PackageFootprint {
  name: string;
  jsBytes: number;
  files: number;
  installedBytes?: number;
}
export function entryFootprint(entry: string): Promise<{
  entry: string;
  bundledBytes: number;
  packages: PackageFootprint[];
  dependencyInstalledBytes: number;
}>;
