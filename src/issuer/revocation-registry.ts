/**
 * The issuer's revocation registry: allocates credentials' revocation slots, revokes them and
 * publishes the status (core/revocation.ts: the format and the tree holders and circuits use).
 */
import { MedzkError } from "../core/errors.js";
import {
  type BitmapTree,
  MAX_STATUS_ISSUER_LENGTH,
  REVOCATION_CAPACITY,
  REVOCATION_FORMAT,
  type RevocationStatus,
  checkSlot,
  parseRevocationStatus,
  treeOf,
  verifiedTree,
} from "../core/revocation.js";
import { assertClock, assertObject, assertString } from "../core/validate.js";

/** Options of a {@link RevocationRegistry}. */
export interface RevocationRegistryOptions {
  /** Issuer id or packed public key: 1 to 1024 characters, copied into each published status. */
  issuer: string;
  /** Clock for `updatedAt`, injectable for tests. Default: the system clock. */
  clock?: () => Date;
  /** @deprecated Use `clock` (the same function); removed in the next major release. */
  now?: () => Date;
}

function clockOf(options: { clock?: unknown; now?: unknown }): () => Date {
  if (options.clock !== undefined && options.now !== undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `give "clock" or its deprecated alias "now", not both`);
  }
  return options.clock !== undefined ? assertClock(options.clock, "clock") : assertClock(options.now, "now");
}

/** The issuer side: allocates slots, revokes them, publishes the status. */
export class RevocationRegistry {
  /** Issuer id or packed public key, as given to the constructor; copied into each published status. */
  readonly issuer: string;
  private readonly clock: () => Date;
  private tree: BitmapTree;
  private revoked: Set<number>;
  private next: number;
  private updatedAt: Date;

  constructor(options: RevocationRegistryOptions) {
    const o = assertObject(options, "options", { required: ["issuer"], optional: ["clock", "now"] });
    this.issuer = assertString(o.issuer, "issuer", { max: MAX_STATUS_ISSUER_LENGTH });
    this.clock = clockOf(o);
    this.tree = treeOf([]);
    this.revoked = new Set();
    this.next = 0;
    this.updatedAt = this.clock();
  }

  /**
   * Restores a registry from its last published status. Validates it fully and refuses it
   * (INVALID_REVOCATION_STATUS) when it is malformed or its root does not match its revoked list.
   */
  static fromStatus(status: unknown, options: Omit<RevocationRegistryOptions, "issuer"> = {}): RevocationRegistry {
    const o = assertObject(options, "options", { required: [], optional: ["clock", "now"] });
    const checked = parseRevocationStatus(status);
    const tree = verifiedTree(checked);
    const registry = new RevocationRegistry({ issuer: checked.issuer, clock: clockOf(o) });
    registry.tree = tree;
    registry.revoked = new Set(checked.revoked);
    registry.next = checked.nextSlot;
    registry.updatedAt = new Date(checked.updatedAt);
    return registry;
  }

  /** The next free slot, sequentially from 0. Throws REVOCATION_REGISTRY_FULL once all slots are taken. */
  allocateSlot(): number {
    if (this.next >= REVOCATION_CAPACITY) {
      throw new MedzkError("REVOCATION_REGISTRY_FULL", `revocation registry of ${this.issuer} is full: all ${REVOCATION_CAPACITY} slots are allocated`);
    }
    return this.next++;
  }

  /**
   * Revokes a credential (or its allocated slot). Revoking it again changes nothing (not even
   * updatedAt). Throws INVALID_ARGUMENT for a slot out of range or not allocated yet.
   */
  revoke(credentialOrSlot: number | { revocationSlot: number }): void {
    const slot = checkSlot(typeof credentialOrSlot === "number" ? credentialOrSlot : credentialOrSlot?.revocationSlot);
    if (slot >= this.next) throw new MedzkError("INVALID_ARGUMENT", `slot ${slot} has not been allocated (next slot is ${this.next})`);
    if (!this.tree.set(slot)) return;
    this.revoked.add(slot);
    this.updatedAt = this.clock();
  }

  /** Whether a slot is revoked (false for a slot not allocated yet). */
  isRevoked(slot: number): boolean {
    return this.tree.has(checkSlot(slot));
  }

  /** Current root (decimal). */
  get root(): string {
    return this.tree.root().toString();
  }

  /** A snapshot to publish; later revocations do not change it. */
  publish(): RevocationStatus {
    return {
      format: REVOCATION_FORMAT,
      issuer: this.issuer,
      root: this.root,
      revoked: Array.from(this.revoked).sort((a, b) => a - b),
      updatedAt: this.updatedAt.toISOString(),
      nextSlot: this.next,
    };
  }
}
