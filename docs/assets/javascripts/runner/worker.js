// The runner's Web Worker: owns the Python interpreter, so nothing the reader runs can freeze
// the page. It speaks the protocol in protocol.js and nothing else.
//
// Loaded as a module worker from runtime-client.js. `?jspi=off` in its URL hides JSPI before
// Pyodide loads: the test suite uses it to prove snippets run in browsers without JSPI.

import { startLoopTrace } from "./loop-stream.js";
import { SEEN, SLOT } from "./protocol.js";

/** @typedef {import("./protocol.js").ToWorker} ToWorker */
/** @typedef {import("./protocol.js").FromWorker} FromWorker */

const RUNTIME = new URL("../../../runtime/", import.meta.url);
// snippets/*.py outside the topic folders (playground/snippets/catalog.py): imported by snippets.
const SNIPPET_HELPERS = ["playground_client.py"];

if (new URL(self.location.href).searchParams.get("jspi") === "off") {
  // @ts-ignore - test-only: make this worker look like a browser without JSPI.
  delete WebAssembly.Suspending;
  // @ts-ignore
  delete WebAssembly.promising;
}

/** @param {FromWorker} message */
const post = (message) => self.postMessage(message);

/** @type {Int32Array | null} */
let interrupt = null;
/** @type {any} */
let pyodide = null;
/**
 * The runner's Python modules (playground/browser/, one job each).
 * @typedef {{ rewrite: any, stopState: any, verdict: any, neededWheels: any }} RunnerModules
 */
/** @type {RunnerModules | null} Set by start(): the page posts a run only after "ready". */
let runner = null;
/** @type {Set<string>} */
const loadedWheels = new Set();
/** Whether Python was restored from the build's memory snapshot (else started plainly). */
let restoredFromSnapshot = false;
/**
 * What playground/runtime/build.py writes to runtime/manifest.json.
 * @type {{ sizes: Record<string, number>, pyodide_dir: string, stdlib: string, wheels: Record<string, string>,
 *          browser: string[], snapshot?: { file: string, bytes: number } } | null}
 */
let manifest = null;
let packagesJson = "{}";
/** @type {number | null} */
let currentRun = null;
/** @type {any} */
let currentTask = null;
/**
 * Runs Stop ended before their program started (Python or the wheels still loading, or queued
 * behind another run): already reported done; when their turn comes, they run nothing.
 * @type {Set<number>}
 */
const stoppedBeforeStart = new Set();
/** Runs received and not reported done yet: a Stop for any other run is late, and ignored. */
const pendingRuns = new Set();
/** Runs one after the other: a run whose wheels are loading holds the next one back. */
let queue = Promise.resolve();
/** A block's imports are being loaded ahead of its Run (prepare): what a Stop of a queued run waits behind. */
let preparing = false;
/** @type {any} playground.browser.console, imported on the console's first command */
let consoleModule = null;

// ---- loading progress: count the bytes of every runtime response as it streams in ----------

/** @type {{ loaded: number, total: number, phase: "runtime" | "packages" }} */
const progress = { loaded: 0, total: 0, phase: "runtime" };
const realFetch = self.fetch.bind(self);
let lastProgressPost = 0;

function postProgress(force = false) {
  const now = performance.now();
  if (!force && now - lastProgressPost < 50) return;
  lastProgressPost = now;
  post({ type: "progress", phase: progress.phase, loaded: progress.loaded, total: progress.total });
}

/**
 * Count the bytes of a response as they arrive, on a clone: the original goes untouched to
 * Pyodide, so the wasm still compiles while it streams and the browser can cache the compiled code.
 * @param {Response} response
 */
async function countBytes(response) {
  const reader = response.body?.getReader();
  if (!reader) return;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress.loaded += value.byteLength;
    postProgress();
  }
}

/** @type {typeof fetch} */
self.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  if (response.ok && response.body) countBytes(response.clone()).catch(() => {});
  return response;
};

