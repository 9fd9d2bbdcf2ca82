/**
 * The browser bundle: dist/browser/medzk.js, one self-contained ESM file (every dependency
 * inlined, no code splitting) that a page can load from its own origin, plus its types.
 * A separate config run after tsup.config.ts, because that one cleans dist/ (running both at once
 * would race on the clean).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Options, defineConfig } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

const require = createRequire(import.meta.url);

/**
 * Two dependencies of circomlibjs cannot be bundled for a browser as they are:
 * - its root module re-exports everything (Poseidon reference code importing Node's `assert`,
 *   Solidity contract generators), while medzk only uses `buildEddsa`: the bundle takes
 *   circomlibjs's eddsa module alone.
 * - blake-hash is built on Node streams: src/shims/blake-hash.ts gives the same hashes on
 *   @noble/hashes.
 * ffjavascript and snarkjs resolve to their own browser builds through their `browser` export
 * conditions (web workers from blob: URLs, WebCrypto for randomness).
 */
const browserShims: Plugin = {
  name: "medzk-browser-shims",
  setup(build) {
    const eddsa = join(dirname(require.resolve("circomlibjs")), "../src/eddsa.js");
    build.onResolve({ filter: /^circomlibjs$/ }, () => ({ path: "circomlibjs/eddsa", namespace: "medzk-shim" }));
    build.onLoad({ filter: /.*/, namespace: "medzk-shim" }, () => ({
      contents: `export { default as buildEddsa } from ${JSON.stringify(eddsa)};`,
      resolveDir: dirname(eddsa),
    }));
    build.onResolve({ filter: /^blake-hash$/ }, () => ({ path: fileURLToPath(new URL("src/shims/blake-hash.ts", import.meta.url)) }));
  },
};

export default defineConfig({
  entry: { medzk: "src/browser.ts" },
  outDir: "dist/browser",
  format: ["esm"],
  platform: "browser",
  target: "es2022",
  dts: true,
  sourcemap: true,
  minify: true,
  clean: true,
  splitting: false,
  noExternal: [/.*/],
  esbuildPlugins: [browserShims],
  // Minifying drops the license headers of most inlined packages (esbuild keeps only /*! and
  // @license comments), so the bundle says what it is and where its parts come from.
  banner: {
    js: "/*! medzk browser bundle, GPL-3.0-only. Inlines snarkjs, ffjavascript, circomlibjs and their dependencies (GPL-3.0, Apache-2.0, MIT, ISC licenses); sources on npm. */",
  },
});
