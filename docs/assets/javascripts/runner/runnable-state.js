// A runnable block's run, as the page shows it. The state is on the block, where CSS, the tests
// and predict.js read it: `data-runner-state` (idle, ready, loading, running, ok, stopped, error)
// and `data-runner-verdict` (match, differ). Each transition below sets it with what goes with
// it: which buttons are live, where focus goes, the status line, the progress bar, the output.

import { STOP_TIMING } from "./protocol.js";

/** @typedef {import("./runnable-render.js").BlockView} BlockView */
/** @typedef {import("./output-log.js").OutputLog} OutputLog */
/** @typedef {import("./protocol.js").RunResult} RunResult */
/** @typedef {"idle" | "ready" | "loading" | "running" | "ok" | "stopped" | "error"} RunnerState */

/**
 * What the page says when Stop had to replace Python: what the shared slots say happened.
 * @param {RunResult["reason"]} reason
 */
function restartedBecause(reason) {
  const grace = `${STOP_TIMING.graceMs / 1000} s`;
  /** @type {Record<string, string>} */
  const reasons = {
    "not-isolated": "this page is not cross-origin isolated, so a program busy running code cannot be interrupted in place",
    "ignored-cancel": `Stop cancelled the program, but it caught asyncio.CancelledError and kept running for ${grace}`,
    "no-effect": `Stop raised KeyboardInterrupt in the program, and it was still running ${grace} later (it caught the exception, or an except or finally block kept it going)`,
    unreached: `Python did not reach a point where it checks for Stop within ${grace} (it was inside one long call that does not return to the interpreter)`,
    missed: `Stop's signal reached Python when the program was not running, and the program was still running ${grace} later`,
  };
  return `Stopped by restarting Python: ${reasons[reason ?? "missed"] ?? reasons.missed}. The next Run loads Python again.`;
}

/** @param {number} bytes */
const megabytes = (bytes) => (bytes / 1e6).toFixed(1);

export class BlockRun {
  /**
   * @param {HTMLElement} root the block @param {BlockView} view its elements @param {OutputLog} log
   * @param {boolean} pythonReady Python is loaded already (another block ran): the block starts "ready"
   */
  constructor(root, view, log, pythonReady) {
    this.root = root;
    this.view = view;
    this.log = log;
    /** When the reader's code started (loading is not its time). */
    this.started = 0;
    this.set(pythonReady ? "ready" : "idle");
  }

  /** @param {RunnerState} state */
  set(state) {
    this.root.dataset.runnerState = state;
  }

  /** The status line. @param {string} text */
  say(text) {
    this.view.status.textContent = text;
  }

  /** Run was pressed: the output starts empty, Stop takes over. @param {boolean} needsLoad Python is not loaded yet */
  begin(needsLoad) {
    const { runButton, stopButton } = this.view;
    this.log.clear();
    this.log.show();
    delete this.root.dataset.runnerVerdict;
    this.outputShown(true);
    // A disabled button loses focus to <body>: hand it to Stop, the next thing the reader needs.
    const fromRunButton = document.activeElement === runButton;
    runButton.disabled = true;
    stopButton.disabled = false;
    if (fromRunButton) stopButton.focus();
    this.set(needsLoad ? "loading" : "running");
    this.say(needsLoad ? "Loading Python…" : "Running…");
    this.started = performance.now();
  }

  /** @param {string} phase @param {number} loaded @param {number} total bytes */
  progress(phase, loaded, total) {
    const { bar } = this.view;
    this.set("loading");
    bar.hidden = false;
    bar.max = Math.max(total, 1);
    bar.value = Math.min(loaded, total);
    const what = phase === "runtime" ? "Loading Python" : "Loading packages";
    this.say(`${what}… ${megabytes(loaded)} of ${megabytes(total)} MB`);
  }

  /** The reader's code starts now. */
  running() {
    this.started = performance.now();
    this.view.bar.hidden = true;
    this.set("running");
    this.say("Running…");
  }

  /**
   * The run ended: Run is back, and the block says how it ended.
   * @param {RunResult} result @param {boolean} pythonFailed Python itself could not start
   */
  end(result, pythonFailed) {
    const { bar, runButton, stopButton } = this.view;
    bar.hidden = true;
    runButton.disabled = false;
    const onStop = document.activeElement === stopButton; // not if the reader moved on
    stopButton.disabled = true;
    if (onStop && this.root.isConnected) runButton.focus();
    const seconds = ((performance.now() - this.started) / 1000).toFixed(2);
    if (result.status === "ok") {
      this.set("ok");
      this.say(`Finished in ${seconds} s`);
      this.showVerdict(result.verdict ?? null);
    } else if (result.status === "stopped") {
      this.set("stopped");
      this.log.write("stderr", result.error ? `${result.error}\n` : "");
      this.say(result.reason === "before-start" ? "Stopped before the program started." : "Stopped. The interpreter is still warm.");
    } else if (result.status === "restarted") {
      this.set("stopped");
      this.log.notice(restartedBecause(result.reason));
      this.say("Stopped (Python restarted).");
    } else {
      this.set("error");
      this.log.write("stderr", result.error.endsWith("\n") ? result.error : `${result.error}\n`);
      this.say(pythonFailed ? "Python could not start. Press Run to try again." : "Failed with an error.");
    }
    this.log.flush();
  }

  /**
   * Say whether this run printed what the code's `#>` lines record — checked by the test suite's
   * own rule, running in the worker.
   * @param {[string, string] | null} verdict
   */
  showVerdict(verdict) {
    delete this.root.dataset.runnerVerdict;
    if (!verdict) return;
    const [outcome, diff] = verdict;
    this.root.dataset.runnerVerdict = outcome;
    if (outcome === "match") {
      this.log.notice("✓ Printed what the #> lines record (durations within a quarter + 20 ms; ~numbers vary, not compared).");
    } else {
      this.log.notice("✗ Printed something else than the #> lines record:");
      this.log.write("stderr", `${diff}\n`);
    }
  }

  /** Clear output: the log goes, and the buttons that act on it. */
  clearOutput() {
    this.log.clear();
    this.log.hide();
    this.outputShown(false);
  }

  /** @param {boolean} shown there is output to clear or copy */
  outputShown(shown) {
    this.view.clearButton.disabled = !shown;
    this.view.copyOutputButton.disabled = !shown;
  }
}
