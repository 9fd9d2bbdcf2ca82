// An insurer's verifier service, configured by a verifier.json (examples/issuer.mjs writes one):
//
//   node examples/insurer-service.mjs <verifier.json>
//
// Prints its base URL on stdout, logs one JSON line per request on stderr, and on SIGTERM or
// SIGINT finishes the requests in flight and exits 0. `medzk serve --config` does the same.
import { createVerifierService, loadServiceConfig } from "medzk/server";

const configFile = process.argv[2];
if (!configFile) {
  console.error("usage: node examples/insurer-service.mjs <verifier.json>");
  process.exit(2);
}
const config = await loadServiceConfig(configFile);
const service = await createVerifierService(config, { logger: process.stderr });
console.log(await service.listen());

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, async () => {
    await service.close();
    process.exitCode = 0;
  });
}
