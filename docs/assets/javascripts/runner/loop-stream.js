// The worker's half of the event-loop picture: start the Python tracer
// (playground/browser/loop_trace.py) for one run and pass its batches to the page.
//
// The tracer sends a batch itself every 50 ms or 500 events while Python runs callbacks; while
// Python is idle (awaiting a timer), this interval sends one so the picture's clock moves on.
// Never one message per event.

const IDLE_FLUSH_MS = 100;

/**
 * @param {any} pyodide the loaded Pyodide
 * @param {any} rewrite playground.browser.rewrite (its prepare compiles the run's code)
 * @param {string} source the code about to run
 * @param {string} filename the snippet's name, as the run compiles it (its lines are the reader's)
 * @param {(batch: string) => void} send posts one JSON batch to the page
 * @returns {{ finish(): void }}
 */
export function startLoopTrace(pyodide, rewrite, source, filename, send) {
  // Compile now (rewrite.prepare caches it), so the root task's first step is the program's
  // own code and not the compiler: under CPython, too, compiling happens before the loop starts.
  try {
    rewrite.prepare(source, filename)?.destroy?.();
  } catch {
    // A syntax error: the run itself reports it.
  }
  const module = pyodide.pyimport("playground.browser.loop_trace");
  const tracer = module.start_in_browser(filename, send);
  module.destroy?.();
  const timer = setInterval(() => tracer.flush(), IDLE_FLUSH_MS);
  return {
    // Closes what is still open at this moment (a Stop mid-run) and sends the last batch.
    finish() {
      clearInterval(timer);
      try {
        tracer.finish();
      } finally {
        tracer.destroy();
      }
    },
  };
}
