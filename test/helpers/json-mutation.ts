/**
 * Mutating JSON documents by path, for the strict-parser tests that change one node at a time
 * (a key removed, a value replaced) and compare what a parser and a JSON Schema make of it.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];

/** The node at `path`. */
export function at(doc: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, doc);
}

/** A copy of `doc` with the node at `path` replaced by `value`, or removed when `value` is undefined. */
export function set(doc: Json, path: Path, value: Json | undefined): Json {
  const copy = structuredClone(doc);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
  return copy;
}

/** Every node's path, depth first (the root excluded). */
export function paths(node: Json, prefix: Path = []): Path[] {
  if (typeof node !== "object" || node === null) return [];
  const entries: [string | number, Json][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  return entries.flatMap(([key, value]) => [[...prefix, key], ...paths(value, [...prefix, key])]);
}
