import { rmSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", verifier: "src/verifier.ts", server: "src/server.ts", chain: "src/chain.ts" },
    format: ["esm", "cjs"],
    dts: true,
    // No source maps: the package ships no .map files (a sourceMappingURL would dangle), and
    // they would add to the install; tests and stack traces of the sources run on src/ directly.
    sourcemap: false,
    // The CLI build below writes into the same folder at the same time: keep its files.
    clean: ["!cli.js", "!cli/**"],
    target: "node20",
    // import.meta.url (used to find the shipped artifacts/) also works in the CommonJS build.
    shims: true,
  },
  {
    // The `medzk` command: dist/cli.js (made executable by tsup because src/cli/main.ts starts
    // with a #! line) and its own chunks under dist/cli/, one per command module it imports
    // lazily (src/cli/main.ts), so a command loads only its own dependencies. Its own folder:
    // the build above cannot clean them away, nor share chunks with them.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: false,
    splitting: true,
    esbuildOptions(options) {
      options.chunkNames = "cli/[name]-[hash]";
    },
    // Chunk names carry a content hash: without this, every rebuild would leave the previous
    // build's chunks behind in dist/cli/, unreferenced but packed (the build above skips cli/**).
    esbuildPlugins: [
      {
        name: "clean-cli-chunks",
        setup(build) {
          build.onStart(() => rmSync("dist/cli", { recursive: true, force: true }));
        },
      },
    ],
    clean: false,
    target: "node20",
  },
]);
