/**
 * Loading the proving artifacts (witness-calculator wasm and proving key) of a circuit, checked
 * against the SHA-256 pins of the bundled manifest before use and cached per process.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkHash, circuitManifest, type ArtifactFile } from "./artifacts.js";
import { MedzkError } from "./errors.js";

export interface ProvingArtifacts {
  wasm: Uint8Array;
  zkey: Uint8Array;
}

/** Where to read artifacts from: a directory path or file: URL. Defaults to the package's own. */
export type ArtifactSource = string | URL;

const DEFAULT_DIR = new URL("../artifacts/", import.meta.url);
const cache = new Map<string, Promise<ProvingArtifacts>>();

async function load(dir: URL, file: ArtifactFile): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(fileURLToPath(new URL(file.path, dir))));
  } catch (cause) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `cannot read artifact ${file.path} from ${dir.href}`, { cause });
  }
  checkHash(bytes, file);
  return bytes;
}

export function provingArtifacts(circuit: string, source?: ArtifactSource): Promise<ProvingArtifacts> {
  const dir = source === undefined ? DEFAULT_DIR : toDirUrl(source);
  const key = `${dir.href}#${circuit}`;
  let entry = cache.get(key);
  if (!entry) {
    const { files } = circuitManifest(circuit);
    entry = Promise.all([load(dir, files.wasm), load(dir, files.zkey)]).then(([wasm, zkey]) => ({ wasm, zkey }));
    // A failed load is not cached: the next call retries (for example after a reinstall).
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

function toDirUrl(source: ArtifactSource): URL {
  const href = source instanceof URL ? source.href : pathToFileURL(resolve(source)).href;
  return new URL(href.endsWith("/") ? href : `${href}/`);
}
