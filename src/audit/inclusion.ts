/**
 * A holder's view of a verifier's audit log: the entries under one nullifier, each with the hash
 * of the entry before it (so the holder can recompute the entry's chain hash) and an RFC 6962
 * inclusion proof (./merkle.ts) against the anchored checkpoint that covers it.
 *
 * The verifier serves {@link auditEntriesFor} (POST /v1/audit/entries, to a holder that proved the
 * nullifier: src/server/audit-access.ts); the wallet
 * checks the answer with {@link checkAuditEntries} against checkpoints it reads from the anchor
 * itself, never from the verifier. Only that nullifier's entries are served: a sibling path is
 * hashes, which reveal nothing about other holders' entries (each accepted entry's chain hash
 * covers a 248-bit random challenge).
 * NOTE: inclusion proves that every entry shown is in the anchored log; it does not prove that
 * none was withheld. A verifier that hides an entry from the holder still cannot remove it from
 * the log: an auditor running `medzk audit verify` sees it.
 */
import type { Checked } from "../core/validate.js";
import { checkArray, checkHex, checkInteger, checkObject } from "../core/validate.js";
import type { AnchoredCheckpoint, CheckpointAnchor } from "./anchor.js";
import type { AuditLog } from "./audit-log.js";
import { checkAnchoredCheckpoint } from "./checkpoint.js";
import { type AuditEntry, NULLIFIER_PROVEN_RESULTS, auditLogId, checkAuditEntry, entryHash } from "./entry.js";
import { inclusionPath, verifyInclusion } from "./merkle.js";

export const AUDIT_ENTRIES_FORMAT = "medzk-audit-entries/v1";

/** Where an entry sits in a checkpoint's tree, and the audit path to its root. */
export interface AuditInclusion {
  /** The checkpoint's index. */
  checkpoint: number;
  /** seq - fromSeq. */
  leafIndex: number;
  /** toSeq - fromSeq + 1. */
  treeSize: number;
  /** Sibling hashes from the leaf up (RFC 6962 §2.1.1). */
  path: string[];
}

/** One entry with what proves it. */
export interface AuditEntryProof {
  entry: AuditEntry;
  /** The chain hash of the entry before (the log id for seq 0). */
  prevHash: string;
  /** This entry's chain hash, SHA-256(prevHash || canonical entry): the Merkle leaf. */
  hash: string;
  /** Null while no anchored checkpoint covers the entry yet. */
  inclusion: AuditInclusion | null;
}

/** The answer of POST /v1/audit/entries: one nullifier's entries in a verifier's log. */
export interface AuditEntries {
  format: typeof AUDIT_ENTRIES_FORMAT;
  logId: string;
  nullifier: string;
  entries: AuditEntryProof[];
  /** The anchored checkpoints the proofs refer to (the holder checks them against the anchor). */
  checkpoints: AnchoredCheckpoint[];
}

/**
 * The entries of `nullifier` in `log`, with inclusion proofs against `anchor`'s checkpoints.
 * Only entries whose result proved the nullifier (NULLIFIER_PROVEN_RESULTS): a log written before
 * refusals stopped recording claimed nullifiers may hold entries a third party planted under it.
 * NOTE: the caller must have established that whoever asks holds the nullifier (the service's
 * audit challenge, src/server/audit-access.ts): the entries say who verified that holder, when.
 */
export async function auditEntriesFor(log: AuditLog, anchor: CheckpointAnchor | undefined, nullifier: string): Promise<AuditEntries> {
  const records = (await log.byNullifier(nullifier)).filter((r) => NULLIFIER_PROVEN_RESULTS.includes(r.entry.result));
  const anchored = anchor ? await anchor.checkpoints(log.logId) : [];
  const used = new Map<number, AnchoredCheckpoint>();
  const leaves = new Map<number, string[]>();
  const entries: AuditEntryProof[] = [];
  for (const record of records) {
    const seq = record.entry.seq;
    const prevHash = seq === 0 ? log.logId : (await log.read(seq - 1, seq - 1))[0]!.hash;
    const checkpoint = anchored.find((c) => c.fromSeq <= seq && seq <= c.toSeq);
    let inclusion: AuditInclusion | null = null;
    if (checkpoint) {
      let hashes = leaves.get(checkpoint.index);
      if (!hashes) {
        hashes = (await log.read(checkpoint.fromSeq, checkpoint.toSeq)).map((r) => r.hash);
        leaves.set(checkpoint.index, hashes);
      }
      used.set(checkpoint.index, checkpoint);
      const leafIndex = seq - checkpoint.fromSeq;
      inclusion = { checkpoint: checkpoint.index, leafIndex, treeSize: hashes.length, path: inclusionPath(hashes, leafIndex) };
    }
    entries.push({ entry: record.entry, prevHash, hash: record.hash, inclusion });
  }
  return { format: AUDIT_ENTRIES_FORMAT, logId: log.logId, nullifier, entries, checkpoints: [...used.values()].sort((a, b) => a.index - b.index) };
}