// ---- output: coalesced so a print loop cannot flood the page with messages -------------------

/** @type {{ stream: "stdout" | "stderr", text: string }[]} */
let pending = [];
/** Everything the current run printed to stdout, for the verdict against its `#>` lines. */
let runStdout = "";
let lastFlush = 0;

function flush() {
  if (currentRun === null || pending.length === 0) return;
  for (const chunk of pending) post({ type: "stream", id: currentRun, stream: chunk.stream, text: chunk.text });
  pending = [];
  lastFlush = performance.now();
}

/** @param {"stdout" | "stderr"} stream */
function writer(stream) {
  const decoder = new TextDecoder();
  return {
    /** @param {Uint8Array} bytes */
    write(bytes) {
      const text = decoder.decode(bytes, { stream: true });
      if (stream === "stdout") runStdout += text;
      const last = pending[pending.length - 1];
      if (last && last.stream === stream) last.text += text;
      else pending.push({ stream, text });
      // Flushed from inside write: a CPU-bound snippet never yields to a timer.
      if (performance.now() - lastFlush > 30) flush();
      return bytes.length;
    },
  };
}

// ---- time.sleep that really blocks, and that Stop can cut short ------------------------------

/**
 * @param {number} ms
 * @returns {boolean} true when Stop interrupted the wait
 */
function blockingWait(ms) {
  if (interrupt) {
    Atomics.wait(interrupt, SLOT.SIGNAL, 0, ms);
    if (interrupt[SLOT.SIGNAL] !== 0) {
      interrupt[SLOT.SIGNAL] = 0; // consumed here: Python raises KeyboardInterrupt itself
      Atomics.store(interrupt, SLOT.SEEN, SEEN.program);
      return true;
    }
    return false;
  }
  // No SharedArrayBuffer (not cross-origin isolated): spin. Stop then replaces the worker.
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a real blocking call, as in CPython */ }
  return false;
}

// ---- start-up ---------------------------------------------------------------------------------

