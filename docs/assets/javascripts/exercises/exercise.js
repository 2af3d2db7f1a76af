// One exercise on a topic page: the statement and the starter block come from the build
// (exercises/<topic>/<name>/task.md); the runnable block gives the editor, Run and Stop. This adds
// Check (the exercise's check.py, run in the worker against the reader's code), the feedback,
// hints one at a time, the solution with the author's remarks, and the loop picture of the
// checked run. Progress and code stay in localStorage (progress.js). Mounting returns a teardown.

import { LoopPicture } from "../runner/loop-picture.js";
import { loadEdit, saveEdit } from "../runner/kept-edits.js";
import { runCheck } from "./check-run.js";
import { forgetProgress, loadProgress, saveProgress } from "./progress.js";

/** @typedef {import("../runner/runtime-client.js").RuntimeClient} RuntimeClient */
/** @typedef {import("./check-run.js").ExerciseData} ExerciseData */
/** @typedef {import("./check-run.js").CheckResult} CheckResult */

const DATA_URL = new URL("../../../exercise-data/", import.meta.url);
/** Failed checks after which the solution opens by itself (it can be asked for at any time). */
export const REVEAL_AFTER = 3;

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, string>} attributes @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/**
 * A paragraph of an exercise's hints or remarks: `code` in backticks becomes <code>, the rest text.
 * @param {string} text @param {HTMLElement} into
 */
function renderInline(text, into) {
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) into.append(element("code", {}, part.slice(1, -1)));
    else if (part) into.append(document.createTextNode(part));
  });
  return into;
}

/** @param {string} id @returns {Promise<ExerciseData>} */
async function fetchExercise(id) {
  const response = await fetch(new URL(`${id}.json`, DATA_URL));
  if (!response.ok) throw new Error(`exercise-data/${id}.json answered ${response.status}`);
  return response.json();
}

/**
 * Before the runnable block mounts: put the code kept in localStorage where the block looks for
 * this visit's edits, so the editor opens with the reader's code of last time.
 * @param {HTMLElement} container the task's `.exercise` element
 */
export function restoreExerciseCode(container) {
  const id = container.dataset.exercise ?? "";
  const block = container.querySelector(".highlight");
  const filename = block?.querySelector(":scope > .filename")?.textContent?.trim() ?? "";
  const original = (block?.querySelector("pre code")?.textContent ?? "").replace(/\n$/, "");
  const kept = loadProgress(id).code;
  if (filename && kept && loadEdit(filename) === null) saveEdit(filename, kept, original);
}

/**
 * @param {HTMLElement} container the task's `.exercise` element (after its block is mounted)
 * @param {RuntimeClient} client
 * @returns {() => void} teardown
 */