/**
 * One verification of the holder, as the holder's wallet shows it: the entry (its nullifier is
 * the holder's own, so it is left out) and how it was proven.
 */
export interface AuditTrailItem extends Omit<AuditEntry, "format" | "nullifier"> {
  /** "anchored": proven in an anchored checkpoint; "pending": not checkpointed yet (chain hash checked only). */
  status: "anchored" | "pending";
  /** The anchored checkpoint that proves it. */
  anchored?: { index: number; anchoredAt: string; ref: string };
}

/** What a holder's check of a verifier's audit answer found (`auditTrail`). `ok` is false if anything failed; `items` holds only entries that checked. */
export interface AuditTrailReport {
  ok: boolean;
  logId: string;
  nullifier: string;
  items: AuditTrailItem[];
  problems: string[];
}

const MAX_ENTRIES = 10_000;

/**
 * Checks a verifier's answer (untrusted JSON) for `nullifier` against `checkpoints`, which the
 * caller read from the anchor. Never throws on the answer: everything wrong is a problem, and an
 * entry that fails a check is left out of `items`.
 */
export function checkAuditEntries(answer: unknown, expected: { verifier: string; nullifier: string; checkpoints: readonly AnchoredCheckpoint[] }): AuditTrailReport {
  const logId = auditLogId(expected.verifier);
  const report: AuditTrailReport = { ok: false, logId, nullifier: expected.nullifier, items: [], problems: [] };
  const parsed = parseAnswer(answer);
  if (!parsed.ok) {
    report.problems.push(parsed.message);
    return report;
  }
  const a = parsed.value;
  if (a.logId !== logId) report.problems.push(`the answer is for log ${a.logId}, not this verifier's ${logId}`);
  if (a.nullifier !== expected.nullifier) report.problems.push(`the answer is for another nullifier`);
  const anchored = new Map(expected.checkpoints.filter((c) => c.logId === logId).map((c) => [c.index, c]));
  for (const c of a.checkpoints) {
    const mine = anchored.get(c.index);
    if (!mine || mine.root !== c.root || mine.fromSeq !== c.fromSeq || mine.toSeq !== c.toSeq) {
      report.problems.push(`the verifier's checkpoint ${c.index} is not the anchored one`);
    }
  }
  if (report.problems.length > 0) return report;
  for (const p of a.entries) {
    const e = p.entry;
    const where = `entry ${e.seq}`;
    if (e.verifier !== expected.verifier || e.nullifier !== expected.nullifier) {
      report.problems.push(`${where} is not this verifier's entry for this nullifier`);
      continue;
    }
    if (!NULLIFIER_PROVEN_RESULTS.includes(e.result)) {
      // A refusal decided before the proof was checked proves nothing about whose it is.
      report.problems.push(`${where} is a refusal that did not prove this nullifier`);
      continue;
    }
    if (entryHash(p.prevHash, e) !== p.hash || (e.seq === 0 && p.prevHash !== logId)) {
      report.problems.push(`${where} does not hash to its chain hash`);
      continue;
    }
    const covering = [...anchored.values()].find((c) => c.fromSeq <= e.seq && e.seq <= c.toSeq);
    const item: AuditTrailItem = {
      seq: e.seq,
      time: e.time,
      verifier: e.verifier,
      purpose: e.purpose,
      preset: e.preset,
      statement: e.statement,
      result: e.result,
      requestId: e.requestId,
      status: "pending",
    };
    if (p.inclusion === null) {
      if (covering) {
        report.problems.push(`${where} is covered by anchored checkpoint ${covering.index} but came without an inclusion proof`);
        continue;
      }
    } else {
      const c = anchored.get(p.inclusion.checkpoint);
      const i = p.inclusion;
      if (!c || c !== covering || i.leafIndex !== e.seq - c.fromSeq || i.treeSize !== c.toSeq - c.fromSeq + 1 || !verifyInclusion(p.hash, i.leafIndex, i.treeSize, i.path, c.root)) {
        report.problems.push(`${where}'s inclusion proof does not verify against anchored checkpoint ${i.checkpoint}`);
        continue;
      }
      item.status = "anchored";
      item.anchored = { index: c.index, anchoredAt: c.anchoredAt, ref: c.ref };
    }
    report.items.push(item);
  }
  report.items.sort((x, y) => x.seq - y.seq);
  report.ok = report.problems.length === 0;
  return report;
}

