import fc from "fast-check";
import { poseidon4 } from "poseidon-lite";
import { describe, expect, it } from "vitest";
import { FIELD_ORDER } from "../../../src/core/field.js";
import {
  EMPTY_REVOCATION_ROOT,
  REVOCATION_CAPACITY,
  REVOCATION_DEPTH,
  REVOCATION_LEAF_BITS,
  type RevocationStatus,
  type RevocationWitness,
  revocationRootOf,
  revocationWitness,
} from "../../../src/core/revocation.js";
import { RevocationRegistry } from "../../../src/issuer/revocation-registry.js";
import { codeOf } from "../../helpers/errors.js";

const CAP = REVOCATION_CAPACITY;
const LEAVES = 4 ** REVOCATION_DEPTH;
const EDGE_SLOTS = [0, 247, 248, 4095 * 248, CAP - 1];

// --- Naive reference: every leaf and every node of every level, nothing sparse. -----------------
// poseidon4 is memoised (it is a pure function) only so that the reference runs in seconds.
const memo = new Map<string, bigint>();
function hash4(children: bigint[]): bigint {
  const key = children.join(",");
  let value = memo.get(key);
  if (value === undefined) {
    value = poseidon4(children);
    memo.set(key, value);
  }
  return value;
}

/** levels[0] = the 4,096 leaves, levels[6] = [root]. */
function naiveLevels(revoked: Iterable<number>): bigint[][] {
  const leaves = new Array<bigint>(LEAVES).fill(0n);
  for (const slot of revoked) {
    const leaf = Math.floor(slot / REVOCATION_LEAF_BITS);
    leaves[leaf] = leaves[leaf]! | (1n << BigInt(slot % REVOCATION_LEAF_BITS));
  }
  const levels = [leaves];
  for (let l = 0; l < REVOCATION_DEPTH; l++) {
    const below = levels[l]!;
    const above: bigint[] = [];
    for (let i = 0; i < below.length; i += 4) above.push(hash4(below.slice(i, i + 4)));
    levels.push(above);
  }
  return levels;
}

function naiveRoot(revoked: Iterable<number>): string {
  return naiveLevels(revoked)[REVOCATION_DEPTH]![0]!.toString();
}

// --- Witness check, mirroring RevocationCheck / QuadMerkleRoot in revocation.circom. -------------
const mod = (x: bigint): bigint => ((x % FIELD_ORDER) + FIELD_ORDER) % FIELD_ORDER;

function circuitRoot(w: RevocationWitness): bigint {
  let cur = BigInt(w.revLeaf);
  for (let l = 0; l < REVOCATION_DEPTH; l++) {
    const b0 = BigInt(w.revPathBits[2 * l]!);
    const b1 = BigInt(w.revPathBits[2 * l + 1]!);
    const [sib0, sib1, sib2] = w.revSiblings[l]!.map(BigInt) as [bigint, bigint, bigint];
    const s3 = mod(b0 * b1);
    const s1 = mod(b0 - s3);
    const s2 = mod(b1 - s3);
    const s0 = mod(1n - b0 - b1 + s3);
    const child0 = mod(sib0 + s0 * (cur - sib0));
    const child1 = mod(s1 * cur + (s2 + s3) * sib1 + s0 * sib0);
    const child2 = mod(s2 * cur + s3 * sib2 + (s0 + s1) * sib1);
    const child3 = mod(sib2 + s3 * (cur - sib2));
    cur = poseidon4([child0, child1, child2, child3]);
  }
  return cur;
}

