#!/usr/bin/env node
/**
 * Builds @medzk/verifier, the verifier-only package, into dist/packages/verifier/ (and, with
 * --pack, packs it there as a tarball): `medzk/verifier` for services that verify presentations
 * and never prove or issue, without the prover, the issuer, the circuit tooling or the HTTP server.
 *
 * The package is generated from this repository, nothing of it is kept by hand:
 * - its code is src/verifier.ts bundled by tsup (ESM, CommonJS and types), medzk's own modules
 *   inlined and its npm dependencies left as imports;
 * - ffjavascript is the exception: its wasm generator (wasmcurves, a 37 MB install) is not needed
 *   because medzk hands its engine pre-generated wasm, so src/groth16/engine.ts is swapped for
 *   src/shims/ffjavascript-engine.ts and ffjavascript's engine file (with the ffjavascript files it
 *   imports) is bundled; its own dependency web-worker stays a dependency;
 * - version, license, engines and every dependency range come from the root package.json (and, for
 *   web-worker, from the pinned ffjavascript's package.json): one source of truth;
 * - its dependencies are the packages the bundle actually imports: an import of a package that is
 *   not in the root's dependencies or peerDependencies, or of one on the FORBIDDEN list, fails the
 *   build. Optional peers (pg) stay optional; the code throws MISSING_DEPENDENCY without them.
 *
 * Verification keys need no files: they are in the code (src/artifacts/manifest.ts imports them
 * from artifacts/*.vkey.json, hash-checked against the manifest at load).
 *
 * Usage: node scripts/pack-verifier.mjs [--pack]   (prints the package directory or tarball path)
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const VERIFIER_PACKAGE_DIR = join(ROOT, "dist", "packages", "verifier");

/** Packages the verifier-only package must never depend on: prover, issuer, circuit tooling, HTTP server. */
export const FORBIDDEN = [
  "snarkjs",
  "circomlibjs",
  "circom_runtime",
  "circom2",
  "r1csfile",
  "ffjavascript",
  "wasmcurves",
  "wasmbuilder",
  "blake-hash",
  "@zk-kit/eddsa-poseidon",
  "fastify",
  "pino",
  "viem",
];

const require = createRequire(import.meta.url);
const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
// ffjavascript exports no package.json: its CommonJS entry is build/main.cjs.
const ffjavascriptDir = join(dirname(require.resolve("ffjavascript")), "..");
const ffjavascriptPkg = JSON.parse(readFileSync(join(ffjavascriptDir, "package.json"), "utf8"));

/** Swaps src/groth16/engine.ts for the bundled engine, and resolves that engine's import by path. */
const bundledEngine = {
  name: "medzk-bundled-engine",
  setup(b) {
    b.onResolve({ filter: /^\.\/engine\.js$/ }, (args) =>
      args.importer.endsWith(join("src", "groth16", "curve.ts"))
        ? { path: join(ROOT, "src", "shims", "ffjavascript-engine.ts") }
        : undefined,
    );
    b.onResolve({ filter: /^ffjavascript\/src\/engine\.js$/ }, () => ({ path: join(ffjavascriptDir, "src", "engine.js") }));
  },
};

/** The package name of a bare import ("@scope/name/sub" -> "@scope/name"). */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

function rangeOf(name) {
  const range = rootPkg.dependencies?.[name] ?? rootPkg.peerDependencies?.[name] ?? ffjavascriptPkg.dependencies?.[name];
  if (!range) throw new Error(`@medzk/verifier imports ${name}, which neither package.json nor ffjavascript's lists`);
  return range;
}

const README = `# @medzk/verifier

The verifier of [medzk](https://www.npmjs.com/package/medzk), alone: everything \`medzk/verifier\`
exports (createVerifier, issuer registries, challenge stores, audit logs), for services that verify
presentations and never prove or issue. It installs no prover, issuer, circuit tooling or HTTP
server; the verification keys are inside the code.

\`\`\`sh
npm install @medzk/verifier
\`\`\`

\`\`\`js
import { createVerifier } from "@medzk/verifier";
\`\`\`

The API, documentation and versions are medzk's: \`@medzk/verifier@${rootPkg.version}\` is
\`medzk/verifier\` of \`medzk@${rootPkg.version}\`. PostgreSQL audit logs need \`pg\` (an optional
peer dependency; without it \`PostgresAuditLog.connect\` throws \`MISSING_DEPENDENCY\`).

## License

GPL-3.0-only (see LICENSE). dist/ includes ffjavascript ${ffjavascriptPkg.version} (its src/engine.js
and the modules it imports; Copyright 2019 0KIMS association, GPL-3.0,
https://github.com/iden3/ffjavascript), bundled so that its wasm generator is not installed.
`;