async function start() {
  const response = await realFetch(new URL("manifest.json", RUNTIME));
  if (!response.ok) throw new Error(`runtime/manifest.json answered ${response.status}: is the runtime installed?`);
  manifest = await response.json();
  const core = new URL(manifest?.pyodide_dir ?? "", RUNTIME);
  const sizes = /** @type {Record<string, number>} */ (manifest?.sizes ?? {});
  /** @type {{ file: string, bytes: number } | undefined} */
  const snapshot = self.location.search.includes("snapshot=off") ? undefined : manifest?.snapshot;
  progress.total = Object.entries(sizes)
    .filter(([name]) => name.startsWith(manifest?.pyodide_dir ?? "-") || name === manifest?.stdlib)
    .reduce((sum, [, size]) => sum + size, snapshot?.bytes ?? 0);
  postProgress(true);

  const { loadPyodide } = await import(new URL("pyodide.mjs", core).href);
  // The standard library comes precompiled to bytecode (see playground/runtime/precompile.py).
  const options = { indexURL: core.href, stdLibURL: new URL(manifest?.stdlib ?? "", RUNTIME).href };
  if (snapshot) {
    // The interpreter as the build left it, asyncio and the runner imported (frontend/snapshot.mjs).
    // Any failure (missing file, a snapshot that does not restore) falls back to a plain start.
    try {
      const bytes = realFetch(new URL(snapshot.file, RUNTIME)).then((r) => {
        if (!r.ok) throw new Error(`${snapshot.file} answered ${r.status}`);
        countBytes(r.clone()).catch(() => {});
        return r.arrayBuffer();
      });
      pyodide = await loadPyodide({ ...options, _loadSnapshot: bytes });
      restoredFromSnapshot = true;
    } catch (failure) {
      console.info(`Python starts without its snapshot: ${failure instanceof Error ? failure.message : failure}`);
      progress.total -= snapshot.bytes;
      pyodide = null;
    }
  }
  pyodide ??= await loadPyodide(options);
  // A snapshot holds the build's random state: without a fresh seed every reader would draw the
  // same `random.random()` sequence. (The str hash seed stays the build's; it cannot change after start.)
  if (restoredFromSnapshot) pyodide.runPython("import random as _random; _random.seed(); del _random");
  if (interrupt) pyodide.setInterruptBuffer(interrupt.subarray(SLOT.SIGNAL, SLOT.SIGNAL + 1)); // the others: protocol.js
  pyodide.setStdout(writer("stdout"));
  pyodide.setStderr(writer("stderr"));

  // The Python that runs here (playground/browser/ in the repository), as the package it is
  // there: the runner's half, the loop tracer, the output rule.
  const browserFiles = /** @type {string[]} */ (manifest?.browser ?? []);
  const texts = await Promise.all(browserFiles.map(
    async (name) => (await realFetch(new URL(`browser/${name}`, RUNTIME))).text(),
  ));
  pyodide.FS.mkdirTree("/home/pyodide/playground/browser");
  pyodide.FS.writeFile("/home/pyodide/playground/__init__.py", "");
  pyodide.FS.writeFile("/home/pyodide/playground/browser/__init__.py", "");
  browserFiles.forEach((name, i) => pyodide.FS.writeFile(`/home/pyodide/playground/browser/${name}`, texts[i]));
  // The public helpers client snippets import, where a reader saves them: next to the snippet,
  // in the working directory (on sys.path). The site serves them as snippets-src/ (the files).
  for (const name of SNIPPET_HELPERS) {
    const text = await (await realFetch(new URL(`../snippets-src/${name}`, RUNTIME))).text();
    pyodide.FS.writeFile(`/home/pyodide/${name}`, text);
  }
  packagesJson = await (await realFetch(new URL("packages.json", RUNTIME))).text();
  const module = (/** @type {string} */ name) => pyodide.pyimport(`playground.browser.${name}`);
  runner = {
    rewrite: module("rewrite"),
    stopState: module("stop_state"),
    verdict: module("verdict"),
    neededWheels: module("needed_wheels"),
  };
  const explain = module("explain");
  const shims = module("shims");
  explain.remember_packages(packagesJson); // a missing module's explanation lists what is shipped
  shims.install_shims(
    blockingWait,
    (/** @type {string} */ text) => {
      if (currentRun !== null) post({ type: "notice", id: currentRun, text });
    },
    // What each Stop signal found (stop_state.Phase), for the page to read if the run goes on.
    // Python is idle while a block's packages load ahead of its Run (prepare), but a run may be
    // queued behind that: the signal was meant for it, and it ends before it starts.
    (/** @type {"idle" | "pending" | "program"} */ phase) => {
      const forQueued = phase === "idle" && preparing && pendingRuns.size > 0;
      if (interrupt) Atomics.store(interrupt, SLOT.SEEN, SEEN[forQueued ? "pending" : phase] ?? SEEN.nothing);
      if (forQueued) for (const id of [...pendingRuns]) if (!stoppedBeforeStart.has(id)) stopBeforeStart(id);
    },
  );
  explain.destroy();
  shims.destroy();
  // The page shows "running" once the reader's program starts, not when its task is scheduled:
  // a Stop before that ends the run as "none of it ran", one after it as KeyboardInterrupt.
  runner.stopState.on_program_start(() => {
    if (currentRun !== null) post({ type: "running", id: currentRun });
  });
  const jspi = typeof (/** @type {any} */ (WebAssembly).Suspending) === "function";
  post({ type: "ready", jspi, isolated: interrupt !== null, pyodide: pyodide.version, snapshot: restoredFromSnapshot });
}

/**
 * Load the wheels a snippet imports (and their dependencies) that are not loaded yet.
 * @param {string} source
 */