function parseAnswer(value: unknown): Checked<AuditEntries> {
  const shaped = checkObject(value, "answer", { required: ["format", "logId", "nullifier", "entries", "checkpoints"] });
  if (!shaped.ok) return shaped;
  const a = shaped.value;
  if (a.format !== AUDIT_ENTRIES_FORMAT) return { ok: false, message: `"answer.format" must be "${AUDIT_ENTRIES_FORMAT}"` };
  const logId = checkHex(a.logId, "answer.logId", 32);
  if (!logId.ok) return logId;
  if (typeof a.nullifier !== "string") return { ok: false, message: `"answer.nullifier" must be a string` };
  const entries = checkArray(a.entries, "answer.entries", MAX_ENTRIES);
  if (!entries.ok) return entries;
  const checkpoints = checkArray(a.checkpoints, "answer.checkpoints", MAX_ENTRIES);
  if (!checkpoints.ok) return checkpoints;
  const out: AuditEntries = { format: AUDIT_ENTRIES_FORMAT, logId: logId.value, nullifier: a.nullifier, entries: [], checkpoints: [] };
  for (const [i, raw] of checkpoints.value.entries()) {
    const c = checkAnchoredCheckpoint(raw, `answer.checkpoints[${i}]`);
    if (!c.ok) return c;
    out.checkpoints.push(c.value);
  }
  for (const [i, raw] of entries.value.entries()) {
    const name = `answer.entries[${i}]`;
    const p = checkObject(raw, name, { required: ["entry", "prevHash", "hash", "inclusion"] });
    if (!p.ok) return p;
    const entry = checkAuditEntry(p.value.entry, `${name}.entry`);
    if (!entry.ok) return entry;
    const prevHash = checkHex(p.value.prevHash, `${name}.prevHash`, 32);
    if (!prevHash.ok) return prevHash;
    const hash = checkHex(p.value.hash, `${name}.hash`, 32);
    if (!hash.ok) return hash;
    let inclusion: AuditInclusion | null = null;
    if (p.value.inclusion !== null) {
      const inc = checkObject(p.value.inclusion, `${name}.inclusion`, { required: ["checkpoint", "leafIndex", "treeSize", "path"] });
      if (!inc.ok) return inc;
      const ints = (["checkpoint", "leafIndex", "treeSize"] as const).map((k) => checkInteger(inc.value[k], `${name}.inclusion.${k}`, 0, Number.MAX_SAFE_INTEGER));
      const bad = ints.find((c) => !c.ok);
      if (bad) return bad as Checked<AuditEntries>;
      const path = checkArray(inc.value.path, `${name}.inclusion.path`, 64);
      if (!path.ok) return path;
      for (const [k, h] of path.value.entries()) {
        const checked = checkHex(h, `${name}.inclusion.path[${k}]`, 32);
        if (!checked.ok) return checked;
      }
      inclusion = { checkpoint: inc.value.checkpoint as number, leafIndex: inc.value.leafIndex as number, treeSize: inc.value.treeSize as number, path: path.value as string[] };
    }
    out.entries.push({ entry: entry.value, prevHash: prevHash.value, hash: hash.value, inclusion });
  }
  return { ok: true, value: out };
}
