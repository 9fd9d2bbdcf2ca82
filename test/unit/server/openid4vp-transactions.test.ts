import { expect, it } from "vitest";
import type { ProofRequest } from "../../../src/core/request.js";
import { Openid4vpTransactions } from "../../../src/server/openid4vp-transactions.js";

const EXPIRES = Date.parse("2026-12-07T10:05:00.000Z");
const request = { expiresAt: new Date(EXPIRES).toISOString() } as ProofRequest;

it("opens a transaction under a fresh state and request id, finds it by either until 10 minutes after expiry, and checks the token", () => {
  const store = new Openid4vpTransactions();
  const { transaction, resultToken } = store.open(request, EXPIRES - 60_000)!;
  const other = store.open(request, EXPIRES - 60_000)!;
  expect(transaction.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(resultToken).toMatch(/^[0-9a-f]{64}$/);
  expect(new Set([transaction.state, other.transaction.state, transaction.requestId, other.transaction.requestId]).size).toBe(4);
  expect(store.byState(transaction.state, EXPIRES)).toBe(transaction);
  expect(store.byRequestId(transaction.requestId, EXPIRES)).toBe(transaction);
  expect(store.byRequestId(transaction.state, EXPIRES)).toBeUndefined();
  expect(Openid4vpTransactions.holdsToken(transaction, resultToken)).toBe(true);
  expect(Openid4vpTransactions.holdsToken(transaction, other.resultToken)).toBe(false);
  expect(Openid4vpTransactions.holdsToken(transaction, "")).toBe(false);
  expect(store.byState(transaction.state, EXPIRES + 10 * 60_000 - 1)).toBe(transaction);
  expect(store.byState(transaction.state, EXPIRES + 10 * 60_000)).toBeUndefined();
});

it("holds at most its bound of open transactions, and drops expired ones to make room", () => {
  const store = new Openid4vpTransactions(3);
  for (let i = 0; i < 3; i++) expect(store.open(request, EXPIRES)).toBeDefined();
  expect(store.open(request, EXPIRES)).toBeUndefined();
  expect(store.open(request, EXPIRES + 10 * 60_000)).toBeDefined();
});
