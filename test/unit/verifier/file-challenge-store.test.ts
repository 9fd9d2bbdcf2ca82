/**
 * FileChallengeStore: single use across instances (as separate processes would be: each instance
 * has its own in-memory queue, so only the file lock orders them), strict parsing, sweeping by the
 * verifier's clock, stale locks. Separate processes are test/e2e/cli.test.ts's (medzk verify).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MedzkError } from "../../../src/core/errors.js";
import { FileChallengeStore } from "../../../src/verifier/file-challenge-store.js";

let dir: string;
let n = 0;
const fresh = () => join(dir, `store-${n++}.json`);
const NOW = Date.parse("2026-03-01T12:00:00Z");
const IN_5_MIN = NOW + 5 * 60_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-challenges-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function expectUnavailable(promise: Promise<unknown>, mentions: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MedzkError);
  expect((error as MedzkError).code).toBe("CHALLENGE_STORE_UNAVAILABLE");
  expect((error as MedzkError).message).toContain(mentions);
}

describe("FileChallengeStore", () => {
  it("accepts a challenge once, also through another instance of the same file", async () => {
    const path = fresh();
    expect(await new FileChallengeStore(path).check()).toBe(0);
    expect(existsSync(path)).toBe(false);
    const store = new FileChallengeStore(path);
    expect(await store.consume("17", IN_5_MIN, NOW)).toBe(true);
    expect(await store.consume("17", IN_5_MIN, NOW)).toBe(false);
    expect(await new FileChallengeStore(path).consume("17", IN_5_MIN, NOW)).toBe(false);
    expect(await new FileChallengeStore(path).consume("18", IN_5_MIN, NOW)).toBe(true);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ format: "medzk-challenges/v1", used: { "17": IN_5_MIN, "18": IN_5_MIN } });
    expect(await new FileChallengeStore(path).check()).toBe(2);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("of concurrent consumers of one challenge through separate instances, exactly one wins; distinct challenges all land", async () => {
    const path = fresh();
    const stores = Array.from({ length: 12 }, () => new FileChallengeStore(path));
    const same = await Promise.all(stores.map((s) => s.consume("42", IN_5_MIN, NOW)));
    expect(same.filter(Boolean)).toHaveLength(1);
    // No lost update: every distinct challenge is in the file afterwards.
    const distinct = await Promise.all(stores.flatMap((s, i) => [s.consume(`100${i}`, IN_5_MIN, NOW), s.consume(`200${i}`, IN_5_MIN, NOW)]));
    expect(distinct.every(Boolean)).toBe(true);
    const used = (JSON.parse(await readFile(path, "utf8")) as { used: Record<string, number> }).used;
    expect(Object.keys(used).sort()).toEqual(["42", ...stores.flatMap((_, i) => [`100${i}`, `200${i}`])].sort());
  });

  it("forgets a challenge only once it expired more than GRACE_MS ago on the verifier's clock", async () => {
    const path = fresh();
    const store = new FileChallengeStore(path);
    expect(await store.consume("1", IN_5_MIN, NOW)).toBe(true);
    const justInside = IN_5_MIN + FileChallengeStore.GRACE_MS;
    expect(await store.consume("2", justInside + 60_000, justInside)).toBe(true);
    expect(await store.consume("1", IN_5_MIN, justInside)).toBe(false);
    const past = IN_5_MIN + FileChallengeStore.GRACE_MS + 1;
    // The sweep runs on a write; "1" is swept then, not "2".
    expect(await store.consume("3", past + 60_000, past)).toBe(true);
    expect(Object.keys((JSON.parse(await readFile(path, "utf8")) as { used: object }).used).sort()).toEqual(["2", "3"]);
  });

  it("refuses a damaged or foreign file, naming it, and leaves it as it was", async () => {
    const cases: [string, string][] = [
      ["{ not json", "not valid JSON"],
      ["[]", "must be a JSON object, got an array"],
      [JSON.stringify({ format: "medzk-challenges/v1" }), 'missing property "challenge store.used"'],
      [JSON.stringify({ format: "medzk-challenges/v1", used: {}, extra: 1 }), 'unknown property "extra"'],
      [JSON.stringify({ format: "medzk-challenges/v2", used: {} }), '"format" must be "medzk-challenges/v1"'],
      [JSON.stringify({ format: "medzk-challenges/v1", used: [] }), '"used" must be an object'],
      [JSON.stringify({ format: "medzk-challenges/v1", used: { "1": "1795523087532" } }), "must be an integer"],
      [JSON.stringify({ format: "medzk-challenges/v1", used: { "1": 1.5 } }), "must be an integer"],
      [JSON.stringify({ format: "medzk-challenges/v1", used: { ["9".repeat(129)]: 1 } }), "1 to 128 characters"],
    ];
    for (const [text, mentions] of cases) {
      const path = fresh();
      await writeFile(path, text);
      await expectUnavailable(new FileChallengeStore(path).check(), mentions);
      await expectUnavailable(new FileChallengeStore(path).consume("5", IN_5_MIN, NOW), path);
      expect(await readFile(path, "utf8")).toBe(text);
    }
  });

  it("fails closed when the file cannot be read or locked, and refuses a bad challenge or path", async () => {
    // A directory where the file should be (EISDIR on every account, root's too).
    const taken = join(dir, "a-directory.json");
    await mkdir(taken);
    await expectUnavailable(new FileChallengeStore(taken).consume("5", IN_5_MIN, NOW), "cannot read it: EISDIR");
    // The lock file's directory does not exist: the lock cannot be taken.
    await expectUnavailable(new FileChallengeStore(join(dir, "no-such-dir", "store.json")).consume("5", IN_5_MIN, NOW), "no-such-dir");
    await expectUnavailable(new FileChallengeStore(join(dir, "no-such-dir", "store.json")).check(), "no-such-dir does not exist");
    const store = new FileChallengeStore(fresh());
    await expect(store.consume("", IN_5_MIN, NOW)).rejects.toThrow(/"challenge" must be/);
    expect(() => new FileChallengeStore("")).toThrow(MedzkError);
  });

  it("breaks the lock of a process that died holding it", async () => {
    const path = fresh();
    // A pid far above pid_max on Linux (4194304): no such process.
    await writeFile(`${path}.lock`, `99999999 ${hostname()} ${Date.now()}`);
    expect(await new FileChallengeStore(path).consume("7", IN_5_MIN, NOW)).toBe(true);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
