/**
 * The service's audit trail: opens the configured log and anchor, and turns each verification
 * (accepted or refused) into one entry (src/audit/entry.ts) of facts the verifier already holds:
 * time, its key and purpose, the statement and preset, the result code, the nullifier, the
 * request's challenge. Never attributes, disclosed values, public signals or proofs.
 *
 * For a refused presentation the statement and challenge are what the presentation claims, when
 * its envelope parses (core's parsePresentation); otherwise null. Its nullifier is recorded only
 * when the refusal came after the proof verified (entry.ts's NULLIFIER_PROVEN_RESULTS: a replay,
 * the challenge store down, a statement that is no preset); otherwise null. Entries are served
 * to holders by nullifier, and every presentation carries one: anyone who saw a holder's
 * presentation could otherwise plant refused entries in that holder's trail.
 */
import type { CheckpointAnchor } from "../audit/anchor.js";
import type { AuditLog } from "../audit/audit-log.js";
import { type Checkpointer, createCheckpointer } from "../audit/checkpoint.js";
import { type AuditEntryInput, NULLIFIER_PROVEN_RESULTS, auditLogId, chainEntry } from "../audit/entry.js";
import { FileCheckpointAnchor } from "../audit/file-anchor.js";
import { FileAuditLog } from "../audit/file-audit-log.js";
import { PostgresAuditLog } from "../audit/postgres-audit-log.js";
import { parseCanonical } from "../core/field.js";
import { parsePresentation } from "../core/presentation.js";
import type { ProofRequest } from "../core/request.js";
import { STATEMENT_TYPES, type StatementType, statementDefinition } from "../statements/registry.js";
import type { AuditConfig } from "./config.js";
import type { PresetIndex, ServiceVerifyResult } from "./presets.js";

/** The audit trail of a configured verifier. */
export interface ServiceAudit {
  log: AuditLog;
  anchor: CheckpointAnchor | undefined;
  checkpointer: Checkpointer | undefined;
}

/**
 * Opens the log and anchor of `config` for the verifier `publicKey`. `anchor` replaces the
 * config's anchor file (e.g. a ChainCheckpointAnchor). Checkpoint failures go to `onError`;
 * `clock` times the anchor file's records (default: the system clock).
 * Throws MISSING_DEPENDENCY (PostgreSQL without pg) and INVALID_ARGUMENT.
 */
export async function openAudit(config: AuditConfig, publicKey: string, anchor: CheckpointAnchor | undefined, onError: (error: unknown) => void, clock?: () => Date): Promise<ServiceAudit> {
  const log: AuditLog = config.file !== undefined ? new FileAuditLog(config.file, { verifier: publicKey }) : await PostgresAuditLog.connect(config.postgres!.url, { verifier: publicKey });
  // A chain anchor is built by the caller (configured-verifier.ts): it needs the chain's client.
  const chosen = anchor ?? (config.anchor !== undefined && "file" in config.anchor ? new FileCheckpointAnchor(config.anchor.file, clock ? { clock } : {}) : undefined);
  const checkpointer = chosen ? createCheckpointer(log, chosen, { every: config.checkpointEvery, intervalSeconds: config.checkpointSeconds, onError }) : undefined;
  return { log, anchor: chosen, checkpointer };
}

/** One verification to record: its result, the presentation as received and what the caller awaited. */
export interface Verification {
  result: ServiceVerifyResult;
  presentation: unknown;
  expected: ProofRequest | string | undefined;
}

/**
 * Appends one entry per verification, in order (one group commit), and lets the checkpointer
 * know. Rejects with the log's MedzkError (AUDIT_LOG_UNAVAILABLE, AUDIT_LOG_INVALID): the caller
 * then withholds the results, so no verification goes unrecorded.
 */
export async function recordVerifications(
  audit: ServiceAudit,
  verifications: readonly Verification[],
  context: { presets: PresetIndex; purpose: string | undefined; now: Date },
): Promise<void> {
  const appended = await Promise.all(verifications.map((v) => audit.log.append(auditEntryOf(v, audit.log.verifier, context))));
  for (const { seq } of appended) audit.checkpointer?.appended(seq);
}

/** The entry of one verification (see the module header). */
export function auditEntryOf(v: Verification, verifier: string, context: { presets: PresetIndex; purpose: string | undefined; now: Date }): AuditEntryInput {
  const base = { time: context.now.toISOString(), verifier, purpose: context.purpose ?? null };
  if (v.result.ok) {
    return { ...base, preset: v.result.preset, statement: { ...v.result.statement }, result: "OK", nullifier: v.result.nullifier, requestId: v.result.challenge };
  }
  const entry: AuditEntryInput = { ...base, preset: null, statement: null, result: v.result.error.code, nullifier: null, requestId: challengeOf(v.expected) };
  const parsed = parsePresentation(v.presentation);
  if (!parsed.ok) return entry;
  const { request, publicSignals } = parsed.value;
  const claimed: AuditEntryInput = { ...entry, requestId: DECIMAL.test(request.challenge) ? request.challenge : entry.requestId };
  const type = (request.statement as { type?: unknown }).type;
  if (NULLIFIER_PROVEN_RESULTS.includes(v.result.error.code) && STATEMENT_TYPES.includes(type as StatementType)) {
    const index = statementDefinition(type as StatementType).signals.indexOf("nullifier");
    const nullifier = parseCanonical(publicSignals[index]);
    if (nullifier !== undefined) claimed.nullifier = nullifier.toString();
  }
  // The claimed statement only if it fits an entry (a hostile one may not).
  const withStatement: AuditEntryInput = { ...claimed, statement: request.statement as unknown as Record<string, unknown>, preset: context.presets.nameOf(request.statement) ?? null };
  for (const candidate of [withStatement, claimed, entry]) {
    try {
      chainEntry(candidate, 0, auditLogId(verifier));
      return candidate;
    } catch {
      // try the next, smaller one
    }
  }
  return entry;
}

const DECIMAL = /^(0|[1-9][0-9]{0,99})$/;

function challengeOf(expected: ProofRequest | string | undefined): string | null {
  const challenge = typeof expected === "string" ? expected : expected?.challenge;
  return typeof challenge === "string" && DECIMAL.test(challenge) ? challenge : null;
}
