/**
 * The browser bundle: dist/browser/medzk.js, one self-contained ESM file (every dependency
 * inlined, no code splitting) that a page can load from its own origin, plus its types.
 * A separate config run after tsup.config.ts, because that one cleans dist/ (running both at once
 * would race on the clean).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";

// The prover builds its BN254 curve from medzk's pre-generated wasm (src/groth16/curve.ts) through
// ffjavascript's engine builder. src/groth16/engine.ts finds that file with node:module, which a
// browser lacks, so the bundle swaps in src/shims/ffjavascript-engine.ts, which imports the
// engine by path (as scripts/pack-verifier.mjs does for the verifier-only package). Without it,
// the page would generate the wasm with ffjavascript's buildBn128 before its first proof.
// ffjavascript's sources branch on `process.browser` (its own browser build replaces it) and
// import node's os and crypto only on the Node side of those branches.
const ffjavascriptSrc = join(dirname(createRequire(import.meta.url).resolve("ffjavascript")), "..", "src");
type Build = {
  onResolve(o: { filter: RegExp; namespace?: string }, f: (a: { importer: string; path: string }) => { path: string; namespace?: string } | undefined): void;
  onLoad(o: { filter: RegExp; namespace?: string }, f: (a: { path: string }) => Promise<{ contents: string; loader: "js" }> | { contents: string; loader: "js" }): void;
};
const bundledEngine = {
  name: "medzk-bundled-engine",
  setup(b: Build) {
    b.onResolve({ filter: /^\.\/engine\.js$/ }, (args) => (args.importer.endsWith(join("src", "groth16", "curve.ts")) ? { path: join(process.cwd(), "src", "shims", "ffjavascript-engine.ts") } : undefined));
    b.onResolve({ filter: /^ffjavascript\/src\/engine\.js$/ }, () => ({ path: join(ffjavascriptSrc, "engine.js") }));
    b.onResolve({ filter: /^(os|crypto)$/ }, (args) => (args.importer.startsWith(ffjavascriptSrc) ? { path: args.path, namespace: "ffjavascript-node-only" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "ffjavascript-node-only" }, () => ({ contents: "export default {};", loader: "js" }));
    b.onLoad({ filter: /ffjavascript[\\/]src[\\/].*\.js$/ }, async (args) => ({ contents: (await readFile(args.path, "utf8")).replace(/\bprocess\.browser\b/g, "true"), loader: "js" }));
  },
};

export default defineConfig({
  entry: { medzk: "src/browser.ts" },
  outDir: "dist/browser",
  format: ["esm"],
  platform: "browser",
  target: "es2022",
  dts: true,
  // No source map: the package does not ship .map files, so the bundle must not point at one.
  sourcemap: false,
  minify: true,
  clean: true,
  splitting: false,
  noExternal: [/.*/],
  esbuildPlugins: [bundledEngine],
  // Minifying drops the license headers of most inlined packages (esbuild keeps only /*! and
  // @license comments), so the bundle says what it is and where its parts come from.
  banner: {
    js: "/*! medzk browser bundle, GPL-3.0-only. Inlines snarkjs, ffjavascript, @zk-kit/eddsa-poseidon, noble and their dependencies (GPL-3.0, Apache-2.0, MIT, ISC licenses); sources on npm. */",
  },
});
