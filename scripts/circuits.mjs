// The circuit registry (circuits/circuits.json) and the circom2 compile step, shared by the
// artifact build, the artifact check and the circuit tests, so all of them compile exactly the
// same way. Each circuit's main component is generated from its registry entry (circomkit's way:
// template, params, public inputs), so the public-signal list is written once.
//
// Compiles are cached by content under build/circuits/cache/<name>-<key>: the key hashes every
// .circom source, the registry, the circom2 and circomlib versions and this script, so a cached
// build is exactly what compiling now would give. A lock file (holding the compiling process id)
// keeps concurrent processes (vitest forks, a check run beside the tests) from compiling into
// the same directory; done.json marks a finished build.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ARTIFACTS_DIR = join(ROOT, "artifacts");
export const BUILD_DIR = join(ROOT, "build", "circuits");
export const CEREMONY_DIR = join(ROOT, "ceremony");
export const PTAU_POWER = 14;
export const PTAU_FILE = join(CEREMONY_DIR, `pot${PTAU_POWER}_final.ptau`);
const REGISTRY_FILE = join(ROOT, "circuits", "circuits.json");
const CACHE_DIR = join(BUILD_DIR, "cache");

const SCRIPT = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const circom2Cli = join(dirname(require.resolve("circom2/package.json")), "cli.js");

/** How a circuit shows its issuer (circuits/README.md). */
export const ISSUER_MODES = ["key", "set"];

/**
 * Reads circuits/circuits.json strictly: a key it does not know, a missing key or an
 * inconsistent entry (outputs not leading the public signals, a statement served twice, a
 * parameter that is not an integer) throws, naming the circuit and the key.
 */
export function readRegistry(path = REGISTRY_FILE) {
  const raw = JSON.parse(readFileSync(path, "utf8"));
  const fail = (where, message) => {
    throw new Error(`${relative(ROOT, path)}: ${where}: ${message}`);
  };
  const object = (value, where) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "must be an object");
  };
  const keys = (value, where, required, optional = []) => {
    object(value, where);
    for (const k of Object.keys(value)) if (!required.includes(k) && !optional.includes(k)) fail(where, `unknown key "${k}"`);
    for (const k of required) if (!(k in value)) fail(where, `missing "${k}"`);
  };
  const names = (value, where) => {
    if (!Array.isArray(value) || value.some((n) => typeof n !== "string" || !/^[A-Za-z_]\w*(\[\d+\])*$/.test(n))) {
      fail(where, "must be an array of signal names");
    }
    if (new Set(value).size !== value.length) fail(where, "names a signal twice");
    return value;
  };
  keys(raw, "top level", ["format", "pragma", "circuits"], ["$comment"]);
  if (raw.format !== "medzk-circuits/v1") fail("format", `must be "medzk-circuits/v1"`);
  if (typeof raw.pragma !== "string" || !/^\d+\.\d+\.\d+$/.test(raw.pragma)) fail("pragma", "must be a circom version");
  object(raw.circuits, "circuits");
  const served = new Map();
  const circuits = Object.entries(raw.circuits).map(([name, c]) => {
    const at = (key) => `circuits.${name}${key ? `.${key}` : ""}`;
    if (!/^[a-z][a-z0-9_]*$/.test(name)) fail(at(), "a circuit name is lowercase letters, digits and _");
    keys(c, at(), ["template", "include", "params", "schema", "statements", "issuerMode", "outputs", "publicSignals"]);
    if (typeof c.template !== "string" || !/^[A-Za-z_]\w*$/.test(c.template)) fail(at("template"), "must be a template name");
    if (typeof c.include !== "string" || !/^lib\/[\w-]+\.circom$/.test(c.include)) fail(at("include"), `must be "lib/<file>.circom"`);
    if (!existsSync(join(ROOT, "circuits", c.include))) fail(at("include"), `circuits/${c.include} does not exist`);
    object(c.params, at("params"));
    // The template and its parameter names, as declared in the included file.
    const declared = new RegExp(String.raw`^template\s+${c.template}\s*\(([^)]*)\)`, "m").exec(readFileSync(join(ROOT, "circuits", c.include), "utf8"));
    if (!declared) fail(at("template"), `circuits/${c.include} declares no template ${c.template}`);
    const paramNames = declared[1].split(",").map((p) => p.trim()).filter(Boolean);
    if (paramNames.join(",") !== Object.keys(c.params).join(",")) fail(at("params"), `must be ${c.template}'s parameters in order: ${paramNames.join(", ") || "none"}`);
    for (const [param, value] of Object.entries(c.params)) {
      const integer = (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) || (typeof value === "string" && /^(0|[1-9]\d*)$/.test(value));
      if (!integer) fail(at(`params.${param}`), "must be a non-negative integer (a decimal string above 2^53)");
    }
    if (c.schema !== null && typeof c.schema !== "string") fail(at("schema"), "must be a schema id or null");
    if (!Array.isArray(c.statements) || c.statements.length === 0 || c.statements.some((s) => typeof s !== "string")) {
      fail(at("statements"), "must list the statement types the circuit serves");
    }
    // "key": the issuer key and its revocation root are public signals; "set": they are private,
    // proven to be a leaf of the verifier's trusted issuer set (public issuerSetRoot).
    if (!ISSUER_MODES.includes(c.issuerMode)) fail(at("issuerMode"), `must be one of ${ISSUER_MODES.map((m) => `"${m}"`).join(", ")}`);
    // Each statement is served by exactly one circuit per issuer mode.
    for (const s of c.statements) {
      const slot = `${s}/${c.issuerMode}`;
      if (served.has(slot)) fail(at("statements"), `"${s}" is already served by ${served.get(slot)} in issuer mode "${c.issuerMode}"`);
      served.set(slot, name);
    }
    const outputs = names(c.outputs, at("outputs"));
    const publicSignals = names(c.publicSignals, at("publicSignals"));
    // circom numbers the public signals outputs first, then the public inputs.
    if (outputs.some((o, i) => publicSignals[i] !== o)) fail(at("outputs"), "must be the first public signals, in order");
    return {
      name,
      template: c.template,
      include: c.include,
      params: c.params,
      schema: c.schema,
      statements: c.statements,
      issuerMode: c.issuerMode,
      outputs,
      publicSignals,
      /** The main component's public inputs as declared ("predSet", not "predSet[0][0]"), in order. */
      publicInputs: [...new Set(publicSignals.slice(outputs.length).map((n) => n.replace(/\[.*$/, "")))],
    };
  });
  return { pragma: raw.pragma, circuits };
}

