/**
 * `medzk audit verify` as a child process (the CLI bundled from the sources with esbuild, so no
 * package build is needed): exit 0 for an intact log, 1 with the first bad seq for a damaged one,
 * 2 for usage mistakes, 3 for missing files; from --log/--anchor and from a verifier.json.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { auditInput } from "../../helpers/audit.js";
import { runCli } from "../../helpers/cli.js";

const KEY = generateVerifierKey();
let cli: string;
let dir: string;
let lines: string[];
/** The intact log's head hash, from the first test's report. */
let head: string;

const medzk = (args: string[]) => runCli(cli, args, { cwd: dir, timeout: 60_000 });

beforeAll(async () => {
  // Inside the checkout, so the bundle's bare imports resolve to its node_modules.
  const out = resolve("node_modules/.cache/medzk-test-cli");
  await mkdir(out, { recursive: true });
  cli = join(out, `cli-${process.pid}.mjs`);
  await build({ entryPoints: [resolve("src/cli/main.ts")], bundle: true, platform: "node", format: "esm", outfile: cli, packages: "external", logLevel: "silent" });
  dir = await mkdtemp(join(tmpdir(), "medzk-audit-cli-"));
  const log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: KEY.publicKey });
  const anchor = new FileCheckpointAnchor(join(dir, "anchors.jsonl"));
  for (let i = 0; i < 10; i++) {
    await log.append(auditInput(i, { verifier: KEY.publicKey }));
    if (i === 3 || i === 7) await anchorCheckpoint(log, anchor);
  }
  lines = (await readFile(log.path, "utf8")).split("\n").slice(0, -1);
  await writeFile(
    join(dir, "verifier.json"),
    JSON.stringify({ presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [generateIssuerKey().publicKey], signingKey: { hex: KEY.privateKey }, audit: { file: "audit.jsonl", anchor: { file: "anchors.jsonl" } } }),
  );
});

const withLog = (file: string, extra: string[] = []) => medzk(["audit", "verify", "--log", file, "--verifier", KEY.publicKey, "--anchor", "anchors.jsonl", ...extra]);

describe("medzk audit verify", () => {
  it("exits 0 with the report for an intact log, from --log or from the config", async () => {
    const run = await withLog("audit.jsonl");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, size: 10, checkpoints: 2, covered: 8, problems: [] });
    head = report.head;
    const viaConfig = await medzk(["audit", "verify", "--config", "verifier.json"]);
    expect(viaConfig.code).toBe(0);
    expect(JSON.parse(viaConfig.stdout)).toEqual(report);
    expect((await medzk(["audit", "verify", "--config", "verifier.json", "--known-head", `10:${report.head}`])).code).toBe(0);
  });

  it("exits 1 with the first bad seq for reordered, deleted, truncated and edited logs", async () => {
    const cases: Array<[string, string[], string, number]> = [
      ["reordered.jsonl", [...lines.slice(0, 5), lines[6]!, lines[5]!, ...lines.slice(7)], "reordered", 5],
      ["deleted.jsonl", [...lines.slice(0, 2), ...lines.slice(3)], "deleted", 2],
      ["truncated.jsonl", lines.slice(0, 6), "truncated", 6],
      ["edited.jsonl", lines.map((l, i) => (i === 8 ? l.replace('"result":"OK"', '"result":"REQUEST_REPLAYED"') : l)), "edited", 8],
    ];
    for (const [file, content, kind, seq] of cases) {
      await writeFile(join(dir, file), content.map((l) => l + "\n").join(""));
      const run = await withLog(file);
      expect(run.code, file).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.firstBadSeq, file).toBe(seq);
      expect(report.problems[0], file).toMatchObject({ kind, seq });
    }
    // Cut after the last checkpoint: only a known head tells.
    await writeFile(join(dir, "tail.jsonl"), lines.slice(0, 9).map((l) => l + "\n").join(""));
    expect((await withLog("tail.jsonl")).code).toBe(0);
    const tail = await withLog("tail.jsonl", ["--known-head", `10:${head}`]);
    expect(tail.code).toBe(1);
    expect(JSON.parse(tail.stdout).problems).toEqual([expect.objectContaining({ kind: "truncated", seq: 9 })]);
  });

  it("exits 2 for usage mistakes and 3 for missing or invalid files", async () => {
    for (const args of [[], ["--log", "audit.jsonl"], ["--log", "audit.jsonl", "--verifier", "xyz"], ["--config", "verifier.json", "--log", "audit.jsonl"], ["--config", "verifier.json", "--known-head", "abc"]]) {
      const run = await medzk(["audit", "verify", ...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^medzk: USAGE: /);
    }
    const missing = await withLog("nope.jsonl");
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^medzk: INPUT: audit log nope\.jsonl does not exist/);
    await writeFile(join(dir, "bad-anchor.jsonl"), "{}\n");
    const badAnchor = await medzk(["audit", "verify", "--log", "audit.jsonl", "--verifier", KEY.publicKey, "--anchor", "bad-anchor.jsonl"]);
    expect(badAnchor.code).toBe(3);
    expect(badAnchor.stderr).toMatch(/^medzk: ANCHOR_UNAVAILABLE: /);
    expect((await medzk(["audit", "--help"])).stdout).toContain("audit verify");
  });

  it("medzk verify with a config that has audit appends its verifications", async () => {
    await writeFile(join(dir, "bad.json"), JSON.stringify({ format: "nope" }));
    const run = await medzk(["verify", "--config", "verifier.json", "bad.json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse((await medzk(["audit", "verify", "--config", "verifier.json"])).stdout);
    expect(report).toMatchObject({ ok: true, size: 11 });
    const last = JSON.parse((await readFile(join(dir, "audit.jsonl"), "utf8")).trim().split("\n").at(-1)!);
    expect(last.entry).toMatchObject({ seq: 10, result: "MALFORMED_PRESENTATION", verifier: KEY.publicKey, nullifier: null });
  });
});
