/**
 * Statement types: what a request asks a holder to prove, as plain JSON. The types live in core
 * because the request and presentation formats carry them; their rules (validation,
 * normalisation, public inputs, circuits) are the statements room's (src/statements/).
 */
import type { AttributeValue } from "./schemas.js";

/**
 * A predicate operator. EQ, NE, IN and NOT_IN work on every attribute type; LT, LTE, GT, GTE
 * and BETWEEN need a date, integer or boolean attribute.
 */
export type Operator = "EQ" | "NE" | "LT" | "LTE" | "GT" | "GTE" | "BETWEEN" | "IN" | "NOT_IN";

/**
 * A date relative to the request's as-of date: that UTC day minus `daysBeforeAsOf` days. Every
 * party resolves it from the request's own as-of date (the verifier from the request it signed),
 * so a static statement (a service preset) can ask "at least 14 days ago" on every day.
 */
export interface RelativeDate {
  /** Whole days before the as-of date, 0 to 36500. */
  daysBeforeAsOf: number;
}

/** A condition on one attribute of the credential; values are written as in a credential. */
export type Predicate =
  | {
      /** An attribute of the query's schema. */
      attribute: string;
      /** Compares the attribute with `value`. */
      op: "EQ" | "NE" | "LT" | "LTE" | "GT" | "GTE";
      /** The value compared with; a date attribute may take a {@link RelativeDate}. */
      value: AttributeValue | RelativeDate
    }
  | {
      /** An attribute of the query's schema. */
      attribute: string;
      /** low <= attribute <= high, inclusive. */
      op: "BETWEEN";
      /** [low, high], low not above high. */
      values: [AttributeValue, AttributeValue]
    }
  | {
      /** An attribute of the query's schema. */
      attribute: string;
      /** The attribute is (not) one of `values`. */
      op: "IN" | "NOT_IN";
      /** 1 to 16 values. */
      values: AttributeValue[]
    };

/**
 * A query over one credential of `schema`: up to 4 predicates, all of which must hold, and up to
 * 2 attributes to disclose. It needs at least one predicate or disclosure.
 */
export interface QueryStatement {
  /** Always "query". */
  type: "query";
  /** Schema id; the verifier must know (pin) its definition. */
  schema: string;
  /** Up to 4 predicates, all of which must hold. */
  where: Predicate[];
  /**
   * Up to 2 attribute names whose values the verifier learns (free strings only as hashes). A
   * holder proves only if it allowed each of them (`allowDisclosure`).
   */
  disclose?: string[];
}

/**
 * What a holder proves about one credential on the request's as-of date. Every statement also
 * proves the issuer signature, the holder binding, non-revocation and non-expiry.
 */
export type Statement =
  | {
      /** At least `minAge` whole years old, from a "patient-record/v1" credential's dateOfBirth. */
      type: "ageAtLeast";
      /** Whole years, an integer from 0 to 255. */
      minAge: number
    }
  | {
      /** Covered (coverageStart <= as-of date <= coverageEnd) by an "insurance-coverage/v1" credential. */
      type: "insuranceActive";
      /** The credential's insurerId, exactly: 1 to 256 characters. */
      insurerId: string
    }
  | QueryStatement;

/** The statement kinds: "ageAtLeast", "insuranceActive" and "query". */
export type StatementType = Statement["type"];
