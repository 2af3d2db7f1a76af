// "Predict first" on a runnable block whose point is an order: before Run, the reader puts the
// block's output lines (its own `#>` lines, shuffled, hidden in the code meanwhile) in the order
// they expect; after Run, their order against what ran, line by line, and a link to the loop
// picture that explains the difference. Keyboard only: each line has Move up / Move down buttons
// and the new place is announced. Escape, or "Skip predicting", turns the mode off for every
// block (remembered in localStorage); the toolbar's "Predict first" turns it back on.
//
// Mounted after mountRunnable on the same block: it reads the block's state (data-runner-state,
// data-runner-verdict) and output, and asks it to hold its editor (data-runner-hold) while the
// reader predicts, since the editor would show the `#>` lines.

import { compareLines, predictQuestion, recordedLines, shuffled } from "./predict-lines.js";

const STORAGE_KEY = "async-fastapi-live:predict";
const MODE_EVENT = "async-fastapi-live:predict-mode";

/** Whether the reader wants to predict (on unless they skipped it). */
export function predictOn() {
  try {
    return localStorage.getItem(STORAGE_KEY) !== "off";
  } catch {
    return true; // storage refused: the mode is on, and skipping lasts as long as the page
  }
}

/** @param {boolean} on */
function setPredictOn(on) {
  try {
    localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
  } catch {
    // refused: every block on this page still follows the event below
  }
  window.dispatchEvent(new CustomEvent(MODE_EVENT, { detail: on }));
}

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

/** @param {string} line shown in a button's name: short, and an empty line said as such */
const said = (line) => (line === "" ? "the empty line" : `“${line.trim().length > 40 ? `${line.trim().slice(0, 39)}…` : line.trim()}”`);

/**
 * Hide the `#>` comments of the code the page shows (the answer), keeping their text to restore.
 * @param {HTMLElement} block
 */
function maskRecorded(block) {
  /** @type {[HTMLElement, string][]} */
  const hidden = [];
  for (const span of block.querySelectorAll(":scope > pre code span")) {
    const text = span.textContent ?? "";
    if (span.children.length === 0 && /^#>( |$)/.test(text)) {
      hidden.push([/** @type {HTMLElement} */ (span), text]);
      span.textContent = "#> ?";
      span.classList.add("predict__masked");
    }
  }
  return () => {
    for (const [span, text] of hidden) {
      span.textContent = text;
      span.classList.remove("predict__masked");
    }
    hidden.length = 0;
  };
}

/**
 * @param {HTMLElement} block a mounted runnable block (`.runner`)
 * @returns {() => void} teardown
 */
