#!/usr/bin/env node
// Runs each argument as a shell command, all at once, and exits with the first non-zero status
// (after all have finished, so no output is cut off). `npm test` uses it to type-check and lint on
// one core while the other builds the package: the two lanes are independent and each is
// single-threaded, so on the 2-core CI machine this saves the shorter lane's time.
// Usage: node scripts/parallel.mjs "<command>" "<command>" ...
import { spawn } from "node:child_process";

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error("usage: node scripts/parallel.mjs <command> [<command> ...]");
  process.exit(2);
}
const statuses = await Promise.all(
  commands.map(
    (command) =>
      new Promise((done) => {
        spawn(command, { shell: true, stdio: "inherit" }).on("exit", (code, signal) => {
          if (code !== 0) console.error(`[parallel] failed (${signal ?? `exit ${code}`}): ${command}`);
          done(code ?? 1);
        });
      }),
  ),
);
process.exit(statuses.find((s) => s !== 0) ?? 0);
