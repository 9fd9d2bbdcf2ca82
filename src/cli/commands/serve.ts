/** `medzk serve`: the verifier HTTP service until SIGINT or SIGTERM. */
import { createVerifierService } from "../../server/service.js";
import { inputError } from "../cli-error.js";
import { type Command, fromInput, required } from "../io.js";
import { loadConfig } from "./verifier.js";

export const serve: Command = {
  name: "serve",
  summary: "run the verifier HTTP service",
  help: `Usage: medzk serve --config verifier.json

Runs the verifier service (docs/service.md): POST /v1/requests, /v1/verify, /v1/verify-batch,
GET /healthz, /readyz, /openapi.json. Logs one JSON line per request on stdout. On SIGINT or
SIGTERM it stops accepting connections, finishes the requests in flight, closes Redis and
exits 0.

Options:
  --config <file>   verifier configuration
  -h, --help        show this help`,
  options: { config: { type: "string" } },
  async run(args) {
    const configFile = required(args, "config", this);
    const config = await loadConfig(configFile);
    const service = await fromInput(configFile, () => createVerifierService(config));
    let url: string;
    try {
      url = await service.listen();
    } catch (cause) {
      await service.close();
      // A port in use or not allowed is a configuration problem, not a bug.
      throw inputError(`cannot listen on ${config.listen.host}:${config.listen.port} (${configFile}): ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, cause);
    }
    process.stderr.write(`medzk: serve: listening on ${url}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    process.stderr.write(`medzk: serve: ${signal}: finishing requests in flight\n`);
    await service.close();
    process.stderr.write(`medzk: serve: stopped\n`);
    return 0;
  },
};
