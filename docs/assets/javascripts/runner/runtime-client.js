// One Python runtime for the whole visit: a worker started lazily on the reader's first sign of
// intent, shared by every block on every page (instant navigation keeps this module alive).

import { playgroundBase } from "../widgets/playground-url.js";
import { SEEN, SIGINT, SLOT, SLOTS, STOP_TIMING } from "./protocol.js";

/** @typedef {import("./protocol.js").FromWorker} FromWorker */
/** @typedef {import("./protocol.js").RunCallbacks} RunCallbacks */
/** @typedef {import("./protocol.js").RunResult} RunResult */

const STOPPED_WHILE_LOADING =
  "Stopped before the program started: Python was still loading, so none of it ran. Python goes on loading for the next Run.";

export class RuntimeClient {
  /** @param {{ workerUrl: URL | (() => URL) }} options a URL, or how to make it when Python is first started */
  constructor({ workerUrl }) {
    this.workerUrl = workerUrl;
    /** @type {{ use: boolean, why: string } | null} whether Python starts from the snapshot, and why */
    this.snapshotChoice = null;
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Promise<{ jspi: boolean, isolated: boolean, pyodide: string, snapshot: boolean }> | null} */
    this.ready = null;
    /** @type {Int32Array | null} */
    this.interrupt = null;
    this.nextId = 1;
    /** @type {Map<number, { callbacks: RunCallbacks, resolve: (r: RunResult) => void, cancelled?: boolean }>} */
    this.runs = new Map();
    /**
     * Runs waiting for the runtime to load, not yet handed to the worker: Stop ends them here.
     * @type {Map<number, (r: RunResult) => void>}
     */
    this.waiting = new Map();
    /** @type {RunCallbacks | null} the run that is waiting for the runtime to load */
    this.loadingListener = null;
    this.state = "idle"; // idle | loading | ready | error
    /** @type {Set<string>} the texts the current worker was asked to prepare (see prepare) */
    this.prepared = new Set();
    /** How many workers this visit has started: Stop keeps it at one when it can. */
    this.starts = 0;
    /** @type {{ jspi: boolean, isolated: boolean, pyodide: string, snapshot: boolean } | null} */
    this.info = null;
  }

  /** @param {string} state */
  setState(state) {
    this.state = state;
  }

  /** Start loading (idempotent): called on focus or pointer over a runnable block, and by run(). */
  warm() {
    if (this.ready) return this.ready;
    this.setState("loading");
    // Stop interrupts in place only with SharedArrayBuffer, i.e. in a cross-origin isolated page.
    // The slots (protocol.js, SLOT) are read by Stop without waiting for a message (one can
    // queue behind a busy page's timers, and a busy worker answers none).
    this.interrupt = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4 * SLOTS)) : null;
    const url = typeof this.workerUrl === "function" ? this.workerUrl() : this.workerUrl;
    const worker = new Worker(url, { type: "module", name: "python-runner" });
    this.worker = worker;
    this.starts += 1;
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = (/** @type {MessageEvent<FromWorker>} */ event) => {
        const message = event.data;
        if (message.type === "ready") {
          this.info = { jspi: message.jspi, isolated: message.isolated, pyodide: message.pyodide, snapshot: message.snapshot };
          this.setState("ready");
          resolve(message);
        } else if (message.type === "fatal") {
          const text = `The Python runtime failed to start: ${message.error}. Check the connection to this site, then press Run to try again.`;
          this.fail(text);
          reject(new Error(text));
        } else {
          this.dispatch(message);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        const text = `The Python runtime failed to load${event.message ? `: ${event.message}` : ""}.`;
        this.fail(text);
        reject(new Error(text));
      };
    });
    worker.postMessage({ type: "init", interrupt: this.interrupt ? this.interrupt.buffer : null, playground: this.playground() });
    this.ready.catch(() => {}); // callers see the rejection; the warm-up alone must not be "unhandled"
    return this.ready;
  }

  /**
   * The pointer or the focus has stayed on a block a moment (runnable-block.js: PREPARE_AFTER_MS;
   * Python itself started as soon as it arrived): have the worker load and import what this code
   * imports (fastapi, pydantic…), so its Run starts with them in place. Each text once per worker;
   * nothing after a failed start (Run retries that).
   * @param {string} source
   */
  prepare(source) {
    if (this.state === "error" || this.prepared.has(source)) return;
    this.prepared.add(source);
    const worker = this.warm().then(() => this.worker);
    worker.then((started) => started?.postMessage({ type: "prepare", source })).catch(() => {});
  }

  /** Where client snippets find the playground: the same choice the widgets use. */
  playground() {
    return playgroundBase().href.replace(/\/$/, "");
  }

  /** @param {string} text */
  fail(text) {
    this.setState("error");
    for (const [id, run] of this.runs) {
      run.resolve({ status: "error", error: text, elapsed: 0 });
      this.runs.delete(id);
    }
    this.discardWorker();
  }

  discardWorker() {
    this.worker?.terminate();
    this.worker = null;
    this.prepared.clear();
    this.ready = null;
  }

  /** @param {FromWorker} message */
  dispatch(message) {
    if (message.type === "progress") {
      const listener = this.loadingListener ?? [...this.runs.values()][0]?.callbacks;
      listener?.onProgress?.(message.phase, message.loaded, message.total);
      return;
    }
    if (!("id" in message)) return;
    const run = this.runs.get(message.id);
    if (!run) return;
    if (message.type === "running") run.callbacks.onRunning?.();
    else if (message.type === "stopping") run.cancelled = true;
    else if (message.type === "stream") run.callbacks.onStream?.(message.stream, message.text);
    else if (message.type === "notice") run.callbacks.onNotice?.(message.text);
    else if (message.type === "loop") run.callbacks.onLoop?.(message.batch);
    else if (message.type === "done") {
      this.runs.delete(message.id);
      run.resolve({ status: message.status, error: message.error, elapsed: message.elapsed, verdict: message.verdict, reason: message.reason });
    }
  }

  /**
   * Run a snippet; resolves when it ends (ok, error, stopped). Only one run at a time.
   * @param {string} source @param {string} filename @param {RunCallbacks} callbacks
   * @param {{ trace?: boolean, console?: boolean }} [options] trace: stream the event loop's picture
   *   (onLoop); console: run as a command of the asyncio console (its names persist, console.py)
   * @returns {{ id: number, done: Promise<RunResult> }}
   */
  run(source, filename, callbacks, options = {}) {
    const id = this.nextId++;
    const done = new Promise((resolve) => {
      this.loadingListener = callbacks;
      this.waiting.set(id, resolve);
      this.warm()
        .then(() => {
          this.loadingListener = null;
          if (!this.waiting.delete(id)) return; // stopped while Python loaded
          this.runs.set(id, { callbacks, resolve });
          this.worker?.postMessage({ type: "run", id, source, filename, trace: Boolean(options.trace), console: Boolean(options.console) });
        })
        .catch((/** @type {Error} */ error) => {
          this.loadingListener = null;
          this.waiting.delete(id);
          resolve({ status: "error", error: error.message, elapsed: 0 });
        });
    });
    return { id, done };
  }

  /**
   * Stop a run, in place whenever possible. First the worker is asked to cancel the run's task:
   * that works while the program awaits (the worker idles in its event loop). If it does not
   * answer at once, Python is busy running code: with an interrupt buffer (cross-origin isolated
   * page) a KeyboardInterrupt lands there. A run still going after the grace period (it ignored
   * both, or there is no buffer and it never awaits) costs the worker: "restarted", with why.
   * @param {number} id
   */
  stop(id) {
    const waiting = this.waiting.get(id);
    if (waiting) {
      // Python is still loading: the run ends now, having run nothing. The loading goes on (it
      // is for the whole visit), so the next Run starts sooner.
      this.waiting.delete(id);
      if (this.loadingListener) this.loadingListener = null;
      waiting({ status: "stopped", error: STOPPED_WHILE_LOADING, elapsed: 0, reason: "before-start" });
      return;
    }
    const run = this.runs.get(id);
    if (!run) return;
    const shared = this.interrupt;
    if (shared) Atomics.store(shared, SLOT.SEEN, SEEN.nothing);
    this.worker?.postMessage({ type: "stop", id });
    const cancelled = () => run.cancelled || (shared !== null && Atomics.load(shared, SLOT.CANCELLED) === id);
    setTimeout(() => {
      if (!this.runs.has(id) || cancelled() || !shared) return; // no buffer: see below
      Atomics.store(shared, SLOT.SIGNAL, SIGINT);
      Atomics.notify(shared, SLOT.SIGNAL); // wakes a time.sleep in progress
    }, STOP_TIMING.interruptAfterMs);
    if (!shared) {
      setTimeout(() => {
        if (this.runs.has(id) && !cancelled()) this.restart(id, "not-isolated");
      }, STOP_TIMING.restartAfterMs);
    }
    setTimeout(() => {
      if (!this.runs.has(id)) return;
      this.restart(id, cancelled() ? "ignored-cancel" : this.whyNotInterrupted());
    }, STOP_TIMING.graceMs);
  }

  /**
   * Why a run that Stop did not cancel is still going, from what the shared slots say.
   * @returns {"not-isolated" | "no-effect" | "unreached" | "missed"}
   */
  whyNotInterrupted() {
    const shared = this.interrupt;
    if (!shared) return "not-isolated";
    if (Atomics.load(shared, SLOT.SIGNAL) !== 0) return "unreached"; // Python never looked
    return Atomics.load(shared, SLOT.SEEN) === SEEN.program ? "no-effect" : "missed";
  }

  /** @param {number} id @param {"not-isolated" | "no-effect" | "ignored-cancel" | "unreached" | "missed"} reason */
  restart(id, reason) {
    const run = this.runs.get(id);
    this.runs.delete(id);
    this.discardWorker();
    this.setState("idle");
    run?.resolve({ status: "restarted", error: "", elapsed: 0, reason });
  }
}
