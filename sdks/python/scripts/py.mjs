#!/usr/bin/env node
// Runs a command inside the package's tooling venv (sdks/python/.venv), creating it first when it is
// missing or pyproject.toml changed since it was built: `python3 -m venv` + an editable install of
// `plystra[dev]` (pinned tools) from the package index. A stamp makes repeat runs instant.
//
//   node scripts/py.mjs setup                 only make sure the venv is current
//   node scripts/py.mjs pytest -q             any executable of .venv/bin, with .venv/bin first on PATH
//   PLYSTRA_PYTHON=python3.12 node ...        pick the interpreter that builds the venv (default python3)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const venv = join(pkgDir, ".venv");
const bin = join(venv, process.platform === "win32" ? "Scripts" : "bin");
const stampFile = join(venv, ".plystra-stamp");

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: pkgDir, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

// Two tasks of this package may start at once (turbo): one builds the venv, the other waits.
function withLock(fn) {
  const lock = join(pkgDir, ".venv.lock");
  const until = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes belongs to a process that died: take it over.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 600_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > until) throw new Error(`timed out waiting for ${lock}`);
      spawnSync(process.execPath, ["-e", "setTimeout(() => {}, 500)"]);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

function current(stamp) {
  return existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp;
}

function ensureVenv() {
  const stamp = createHash("sha256").update(readFileSync(join(pkgDir, "pyproject.toml"))).digest("hex");
  if (current(stamp)) return;
  withLock(() => {
    if (!current(stamp)) build(stamp);
  });
}

function build(stamp) {
  const python = process.env.PLYSTRA_PYTHON ?? "python3";
  const started = Date.now();
  console.error(`[py] building ${venv} with ${python} (pinned tools from the package index)…`);
  const version = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  const [major, minor] = (version.stdout ?? "").trim().split(".").map(Number);
  if (version.status !== 0 || major < 3 || (major === 3 && minor < 10)) {
    throw new Error(`${python} is ${version.stdout?.trim() || "missing"}; the Python SDK needs Python >= 3.10 (set PLYSTRA_PYTHON)`);
  }
  if (!existsSync(join(bin, "python"))) {
    rmSync(venv, { recursive: true, force: true });
    if (run(python, ["-m", "venv", venv]) !== 0) throw new Error(`${python} -m venv failed (Python >= 3.10 needed)`);
  }
  const pip = [join(bin, "python"), "-m", "pip", "--disable-pip-version-check", "-q"];
  if (run(pip[0], [...pip.slice(1), "install", "-e", ".[dev]"]) !== 0) throw new Error("pip install -e .[dev] failed");
  writeFileSync(stampFile, stamp);
  console.error(`[py] venv ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

ensureVenv();
const [cmd, ...args] = process.argv.slice(2);
if (!cmd || cmd === "setup") process.exit(0);
const exe = existsSync(join(bin, cmd)) ? join(bin, cmd) : cmd;
const env = { ...process.env, PATH: `${bin}${process.platform === "win32" ? ";" : ":"}${process.env.PATH}`, VIRTUAL_ENV: venv };
process.exit(run(exe, args, { env }));
