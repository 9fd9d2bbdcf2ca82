/**
 * Loading the proving artifacts (witness-calculator wasm and proving key) of a circuit from a
 * base location, platform-neutral: the Node entry reads files (node-source.ts), the browser
 * entry fetches URLs (browser.ts). Whatever the source, every file is checked against the SHA-256
 * pin of the manifest bundled into the library before it is used, so a compromised artifact host
 * can make proving fail but cannot make the wallet prove with a key of its choosing.
 */
import { checkHash, circuitManifest, type ArtifactFile } from "./manifest.js";
import { MedzkError } from "../core/errors.js";

export interface ProvingArtifacts {
  wasm: Uint8Array;
  zkey: Uint8Array;
}

/**
 * Where artifacts come from: `base` is a directory URL ending in "/" (file:, http:, https:, …)
 * that names the location in error messages and keys the cache; `read` returns the bytes of a
 * file given its URL.
 */
export interface ArtifactLocation {
  base: URL;
  read: (url: URL) => Promise<Uint8Array>;
}

const cache = new Map<string, Promise<ProvingArtifacts>>();

/**
 * The circuit's wasm and proving key from `location`, hash-checked against `pinned` (a key
 * manifest's entry for production keys) or else the shipped manifest, cached per base, circuit
 * and pins.
 */
export function loadProvingArtifacts(circuit: string, location: ArtifactLocation, pinned?: { wasm: ArtifactFile; zkey: ArtifactFile }): Promise<ProvingArtifacts> {
  const files = pinned ?? circuitManifest(circuit).files;
  const key = JSON.stringify([location.base.href, circuit, files.wasm, files.zkey]);
  let entry = cache.get(key);
  if (!entry) {
    entry = Promise.all([load(location, files.wasm), load(location, files.zkey)]).then(([wasm, zkey]) => ({ wasm, zkey }));
    // A failed load is not cached: the next call retries (after a reinstall, or a network error).
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

async function load(location: ArtifactLocation, file: ArtifactFile): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await location.read(new URL(file.path, location.base));
  } catch (cause) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `cannot read artifact ${file.path} from ${location.base.href}`, { cause });
  }
  checkHash(bytes, file);
  return bytes;
}

/** Reads a URL with fetch (browsers, and http(s) artifact hosts from Node). */
export async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** `base` as a directory URL: with a trailing "/", so file names resolve inside it. */
export function directoryUrl(base: URL): URL {
  const dir = new URL(base);
  if (!dir.pathname.endsWith("/")) dir.pathname += "/";
  return dir;
}
