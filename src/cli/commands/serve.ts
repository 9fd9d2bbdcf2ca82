/**
 * `medzk serve`: the verifier HTTP service until SIGINT or SIGTERM.
 *
 * Everything it writes is a JSON log line on stdout (pino, the service's own logger and
 * destination): start-up, the listening address, start-up failures (with the exit code the CLI
 * documents), the signal, the drain and the stop. A log pipeline then needs one parser, and no
 * plain-text line can be mistaken for, or forge, a structured one.
 */
import { MedzkError } from "../../core/errors.js";
import { type LogLevel, serviceLogger, stdoutDestination } from "../../server/logger.js";
import { SERVICE_ENV, checkHost, checkLogLevel, checkPort, loadServiceConfig } from "../../server/config.js";
import { type VerifierService, createVerifierService } from "../../server/service.js";
import { CliError, EXIT } from "../cli-error.js";
import { type Command, readJson, required } from "../io.js";

export const serve: Command = {
  name: "serve",
  summary: "run the verifier HTTP service",
  help: `Usage: medzk serve --config verifier.json [--host <host>] [--port <port>] [--log-level <level>]

Runs the verifier service (docs/service.md): POST /v1/requests, /v1/verify, /v1/verify-batch,
with "audit" in the config also POST /v1/audit/challenges and /v1/audit/entries (a patient's
entries, read only against a proof answering an audit challenge), GET /healthz, /readyz,
/openapi.json, /metrics (Prometheus; see "metrics" in the config).
Every output line is a JSON log line on stdout: start-up, one line per request (with its
x-request-id), failures, shutdown. On SIGINT or SIGTERM it stops accepting connections,
finishes the requests in flight, closes Redis and the audit log and exits 0; a second signal exits at once
(status 130 for SIGINT, 143 for SIGTERM).

Host, port and log level: the option, else the environment (${SERVICE_ENV.host}, ${SERVICE_ENV.port},
${SERVICE_ENV.logLevel}), else the config file ("listen", "logLevel"), else 127.0.0.1, 8080, info.

Options:
  --config <file>       verifier configuration
  --host <host>         address to listen on, e.g. 0.0.0.0
  --port <port>         port to listen on (0: any free port)
  --log-level <level>   fatal, error, warn, info, debug, trace or silent
  -h, --help            show this help`,
  options: { config: { type: "string" }, host: { type: "string" }, port: { type: "string" }, "log-level": { type: "string" } },
  async run(args) {
    const configFile = required(args, "config", this);
    const destination = stdoutDestination();
    const flagLevel = args.values["log-level"];
    // Until the config is read, failures are logged at the level asked for, if it is one.
    let logger = serviceLogger(typeof flagLevel === "string" && checkable(() => checkLogLevel(flagLevel, "--log-level")) ? (flagLevel as LogLevel) : "info", destination);
    const fail = (exitCode: number, error: unknown, msg: string): number => {
      const err = error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code, message: error.message } : { type: typeof error };
      logger.fatal({ err, exitCode }, msg);
      logger.flush();
      return exitCode;
    };

    const overrides: { host?: string; port?: number; logLevel?: string } = {};
    try {
      if (args.values["host"] !== undefined) overrides.host = checkHost(args.values["host"], "--host");
      if (args.values["port"] !== undefined) overrides.port = checkPort(args.values["port"], "--port", true);
      if (flagLevel !== undefined) overrides.logLevel = checkLogLevel(flagLevel, "--log-level");
    } catch (error) {
      return fail(EXIT.USAGE, error, "not started: invalid option");
    }

    let service: VerifierService;
    try {
      // A missing or unparseable config is an input file like any other command's (INPUT).
      await readJson(configFile, "verifier config");
      const config = await loadServiceConfig(configFile, { overrides });
      logger = serviceLogger(config.logLevel ?? "info", destination);
      service = await createVerifierService(config, { logger: destination });
    } catch (error) {
      // A config, registry file or missing optional dependency the service cannot run with.
      if (error instanceof MedzkError || error instanceof CliError) return fail(EXIT.INPUT, error, `not started: ${configFile}`);
      return fail(EXIT.INTERNAL, error, "not started: internal error");
    }
    // One listener from before listening to the end, so that there is no moment without one (a
    // signal then would kill the process with the default action, skipping the drain). The first
    // signal drains; an operator who signals again does not want to wait for slow requests: exit
    // at once, with the shell's status for death by that signal (128 + its number: 130, 143).
    let stopping: NodeJS.Signals | undefined;
    let stop!: (signal: NodeJS.Signals) => void;
    const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping === undefined) {
        stopping = signal;
        stop(signal);
        return;
      }
      logger.warn({ signal }, "second signal: exiting without finishing requests in flight");
      destination.flushSync();
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await service.listen();
    } catch (cause) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await service.close();
      // A port in use or not allowed is a configuration problem, not a bug.
      const code = (cause as NodeJS.ErrnoException).code;
      return fail(EXIT.INPUT, cause, `not started: cannot listen${code ? ` (${code})` : ""}`);
    }
    try {
      const signal = await stopped;
      logger.info({ signal }, "shutting down");
      await service.close();
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    return EXIT.OK;
  },
};

const checkable = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};
