/**
 * Every command's --help text: its usage line names the command as typed, and it documents -h.
 * The text is data of each Command; test/e2e/cli.test.ts runs the built `medzk` for the routing
 * (`medzk --help`, `medzk <command> --help`, `medzk <group> <command> --help`, `medzk help <command>`)
 * on a few commands rather than spawning a process per command.
 */
import { describe, expect, it } from "vitest";
import { artifactsCheck } from "../../../src/cli/commands/artifacts.js";
import { auditVerify } from "../../../src/cli/commands/audit.js";
import { ceremonyContribute, ceremonyFinalize, ceremonyInit, ceremonyVerify } from "../../../src/cli/commands/ceremony.js";
import { issue, revocationInit, revocationRevoke } from "../../../src/cli/commands/issue.js";
import { issueFhir } from "../../../src/cli/commands/issue-fhir.js";
import { issuersAdd, issuersAddKey, issuersCheck, issuersCompromise, issuersInit, issuersRetire, issuersRoot, issuersRotate } from "../../../src/cli/commands/issuers.js";
import { holder, keygen, verifierKey } from "../../../src/cli/commands/keys.js";
import { open } from "../../../src/cli/commands/open.js";
import { prove } from "../../../src/cli/commands/prove.js";
import { serve } from "../../../src/cli/commands/serve.js";
import { request, verify } from "../../../src/cli/commands/verifier.js";

const COMMANDS = [
  keygen, verifierKey, holder, issue, issueFhir, open, revocationInit, revocationRevoke,
  issuersInit, issuersAdd, issuersAddKey, issuersRotate, issuersRetire, issuersCompromise, issuersRoot, issuersCheck,
  request, prove, verify, serve, artifactsCheck, auditVerify,
  ceremonyInit, ceremonyContribute, ceremonyVerify, ceremonyFinalize,
];

describe("command help", () => {
  it("has the commands the e2e test lists under the names users type", () => {
    const names = COMMANDS.map((c) => c.name);
    for (const name of ["keygen", "verifier-key", "holder", "issue", "issue-fhir", "open", "revocation init", "revocation revoke", "request", "prove", "verify", "serve", "artifacts check"]) {
      expect(names).toContain(name);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it("starts each help text with its usage line and documents -h, --help", () => {
    for (const command of COMMANDS) {
      expect(command.help, command.name).toMatch(new RegExp(`^Usage: medzk ${command.name}\\b`));
      expect(command.help, command.name).toContain("-h, --help");
    }
  });
});
