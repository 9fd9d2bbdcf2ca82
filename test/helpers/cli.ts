/**
 * Runs the built `medzk` command as a child process, as a user would, and collects what it printed.
 * MEDZK_DEBUG is cleared so that error output is what users see (no stack traces).
 */
import { execFile } from "node:child_process";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  timeout?: number;
  maxBuffer?: number;
  env?: NodeJS.ProcessEnv;
}

export function runCli(cli: string, args: string[], options: CliRunOptions): Promise<CliRun> {
  const { cwd, timeout = 120_000, maxBuffer = 1024 * 1024, env } = options;
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd, timeout, maxBuffer, env: { ...process.env, MEDZK_DEBUG: "", ...env } }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}
