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
import { type ArtifactLocation, directoryUrl, fetchBytes, loadProvingArtifacts } from "./loader.js";


/**
 * Where to read artifacts from: a directory path, or a file:, http: or https: URL (as a string or
 * URL object) of the directory holding them. Defaults to the package's own.
 */
export type ArtifactSource = string | URL;

/**
 * The package's own artifacts/ folder: beside dist/ once built (dist/index.js), two levels up
 * from this module when run from source (src/artifacts/node-source.ts).
 */
function defaultDirectory(): URL {
  const built = new URL("../artifacts/", import.meta.url);
  const source = new URL("../../artifacts/", import.meta.url);
  return existsSync(new URL("manifest.json", built)) ? built : source;
}

async function readBytes(url: URL): Promise<Uint8Array> {
  return url.protocol === "file:" ? new Uint8Array(await readFile(fileURLToPath(url))) : fetchBytes(url);
}

/** The location `source` names, for {@link loadProvingArtifacts}. */
export function nodeArtifactLocation(source?: ArtifactSource): ArtifactLocation {
  return { base: directoryUrl(source === undefined ? defaultDirectory() : toUrl(source)), read: readBytes };
}

function toUrl(source: ArtifactSource): URL {
  if (source instanceof URL) return source;
  // Only these schemes count as URLs: anything else, "C:\\artifacts" included, is a path.
  if (typeof source !== "string") throw new MedzkError("INVALID_ARGUMENT", `"artifacts" must be a directory path or URL`);
  if (!/^(file|https?):/i.test(source)) return pathToFileURL(resolve(source));
  try {
    return new URL(source);
  } catch {
    throw new MedzkError("INVALID_ARGUMENT", `"artifacts" is not a valid URL: ${JSON.stringify(source)}`);
  }
}
