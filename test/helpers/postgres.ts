/**
 * A throwaway PostgreSQL server for tests, from Debian's packages (`postgresql`, installed by
 * .ci/run): initdb into a temp directory, then `postgres` on a Unix socket in that directory and a
 * free port number, trust authentication, no TCP listener. Binaries are found on PATH or in
 * /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH). PostgreSQL refuses to run as
 * root, so under root (CI containers) the server runs as the `postgres` user the package creates.
 *
 * `postgresOrSkip()` says whether the tests can run: without binaries they are skipped with a
 * warning, unless MEDZK_REQUIRE_POSTGRES=1 (CI), where that is an error.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function findBin(name: string): string | undefined {
  if (spawnSync(name, ["--version"]).status === 0) return name;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, "bin", name))) return join(root, v, "bin", name);
  return undefined;
}

const initdb = findBin("initdb");
const postgres = findBin("postgres");

/** True when a PostgreSQL server can be started; throws under MEDZK_REQUIRE_POSTGRES=1 when not. */
export function hasPostgres(what: string): boolean {
  const found = initdb !== undefined && postgres !== undefined;
  if (!found && process.env["MEDZK_REQUIRE_POSTGRES"] === "1") throw new Error("PostgreSQL (initdb, postgres) is required (MEDZK_REQUIRE_POSTGRES=1)");
  if (!found) console.warn(`PostgreSQL (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin: skipping ${what}`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export interface TestPostgres {
  /** postgres://… over the Unix socket. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a server; resolves once it accepts connections. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), "medzk-pg-"));
  const data = join(dir, "data");
  const asUser: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    asUser.uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    asUser.gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, asUser.uid, asUser.gid);
  }
  execFileSync(initdb!, ["-D", data, "-U", "medzk", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], { stdio: "ignore", ...asUser });
  const port = await freePort();
  // No TCP (listen_addresses ''), the socket in our directory; fsync off: durability is not what these tests check.
  const server: ChildProcess = spawn(postgres!, ["-D", data, "-k", dir, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off"], { stdio: "ignore", ...asUser });
  const url = `postgres://medzk@/postgres?host=${encodeURIComponent(dir)}&port=${port}`;
  const { default: pg } = await import("pg");
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (i > 100 || server.exitCode !== null) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once("exit", () => resolve());
        // SIGINT: "fast shutdown" (disconnect clients, no waiting).
        server.kill("SIGINT");
      }),
  };
}
