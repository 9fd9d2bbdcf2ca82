import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", verifier: "src/verifier-entry.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // import.meta.url (used to find the shipped artifacts/) also works in the CommonJS build.
  shims: true,
});
