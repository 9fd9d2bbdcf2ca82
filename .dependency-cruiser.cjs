/**
 * The direction of dependencies between medzk's rooms (docs/architecture.md says the same in words).
 * `npm run lint:deps` checks it and `npm test` runs that script, so an upward import fails CI.
 *
 *   core  <-  statements, groth16, artifacts  <-  issuer, prover, verifier  <-  server  <-  cli
 *                                                    prover  <-  wallet
 *   core  <-  audit  <-  server, cli, wallet   (the audit trail: entries, chain, Merkle tree, stores)
 *   core  <-  openid4vp  <-  server, wallet     (the OpenID4VP profile: request objects, DCQL, vp_token)
 *   entries (index, verifier, browser, server) sit on top and nothing in src imports them.
 *
 * Type-only imports count (tsPreCompilationDeps): a room that names another room's types
 * depends on it as much as one that calls it.
 */

/** Every room under src/, so "to anything in src except …" can be written once. */
const SRC = "^src/";
const ENTRIES = "^src/(index|verifier|browser|server|chain)\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes two modules one: neither can be read, tested or moved without the other.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-the-floor",
      severity: "error",
      comment: "src/core holds the shared formats and rules; it imports no other room.",
      from: { path: "^src/core/" },
      to: { path: SRC, pathNot: "^src/core/" },
    },
    {
      name: "groth16-artifacts-statements-on-core-only",
      severity: "error",
      comment:
        "The Groth16 engine, the artifact loader and the statement modules build only on core " +
        "(and on files in their own room).",
      from: { path: "^src/(groth16|artifacts|statements)/" },
      to: { path: SRC, pathNot: ["^src/core/", "^src/$1/"] },
    },
    {
      name: "audit-on-core-only",
      comment:
        "The audit trail (src/audit) builds only on core: the service writes it, the CLI verifies " +
        "it and the wallet checks inclusion proofs with it, so it must hold no prover, issuer or verifier.",
      severity: "error",
      from: { path: "^src/audit/" },
      to: { path: SRC, pathNot: ["^src/core/", "^src/audit/"] },
    },
    {
      name: "openid4vp-on-core-only",
      severity: "error",
      comment:
        "src/openid4vp holds the OpenID4VP profile both sides read (request objects, DCQL, vp_token): " +
        "the wallet and the service import it, so it builds only on core.",
      from: { path: "^src/openid4vp/" },
      to: { path: SRC, pathNot: ["^src/core/", "^src/openid4vp/"] },
    },
    {
      name: "verifier-not-prover-or-issuer",
      severity: "error",
      comment: "A verifier holds no secrets and never proves: it must not import the prover or the issuer.",
      from: { path: "^src/verifier/" },
      to: { path: "^src/(prover|issuer)/" },
    },
    {
      name: "issuer-prover-not-verifier-server-cli",
      severity: "error",
      comment: "The issuer and the prover sit below the verifier, the service and the command line.",
      from: { path: "^src/(issuer|prover)/" },
      to: { path: "^src/(verifier|server|cli)/" },
    },
    {
      name: "wallet-on-prover-only",
      severity: "error",
      comment:
        "The wallet is the holder's: it builds on core, statements, artifacts and the prover, never " +
        "on the verifier, the issuer, the service or the command line.",
      from: { path: "^src/wallet/" },
      to: { path: "^src/(verifier|issuer|server|cli)/" },
    },
    {
      name: "verifier-server-not-wallet",
      severity: "error",
      comment: "A verifier and its service never hold a holder's wallet.",
      from: { path: "^src/(verifier|server)(/|\\.ts$)" },
      to: { path: "^src/wallet/", reachable: true },
    },
    {
      name: "server-not-prover-or-issuer",
      severity: "error",
      comment: "The verifier service verifies; it does not prove or issue.",
      from: { path: "^src/server/" },
      to: { path: "^src/(prover|issuer)/" },
    },
    {
      name: "medzk-verifier-stays-light",
      severity: "error",
      comment:
        "medzk/verifier (src/verifier.ts) and medzk/server load no prover, no issuer, and neither " +
        "circomlibjs nor snarkjs nor the issuer's EdDSA (@zk-kit/eddsa-poseidon), so a verifying " +
        "service does not ship the proving stack (@medzk/verifier is built from src/verifier.ts).",
      from: { path: "^src/(verifier|server)\\.ts$" },
      to: {
        path: ["^src/(prover|issuer)/", "(^|/)node_modules/(circomlibjs|snarkjs|@zk-kit/eddsa-poseidon)/"],
        reachable: true,
      },
    },
    {
      name: "chain-on-core-verifier-statements-artifacts",
      severity: "error",
      comment:
        "medzk/chain (src/chain/) reads and writes the ledger: it builds on core, statements, " +
        "artifacts and the verifier's registry types, never on the prover, the issuer, the wallet " +
        "(it mirrors TrustedVerifier's shape instead), the service or the command line.",
      from: { path: "^src/chain(/|\\.ts$)" },
      to: { path: "^src/(prover|issuer|wallet|server|cli)/" },
    },
    {
      name: "entries-are-the-top",
      severity: "error",
      comment:
        "src/index.ts, src/verifier.ts, src/browser.ts and src/server.ts are the package exports; " +
        "only another entry (or a test) imports one.",
      from: { path: SRC, pathNot: ENTRIES },
      to: { path: ENTRIES },
    },
    {
      name: "src-not-test",
      severity: "error",
      comment: "Shipped code never imports test helpers or fixtures.",
      from: { path: SRC },
      to: { path: "^test/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "An import that resolves to nothing fails at run time. The one exception is resolved by its " +
        "build: @medzk/verifier's copy of ffjavascript's engine (scripts/pack-verifier.mjs finds the " +
        "file, which ffjavascript's export map does not list).",
      from: { pathNot: "^src/shims/ffjavascript-engine\\.ts$" },
      to: { couldNotResolve: true },
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment:
        "Shipped code imports only dependencies (or optional peers, like ioredis); a devDependency " +
        "is absent in a consumer's install.",
      from: { path: SRC },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["npm-peer", "type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
