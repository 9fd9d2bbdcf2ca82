/**
 * docs/cli.md's exit status table and exitStatusOf are one mapping: every code the table lists
 * maps to its row's status, and every MedzkError code (read from src/core/errors.ts) maps to 3
 * unless the table lists it under 1, 2 or 4, as the table says ("every code but those of 1, 2 and 4").
 * test/e2e/cli.test.ts runs the command into each row.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CliError, EXIT, exitStatusOf, inputError, usageError } from "../../../src/cli/cli-error.js";

const docs = readFileSync("docs/cli.md", "utf8");
const section = docs.slice(docs.indexOf("## Exit status"), docs.indexOf("Errors are one line on stderr"));
const rows = section
  .split("\n")
  .filter((line) => /^\| [0-9] \|/.test(line))
  .map((line) => {
    const [status, meaning, codes] = line.split(" | ").map((cell) => cell.replace(/^\| |\|$/g, "").trim());
    return { status: Number(status), meaning: meaning!, codes: [...codes!.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!) };
  });
const medzkErrorCodes = [...readFileSync("src/core/errors.ts", "utf8").split("export type VerifyErrorCode")[0]!.matchAll(/\| "([A-Z_]+)"/g)].map((m) => m[1]!);

describe("exit statuses", () => {
  it("docs/cli.md has one row per status, 0 to 4, and EXIT has the same", () => {
    expect(rows.map((r) => r.status)).toEqual([0, 1, 2, 3, 4]);
    expect(Object.values(EXIT)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[2]!.codes).toEqual(["USAGE"]);
    expect(rows[4]!.codes).toEqual(["INTERNAL", "PROVING_FAILED"]);
  });

  it("maps every code the table lists to its row's status", () => {
    const listed = rows.flatMap((r) => r.codes.map((code) => [code, r.status] as const));
    expect(listed.length).toBeGreaterThan(8);
    for (const [code, status] of listed) expect(exitStatusOf(code), code).toBe(status);
  });

  it("maps every MedzkError code to 3 but those the table lists under 1, 2 and 4", () => {
    expect(medzkErrorCodes).toContain("INVALID_CREDENTIAL");
    expect(medzkErrorCodes).toContain("CHALLENGE_STORE_UNAVAILABLE");
    const elsewhere = new Set([...rows[1]!.codes, ...rows[2]!.codes, ...rows[4]!.codes]);
    for (const code of medzkErrorCodes) expect(exitStatusOf(code), code).toBe(elsewhere.has(code) ? rows.find((r) => r.codes.includes(code))!.status : 3);
    expect(exitStatusOf("UNKNOWN_PRESET")).toBe(3);
    expect(exitStatusOf("INPUT")).toBe(3);
  });

  it("gives a CliError the status of its code", () => {
    expect(usageError("x").exitCode).toBe(2);
    expect(inputError("x").exitCode).toBe(3);
    expect(new CliError("PROVING_FAILED", "x").exitCode).toBe(4);
    expect(new CliError("INVALID_REQUEST", "x")).toMatchObject({ code: "INVALID_REQUEST", exitCode: 3, message: "x" });
  });
});