const REGISTRY = readRegistry();

/** Every shipped circuit, in registry order: `name` is the file stem under artifacts/. */
export const CIRCUITS = REGISTRY.circuits;

function circuitEntry(name) {
  const entry = CIRCUITS.find((c) => c.name === name);
  if (!entry) throw new Error(`unknown circuit "${name}"; known: ${CIRCUITS.map((c) => c.name).join(", ")}`);
  return entry;
}

/** The main component of `name`, generated from its registry entry. */
export function mainSource(name) {
  const c = circuitEntry(name);
  return [
    `pragma circom ${REGISTRY.pragma};`,
    "",
    "// Generated from circuits/circuits.json by scripts/circuits.mjs: edit the registry, not this file.",
    `include "${c.include}";`,
    "",
    `component main {public [${c.publicInputs.join(", ")}]} = ${c.template}(${Object.values(c.params).join(", ")});`,
    "",
  ].join("\n");
}

/**
 * Compiles `name` with circom2 (--O2) into outDir, always (no cache): writes the generated main
 * there as <name>.circom and returns the paths of the r1cs, wasm and sym files.
 */
export async function compileCircuit(name, outDir = join(BUILD_DIR, name)) {
  await mkdir(outDir, { recursive: true });
  const source = join(outDir, `${name}.circom`);
  await writeFile(source, mainSource(name));
  await promisify(execFile)(
    process.execPath,
    [circom2Cli, source, "--r1cs", "--wasm", "--sym", "--O2", "-l", join(ROOT, "circuits"), "-l", join(ROOT, "node_modules"), "-o", outDir],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return {
    r1cs: join(outDir, `${name}.r1cs`),
    wasm: join(outDir, `${name}_js`, `${name}.wasm`),
    sym: join(outDir, `${name}.sym`),
  };
}

let cachedKey;

/** Hash of everything a compiled circuit depends on. */
function sourceKey() {
  cachedKey ??= (async () => {
    const hash = createHash("sha256");
    const walk = async (dir) => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.(circom|json)$/.test(entry.name)) hash.update(`${relative(ROOT, path)}\0`).update(await readFile(path)).update("\0");
      }
    };
    await walk(join(ROOT, "circuits"));
    for (const pkg of ["circom2/package.json", "circomlib/package.json"]) hash.update(await readFile(require.resolve(pkg)));
    hash.update(await readFile(SCRIPT));
    return hash.digest("hex").slice(0, 16);
  })();
  return cachedKey;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
};

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function readDone(dir) {
  try {
    return JSON.parse(await readFile(join(dir, "done.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock (true), or reports that a live process holds it (false). The lock file appears
 * with its holder's pid already in it (written to a file of our own, then hard-linked to the lock
 * name: atomic), so an empty or missing lock only means it was just released.
 */
async function tryLock(lock) {
  const mine = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, String(process.pid));
  try {
    for (;;) {
      try {
        await link(mine, lock);
        return true;
      } catch (e) {
        if (e.code !== "EEXIST") throw e;
        const pid = Number(await readFile(lock, "utf8").catch(() => ""));
        if (pid && alive(pid)) return false;
        // Stale (its process died mid-build): removed, then try again; released meanwhile: try again.
        if (pid) await unlink(lock).catch(() => {});
      }
    }
  } finally {
    await unlink(mine).catch(() => {});
  }
}

/**
 * The compiled circuit `name` from the content-keyed cache, compiled now if missing (waiting
 * for another process that is compiling it). With `onlyIfFree`, returns undefined instead of
 * waiting. `log` hears "compile" when this call compiles.
 */
export async function compiledCircuit(name, { onlyIfFree = false, log = () => {} } = {}) {
  circuitEntry(name);
  const key = await sourceKey();
  const dir = join(CACHE_DIR, `${name}-${key}`);
  const lock = `${dir}.lock`;
  await mkdir(CACHE_DIR, { recursive: true }); // a clean clone has no build/ yet
  const deadline = Date.now() + 280_000;
  for (;;) {
    const done = await readDone(dir);
    if (done) return done;
    if (await tryLock(lock)) {
      try {
        const again = await readDone(dir);
        if (again) return again;
        await rm(dir, { recursive: true, force: true }); // a crashed compile's leftovers
        log(`${name}: compile`);
        const files = await compileCircuit(name, dir);
        await writeFile(join(dir, "done.json"), JSON.stringify(files));
        // Builds of older sources are dropped (unless being written).
        for (const entry of await readdir(CACHE_DIR)) {
          const old = join(CACHE_DIR, entry);
          if (entry.startsWith(`${name}-`) && !entry.endsWith(".lock") && old !== dir && !existsSync(`${old}.lock`) && !existsSync(join(old, "initial.lock"))) {
            await rm(old, { recursive: true, force: true });
          }
        }
        return files;
      } finally {
        await unlink(lock).catch(() => {});
      }
    }
    if (onlyIfFree) return undefined;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await sleep(250);
  }
}

let inputsHash;

/** What zkey new's output depends on besides the R1CS: the ptau and the snarkjs that runs it. */
function initialInputs() {
  inputsHash ??= (async () => {
    const hash = createHash("sha256");
    // snarkjs's "exports" hide its package.json: found upwards from its entry point.
    let pkg = dirname(require.resolve("snarkjs"));
    while (!existsSync(join(pkg, "package.json"))) pkg = dirname(pkg);
    hash.update(await readFile(PTAU_FILE)).update("\0").update(await readFile(join(pkg, "package.json")));
    return hash.digest("hex");
  })();
  return inputsHash;
}

const fileSha256 = async (path) => createHash("sha256").update(await readFile(path)).digest("hex");

/**
 * The initial zkey of `name` (snarkjs zkey new on its compiled R1CS and the committed powers of
 * tau) from the same content-keyed cache, computed now if missing (waiting for another process
 * computing it): { path, sha256 }. zkey new is deterministic and the slow part of every zkey
 * verification (about 50 s of CPU for age_at_least, B2's G2 multi-exponentiations the most), so
 * the artifact check, the build script and the ceremony test share one computation per circuit
 * instead of each repeating it. The entry records the hash of the ptau and of snarkjs's
 * package.json: another ptau or snarkjs recomputes. The returned hash is the file's, computed on
 * every read, never the recorded one; files appear by rename, whole.
 * NOTE: trusted like the compile cache beside it (written only by this function, under the lock);
 * --fresh in check-artifacts (and medzk artifacts check) bypasses both.
 */
export async function initialZkey(name, { log = () => {} } = {}) {
  const files = await compiledCircuit(name, { log });
  const inputs = await initialInputs();
  const dir = dirname(files.r1cs);
  const done = join(dir, "initial.json");
  const lock = join(dir, "initial.lock");
  const file = `${name}_initial.zkey`;
  const path = join(dir, file);
  const read = async () => {
    const entry = await readFile(done, "utf8").then(JSON.parse, () => undefined);
    if (entry?.inputs !== inputs || entry.file !== file || !existsSync(path)) return undefined;
    return { path, sha256: await fileSha256(path) };
  };
  // zkey new of the largest circuit takes minutes on a busy 2-core machine.
  const deadline = Date.now() + 1_200_000;
  for (;;) {
    const entry = await read();
    if (entry) return entry;
    if (await tryLock(lock)) {
      try {
        const again = await read();
        if (again) return again;
        log(`${name}: zkey new`);
        const temporary = `${path}.${process.pid}.tmp`;
        const snarkjs = await import("snarkjs");
        await snarkjs.zKey.newZKey(files.r1cs, PTAU_FILE, temporary);
        await rename(temporary, path);
        await writeFile(`${done}.${process.pid}.tmp`, JSON.stringify({ file, inputs }));
        await rename(`${done}.${process.pid}.tmp`, done);
        return { path, sha256: await fileSha256(path) };
      } finally {
        await unlink(lock).catch(() => {});
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await sleep(250);
  }
}
