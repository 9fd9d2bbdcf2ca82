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
  /** postgres://… over the Unix socket, as the superuser "medzk". */
  url: string;
  /** The same server as another role (trust authentication: no password). */
  urlAs(role: string): string;
  stop(): Promise<void>;
  /** Starts the stopped server again on the same data and socket; resolves once it accepts connections. */
  restart(): Promise<void>;
}

/** The roles of docs/audit.md: the owner of the audit tables, and the service's writer. */
export const AUDIT_OWNER = "medzk_audit_owner";
export const AUDIT_WRITER = "medzk_audit_writer";

/**
 * Sets the audit tables up as docs/audit.md tells an operator to: as the superuser, an owner role
 * (no login) and a writer role; then, as the owner, the SQL of postgresAuditSchema. Resolves to
 * the writer's URL, the one a service is configured with.
 */
export async function setUpAuditRoles(pg: TestPostgres): Promise<string> {
  const { postgresAuditSchema } = await import("../../src/audit/postgres-audit-log.js");
  const { default: pgModule } = await import("pg");
  const client = new pgModule.Client({ connectionString: pg.url });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${AUDIT_OWNER} NOLOGIN; CREATE ROLE ${AUDIT_WRITER} LOGIN;
      GRANT USAGE, CREATE ON SCHEMA public TO ${AUDIT_OWNER}; GRANT USAGE ON SCHEMA public TO ${AUDIT_WRITER}; REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`SET ROLE ${AUDIT_OWNER}`);
    await client.query(postgresAuditSchema(AUDIT_WRITER));
    await client.query(`RESET ROLE`);
  } finally {
    await client.end();
  }
  return pg.urlAs(AUDIT_WRITER);
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
  const spawnServer = (): ChildProcess => spawn(postgres!, ["-D", data, "-k", dir, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off"], { stdio: "ignore", ...asUser });
  let server = spawnServer();
  const url = `postgres://medzk@/postgres?host=${encodeURIComponent(dir)}&port=${port}`;
  const { default: pg } = await import("pg");
  const accepting = async (): Promise<void> => {
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
  };
  await accepting();
  return {
    async restart() {
      server = spawnServer();
      await accepting();
    },
    url,
    urlAs: (role) => url.replace("postgres://medzk@", `postgres://${role}@`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once("exit", () => resolve());
        // SIGINT: "fast shutdown" (disconnect clients, no waiting).
        server.kill("SIGINT");
      }),
  };
}
