/**
 * Where a wallet keeps what must survive a restart: its receipts and the probing guard's memory.
 * Losing the guard's memory would reset every verifier's budget, so a wallet reads its store
 * before answering anything and writes it before returning each answer (or refusal).
 *
 * A store keeps one document, {@link WalletState}, and is read once and written whole: no store
 * needs to understand it beyond keeping bytes. `parseWalletState` checks what comes back,
 * strictly, and refuses an unknown format rather than starting from an empty guard.
 */
import { MedzkError } from "../core/errors.js";
import { assertArray, assertHex, assertInstant, assertObject, assertString } from "../core/validate.js";
import type { GuardEntry } from "./guard.js";
import { type Receipt, parseReceipt } from "./receipts.js";

export const WALLET_STATE_FORMAT = "medzk-wallet/v1";

/** What a wallet store holds: JSON-safe. */
export interface WalletState {
  /** Always "medzk-wallet/v1". */
  format: typeof WALLET_STATE_FORMAT;
  /** Every receipt, oldest first. */
  receipts: Receipt[];
  /** The probing guard's remembered questions. */
  guard: GuardEntry[];
}

/** A wallet's persistence. `load` gives undefined for a store never written. */
export interface WalletStore {
  load(): Promise<WalletState | undefined>;
  save(state: WalletState): Promise<void>;
}

/** Parses a stored state strictly; throws WALLET_STORE_INVALID naming what is wrong. */
export function parseWalletState(value: unknown): WalletState {
  const code = "WALLET_STORE_INVALID" as const;
  const s = assertObject(value, "wallet state", { required: ["format", "receipts", "guard"] }, code);
  if (s.format !== WALLET_STATE_FORMAT) {
    throw new MedzkError(code, `the wallet store has format ${JSON.stringify(s.format)}; this version reads only "${WALLET_STATE_FORMAT}"`);
  }
  const receipts = assertArray(s.receipts, "receipts", undefined, code).map((r, i) => parseReceipt(r, `receipts[${i}]`));
  const guard = assertArray(s.guard, "guard", undefined, code).map((g, i): GuardEntry => {
    const e = assertObject(g, `guard[${i}]`, { required: ["verifier", "attribute", "question", "at"] }, code);
    return {
      verifier: assertHex(e.verifier, `guard[${i}].verifier`, 32, code),
      attribute: assertString(e.attribute, `guard[${i}].attribute`, { max: 512 }, code),
      question: assertString(e.question, `guard[${i}].question`, { max: 65_536 }, code),
      at: new Date(assertInstant(e.at, `guard[${i}].at`, code)).toISOString(),
    };
  });
  return { format: WALLET_STATE_FORMAT, receipts, guard };
}

/** A store in memory (tests, or a wallet that need not survive its process). Keeps a copy, not the caller's object. */
export class MemoryWalletStore implements WalletStore {
  private json: string | undefined;

  async load(): Promise<WalletState | undefined> {
    return this.json === undefined ? undefined : parseWalletState(JSON.parse(this.json));
  }

  async save(state: WalletState): Promise<void> {
    this.json = JSON.stringify(state);
  }
}
