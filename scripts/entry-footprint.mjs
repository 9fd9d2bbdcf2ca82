#!/usr/bin/env node
/**
 * What an entry point of the built package loads: bundles dist/<entry>.js with esbuild (Node
 * platform, everything inlined but Node built-ins) and reports the bytes of JavaScript per
 * package, plus the installed size on disk of each dependency it reaches.
 * `@medzk/verifier` measures the verifier-only package's build instead (dist/packages/verifier,
 * made by scripts/pack-verifier.mjs): the same entry with ffjavascript's engine inlined.
 * Installed sizes are of this repository's node_modules; what a user's install weighs is
 * scripts/pack-footprint.mjs's (npm run bench:install).
 * Usage: node scripts/entry-footprint.mjs [verifier|index|server|chain|@medzk/verifier] [--json]
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Package name of a bundled input path ("node_modules/@scope/name/..." or "dist/..."). */
function packageOf(path) {
  const parts = path.split("node_modules/");
  if (parts.length === 1) return "medzk";
  const rest = parts.at(-1).split("/");
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

export async function entryFootprint(entry) {
  const file = entry === "@medzk/verifier" ? join(ROOT, "dist", "packages", "verifier", "dist", "verifier.js") : join(ROOT, "dist", `${entry}.js`);
  const result = await build({
    entryPoints: [file],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
  });
  const packages = new Map();
  for (const [path, info] of Object.entries(result.metafile.inputs)) {
    const name = packageOf(path);
    const p = packages.get(name) ?? { name, jsBytes: 0, files: 0 };
    p.jsBytes += info.bytes;
    p.files += 1;
    packages.set(name, p);
  }
  for (const p of packages.values()) {
    if (p.name !== "medzk") p.installedBytes = dirSize(join(ROOT, "node_modules", p.name));
  }
  const list = [...packages.values()].sort((a, b) => b.jsBytes - a.jsBytes);
  return {
    entry,
    bundledBytes: result.outputFiles[0].contents.length,
    packages: list,
    dependencyInstalledBytes: list.reduce((sum, p) => sum + (p.installedBytes ?? 0), 0),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "verifier";
  const report = await entryFootprint(entry);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
    const label = entry.startsWith("@") ? entry : `medzk/${entry === "index" ? "" : entry}`;
    console.log(`${label}: ${kb(report.bundledBytes)} of JavaScript when bundled`);
    for (const p of report.packages) console.log(`  ${p.name.padEnd(28)} ${kb(p.jsBytes).padStart(8)} loaded${p.installedBytes ? `, ${kb(p.installedBytes)} installed` : ""}`);
    console.log(`  dependencies reached: ${kb(report.dependencyInstalledBytes)} installed`);
  }
}
