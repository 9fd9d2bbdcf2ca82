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
 *
 * What is asked is the statement on its as-of day, under the issuer set the request names:
 * - `ageAtLeast N` on day D asks "dateOfBirth <= D minus N years" (the birthday rule of
 *   core/dates.ts), the same question as the date query with that bound. The as-of day moves
 *   with the holder's clock (checkRequestTiming allows today +-1), so "at least 18" asked on
 *   three neighbouring days is three questions: day-shifted repeats would otherwise find a birth
 *   date near a birthday for free. NOTE: a verifier that asks its age question every day spends
 *   one question per day; give it a larger budget in the policy if that is its job.
 * - A query's relative date ("daysBeforeAsOf") asks about the absolute day it resolves to on the
 *   as-of day, for the same reason: "at least 14 days ago" asked on two days is two questions,
 *   and the same absolute bound asked as a fixed or a relative date counts once.
 * - A hidden-issuer request also asks which issuer signed the record, among the set: one
 *   question per set root about "<schema>#issuer". Four sets, each holding the real clinic and
 *   keys the verifier made up, were four free repeats of one statement and named the clinic;
 *   now every new set spends the issuer budget (and sets padded with unknown keys are refused
 *   before the guard, ISSUER_SET_TOO_SMALL, wallet.ts). A verifier whose set changes (a member
 *   revokes a credential, a key is added) spends one question per set version in the window.
 */
import { daysBefore } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import type { Predicate, QueryStatement, Statement } from "../core/statement.js";
import { parseStatement } from "../statements/registry.js";
import type { Budget } from "./policy.js";

/** What a request asks: its statement on its as-of day (YYYYMMDD), and the issuer set when it hides the issuer. */
export interface Asked {
  statement: Statement;
  asOf: number;
  /** The set root the request names, and the schema (id) whose issuer it hides. */
  issuerSet?: { root: string; schema: string };
}

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

/** The built-in schema whose dateOfBirth an ageAtLeast statement is about (statements/age-at-least.ts). */
const AGE_SCHEMA = "patient-record/v1";

/**
 * The latest real calendar day "YYYY-MM-DD" at or before the YYYYMMDD integer `day` (which may
 * name a day that does not exist, 29 February of a common year: no birth date lies between it
 * and the 28th).
 */
function latestDayAtOrBefore(day: number): string {
  const year = Math.floor(day / 10000);
  const month = Math.floor(day / 100) % 100;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate(); // day 0 of the next month
  const d = Math.min(day % 100, last);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A predicate with its relative date (if any) replaced by the "YYYY-MM-DD" it resolves to on `asOf`. */
function onDay(p: Predicate, asOf: number): Predicate {
  if (!("value" in p) || typeof p.value !== "object") return p;
  const day = daysBefore(asOf, p.value.daysBeforeAsOf);
  // A parsed statement's relative date lies after 0001-01-01 on any as-of day a request can carry.
  return { ...p, value: day === undefined ? "0001-01-01" : latestDayAtOrBefore(day) };
}

/**
 * The questions a request asks, one per attribute condition. ageAtLeast asks about the record's
 * dateOfBirth as the date query with the bound it implies on its as-of day (ageOn: at least N
 * years old on D iff born on or before D - N*10000 as YYYYMMDD), so it shares the birth date's
 * budget with date queries, and the same bound asked either way counts once.
 */
export function questionsOf(asked: Asked): Question[] {
  const { statement } = asked;
  const issuer = asked.issuerSet === undefined ? [] : [{ attribute: `${asked.issuerSet.schema}#issuer`, question: `issuerSet ${asked.issuerSet.root}` }];
  switch (statement.type) {
    case "ageAtLeast": {
      // The date query itself, normalised by the one parser (query.ts), so the two spellings coincide.
      const where = [{ attribute: "dateOfBirth", op: "LTE", value: latestDayAtOrBefore(asked.asOf - statement.minAge * 10000) }];
      const bound = parseStatement({ type: "query", schema: AGE_SCHEMA, where }) as QueryStatement;
      return [{ attribute: `${AGE_SCHEMA}#dateOfBirth`, question: JSON.stringify(bound.where[0]) }, ...issuer];
    }
    case "insuranceActive":
      return [{ attribute: "insurance-coverage/v1#insurerId", question: `insuranceActive ${JSON.stringify(statement.insurerId)}` }, ...issuer];
    case "query":
      // The predicate as normalised by parseStatement (fixed key order, canonical values), so two
      // spellings of one question count once; a relative date as the day it means on the as-of day.
      return [...statement.where.map((p) => ({ attribute: `${statement.schema}#${p.attribute}`, question: JSON.stringify(onDay(p, asked.asOf)) })), ...issuer];
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
  check(verifier: string, asked: Asked, now: Date, verifierName: string): void {
    const { maxDistinct, windowMs } = this.budgetOf(verifier);
    const since = now.getTime() - windowMs;
    const known = new Map<string, Set<string>>();
    for (const e of this.entries) {
      if (e.verifier !== verifier || Date.parse(e.at) <= since) continue;
      if (!known.has(e.attribute)) known.set(e.attribute, new Set());
      known.get(e.attribute)!.add(e.question);
    }
    for (const q of questionsOf(asked)) {
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
  record(verifier: string, request: Asked, now: Date): void {
    const at = now.toISOString();
    const asked = questionsOf(request);
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
