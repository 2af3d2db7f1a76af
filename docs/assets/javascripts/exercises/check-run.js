// Run an exercise's check in the page's one Python runtime: a short driver program that imports
// the wheels the exercise needs and calls playground.browser.exercise_check.check_in_page with
// the check's source and the reader's code. The checker prints one marked JSON line; this module
// reads it back. The reader's own prints are captured by the checker, never shown raw.

/** @typedef {import("../runner/runtime-client.js").RuntimeClient} RuntimeClient */

/** The line exercise_check.py prints (RESULT_MARK): the record separator keeps it unmistakable. */
const RESULT_MARK = "\x1eexercise-result ";

/**
 * @typedef {{ id: string, title: string, topic: string, page: string, anchor: string, starter: string,
 *   solution: string, check: string, hints: string[], remarks: string[], imports: string[] }} ExerciseData
 * @typedef {{ ok: boolean, passed: string[], stdout: string, events: object[], message: string,
 *   failed: { name: string, expected: string, happened: string, line: number, code: string } | null }} CheckResult
 * @typedef {{ status: "checked", result: CheckResult } | { status: "stopped" | "error", error: string }} CheckOutcome
 */

/**
 * The Python the worker runs for a Check. JSON strings are Python string literals too.
 * @param {ExerciseData} exercise @param {string} source
 */
export function driverSource(exercise, source) {
  const imports = exercise.imports.map((name) => `import ${name}  # loads its wheel first\n`).join("");
  return `${imports}from playground.browser.exercise_check import check_in_page\n\n`
    + `await check_in_page(${JSON.stringify(exercise.check)}, ${JSON.stringify(source)})\n`;
}

/**
 * @param {RuntimeClient} client @param {ExerciseData} exercise @param {string} source
 * @param {(phase: string, loaded: number, total: number) => void} onProgress
 * @returns {{ id: number, done: Promise<CheckOutcome> }}
 */
export function runCheck(client, exercise, source, onProgress) {
  let stdout = "";
  let stderr = "";
  const name = `check-${exercise.id.replace(/\W/g, "-")}.py`;
  const { id, done } = client.run(driverSource(exercise, source), name, {
    onProgress,
    onStream: (stream, text) => { if (stream === "stdout") stdout += text; else stderr += text; },
  });
  const outcome = done.then((result) => {
    if (result.status === "stopped" || result.status === "restarted") {
      return /** @type {CheckOutcome} */ ({ status: "stopped", error: "The check was stopped before it ended." });
    }
    const line = stdout.split("\n").find((text) => text.startsWith(RESULT_MARK));
    if (result.status !== "ok" || !line) {
      return /** @type {CheckOutcome} */ ({ status: "error", error: result.error || stderr || "The check ended without a verdict." });
    }
    return /** @type {CheckOutcome} */ ({ status: "checked", result: JSON.parse(line.slice(RESULT_MARK.length)) });
  });
  return { id, done: outcome };
}
