// Build time only: run playground/runtime/precompile.py under the pinned Pyodide in Node, so the
// bytecode is exactly the browser's. Usage:
//   node frontend/precompile.mjs <pyodide dir> <precompile.py> <mode> <input> <output> [<mode> <input> <output> ...]

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, helper, ...pairs] = process.argv.slice(2);
if (!pyodideDir || !helper || pairs.length === 0 || pairs.length % 3) {
  console.error("usage: precompile.mjs <pyodide dir> <precompile.py> <mode> <input> <output> [...]");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/", stdout: () => {}, stderr: console.error });
pyodide.FS.mkdirTree("/work");
pyodide.FS.writeFile("/work/precompile.py", fs.readFileSync(helper, "utf8"));
pyodide.runPython("import sys; sys.path.insert(0, '/work')");
const precompile = pyodide.pyimport("precompile");
for (let i = 0; i < pairs.length; i += 3) {
  const [mode, input, output] = [pairs[i], pairs[i + 1], pairs[i + 2]];
  pyodide.FS.writeFile("/work/in", fs.readFileSync(input));
  const counts = precompile.precompile_archive("/work/in", "/work/out", mode).toJs();
  fs.writeFileSync(output, pyodide.FS.readFile("/work/out"));
  console.log(`${path.basename(input)}: ${counts[0]} modules compiled, ${counts[1]} kept as source`);
}
