import { defineConfig } from "tsup";

export default defineConfig({
  // pairing-worker: the worker-thread entry for batch verification across cores.
  entry: { index: "src/index.ts", "pairing-worker": "src/pairing-worker.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // import.meta.url (used to find the shipped artifacts/) also works in the CommonJS build.
  shims: true,
});
