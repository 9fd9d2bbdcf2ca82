#!/usr/bin/env node
/**
 * What installing medzk costs a user: packs the full package (`medzk`, from the current build in
 * dist/) and the verifier-only one (`@medzk/verifier`, scripts/pack-verifier.mjs), installs each
 * tarball into an empty temporary project with npm, as a user would, and reports per package:
 * the tarball's size, the install's size on disk (node_modules, `du`), the package's own files,
 * the number of packages installed, which of the FORBIDDEN ones a verifier must not carry are
 * there, and the engine warnings npm printed (EBADENGINE on this Node).
 *
 * npm installs with --prefer-offline (the registry is asked only for what its cache lacks); the
 * figures do not depend on the cache, only the time does.
 *
 * Usage: node scripts/pack-footprint.mjs [--json]   (npm run bench:install builds first)
 * Writes bench/results/install.json as well.
 */
import { execFile, execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FORBIDDEN, VERIFIER_PACKAGE_DIR, packVerifierPackage } from "./pack-verifier.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

/** Packs the full package from the current build (dist/ must exist) next to @medzk/verifier's tarball. */
export function packFullPackage() {
  const dest = dirname(VERIFIER_PACKAGE_DIR);
  mkdirSync(dest, { recursive: true });
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  return join(dest, JSON.parse(out)[0].filename);
}

/**
 * Bytes on disk under `path`: allocated blocks, as `du -s` counts them (directories included,
 * each inode once, symlinks not followed), so small files weigh what they take on a disk.
 */
function diskBytes(path) {
  const seen = new Set();
  const size = (p) => {
    const st = lstatSync(p);
    if (seen.has(st.ino)) return 0;
    seen.add(st.ino);
    let total = st.blocks * 512;
    if (st.isDirectory()) for (const name of readdirSync(p)) total += size(join(p, name));
    return total;
  };
  return size(path);
}

/** The name and version of every package in a node_modules tree, nested copies included. */
function installedPackages(nodeModules) {
  const found = [];
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith("@")) {
        visit(path);
        continue;
      }
      try {
        const pkg = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
        found.push({ name: pkg.name, version: pkg.version, path });
      } catch {
        continue;
      }
      visit(join(path, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

/**
 * Installs `tarball` into a new empty project; returns the project directory, npm's output and
 * the figures. The project is left in place for the caller (a test) to use.
 */
export async function installFootprint(tarball, { name } = {}) {
  const project = mkdtempSync(join(tmpdir(), "medzk-install-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "install-probe", private: true, type: "module" }));
  const { stdout, stderr } = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel", "warn", tarball], {
    cwd: project,
    maxBuffer: 1 << 26,
  });
  const log = `${stdout}${stderr}`;
  const nodeModules = join(project, "node_modules");
  const packages = installedPackages(nodeModules);
  const pkgName = name ?? packages.find((p) => p.path === join(nodeModules, ...(p.name ?? "").split("/")) && /medzk/.test(p.name))?.name;
  const own = join(nodeModules, ...pkgName.split("/"));
  return {
    package: pkgName,
    project,
    log,
    tarballBytes: statSync(tarball).size,
    installedBytes: diskBytes(nodeModules),
    ownBytes: diskBytes(own),
    packageCount: packages.length,
    packages: packages.map(({ name: n, version }) => `${n}@${version}`).sort(),
    forbidden: [...new Set(packages.map((p) => p.name).filter((n) => FORBIDDEN.includes(n)))].sort(),
    engineWarnings: log.split("\n").filter((line) => /EBADENGINE/.test(line)),
  };
}

const MB = (n) => (n / 1024 / 1024).toFixed(1);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const full = packFullPackage();
  const verifier = await packVerifierPackage();
  const results = [await installFootprint(full, { name: "medzk" }), await installFootprint(verifier, { name: "@medzk/verifier" })];
  for (const r of results) rmSync(r.project, { recursive: true, force: true });
  const report = {
    node: process.version,
    packages: results.map(({ project: _p, log: _l, packages, ...figures }) => ({ ...figures, installed: packages })),
  };
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "results", "install.json"), `${JSON.stringify(report, null, 2)}\n`);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`npm install of each packed package into an empty project (Node ${process.version}):\n`);
    console.log(`| package | tarball | installed (node_modules) | its own files | packages | forbidden for a verifier | engine warnings |`);
    console.log(`| --- | ---: | ---: | ---: | ---: | --- | ---: |`);
    for (const r of results) {
      console.log(`| ${r.package} | ${MB(r.tarballBytes)} MB | ${MB(r.installedBytes)} MB | ${MB(r.ownBytes)} MB | ${r.packageCount} | ${r.forbidden.join(", ") || "none"} | ${r.engineWarnings.length} |`);
    }
    console.log(`\nJSON: bench/results/install.json`);
  }
}
