// Build time only: a memory snapshot of the browser's interpreter, made under Node with the very
// files the site serves (runtime/manifest.json), so a page restores Python with the runner's own
// modules and asyncio already imported instead of importing them on every first Run. Usage:
//   node frontend/snapshot.mjs <site runtime dir> <output file>
//
// What is in the snapshot is the wasm heap only: files (the stdlib zip, the runner's .py files,
// wheels) are still served and mounted as before, and JavaScript objects may not be referenced
// from it, so nothing that holds one (the worker's callbacks) is set up here.
// Before writing the file, the snapshot is loaded back and must run a program: a build whose
// snapshot does not restore fails here, not in a reader's browser.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The runner's own modules (playground/browser/), which the worker imports as it starts. */
const RUNNER_MODULES = ["rewrite", "stop_state", "verdict", "tracebacks", "needed_wheels", "shims"]
  .map((name) => `playground.browser.${name}`);
/** Modules every run needs: importing them is most of a cold start once the runtime is up. */
export const IMPORTS = [
  ...RUNNER_MODULES, "asyncio", "json", "ast", "traceback", "linecache", "inspect",
  "dataclasses", "typing", "re", "collections", "contextlib", "functools", "itertools", "time",
];

const [runtimeDir, output] = process.argv.slice(2);
if (!runtimeDir || !output) {
  console.error("usage: snapshot.mjs <site runtime dir> <output file>");
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(runtimeDir, "manifest.json"), "utf8"));
const core = path.join(runtimeDir, manifest.pyodide_dir);
const { loadPyodide } = await import(pathToFileURL(path.join(core, "pyodide.mjs")).href);
const options = {
  indexURL: `${core}/`,
  stdLibURL: path.join(runtimeDir, manifest.stdlib),
  // A fixed hash seed: without it every build's heap differs (string hashes, dict orders).
  env: { PYTHONHASHSEED: "0", HOME: "/home/pyodide" },
  stdout: () => {},
  stderr: console.error,
};

/** The runner's package, written where the worker writes it. @param {any} pyodide */
function writeBrowserPackage(pyodide) {
  pyodide.FS.mkdirTree("/home/pyodide/playground/browser");
  pyodide.FS.writeFile("/home/pyodide/playground/__init__.py", "");
  pyodide.FS.writeFile("/home/pyodide/playground/browser/__init__.py", "");
  for (const name of manifest.browser) {
    pyodide.FS.writeFile(`/home/pyodide/playground/browser/${name}`, fs.readFileSync(path.join(runtimeDir, "browser", name)));
  }
}

const pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
writeBrowserPackage(pyodide);
pyodide.runPython(`import ${IMPORTS.join(", ")}`);
const snapshot = pyodide.makeMemorySnapshot();

// Load it back, as the worker will, and run something that uses what it holds.
/** @type {string[]} */
const printed = [];
const restored = await loadPyodide({ ...options, _loadSnapshot: snapshot, stdout: (/** @type {string} */ line) => printed.push(line) });
writeBrowserPackage(restored);
await restored.runPythonAsync(`
import asyncio, sys
from playground.browser import needed_wheels
assert all(name in sys.modules for name in ${JSON.stringify(RUNNER_MODULES)})
async def main():
    await asyncio.sleep(0)
    print("snapshot ok", needed_wheels.imported_top_levels("import fastapi"))
await main()
`);
if (printed.join("\n") !== "snapshot ok ['fastapi']") {
  console.error(`the restored snapshot printed ${JSON.stringify(printed)}`);
  process.exit(1);
}
fs.writeFileSync(output, snapshot);
console.log(`snapshot: ${snapshot.length} bytes, restores and runs`);
