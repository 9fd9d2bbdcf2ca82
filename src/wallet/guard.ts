/**
 * The probing guard. A verifier that may ask anything can recover an attribute bit by bit (16
 * requests `dateOfBirth LTE x` find a birth date), because a refusal "not satisfied" leaks the
 * same bit a proof does. The guard bounds that: per verifier and attribute, at most `maxDistinct`
 * distinct questions (thresholds, sets, predicates) within a sliding window; asking an
 * already-seen question again is free, so an honest verifier repeating its usual question is
 * never blocked.
 *
 * It is decided from the requests alone, never from attribute values, and before the wallet
 * evaluates whether the statement holds, so its refusal (PROBING_LIMIT) is the same whether the
 * statement is true or false: it leaks nothing.
 *
 * When a question is remembered: as soon as the request passes trust, policy and the guard, and
 * BEFORE the wallet evaluates it (see wallet.ts). So a question whose answer is "not satisfied"
 * spends the budget exactly like one answered with a proof (otherwise false answers would be free
 * probes); requests refused earlier (untrusted, not allowed, over budget, expired) spend nothing,
 * because they were never evaluated and taught the verifier nothing about the record.
 */
import { MedzkError } from "../core/errors.js";
import type { Statement } from "../core/statement.js";
import type { Budget } from "./policy.js";

/** One remembered question: who asked what about which attribute, and when. */
export interface GuardEntry {
  /** The verifier's public key. */
  verifier: string;
  /** "<schema id>#<attribute>", e.g. "patient-record/v1#dateOfBirth". */
  attribute: string;
  /** The question in a canonical form (e.g. "ageAtLeast 18", or a predicate's normalised JSON). */
  question: string;
  /** When it was last asked: an ISO 8601 UTC instant. */
  at: string;
}

/** A question about one attribute that a statement asks. */
interface Question {
  attribute: string;
  question: string;
}

/**
 * The questions a (parsed, normalised) statement asks, one per attribute condition. ageAtLeast
 * asks about the record's dateOfBirth, so it shares the birth date's budget with date queries:
 * mixing statement types buys no extra bits.
 */
export function questionsOf(statement: Statement): Question[] {
  switch (statement.type) {
    case "ageAtLeast":
      return [{ attribute: "patient-record/v1#dateOfBirth", question: `ageAtLeast ${statement.minAge}` }];
    case "insuranceActive":
      return [{ attribute: "insurance-coverage/v1#insurerId", question: `insuranceActive ${JSON.stringify(statement.insurerId)}` }];
    case "query":
      // The predicate as normalised by parseStatement (fixed key order, canonical values), so two
      // spellings of one question count once.
      return statement.where.map((p) => ({ attribute: `${statement.schema}#${p.attribute}`, question: JSON.stringify(p) }));
  }
}

/**
 * The guard over a list of remembered questions (the wallet persists the list through its store).
 * Each verifier has its own budget (`budgetOf`, from the policy).
 */
export class ProbingGuard {
  constructor(
    private entries: GuardEntry[],
    private readonly budgetOf: (verifier: string) => Budget,
  ) {}

  /** Throws PROBING_LIMIT if answering would exceed the verifier's budget for any attribute; changes nothing. */
  check(verifier: string, statement: Statement, now: Date, verifierName: string): void {
    const { maxDistinct, windowMs } = this.budgetOf(verifier);
    const since = now.getTime() - windowMs;
    const known = new Map<string, Set<string>>();
    for (const e of this.entries) {
      if (e.verifier !== verifier || Date.parse(e.at) <= since) continue;
      if (!known.has(e.attribute)) known.set(e.attribute, new Set());
      known.get(e.attribute)!.add(e.question);
    }
    for (const q of questionsOf(statement)) {
      const set = known.get(q.attribute) ?? new Set<string>();
      set.add(q.question);
      known.set(q.attribute, set);
      if (set.size > maxDistinct) {
        throw new MedzkError(
          "PROBING_LIMIT",
          `${verifierName} has asked ${maxDistinct} distinct questions about ${q.attribute} in the last ${windowMs / 86_400_000} days; refusing a new one`,
        );
      }
    }
  }

  /** Remembers the statement's questions as asked now; forgets what fell out of each verifier's window. */
  record(verifier: string, statement: Statement, now: Date): void {
    const at = now.toISOString();
    const asked = questionsOf(statement);
    // One entry per (verifier, attribute, question), refreshed on repeat: the memory stays small.
    this.entries = this.entries.filter(
      (e) =>
        Date.parse(e.at) > now.getTime() - this.budgetOf(e.verifier).windowMs &&
        !(e.verifier === verifier && asked.some((q) => q.attribute === e.attribute && q.question === e.question)),
    );
    for (const q of asked) this.entries.push({ verifier, attribute: q.attribute, question: q.question, at });
  }

  /** The remembered questions, for the store. */
  snapshot(): GuardEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}
