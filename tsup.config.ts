import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", verifier: "src/verifier.ts", server: "src/server.ts", chain: "src/chain.ts" },
    format: ["esm", "cjs"],
    dts: true,
    // No source maps: the package ships no .map files (a sourceMappingURL would dangle), and
    // they would add to the install; tests and stack traces of the sources run on src/ directly.
    sourcemap: false,
    // The CLI build below writes into the same folder at the same time: keep its file.
    clean: ["!cli.js"],
    target: "node20",
    // import.meta.url (used to find the shipped artifacts/) also works in the CommonJS build.
    shims: true,
  },
  {
    // The `medzk` command: one ESM file (no shared chunks, so the build above cannot clean them
    // away), made executable by tsup because src/cli/main.ts starts with a #! line.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: false,
    splitting: false,
    clean: false,
    target: "node20",
  },
]);
