/**
 * Where the Node entry reads proving artifacts from: the package's own artifacts/ folder by
 * default, or a directory path, a file: URL, or an http(s) URL of an artifact host. Loading,
 * hash-checking and caching are shared with the browser entry (loader.ts).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MedzkError } from "../core/errors.js";
import { type ArtifactLocation, directoryUrl, fetchBytes } from "./loader.js";
import { type KeySet, checkKeySet, parseKeyManifest } from "./key-manifest.js";
import { assertObject } from "../core/validate.js";


/**
 * Where to read artifacts from: a directory path, or a file:, http: or https: URL (as a string or
 * URL object) of the directory holding them. Defaults to the package's own.
 */
export type ArtifactSource = string | URL;

/**
 * The package's own artifacts/ folder: beside dist/ once built (one level up from dist/index.js),
 * two levels up from this module when run from source (src/artifacts/node-source.ts) or from a
 * chunk of the CLI build (dist/cli/*.js).
 */
export function defaultDirectory(): URL {
  const built = new URL("../artifacts/", import.meta.url);
  const source = new URL("../../artifacts/", import.meta.url);
  return existsSync(new URL("manifest.json", built)) ? built : source;
}

async function readBytes(url: URL): Promise<Uint8Array> {
  return url.protocol === "file:" ? new Uint8Array(await readFile(fileURLToPath(url))) : fetchBytes(url);
}

/** The location `source` names, for loader.ts's `loadProvingArtifacts`. */
export function nodeArtifactLocation(source?: ArtifactSource): ArtifactLocation {
  return { base: directoryUrl(source === undefined ? defaultDirectory() : toUrl(source)), read: readBytes };
}

function toUrl(source: ArtifactSource, name = "artifacts"): URL {
  if (source instanceof URL) return source;
  // Only these schemes count as URLs: anything else, "C:\\artifacts" included, is a path.
  if (typeof source !== "string") throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be a ${name === "artifacts" ? "directory" : "file"} path or URL`);
  if (!/^(file|https?):/i.test(source)) return pathToFileURL(resolve(source));
  try {
    return new URL(source);
  } catch {
    throw new MedzkError("INVALID_ARGUMENT", `"${name}" is not a valid URL: ${JSON.stringify(source)}`);
  }
}

/** Options of {@link loadKeys}. */
export interface LoadKeysOptions {
  /**
   * The ceremony transcript (`ceremony.json`, a path or a file:/http(s): URL) of each circuit the
   * manifest names, as `medzk ceremony verify` verified it: every verification key must then be
   * the one its circuit's ceremony exported from its final zkey. Without it, the manifest is the
   * file to trust (docs/keys.md).
   */
  transcript?: string | URL | ReadonlyArray<string | URL>;
}

/**
 * Reads production keys: the key manifest at `manifest` (a path, or a file:, http: or https: URL)
 * and the verification key files it names, checked at once (key-manifest.ts's `checkKeySet`: hash pins,
 * R1CS of this version, phase-2 contribution, one circuit per key; with `transcript`, each key
 * the one its circuit's ceremony made), so a wrong manifest fails at start-up. Proving keys are
 * read, and hash-checked, when a proof needs them. Throws MedzkError: INVALID_ARGUMENT,
 * INVALID_KEY_MANIFEST, ARTIFACT_INTEGRITY (a file unreadable or not as pinned, a key not its
 * ceremony's), CEREMONY_INVALID (a transcript malformed or not finalized).
 */
export async function loadKeys(manifest: string | URL, options: LoadKeysOptions = {}): Promise<KeySet> {
  const o = assertObject(options, "options", { required: [], optional: ["transcript"] });
  const url = toUrl(manifest, "keys");
  const transcripts = o.transcript === undefined ? undefined : (Array.isArray(o.transcript) ? o.transcript : [o.transcript]).map((t: unknown) => toUrl(t as string | URL, "transcript"));
  const read = async (file: URL, what: string): Promise<string> => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(await readBytes(file));
    } catch (cause) {
      throw new MedzkError("ARTIFACT_INTEGRITY", `cannot read ${what} ${file.href}`, { cause });
    }
  };
  const readJson = async (file: URL, what: string, code: "INVALID_KEY_MANIFEST" | "CEREMONY_INVALID"): Promise<unknown> => {
    const text = await read(file, what);
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new MedzkError(code, `the ${what} ${file.href} is not JSON`, { cause });
    }
  };
  const json = await readJson(url, "keys manifest", "INVALID_KEY_MANIFEST");
  const parsed = parseKeyManifest(json);
  const base = new URL(".", url);
  const verificationKeys: Record<string, string> = {};
  for (const entry of Object.values(parsed.circuits)) {
    verificationKeys[entry.vkey.path] = await read(new URL(entry.vkey.path, base), "verification key");
  }
  const ceremonies = transcripts === undefined ? undefined : await Promise.all(transcripts.map((t) => readJson(t, "ceremony transcript", "CEREMONY_INVALID")));
  const keys: KeySet = { manifest: json, verificationKeys, base: base.href, ...(ceremonies === undefined ? {} : { ceremonies }) };
  checkKeySet(keys);
  return keys;
}