async function loadWheelsFor(source) {
  const needed = /** @type {RunnerModules} */ (runner).neededWheels.wheels_for(source, packagesJson, [...loadedWheels]).toJs();
  if (needed.length === 0) return;
  const sizes = manifest?.sizes ?? {};
  const wheels = manifest?.wheels ?? {};
  progress.phase = "packages";
  progress.loaded = 0;
  progress.total = needed.reduce((/** @type {number} */ sum, /** @type {string} */ name) => sum + (sizes[wheels[name]] ?? 0), 0);
  postProgress(true);
  /** @type {string[]} */
  const failures = [];
  await pyodide.loadPackage(
    needed.map((/** @type {string} */ name) => new URL(wheels[name], RUNTIME).href),
    { messageCallback: () => {}, errorCallback: (/** @type {string} */ text) => failures.push(text), checkIntegrity: false },
  );
  // loadPackage reports failures through the callback and does not throw: say so ourselves.
  if (failures.length) throw new Error(`could not load ${needed.join(", ")}: ${failures.join("; ")}`);
  for (const name of needed) loadedWheels.add(name);
  postProgress(true);
}

/**
 * Ahead of a Run: load the wheels `source` imports and import them, while the reader is still
 * reading the block (the page asks once the pointer or the focus has stayed on it 0.3 s). Queued
 * like a run, so a Run that comes meanwhile starts once this is done, and finds fastapi loaded and
 * imported. Failures are left to the run, which loads again and says what went wrong.
 * @param {string} source
 */
async function prepare(source) {
  if (!runner) return;
  preparing = true;
  try {
    await loadWheelsFor(source);
    for (const name of runner.neededWheels.shipped_imports(source, packagesJson).toJs()) {
      pyodide.pyimport(name)?.destroy?.();
    }
  } catch (failure) {
    console.info(`Could not load ahead of the run: ${failure instanceof Error ? failure.message : failure}`);
  } finally {
    preparing = false;
  }
}

/**
 * @param {number} id
 * @param {string} source
 * @param {string} filename
 * @param {boolean} [trace] record the event loop for the picture (loop-stream.js)
 * @param {boolean} [asConsole] a console command: run in the console's session (console.py)
 */
async function run(id, source, filename, trace = false, asConsole = false) {
  if (stoppedBeforeStart.delete(id)) return; // stopped while queued: reported already
  currentRun = id;
  // The page sets the buffer a moment after a Stop (STOP_TIMING in protocol.js) unless told the
  // run was cancelled: for a run that ended on its own meanwhile, that can land after its
  // `finally` cleared the buffer, and must not interrupt this run. Nothing can have stopped this run yet (its Stop follows this message).
  if (interrupt) interrupt[SLOT.SIGNAL] = 0;
  const python = /** @type {RunnerModules} */ (runner);
  python.stopState.begin_run(); // from here a Stop signal ends this run, even before its first line
  runStdout = "";
  const started = performance.now();
  /** @type {"ok" | "error" | "stopped"} */
  let status = "ok";
  let error = "";
  /** @type {{ finish(): void } | null} */
  let loop = null;
  try {
    await loadWheelsFor(source);
    // Stopped while its wheels loaded: said so then (see "stop" below); they stay loaded.
    if (stoppedBeforeStart.delete(id)) {
      status = "stopped";
      return;
    }
    // "running" is posted by Python as the program starts (stop_state.on_program_start, in start()).
    if (trace) loop = startLoopTrace(pyodide, python.rewrite, source, filename, (batch) => post({ type: "loop", id, batch }));
    if (asConsole) consoleModule ??= pyodide.pyimport("playground.browser.console");
    currentTask = (asConsole ? consoleModule : python.stopState).start(source, filename);
    const outcome = await currentTask;
    [status, error] = outcome.toJs();
    outcome.destroy?.();
  } catch (failure) {
    // Only the runtime itself fails here (a wheel that would not load): the snippet's own
    // errors come back as an outcome above.
    status = "error";
    error = failure instanceof Error ? failure.message : String(failure);
  } finally {
    loop?.finish(); // before leftovers are cancelled: the picture ends where the run did
    currentTask?.destroy?.();
    currentTask = null;
    runner?.stopState.cancel_leftover_tasks();
    if (interrupt) interrupt[SLOT.SIGNAL] = 0; // a Stop that arrived as the run ended must not leak into the next
    flush();
    /** @type {[string, string] | null} */
    let verdict = null;
    if (status === "ok" && runner && !asConsole) {
      const result = runner.verdict.verdict(source, runStdout);
      verdict = result ? result.toJs() : null;
      result?.destroy?.();
    }
    runner?.stopState.end_run();
    if (pendingRuns.delete(id)) post({ type: "done", id, status, error, elapsed: performance.now() - started, verdict });
    currentRun = null;
  }
}

