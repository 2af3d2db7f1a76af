// The messages between the page and the runner's worker, and the shared memory Stop uses.
//
// Stop, as the three files play it (runtime-client.js on the page, worker.js, stop_state.py):
//
//   page                                  worker                         Python (in the worker)
//   Stop ─▶ writes SLOT.SEEN = 0,
//           posts {type: "stop"}  ─────▶  handled only while Python
//                                         awaits (idle in JS): writes
//                                         SLOT.CANCELLED = id, then
//                                         cancels the task  ──────────▶  CancelledError in the
//                                                                        program (or, PENDING:
//                                                                        the run ends unstarted)
//   after STOP_TIMING.interruptAfterMs,
//   unless SLOT.CANCELLED = id: writes
//   SLOT.SIGNAL = SIGINT ─────────────────────────────────────────────▶  read at the next check
//                                                                        (every ~50 bytecodes),
//                                                                        written back to 0; the
//                                                                        handler writes SLOT.SEEN
//                                                                        = the phase it found:
//                                                                        PROGRAM: KeyboardInterrupt
//                                                                        PENDING: ends unstarted
//                                                                        IDLE: nothing (late)
//   after STOP_TIMING.graceMs, still running: replaces the worker
//   ("restarted"), and says why from the slots: SIGNAL still set = never read; SEEN = what it did.
//
// A run that has not reached the worker (Python loading) is ended by the page at once; one the
// worker holds (wheels loading, queued) is ended by the worker at once: "before-start".
// The worker writes SLOT.SIGNAL = 0 when a run starts and ends (a Stop timer of a finished run
// must not reach the next) and before it cancels (a KeyboardInterrupt must not land in asyncio).

/** The Int32Array slots of the shared buffer (cross-origin isolated pages only). */
export const SLOT = Object.freeze({
  /** Pyodide's interrupt buffer (setInterruptBuffer): the signal to raise, 0 for none. */
  SIGNAL: 0,
  /** The id of the last run the worker cancelled in place: the page then sets no SIGNAL. */
  CANCELLED: 1,
  /** What Python's SIGINT handler found when it last ran (SEEN below); 0 before it runs. */
  SEEN: 2,
});
export const SLOTS = 3;
/** The signal number written to SLOT.SIGNAL: SIGINT, so Python raises KeyboardInterrupt. */
export const SIGINT = 2;
/** Values of SLOT.SEEN: stop_state.Phase, numbered (Python reports the name, the worker writes this). */
export const SEEN = Object.freeze({ nothing: 0, idle: 1, pending: 2, program: 3 });

/** Stop's timings, in one place (the page's messages are built from these). */
export const STOP_TIMING = Object.freeze({
  /**
   * How long Stop waits for the worker to say it cancelled the awaiting task before it concludes
   * Python is busy running code and sets SLOT.SIGNAL. A worker that idles in its event loop
   * answers in a few milliseconds; the interrupt must not land there, in asyncio's internals.
   */
  interruptAfterMs: 30,
  /** How long Stop waits for the run to end before it replaces the worker. */
  graceMs: 1500,
  /** Without a shared buffer, a run that has not answered Stop by then is busy: restart. */
  restartAfterMs: 300,
});

/**
 * @typedef {{ type: "init", interrupt: SharedArrayBuffer | null, playground: string }
 *   | { type: "run", id: number, source: string, filename: string, trace?: boolean, console?: boolean }
 *   | { type: "prepare", source: string }
 *   | { type: "stop", id: number }} ToWorker
 */

/**
 * @typedef {{ type: "progress", phase: "runtime" | "packages", loaded: number, total: number }
 *   | { type: "ready", jspi: boolean, isolated: boolean, pyodide: string, snapshot: boolean }
 *   | { type: "fatal", error: string }
 *   | { type: "running", id: number }
 *   | { type: "stopping", id: number }
 *   | { type: "stream", id: number, stream: "stdout" | "stderr", text: string }
 *   | { type: "notice", id: number, text: string }
 *   | { type: "loop", id: number, batch: string }
 *   | { type: "done", id: number, status: "ok" | "error" | "stopped", error: string, elapsed: number,
 *       verdict: [string, string] | null, reason?: "before-start" }} FromWorker
 */

/**
 * What a run reports to whoever started it.
 * @typedef {{
 *   onProgress?: (phase: string, loaded: number, total: number) => void,
 *   onRunning?: () => void,
 *   onStream?: (stream: "stdout" | "stderr", text: string) => void,
 *   onNotice?: (text: string) => void,
 *   onLoop?: (batch: string) => void,
 * }} RunCallbacks
 */

/**
 * @typedef {{ status: "ok" | "error" | "stopped" | "restarted", error: string, elapsed: number,
 *   reason?: "not-isolated" | "no-effect" | "ignored-cancel" | "unreached" | "missed" | "before-start",
 *   verdict?: [string, string] | null }} RunResult
 */

