/**
 * The browser bundle: dist/browser/medzk.js, one self-contained ESM file (every dependency
 * inlined, no code splitting) that a page can load from its own origin, plus its types.
 * A separate config run after tsup.config.ts, because that one cleans dist/ (running both at once
 * would race on the clean).
 */
import { defineConfig } from "tsup";

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
  // Minifying drops the license headers of most inlined packages (esbuild keeps only /*! and
  // @license comments), so the bundle says what it is and where its parts come from.
  banner: {
    js: "/*! medzk browser bundle, GPL-3.0-only. Inlines snarkjs, ffjavascript, @zk-kit/eddsa-poseidon, noble and their dependencies (GPL-3.0, Apache-2.0, MIT, ISC licenses); sources on npm. */",
  },
});