export function mountPredict(block) {
  const source = /** @type {any} */ (block).runnerSource?.() ?? "";
  const question = predictQuestion(source);
  const recorded = recordedLines(source);
  const toolbar = block.querySelector(":scope > .runner__toolbar");
  // A block the reader already edited shows its editor (and the answer): nothing to predict.
  if (!question || recorded.length < 2 || !toolbar || block.dataset.runnerEditor) return () => {};
  const filename = block.querySelector(":scope > .filename")?.textContent?.trim() ?? "";
  const id = `predict-${filename.replace(/\W/g, "-")}`;

  let order = shuffled(recorded, filename);
  /** @type {"predicting" | "running" | "compared" | "skipped"} */
  let phase = "predicting";
  let unmask = () => {};

  const panel = element("div", { class: "predict", role: "group", "aria-labelledby": `${id}-question` });
  const heading = element("p", { class: "predict__question", id: `${id}-question` });
  heading.append(element("strong", {}, "Predict first: "), document.createTextNode(question));
  const how = element("p", { class: "predict__how", id: `${id}-how` },
    "Put the lines in the order you expect them printed (each line's Up and Down buttons move it), then " +
    "Run and compare. The #> lines in the code stay hidden until then. Escape skips predicting on every block.");
  const list = element("ol", { class: "predict__lines", "aria-describedby": `${id}-how` });
  const runButton = element("button", { type: "button", class: "runner__button predict__run" }, "Run and compare");
  const skipButton = element("button", { type: "button", class: "runner__button predict__skip", "aria-keyshortcuts": "Escape" }, "Skip predicting");
  const actions = element("div", { class: "predict__actions" });
  actions.append(runButton, skipButton);
  const status = element("p", { class: "predict__status", role: "status" });
  const result = element("div", { class: "predict__result", hidden: "" });
  panel.append(heading, how, list, actions, status, result);
  toolbar.before(panel);

  const toggle = element("button", { type: "button", class: "runner__button predict__toggle", "aria-pressed": "true", title: "Order the output lines before running this block" }, "Predict first");
  // First of the block's occasional actions ("More actions"), before Reset.
  const reset = toolbar.querySelector(".runner__reset");
  if (reset) reset.before(toggle);
  else toolbar.append(toggle);

  /** @param {string} text */
  const say = (text) => { status.textContent = text; };

  function render() {
    list.replaceChildren(...order.map((line, index) => {
      const item = element("li", { class: "predict__item" });
      const text = element("code", { class: "predict__line" }, line === "" ? "(empty line)" : line);
      const place = `line ${index + 1} of ${order.length}`;
      const up = element("button", { type: "button", class: "predict__move", "data-move": "up", "data-index": String(index), "aria-label": `Move ${said(line)} up (now ${place})` }, "Up");
      const down = element("button", { type: "button", class: "predict__move", "data-move": "down", "data-index": String(index), "aria-label": `Move ${said(line)} down (now ${place})` }, "Down");
      if (phase !== "predicting") { up.disabled = true; down.disabled = true; }
      item.append(text, up, down);
      return item;
    }));
  }

  /** @param {Event} event */
  function move(event) {
    const button = /** @type {HTMLElement} */ (event.target).closest("button.predict__move");
    if (!(button instanceof HTMLButtonElement) || phase !== "predicting") return;
    const index = Number(button.dataset.index);
    const direction = button.dataset.move === "up" ? -1 : 1;
    const target = index + direction;
    if (target < 0 || target >= order.length) {
      say(`${said(order[index])} is already the ${direction < 0 ? "first" : "last"} line.`);
      return;
    }
    [order[index], order[target]] = [order[target], order[index]];
    render();
    // Keep the focus on the same button of the line that moved, so pressing again moves it on.
    /** @type {HTMLButtonElement | null} */ (list.querySelector(`button[data-move="${button.dataset.move}"][data-index="${target}"]`))?.focus();
    say(`${said(order[target])} is now line ${target + 1} of ${order.length}.`);
  }

  function hold() {
    unmask();
    unmask = maskRecorded(block);
    block.dataset.runnerHold = "predict";
  }

  function release() {
    unmask();
    unmask = () => {};
    delete block.dataset.runnerHold;
  }

  /** @param {boolean} on */
  function apply(on) {
    toggle.setAttribute("aria-pressed", String(on));
    if (!on) {
      if (phase === "running") return; // this run is compared; the choice applies after it
      phase = "skipped";
      panel.hidden = true;
      release();
    } else if (phase === "skipped") {
      phase = "predicting";
      panel.hidden = false;
      result.hidden = true;
      order = shuffled(recorded, filename);
      render();
      if (!block.dataset.runnerEditor) hold();
      say("");
    }
    block.dataset.predictState = phase;
  }

  function runAndCompare() {
    // The loop picture is drawn only for runs that start with it on: turn it on for this one.
    const loopToggle = /** @type {HTMLButtonElement | null} */ (block.querySelector(".loop__toggle"));
    if (loopToggle?.getAttribute("aria-pressed") === "false") loopToggle.click();
    /** @type {HTMLButtonElement | null} */ (toolbar?.querySelector(".runner__run"))?.click();
  }

  function showResult() {
    const printed = [...block.querySelectorAll('.runner__output [data-stream="stdout"]')]
      .map((span) => span.textContent).join("").replace(/\n$/, "").split("\n");
    const rows = compareLines(order, recorded, printed, block.dataset.runnerVerdict === "match");
    const right = rows.filter((row) => row.right).length;
    const allRight = right === rows.length;
    block.dataset.predictResult = allRight ? "right" : "wrong";
    const table = element("table", { class: "predict__table" });
    table.append(element("caption", {}, allRight
      ? `Right: all ${rows.length} lines in the order they ran.`
      : `${right} of ${rows.length} lines in the place they ran.`));
    const head = element("tr");
    for (const name of ["Line", "You predicted", "It printed", "Verdict"]) head.append(element("th", { scope: "col" }, name));
    table.append(element("thead"), element("tbody"));
    table.tHead?.append(head);
    for (const row of rows) {
      const tr = element("tr", { class: row.right ? "predict__row--right" : "predict__row--wrong" });
      tr.append(
        element("td", {}, String(row.position)),
        element("td", {}, row.predicted ?? "(nothing)"),
        element("td", {}, row.printed ?? "(nothing)"),
        element("td", {}, row.right ? "✓ right" : "✗ differs"),
      );
      table.tBodies[0].append(tr);
    }
    const figure = /** @type {HTMLElement | null} */ (block.querySelector("figure.loop"));
    const why = element("p", { class: "predict__why" });
    if (figure) {
      figure.id ||= `${id}-loop`;
      figure.tabIndex = -1;
      // A button, not a link to #id: Material's instant navigation takes over same-site links
      // and re-mounts the page, which would throw this comparison away.
      const link = element("button", { type: "button", class: "runner__button predict__loop-link", "aria-controls": figure.id },
        allRight ? "See it in the loop picture" : "Why it ran in this order: the loop picture");
      link.addEventListener("click", () => {
        const loopToggle = /** @type {HTMLButtonElement | null} */ (block.querySelector(".loop__toggle"));
        if (loopToggle?.getAttribute("aria-pressed") === "false") loopToggle.click(); // the reader hid it since
        figure.scrollIntoView({ block: "nearest" });
        figure.focus();
      });
      why.append(link);
    }
    result.replaceChildren(table, why);
    result.hidden = false;
    say(allRight ? `Right: all ${rows.length} lines in order.` : `${right} of ${rows.length} lines in the place they ran: the table shows which differ.`);
  }

  /** Follow the block's run: a run that starts while predicting is compared when it ends. */
  const observer = new MutationObserver(() => {
    const state = block.dataset.runnerState;
    if ((state === "loading" || state === "running") && phase === "predicting") {
      phase = "running";
      render();
    } else if (phase === "running" && state && !["loading", "running"].includes(state)) {
      if (state === "ok") {
        phase = "compared";
        release();
        showResult();
      } else {
        phase = "predicting";
        render();
        say("The run did not finish, so there is nothing to compare: Run again when ready.");
      }
      if (!predictOn()) apply(false);
    }
    block.dataset.predictState = phase;
  });
  observer.observe(block, { attributes: true, attributeFilter: ["data-runner-state"] });

  /** @param {KeyboardEvent} event */
  const escape = (event) => {
    if (event.key === "Escape" && phase === "predicting") {
      event.preventDefault();
      setPredictOn(false);
      toggle.focus();
    }
  };
  const skip = () => { setPredictOn(false); toggle.focus(); };
  const flip = () => setPredictOn(toggle.getAttribute("aria-pressed") !== "true");
  const modeChanged = (/** @type {Event} */ event) => apply(Boolean(/** @type {CustomEvent} */ (event).detail));
  /** @type {[EventTarget, string, (event: any) => void][]} */
  const listeners = [
    [list, "click", move], [panel, "keydown", escape], [skipButton, "click", skip],
    [runButton, "click", runAndCompare], [toggle, "click", flip], [window, MODE_EVENT, modeChanged],
  ];
  for (const [target, type, handler] of listeners) target.addEventListener(type, handler);

  render();
  block.dataset.predictState = phase;
  if (predictOn()) hold();
  else apply(false);

  return () => {
    observer.disconnect();
    for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
    release();
    panel.remove();
    toggle.remove();
    delete block.dataset.predictState;
    delete block.dataset.predictResult;
  };
}
