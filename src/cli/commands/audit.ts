/**
 * `medzk audit verify`: recomputes a verifier's audit trail (docs/audit.md) and checks it against
 * its anchored checkpoints, reporting any edit, deletion, insertion, reordering or truncation with
 * the first bad entry's seq. The log and anchor come from a verifier.json (`audit`) or from
 * `--log`/`--anchor` with the verifier's public key.
 */
import { existsSync } from "node:fs";
import type { AnchoredCheckpoint, CheckpointAnchor } from "../../audit/anchor.js";
import type { AuditLog } from "../../audit/audit-log.js";
import { FileCheckpointAnchor } from "../../audit/file-anchor.js";
import { FileAuditLog } from "../../audit/file-audit-log.js";
import { PostgresAuditLog } from "../../audit/postgres-audit-log.js";
import { verifyAuditLog } from "../../audit/verify-log.js";
import { MedzkError } from "../../core/errors.js";
import { checkHex } from "../../core/validate.js";
import { CliError, EXIT, inputError, usageError } from "../cli-error.js";
import { type Command, optional } from "../io.js";
import { chainCheckpointAnchor } from "../../server/configured-verifier.js";
import { loadConfig } from "./verifier.js";

export const auditVerify: Command = {
  name: "audit verify",
  summary: "check an audit trail's chain and anchored checkpoints (exit 0 only if intact)",
  help: `Usage: medzk audit verify --config verifier.json [--known-head <size>:<hash>]
       medzk audit verify --log audit.jsonl --verifier <public key> [--anchor anchors.jsonl] [--known-head <size>:<hash>]

Recomputes the hash chain of a verifier's audit log (medzk-audit-entry/v1) and the Merkle root
of every anchored checkpoint, and prints one JSON report on stdout:
{ ok, logId, size, head, checkpoints, covered, firstBadSeq?, problems: [{ kind, seq, message }] }
with kind one of malformed, foreign, edited, deleted, inserted, reordered, truncated,
checkpoint-mismatch, checkpoint-invalid (docs/audit.md says how each is told). Entries after the
last checkpoint are protected by the chain alone: pass a head seen earlier (--known-head, e.g.
from an earlier report's size and head) to detect a truncation there.

With --config the log, the anchor and the verifier key are the config's "audit" and
"signingKey" (a PostgreSQL log needs the pg package).

Exit status: 0 if the log is intact, 1 if any problem was found, 3 if a file is missing or a
config or anchor is invalid.

Options:
  --config <file>          verifier configuration with "audit" (docs/service.md)
  --log <file>             a JSON-lines audit log (instead of --config)
  --verifier <key>         the verifier's Ed25519 public key (hex), with --log
  --anchor <file>          the checkpoint anchor file (FileCheckpointAnchor), with --log
  --known-head <size>:<hash>  a head seen earlier that the log must still hold
  -h, --help               show this help`,
  options: { config: { type: "string" }, log: { type: "string" }, verifier: { type: "string" }, anchor: { type: "string" }, "known-head": { type: "string" } },
  async run(args) {
    const configFile = optional(args, "config");
    const logFile = optional(args, "log");
    if ((configFile === undefined) === (logFile === undefined)) throw usageError(`audit verify needs --config or --log (see medzk audit verify --help)`);
    const knownHead = parseKnownHead(optional(args, "known-head"));
    let log: AuditLog;
    let anchorFile: string | undefined;
    let anchor: CheckpointAnchor | undefined;
    if (configFile !== undefined) {
      if (optional(args, "verifier") !== undefined || optional(args, "anchor") !== undefined) throw usageError(`--verifier and --anchor go with --log; with --config they come from the config`);
      const config = await loadConfig(configFile);
      if (!config.audit) throw inputError(`verifier config ${configFile} has no "audit"`);
      const verifier = config.signingKey.publicKey;
      const configured = config.audit.anchor;
      if (configured !== undefined && "file" in configured) anchorFile = configured.file;
      else if (configured !== undefined) anchor = await library(() => chainCheckpointAnchor(config.chain!, configured.chain.privateKey));
      if (config.audit.file !== undefined) log = fileLog(config.audit.file, verifier);
      else log = await library(() => PostgresAuditLog.connect(config.audit!.postgres!.url, { verifier }));
    } else {
      const verifier = optional(args, "verifier");
      if (verifier === undefined) throw usageError(`--log needs --verifier <public key> (the log's owner: its id is derived from the key)`);
      if (!checkHex(verifier, "verifier", 32).ok) throw usageError(`--verifier must be the verifier's Ed25519 public key, 64 lowercase hex characters`);
      log = fileLog(logFile!, verifier);
      anchorFile = optional(args, "anchor");
    }
    try {
      let checkpoints: AnchoredCheckpoint[] = [];
      if (anchorFile !== undefined) {
        if (!existsSync(anchorFile)) throw inputError(`anchor file ${anchorFile} does not exist`);
        anchor = new FileCheckpointAnchor(anchorFile);
      }
      if (anchor !== undefined) checkpoints = await library(() => anchor!.checkpoints(log.logId));
      const records = await library(() => log.dump());
      const report = verifyAuditLog({ verifier: log.verifier, records, checkpoints, ...(knownHead ? { knownHead } : {}) });
      process.stdout.write(JSON.stringify(report) + "\n");
      return report.ok ? EXIT.OK : EXIT.REFUSED;
    } finally {
      await log.close();
    }
  },
};

function fileLog(path: string, verifier: string): FileAuditLog {
  if (!existsSync(path)) throw inputError(`audit log ${path} does not exist`);
  return new FileAuditLog(path, { verifier });
}

function parseKnownHead(value: string | undefined): { size: number; hash: string } | undefined {
  if (value === undefined) return undefined;
  const match = /^(0|[1-9][0-9]{0,15}):([0-9a-f]{64})$/.exec(value);
  if (!match || !Number.isSafeInteger(Number(match[1]))) throw usageError(`--known-head must be <size>:<hash>, e.g. 120:3f…(64 hex characters), from an earlier report's "size" and "head"`);
  return { size: Number(match[1]), hash: match[2]! };
}

/** A library call whose MedzkError is the user's input (an unreadable log or anchor): exit 3. */
async function library<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof MedzkError) throw new CliError(error.code, error.message, { cause: error });
    throw error;
  }
}
