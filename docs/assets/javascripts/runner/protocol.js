// The messages between the page and the runner's worker. Types only: nothing runs here.

/**
 * @typedef {{ type: "init", interrupt: SharedArrayBuffer | null, playground: string }
 *   | { type: "run", id: number, source: string, filename: string, trace?: boolean, console?: boolean }
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
 *       verdict: [string, string] | null }} FromWorker
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
 *   reason?: "not-isolated" | "no-effect" | "ignored-cancel",
 *   verdict?: [string, string] | null }} RunResult
 */

export {};