/** Builds the package directory; returns its path and the package.json written there. */
export async function buildVerifierPackage({ outDir = VERIFIER_PACKAGE_DIR } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  const dist = join(outDir, "dist");
  await build({
    entry: { verifier: join(ROOT, "src", "verifier.ts") },
    outDir: dist,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: false,
    splitting: false,
    clean: false,
    target: "node20",
    platform: "node",
    shims: true,
    silent: true,
    metafile: true,
    config: false,
    // web-worker starts its threads from its own file, so it cannot be inlined; it is ffjavascript's dependency, not the root's.
    external: ["web-worker"],
    noExternal: [/^ffjavascript\/src\//],
    esbuildPlugins: [bundledEngine],
    banner: {
      js: `/*! @medzk/verifier ${rootPkg.version}, GPL-3.0-only: medzk/verifier of medzk ${rootPkg.version}, with ffjavascript ${ffjavascriptPkg.version}'s engine (GPL-3.0, Copyright 2019 0KIMS association) inlined. */`,
    },
  });
  const imported = new Set();
  for (const format of ["esm", "cjs"]) {
    const meta = JSON.parse(readFileSync(join(dist, `metafile-${format}.json`), "utf8"));
    for (const [input] of Object.entries(meta.inputs)) {
      // tsup's own shims (import.meta.url in CommonJS, __dirname in ESM) are the other inlined files.
      if (input.includes("node_modules/") && !/node_modules\/(ffjavascript\/src|tsup\/assets)\//.test(input)) {
        throw new Error(`@medzk/verifier would inline ${input}: only ffjavascript's engine is bundled`);
      }
    }
    for (const output of Object.values(meta.outputs)) {
      for (const imp of output.imports ?? []) {
        if (imp.external && !imp.path.startsWith("node:") && !require("node:module").isBuiltin(imp.path)) imported.add(packageName(imp.path));
      }
    }
    rmSync(join(dist, `metafile-${format}.json`));
  }
  const banned = [...imported].filter((name) => FORBIDDEN.includes(name));
  if (banned.length > 0) throw new Error(`@medzk/verifier would depend on ${banned.join(", ")}`);

  const peers = [...imported].filter((name) => rootPkg.peerDependencies?.[name]).sort();
  const deps = [...imported].filter((name) => !peers.includes(name)).sort();
  const pkg = {
    name: "@medzk/verifier",
    version: rootPkg.version,
    description: "medzk's verifier alone: verify zero-knowledge presentations over signed health records, without the prover, issuer or circuit tooling.",
    license: rootPkg.license,
    type: "module",
    engines: rootPkg.engines,
    sideEffects: false,
    main: "./dist/verifier.cjs",
    module: "./dist/verifier.js",
    types: "./dist/verifier.d.ts",
    exports: {
      ".": {
        import: { types: "./dist/verifier.d.ts", default: "./dist/verifier.js" },
        require: { types: "./dist/verifier.d.cts", default: "./dist/verifier.cjs" },
      },
      "./package.json": "./package.json",
    },
    files: ["dist", "README.md", "LICENSE"],
    dependencies: Object.fromEntries(deps.map((name) => [name, rangeOf(name)])),
    ...(peers.length > 0 && {
      peerDependencies: Object.fromEntries(peers.map((name) => [name, rangeOf(name)])),
      peerDependenciesMeta: Object.fromEntries(peers.map((name) => [name, rootPkg.peerDependenciesMeta?.[name] ?? { optional: true }])),
    }),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(outDir, "README.md"), README);
  copyFileSync(join(ROOT, "LICENSE"), join(outDir, "LICENSE"));
  return { dir: outDir, pkg };
}

/** Builds and packs the package; returns the tarball's path (in the package directory's parent). */
export async function packVerifierPackage(options) {
  const { dir } = await buildVerifierPackage(options);
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dirname(dir)], { cwd: dir, encoding: "utf8" });
  return join(dirname(dir), JSON.parse(out)[0].filename);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(process.argv.includes("--pack") ? await packVerifierPackage() : (await buildVerifierPackage()).dir);
}