export function mountExercise(container, client) {
  const id = container.dataset.exercise ?? "";
  const block = /** @type {HTMLElement & { runnerSource?: () => string } | null} */ (container.querySelector(".highlight.runner"));
  if (!id || !block) return () => {};
  const name = id.split("/").pop() ?? id;

  const panel = element("div", { class: "exercise__panel" });
  const toolbar = element("div", { class: "exercise__toolbar", role: "toolbar", "aria-label": `Exercise ${name}` });
  const checkButton = element("button", { type: "button", class: "runner__button exercise__check", "aria-keyshortcuts": "Control+Shift+Enter", title: "Check your code (Ctrl+Shift+Enter)" }, "Check");
  const stopButton = element("button", { type: "button", class: "runner__button exercise__stop", hidden: "" }, "Stop check");
  const hintButton = element("button", { type: "button", class: "runner__button exercise__hint-button" }, "Hint");
  const solutionButton = element("button", { type: "button", class: "runner__button exercise__solution-button", "aria-expanded": "false" }, "Show solution");
  const resetButton = element("button", { type: "button", class: "runner__button exercise__reset", title: "Forget this exercise's progress and code" }, "Start over");
  const progressText = element("span", { class: "exercise__progress" });
  const picture = new LoopPicture(`check of ${name}`);
  picture.toggle.textContent = "Show the loop of the check";
  picture.toggle.title = "The event loop of the run the check graded: tasks, steps, waits, blocking";
  picture.toggle.disabled = true;
  toolbar.append(checkButton, stopButton, hintButton, solutionButton, picture.toggle, resetButton, progressText);
  // The verdict is announced: role=status is polite, so it does not cut the reader off.
  const feedback = element("div", { class: "exercise__feedback", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const hints = element("ol", { class: "exercise__hints", "aria-label": "Hints", hidden: "" });
  const solution = element("section", { class: "exercise__solution", "aria-label": `Solution of ${name}`, hidden: "" });
  panel.append(toolbar, feedback, hints, solution, picture.element);
  block.after(panel);

  /** @type {ExerciseData | null} */
  let data = null;
  /** @type {Promise<ExerciseData> | null} */
  let loading = null;
  /** @type {number | null} */
  let checkId = null;
  /** @type {string | null} the last check's events, drawn when the reader opens the picture */
  let checkedLoop = null;
  let destroyed = false;
  let progress = loadProgress(id);

  const load = () => {
    loading ??= fetchExercise(id).then((loaded) => {
      data = loaded;
      showProgress();
      return loaded;
    });
    return loading;
  };
  const source = () => (block.runnerSource ? block.runnerSource() : "");
  const keepCode = () => {
    const code = source();
    if (data && code && code !== data.starter) progress = saveProgress(id, { code });
  };

  function showProgress() {
    container.dataset.exerciseState = progress.state;
    progressText.textContent = progress.state === "passed"
      ? `Passed ✓ (${progress.tries} ${progress.tries === 1 ? "check" : "checks"})`
      : progress.tries ? `Not passed yet: ${progress.tries} ${progress.tries === 1 ? "check" : "checks"}` : "";
    const total = data?.hints.length ?? 0;
    hintButton.textContent = total ? `Hint (${Math.min(progress.hints, total)} of ${total})` : "Hint";
    hintButton.disabled = Boolean(total) && progress.hints >= total;
    renderHints();
    if (progress.solutionShown) renderSolution();
  }

  function renderHints() {
    if (!data) return;
    hints.replaceChildren(...data.hints.slice(0, progress.hints).map((text) => renderInline(text, element("li"))));
    hints.hidden = progress.hints === 0;
  }

  function renderSolution() {
    if (!data || !solution.hidden) return;
    const code = element("pre", { class: "exercise__code", tabindex: "0" });
    code.append(element("code", {}, data.solution));
    const remarks = element("div", { class: "exercise__remarks" });
    remarks.append(element("p", { class: "exercise__label" }, "The author's remarks"));
    for (const text of data.remarks) remarks.append(renderInline(text, element("p")));
    solution.replaceChildren(element("p", { class: "exercise__label" }, "A solution"), code, remarks);
    solution.hidden = false;
    solutionButton.setAttribute("aria-expanded", "true");
    solutionButton.textContent = "Hide solution";
  }

  /** @param {CheckResult} result */
  function renderVerdict(result) {
    const heading = element("p", { class: "exercise__verdict" },
      result.ok ? `✓ Passed: all ${result.passed.length} checks hold.` : `✗ Not yet: ${result.failed?.name}.`);
    const list = element("ul", { class: "exercise__checks" });
    for (const passed of result.passed) list.append(element("li", { class: "exercise__passed" }, `✓ ${passed}`));
    /** @type {HTMLElement[]} */
    const nodes = [heading, list];
    if (result.failed) {
      const failed = element("dl", { class: "exercise__failed" });
      failed.append(element("dt", {}, "Expected"), element("dd", {}, result.failed.expected));
      failed.append(element("dt", {}, "Happened"), element("dd", {}, result.failed.happened));
      if (result.failed.line) {
        const where = element("dd");
        where.append(`line ${result.failed.line}: `, element("code", {}, result.failed.code));
        failed.append(element("dt", {}, "Where"), where);
      }
      nodes.push(failed);
    }
    feedback.replaceChildren(...nodes);
    // For the tests (and styles): the verdict and the check that failed, as attributes.
    feedback.dataset.verdict = result.ok ? "pass" : "fail";
    if (result.failed) feedback.dataset.failed = result.failed.name;
    else delete feedback.dataset.failed;
  }

  async function check() {
    if (checkId !== null) return;
    if (block?.dataset.runnerState === "running" || block?.dataset.runnerState === "loading") {
      feedback.textContent = "The code is running: wait for it to end (or Stop it), then Check.";
      return;
    }
    const fromCheck = document.activeElement === checkButton;
    checkButton.disabled = true;
    stopButton.hidden = false;
    if (fromCheck) stopButton.focus();
    container.dataset.exerciseState = "checking";
    delete feedback.dataset.verdict;
    delete feedback.dataset.failed;
    feedback.textContent = client.state === "ready" ? "Checking…" : "Loading Python, then checking…";
    try {
      const exercise = await load();
      keepCode();
      const run = runCheck(client, exercise, source(), (_phase, loaded, total) => {
        feedback.textContent = `Loading Python… ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
      });
      checkId = run.id;
      const outcome = await run.done;
      if (destroyed) return;
      if (outcome.status !== "checked") {
        feedback.textContent = outcome.error;
        feedback.dataset.verdict = outcome.status;
      } else {
        const result = outcome.result;
        const tries = progress.tries + 1;
        progress = saveProgress(id, {
          tries,
          state: result.ok ? "passed" : progress.state === "passed" ? "passed" : "tried",
          solutionShown: progress.solutionShown || result.ok || tries >= REVEAL_AFTER,
        });
        renderVerdict(result);
        checkedLoop = JSON.stringify({ now: 0, events: result.events, done: true });
        picture.toggle.disabled = false;
        drawCheckedLoop();
      }
    } catch (failure) {
      feedback.textContent = `The check could not run: ${failure instanceof Error ? failure.message : failure}`;
    } finally {
      checkId = null;
      if (!destroyed) {
        checkButton.disabled = false;
        const onStop = document.activeElement === stopButton;
        stopButton.hidden = true;
        if (onStop) checkButton.focus();
        showProgress();
      }
    }
  }

  function drawCheckedLoop() {
    if (!picture.on || !checkedLoop) return;
    picture.begin();
    picture.add(checkedLoop);
    picture.end("ok");
  }

  async function hint() {
    const exercise = await load();
    if (progress.hints >= exercise.hints.length) return;
    progress = saveProgress(id, { hints: progress.hints + 1 });
    showProgress();
    hints.lastElementChild?.setAttribute("tabindex", "-1");
    /** @type {HTMLElement | null} */ (hints.lastElementChild)?.focus();
  }

  async function toggleSolution() {
    if (!solution.hidden) {
      solution.hidden = true;
      solutionButton.setAttribute("aria-expanded", "false");
      solutionButton.textContent = "Show solution";
      return;
    }
    await load();
    progress = saveProgress(id, { solutionShown: true });
    renderSolution();
  }

  function startOver() {
    forgetProgress(id);
    progress = loadProgress(id);
    /** @type {HTMLButtonElement | null} */ (block?.querySelector(".runner__reset"))?.click();
    feedback.textContent = "Started over: the starter code is back, progress and hints are forgotten.";
    solution.hidden = true;
    solution.replaceChildren();
    solutionButton.setAttribute("aria-expanded", "false");
    solutionButton.textContent = "Show solution";
    showProgress();
  }

  /** @param {KeyboardEvent} event */
  function keys(event) {
    if (event.key === "Enter" && event.shiftKey && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  }

  // The reader's code is kept as they type (the editor's keys bubble here), and when they leave.
  /** @type {number | undefined} */
  let typing;
  const typed = () => { clearTimeout(typing); typing = window.setTimeout(keepCode, 500); };
  const warm = () => { load().catch(() => {}); };
  const stopCheck = () => { if (checkId !== null) client.stop(checkId); };

  const listeners = /** @type {const} */ ([
    [checkButton, "click", check], [stopButton, "click", stopCheck], [hintButton, "click", hint],
    [solutionButton, "click", toggleSolution], [resetButton, "click", startOver],
    [picture.toggle, "click", drawCheckedLoop], [container, "keydown", keys], [container, "keyup", typed],
    [container, "pointerenter", warm], [container, "focusin", warm], [window, "pagehide", keepCode],
  ]);
  for (const [target, type, handler] of listeners) target.addEventListener(type, /** @type {EventListener} */ (handler));
  showProgress();

  return () => {
    destroyed = true;
    clearTimeout(typing);
    if (data) keepCode();
    if (checkId !== null) client.stop(checkId);
    for (const [target, type, handler] of listeners) target.removeEventListener(type, /** @type {EventListener} */ (handler));
    picture.destroy();
    panel.remove();
    delete container.dataset.exerciseState;
  };
}