/** Every constraint RevocationCheck puts on the witness, for `slot` under `root`. */
function expectWitnessVerifies(w: RevocationWitness, slot: number, root: string): void {
  expect(w.revPathBits).toHaveLength(2 * REVOCATION_DEPTH);
  expect(w.revSiblings).toHaveLength(REVOCATION_DEPTH);
  for (const s of w.revSiblings) expect(s).toHaveLength(3);
  let leafIndex = 0;
  w.revPathBits.forEach((bit, i) => {
    expect(["0", "1"]).toContain(bit);
    leafIndex += Number(bit) * 2 ** i;
  });
  const bitIndex = Number(w.revBitIndex);
  expect(Number.isInteger(bitIndex) && bitIndex >= 0 && bitIndex < REVOCATION_LEAF_BITS).toBe(true);
  expect(leafIndex * REVOCATION_LEAF_BITS + bitIndex).toBe(slot);
  const leaf = BigInt(w.revLeaf);
  expect(leaf >= 0n && leaf < 1n << BigInt(REVOCATION_LEAF_BITS)).toBe(true);
  expect((leaf >> BigInt(bitIndex)) & 1n).toBe(0n);
  expect(circuitRoot(w).toString()).toBe(root);
}

function statusOf(revoked: Iterable<number>, nextSlot = CAP): RevocationStatus {
  const sorted = [...new Set(revoked)].sort((a, b) => a - b);
  return {
    format: "medzk-revocation/v1",
    issuer: "issuer-1",
    root: revocationRootOf(sorted),
    revoked: sorted,
    updatedAt: "2025-01-02T03:04:05.678Z",
    nextSlot,
  };
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSlots(seed: number, count: number, max = CAP): number[] {
  const next = rng(seed);
  const slots = new Set<number>();
  while (slots.size < count) slots.add(Math.floor(next() * max));
  return [...slots];
}

const SETS: Record<string, number[]> = {
  empty: [],
  edges: EDGE_SLOTS,
  "one leaf, many bits": [248, 249, 300, 495],
  "random 12": randomSlots(1, 12),
  "random 40": randomSlots(2, 40),
  "clustered 60": randomSlots(3, 60, 5 * 248),
  "edges + random 25": [...EDGE_SLOTS, ...randomSlots(4, 25)],
  "dense 1500": randomSlots(5, 1500),
};

describe("revocation tree", () => {
  it("has the circuit's dimensions", () => {
    expect(REVOCATION_DEPTH).toBe(6);
    expect(REVOCATION_LEAF_BITS).toBe(248);
    expect(REVOCATION_CAPACITY).toBe(4 ** 6 * 248);
    expect(REVOCATION_CAPACITY).toBe(1_015_808);
  });

  it("EMPTY_REVOCATION_ROOT is the root with no revocations", () => {
    expect(EMPTY_REVOCATION_ROOT).toBe(naiveRoot([]));
    expect(revocationRootOf([])).toBe(EMPTY_REVOCATION_ROOT);
    expect(new RevocationRegistry({ issuer: "i" }).root).toBe(EMPTY_REVOCATION_ROOT);
  });

  for (const [name, revoked] of Object.entries(SETS)) {
    it(`sparse tree matches the naive full tree: ${name}`, () => {
      const levels = naiveLevels(revoked);
      const root = levels[REVOCATION_DEPTH]![0]!.toString();
      expect(revocationRootOf(revoked)).toBe(root);

      // Incrementally, reading the root now and then (partial refreshes), in another order.
      const registry = RevocationRegistry.fromStatus(statusOf([]));
      [...revoked].reverse().forEach((slot, i) => {
        registry.revoke(slot);
        if (revoked.length <= 100 && i % 7 === 0) expect(registry.root).toBe(naiveRoot([...revoked].reverse().slice(0, i + 1)));
      });
      expect(registry.root).toBe(root);

      // Witnesses for unrevoked slots next to (and at) the edges, checked against the naive tree.
      const status = registry.publish();
      const revokedSet = new Set(revoked);
      const candidates = [...EDGE_SLOTS, ...revoked.flatMap((s) => [s - 1, s + 1, s + 248])]
        .filter((s) => s >= 0 && s < CAP && !revokedSet.has(s))
        .slice(0, 20);
      for (const slot of candidates) {
        const w = revocationWitness(status, slot);
        expectWitnessVerifies(w, slot, root);
        const leafIndex = Math.floor(slot / 248);
        expect(w.revLeaf).toBe(levels[0]![leafIndex]!.toString());
        for (let l = 0; l < REVOCATION_DEPTH; l++) {
          const index = leafIndex >> (2 * l);
          const first = index - (index & 3);
          const expected = [0, 1, 2, 3].filter((k) => k !== (index & 3)).map((k) => levels[l]![first + k]!.toString());
          expect(w.revSiblings[l]).toEqual(expected);
        }
      }
      for (const slot of revoked.slice(0, 10)) {
        expect(codeOf(() => revocationWitness(status, slot))).toBe("CREDENTIAL_REVOKED");
      }
    });
  }

  it("places slots by the circuit's rule: leaf s / 248, bit s % 248, 2 path bits per level LSB first", () => {
    const w = revocationWitness(statusOf([]), 5 * 248 * 4 + 3 * 248 + 17); // leaf 23 = digits 3, 1, 1
    expect(w.revBitIndex).toBe("17");
    expect(w.revPathBits).toEqual(["1", "1", "1", "0", "1", "0", "0", "0", "0", "0", "0", "0"]);
    const last = revocationWitness(statusOf([]), CAP - 1);
    expect(last.revBitIndex).toBe("247");
    expect(last.revPathBits).toEqual(new Array(12).fill("1"));
  });

  it("revocationRootOf ignores order and repetitions and validates slots", () => {
    expect(revocationRootOf([248, 0, 248])).toBe(revocationRootOf([0, 248]));
    for (const bad of [[-1], [CAP], [1.5], [Number.NaN], ["3" as unknown as number]]) {
      expect(codeOf(() => revocationRootOf(bad))).toBe("INVALID_ARGUMENT");
    }
  });
});

describe("RevocationRegistry", () => {
  it("allocates slots sequentially, revokes idempotently, changes the root", () => {
    let t = Date.parse("2025-03-01T00:00:00Z");
    const registry = new RevocationRegistry({ issuer: "issuer-1", clock: () => new Date((t += 1000)) });
    expect([registry.allocateSlot(), registry.allocateSlot(), registry.allocateSlot()]).toEqual([0, 1, 2]);
    const created = registry.publish();
    expect(created.updatedAt).toBe("2025-03-01T00:00:01.000Z");
    expect(created).toMatchObject({ format: "medzk-revocation/v1", issuer: "issuer-1", root: EMPTY_REVOCATION_ROOT, revoked: [], nextSlot: 3 });

    registry.revoke(1);
    const once = registry.publish();
    expect(once.root).not.toBe(EMPTY_REVOCATION_ROOT);
    expect(once.root).toBe(naiveRoot([1]));
    expect(once.updatedAt).toBe("2025-03-01T00:00:02.000Z");
    expect(registry.isRevoked(1)).toBe(true);
    expect(registry.isRevoked(0)).toBe(false);
    expect(registry.isRevoked(500)).toBe(false);

    registry.revoke(1);
    expect(registry.publish()).toEqual(once);

    registry.revoke(0);
    expect(registry.root).not.toBe(once.root);
    expect(registry.publish().revoked).toEqual([0, 1]);
    expect(once.revoked).toEqual([1]); // the snapshot did not move
  });

  it("refuses to revoke slots that are not allocated or not slots", () => {
    const registry = new RevocationRegistry({ issuer: "i" });
    registry.allocateSlot();
    for (const bad of [1, -1, 0.5, CAP, Number.NaN, "0" as unknown as number]) {
      expect(codeOf(() => registry.revoke(bad))).toBe("INVALID_ARGUMENT");
    }
    expect(codeOf(() => registry.isRevoked(CAP))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => new RevocationRegistry({ issuer: "" }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => new RevocationRegistry({ issuer: "i", extra: 1 } as unknown as { issuer: string }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => new RevocationRegistry({ issuer: "i", clock: () => new Date(Number.NaN) }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => new RevocationRegistry({ issuer: "i", clock: () => new Date(), now: () => new Date() }))).toBe("INVALID_ARGUMENT");
  });

  it("publish -> JSON -> fromStatus round-trips and continues where it left off", () => {
    const registry = new RevocationRegistry({ issuer: "a1b2", now: () => new Date("2025-04-05T06:07:08.009Z") });
    for (let i = 0; i < 600; i++) registry.allocateSlot();
    for (const slot of [599, 0, 247, 248, 17]) registry.revoke(slot);
    const status = registry.publish();
    expect(status.revoked).toEqual([0, 17, 247, 248, 599]);

    const restored = RevocationRegistry.fromStatus(JSON.parse(JSON.stringify(status)));
    expect(restored.publish()).toEqual(status);
    expect(restored.root).toBe(registry.root);
    expect(restored.isRevoked(248)).toBe(true);
    expect(restored.allocateSlot()).toBe(600);
    restored.revoke(600);
    expect(restored.root).toBe(naiveRoot([...status.revoked, 600]));

    // An updatedAt without milliseconds is an ISO instant too.
    expect(RevocationRegistry.fromStatus({ ...status, updatedAt: "2025-04-05T06:07:08Z" }).publish().updatedAt).toBe(
      "2025-04-05T06:07:08.000Z",
    );
  });

  it("runs out of slots with a clear error", () => {
    const registry = new RevocationRegistry({ issuer: "i" });
    for (let i = 0; i < CAP; i++) registry.allocateSlot();
    registry.revoke(CAP - 1);
    expect(() => registry.allocateSlot()).toThrow(/full: all 1015808 slots/);
    expect(codeOf(() => registry.allocateSlot())).toBe("REVOCATION_REGISTRY_FULL");

    const full = RevocationRegistry.fromStatus({ ...statusOf([]), nextSlot: CAP });
    expect(codeOf(() => full.allocateSlot())).toBe("REVOCATION_REGISTRY_FULL");
  });
});

describe("status validation", () => {
  const good = statusOf([3, 500, 9000], 10_000);
  const tampered: Record<string, unknown> = {
    "root not matching the list": { ...good, revoked: [3, 500] },
    "root of another list": { ...good, root: revocationRootOf([3, 500, 9001]) },
    "unsorted": { ...good, revoked: [500, 3, 9000] },
    "duplicate": { ...good, revoked: [3, 500, 500, 9000] },
    "negative slot": { ...good, revoked: [-1, 3, 500, 9000] },
    "slot not allocated": { ...good, revoked: [3, 500, 10_000] },
    "slot beyond capacity": { ...good, nextSlot: CAP, revoked: [3, 500, CAP] },
    "fractional slot": { ...good, revoked: [3, 500.5, 9000] },
    "string slot": { ...good, revoked: ["3", 500, 9000] },
    "wrong format": { ...good, format: "medzk-revocation/v2" },
    "missing format": { ...good, format: undefined },
    "unknown field": { ...good, extra: 1 },
    "non-canonical root": { ...good, root: `0${good.root}` },
    "root above the field": { ...good, root: (FIELD_ORDER + BigInt(good.root)).toString() },
    "bad updatedAt": { ...good, updatedAt: "2025-02-30T00:00:00Z" },
    "local-time updatedAt": { ...good, updatedAt: "2025-01-02T03:04:05+01:00" },
    "nextSlot beyond capacity": { ...good, nextSlot: CAP + 1 },
    "empty issuer": { ...good, issuer: "" },
    "revoked not an array": { ...good, revoked: "3,500,9000" },
    "null": null,
    "array": [good],
  };

  it("accepts the untampered status", () => {
    expectWitnessVerifies(revocationWitness(good, 4), 4, good.root);
    expect(RevocationRegistry.fromStatus(good).publish()).toEqual(good);
  });

  for (const [name, status] of Object.entries(tampered)) {
    it(`refuses ${name} (INVALID_REVOCATION_STATUS)`, () => {
      expect(codeOf(() => revocationWitness(status, 4))).toBe("INVALID_REVOCATION_STATUS");
      expect(codeOf(() => RevocationRegistry.fromStatus(status))).toBe("INVALID_REVOCATION_STATUS");
    });
  }

  it("refuses each key removed and an unknown key added, naming the key (INVALID_REVOCATION_STATUS)", () => {
    for (const key of Object.keys(good)) {
      const { [key]: _removed, ...rest } = good as unknown as Record<string, unknown>;
      expect(codeOf(() => revocationWitness(rest, 4)), key).toBe("INVALID_REVOCATION_STATUS");
      expect(() => RevocationRegistry.fromStatus(rest)).toThrow(new RegExp(key));
    }
    expect(() => revocationWitness({ ...good, valid: true }, 4)).toThrow(/"valid"/);
    for (const [key, value] of [["issuer", 7], ["root", 5], ["updatedAt", Date.now()], ["nextSlot", "10000"], ["revoked", {}]] as const) {
      expect(codeOf(() => revocationWitness({ ...good, [key]: value }, 4)), key).toBe("INVALID_REVOCATION_STATUS");
    }
  });

  it("does not let the witness cache skip validation", () => {
    const first = revocationWitness(good, 4);
    expect(revocationWitness(JSON.parse(JSON.stringify(good)), 4)).toEqual(first); // cache hit
    // Same root, different list: must be rebuilt and refused, not served from the cache.
    expect(codeOf(() => revocationWitness({ ...good, revoked: [3, 500] }, 4))).toBe("INVALID_REVOCATION_STATUS");
    expect(codeOf(() => revocationWitness({ ...good, revoked: [3, 500, 9000, 9001] }, 4))).toBe("INVALID_REVOCATION_STATUS");
    // A caller mutating its status object after use does not poison the cache.
    const mutable = structuredClone(good);
    revocationWitness(mutable, 4);
    mutable.revoked.push(9999);
    expect(codeOf(() => revocationWitness(mutable, 4))).toBe("INVALID_REVOCATION_STATUS");
    expect(revocationWitness(good, 9999)).toEqual(revocationWitness(statusOf([3, 500, 9000]), 9999));
  });

  it("refuses slots out of range for a witness, accepts slots past an older status's nextSlot", () => {
    for (const bad of [-1, CAP, 2.5, Number.NaN]) {
      expect(codeOf(() => revocationWitness(good, bad))).toBe("INVALID_ARGUMENT");
    }
    expectWitnessVerifies(revocationWitness(good, 20_000), 20_000, good.root);
  });
});

describe("properties", () => {
  // Slots from the whole range and from the first few leaves, so that sets share leaves and paths.
  const slot = fc.oneof(fc.integer({ min: 0, max: CAP - 1 }), fc.integer({ min: 0, max: 4 * 248 }), fc.constantFrom(...EDGE_SLOTS));
  const revokedSet = fc.uniqueArray(slot, { maxLength: 25 });

  it("the witness of any unrevoked slot satisfies the circuit's constraints", () => {
    fc.assert(
      fc.property(revokedSet, slot, (revoked, target) => {
        fc.pre(!revoked.includes(target));
        const status = statusOf(revoked);
        expectWitnessVerifies(revocationWitness(status, target), target, status.root);
      }),
      { numRuns: 30 },
    );
  });

  it("any revoked slot throws CREDENTIAL_REVOKED", () => {
    fc.assert(
      fc.property(revokedSet.filter((r) => r.length > 0), fc.nat(), (revoked, pick) => {
        const status = statusOf(revoked);
        expect(codeOf(() => revocationWitness(status, revoked[pick % revoked.length]!))).toBe("CREDENTIAL_REVOKED");
      }),
      { numRuns: 30 },
    );
  });

  it("the sparse root equals the naive root", () => {
    fc.assert(
      fc.property(revokedSet, (revoked) => {
        expect(revocationRootOf(revoked)).toBe(naiveRoot(revoked));
      }),
      { numRuns: 20 },
    );
  });
});
