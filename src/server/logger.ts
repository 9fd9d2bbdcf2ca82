/**
 * The verifier service's logger: pino, one JSON object per line, ISO timestamps, a fixed
 * `service` field, and a redaction list. Shared by the service and `medzk serve`, so start-up,
 * shutdown and per-request lines all have one shape and go to one destination.
 */
import { pino } from "pino";

/** pino's levels, most to least severe, and "silent" for none. */
/** pino's levels, most severe first, and "silent". */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export const isLogLevel = (value: unknown): value is LogLevel => typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);

// Field names that must never reach a log line, whatever a future log call passes.
const REDACT = [
  "body",
  "presentation",
  "presentations",
  "proof",
  "publicSignals",
  "disclosed",
  "result",
  "results",
  "requestKey",
  "signingKey",
  "privateKey",
  "secret",
  "holder",
  "config",
  "req.headers.authorization",
  "req.headers.cookie",
  "*.body",
  "*.presentation",
  "*.presentations",
  "*.proof",
  "*.disclosed",
  "*.requestKey",
  "*.signingKey",
  "*.privateKey",
  "*.secret",
];

/** A logger writing to `destination` (default: stdout, asynchronously; call `flush()` before exiting). */
export function serviceLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
      level,
      base: { service: "medzk-verifier" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    destination ?? stdoutDestination(),
  );
}

/** Standard output without blocking the event loop on a slow pipe. */
export const stdoutDestination = (): ReturnType<typeof pino.destination> => pino.destination({ dest: 1, sync: false });

/** The type, code and message of an error, for a log line (medzk's messages hold no personal data). */
export function errorFacts(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code, message: error.message } : { type: typeof error };
}