/** What a run stopped before its program started reports, at once. @param {number} id */
function stopBeforeStart(id) {
  stoppedBeforeStart.add(id);
  pendingRuns.delete(id);
  if (interrupt) Atomics.store(interrupt, SLOT.CANCELLED, id); // the page then sets no interrupt
  const loading = id === currentRun || preparing ? "its packages were still loading" : "it was waiting for Python";
  post({
    type: "done", id, status: "stopped", elapsed: 0, verdict: null, reason: "before-start",
    error: `Stopped before the program started: ${loading}, so none of it ran.`,
  });
}

self.onmessage = async (/** @type {MessageEvent<ToWorker>} */ event) => {
  const message = event.data;
  if (message.type === "init") {
    interrupt = message.interrupt ? new Int32Array(message.interrupt) : null;
    // playground_client.py reads this: where client snippets find the playground.
    /** @type {any} */ (self).PLAYGROUND_URL = message.playground;
    try {
      await start();
    } catch (failure) {
      post({ type: "fatal", error: failure instanceof Error ? failure.message : String(failure) });
    }
  } else if (message.type === "run") {
    const { id, source, filename, trace } = message;
    pendingRuns.add(id);
    // Queued behind a block's packages loading ahead of its Run (prepare): the page learns of
    // that loading now, for this run (it was posted before any run was there to show it).
    if (preparing) postProgress(true);
    // A failure inside run's own bookkeeping must not stall every later run behind it.
    queue = queue.then(() => run(id, source, filename, trace, message.console)).catch((failure) => console.error(failure));
  } else if (message.type === "prepare") {
    queue = queue.then(() => prepare(message.source)).catch((failure) => console.error(failure));
  } else if (message.type === "stop") {
    if (!runner || !pendingRuns.has(message.id)) return; // late: the run has ended
    if (message.id !== currentRun || currentTask === null) {
      stopBeforeStart(message.id);
      return;
    }
    // Reached here only while Python awaits (a busy loop keeps this handler from running; the
    // page then sets the interrupt buffer). Clear the buffer, so a KeyboardInterrupt does not
    // land in the event loop's internals, then cancel the snippet's task in Python: the task's
    // JS proxy is gone once awaited ("Object has already been destroyed"), so not through it.
    // Said first, in shared memory: the page then sets no interrupt (it reads this at once).
    if (interrupt) Atomics.store(interrupt, SLOT.CANCELLED, message.id);
    let cancelled = false;
    for (let attempt = 0; attempt < 2 && !cancelled; attempt += 1) {
      if (interrupt) interrupt[SLOT.SIGNAL] = 0;
      try {
        cancelled = runner.stopState.cancel_current();
      } catch {
        // An interrupt the page set before it could read the line above landed in this call.
      }
    }
    if (cancelled) post({ type: "stopping", id: message.id });
    else if (interrupt) Atomics.store(interrupt, SLOT.CANCELLED, 0); // nothing to cancel (still loading)
  }
};
