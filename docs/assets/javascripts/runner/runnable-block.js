// One runnable code block: editor, Run / Stop / Reset / Clear, live output. Mounting returns a
// teardown that removes every listener and destroys the editor, so instant navigation leaves
// nothing behind.

import { OutputLog } from "./output-log.js";
import { clearEdit, fromSharedLink, loadEdit, saveEdit, shareLink } from "./kept-edits.js";
import { LoopPicture } from "./loop-picture.js";
import { kindOf } from "./snippet-kind.js";
import { STOP_TIMING } from "./protocol.js";

/** @typedef {import("./runtime-client.js").RuntimeClient} RuntimeClient */
/** @typedef {{ getText(): string, setText(t: string): void, focus(): void, destroy(): void, markLine?(line: number | null): void }} Editor */

const EDITOR_URL = new URL("../../../runtime/editor.js", import.meta.url);
/** The snippet files, copied into the site by the build: each block links to its own. */
const SOURCES_URL = new URL("../../../snippets-src/", import.meta.url);

/** @type {Promise<{ createEditor: Function }> | null} */
let editorModule = null;
function loadEditor() {
  editorModule ??= import(EDITOR_URL.href);
  return editorModule;
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

/**
 * The lines the page highlights (`hl_lines` on the block: the snippet's lesson, the rest of the
 * file being scaffolding that makes it run), 1-based. The editor keeps them highlighted.
 * @param {Element | null} code the built `<code>`, whose highlighted lines are `span.hll`
 * @returns {number[]}
 */
function lessonLines(code) {
  /** @type {number[]} */
  const lines = [];
  let line = 1;
  for (const node of code?.childNodes ?? []) {
    const text = node.textContent ?? "";
    const breaks = (text.match(/\n/g) ?? []).length;
    if (node instanceof Element && node.classList.contains("hll")) {
      for (let i = 0; i < Math.max(1, breaks); i++) lines.push(line + i);
    }
    line += breaks;
  }
  return lines;
}

/**
 * Blocks that do not run in the page say where they do run.
 * @param {HTMLElement} block @param {string} filename @param {"server" | "terminal"} kind
 */
function annotate(block, filename, kind) {
  const note = kind === "server"
    ? `Runs on the playground, mounted at /snippets/${filename.replace(/\.py$/, "")}/ — the client below talks to it.`
    : `Runs in a terminal, not in the browser (no threads, processes or sockets here): python snippets/${filename}`;
  const caption = element("p", { class: "runner__where", "data-runner-kind": kind }, note);
  block.after(caption);
  return () => caption.remove();
}

/**
 * What the page says when Stop had to replace Python: what the shared slots say happened.
 * @param {import("./protocol.js").RunResult["reason"]} reason
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

/**
 * Turn a Material code block whose title names a browser or client snippet into a runnable one.
 * @param {HTMLElement} block the `.highlight` element
 * @param {RuntimeClient} client
 * @returns {() => void} teardown
 */
export function mountRunnable(block, client) {
  const title = block.querySelector(":scope > .filename");
  const pre = /** @type {HTMLPreElement | null} */ (block.querySelector(":scope > pre"));
  const filename = title?.textContent?.trim() ?? "";
  const kind = kindOf(filename);
  if (!pre || !kind) return () => {};
  const built = pre; // the code as the build made it (non-null from here on, closures included)
  if (kind === "server" || kind === "terminal") return annotate(block, filename, kind);

  // The source is the text the build put in the page: the snippet file, byte for byte.
  const original = (built.querySelector("code")?.textContent ?? "").replace(/\n$/, "");
  const name = filename.split("/").pop() ?? filename;

  const root = block;
  root.classList.add("runner");
  root.dataset.runnerState = client.state === "ready" ? "ready" : "idle";
  root.dataset.runnerKind = kind;

  const editorHost = element("div", { class: "runner__editor" });
  const toolbar = element("div", { class: "runner__toolbar", role: "toolbar", "aria-label": `Run ${name}` });
  const runButton = element("button", { type: "button", class: "runner__button runner__run", "aria-keyshortcuts": "Control+Enter Meta+Enter", title: "Run (Ctrl+Enter)" }, "Run");
  const stopButton = element("button", { type: "button", class: "runner__button runner__stop", disabled: "" }, "Stop");
  const resetButton = element("button", { type: "button", class: "runner__button runner__reset", title: "Back to the original code" }, "Reset");
  const clearButton = element("button", { type: "button", class: "runner__button runner__clear", disabled: "" }, "Clear output");
  const status = element("span", { class: "runner__status", role: "status" });
  const bar = /** @type {HTMLProgressElement} */ (element("progress", { class: "runner__progress", max: "1", value: "0", hidden: "" }));
  const copyButton = element("button", { type: "button", class: "runner__button runner__copy", title: "Copy the code as it is in the editor" }, "Copy");
  const shareButton = element("button", { type: "button", class: "runner__button runner__share", title: "Copy a link to this page with the code as it is in the editor" }, "Share");
  const copyOutputButton = element("button", { type: "button", class: "runner__button runner__copy-output", disabled: "" }, "Copy output");
  const sourceLink = element("a", { class: "runner__source", href: new URL(filename, SOURCES_URL).href, title: `The file snippets/${filename}` }, "Source file");
  // Run and Stop lead; what the reader needs now and then sits apart, quieter (runner.css).
  const moreId = `runner-more-${filename.replace(/\W/g, "-")}`;
  const more = element("div", { class: "runner__more", role: "group", "aria-label": "More actions", id: moreId });
  more.append(resetButton, copyButton, shareButton, clearButton, copyOutputButton, sourceLink);
  // On a phone the group takes two rows of its own (four in all): there it folds behind "More",
  // a disclosure button (runner.css shows the button, and hides the group, below 30em only).
  const moreToggle = element("button", { type: "button", class: "runner__button runner__more-toggle", "aria-expanded": "false", "aria-controls": moreId }, "More");
  toolbar.append(runButton, stopButton, moreToggle, more, status, bar);
  const hintText = element("span", { class: "runner__hint", id: `runner-hint-${filename.replace(/\W/g, "-")}` },
    "Tab moves on until you type here; once you edit, Tab indents and Escape, then Tab, leaves. Ctrl+Enter runs.");
  const hint = element("p", { class: "runner__hint-line" }); // runner.css: why the line stays
  hint.append(hintText);
  const log = new OutputLog(element("div", { class: "runner__output", role: "log", "aria-live": "polite", "aria-label": `Output of ${name}`, tabindex: "0", hidden: "" }));
  built.after(editorHost);
  editorHost.after(hint, toolbar, log.element);
  const picture = new LoopPicture(name); // "Show the loop": its button and its figure
  toolbar.insertBefore(picture.toggle, moreToggle);
  log.element.after(picture.element);
  // The loop replay's current line, marked in the editor (the picture says which: loop-picture.js).
  picture.element.addEventListener("loop-line", (event) => editor?.markLine?.(/** @type {CustomEvent} */ (event).detail));

  /** @type {Editor | null} */
  let editor = null;
  let destroyed = false;
  /** @type {number | null} */
  let runId = null;

  // What the reader last had here in this visit (or what a shared link carries), else the file.
  const initial = loadEdit(filename) ?? original;
  const source = () => (editor ? editor.getText() : initial);
  // What Run would run, for tests and the console: `block.runnerSource()`.
  Object.defineProperty(root, "runnerSource", { value: source, configurable: true });
  /** @param {string} text */
  const say = (text) => { status.textContent = text; };
  /** @param {string} state */
  const setState = (state) => { root.dataset.runnerState = state; };

  // The reader followed a link to this block's code: show them where it is, and whose it is.
  // Scrolled to at once and again when its editor is in (the page may still be settling).
  const reveal = initial !== original && fromSharedLink(filename)
    ? () => root.scrollIntoView({ block: "center" })
    : null;
  if (reveal) {
    root.dataset.runnerShared = "";
    say("This code came from a shared link. Reset restores the file.");
    requestAnimationFrame(reveal);
  } else if (initial !== original) say("Your edits from earlier in this visit are back. Reset restores the file.");

  // The editor is made when the reader reaches for the block (pointer over it, focus in it), one
  // block at a time: until then the page shows the built, highlighted code. Creating every editor
  // at load was one long task (127–199 ms); creating them as they scroll near still made tasks
  // over 50 ms (the first includes evaluating the editor bundle).
  let editorRequested = false;
  function makeEditor() {
    if (editor || destroyed || editorRequested || root.dataset.runnerHold) return; // held: predict.js
    editorRequested = true;
    root.dataset.runnerEditor = "loading";
    loadEditor()
      // Each editor in a task of its own, even when several wait for the module to load.
      .then((module) => new Promise((resolve) => setTimeout(() => resolve(module), 0)))
      .then(({ createEditor }) => {
        if (destroyed) return;
        const start = performance.now();
        // The editor draws only the lines near the viewport and estimates the others short: hold
        // the built code's height until the reader edits, so nothing below jumps (and no click
        // on a Run button lower down lands where the button was).
        if (initial === original) editorHost.style.minHeight = `${built.getBoundingClientRect().height}px`;
        editor = createEditor(editorHost, initial, {
          onRun: () => run(),
          label: `Code of ${name}, editable`,
          describedBy: hintText.id,
          lesson: lessonLines(built.querySelector("code")),
          onChange: (/** @type {string} */ text) => {
            editorHost.style.minHeight = "";
            saveEdit(filename, text, original);
          },
        });
        built.hidden = true;
        root.dataset.runnerEditor = "ready";
        reveal?.();
        performance.measure("runner:editor", { start });
      })
      .catch(() => {
        // Without the editor the block still runs its original code; say why it cannot be edited.
        root.dataset.runnerEditor = "error";
        say("The editor could not be loaded: the code runs as shown.");
      });
  }

  function warm() {
    makeEditor();
    if (client.state === "idle") client.warm();
  }

  async function run() {
    if (runId !== null) return;
    log.clear();
    log.show();
    delete root.dataset.runnerVerdict;
    clearButton.disabled = false;
    copyOutputButton.disabled = false;
    // A disabled button loses focus to <body>: hand it to Stop, the next thing the reader needs.
    const fromRunButton = document.activeElement === runButton;
    runButton.disabled = true;
    stopButton.disabled = false;
    if (fromRunButton) stopButton.focus();
    const needsLoad = client.state !== "ready";
    setState(needsLoad ? "loading" : "running");
    say(needsLoad ? "Loading Python…" : "Running…");
    let started = performance.now();
    const { id, done } = client.run(source(), filename, {
      onProgress: (phase, loaded, total) => {
        setState("loading");
        bar.hidden = false;
        bar.max = Math.max(total, 1);
        bar.value = Math.min(loaded, total);
        const what = phase === "runtime" ? "Loading Python" : "Loading packages";
        say(`${what}… ${megabytes(loaded)} of ${megabytes(total)} MB`);
      },
      onRunning: () => {
        started = performance.now(); // the reader's code starts now: loading is not its time
        bar.hidden = true;
        setState("running");
        say("Running…");
      },
      onStream: (stream, text) => log.write(stream, text),
      onNotice: (text) => log.notice(text),
      onLoop: (batch) => picture.add(batch),
    }, { trace: picture.begin() });
    runId = id;
    const result = await done;
    runId = null;
    if (destroyed) return;
    picture.end(result.status);
    bar.hidden = true;
    runButton.disabled = false;
    const onStop = document.activeElement === stopButton; // not if the reader moved on
    stopButton.disabled = true;
    if (onStop && root.isConnected) runButton.focus();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (result.status === "ok") {
      setState("ok");
      say(`Finished in ${seconds} s`);
      showVerdict(result.verdict ?? null);
    } else if (result.status === "stopped") {
      setState("stopped");
      log.write("stderr", result.error ? `${result.error}\n` : "");
      say(result.reason === "before-start" ? "Stopped before the program started." : "Stopped. The interpreter is still warm.");
    } else if (result.status === "restarted") {
      setState("stopped");
      log.notice(restartedBecause(result.reason));
      say("Stopped (Python restarted).");
    } else {
      setState("error");
      log.write("stderr", result.error.endsWith("\n") ? result.error : `${result.error}\n`);
      say(client.state === "error" ? "Python could not start. Press Run to try again." : "Failed with an error.");
    }
    log.flush();
  }

  /**
   * Say whether this run printed what the code's `#>` lines record — checked by the test suite's
   * own rule, running in the worker.
   * @param {[string, string] | null} verdict
   */
  function showVerdict(verdict) {
    delete root.dataset.runnerVerdict;
    if (!verdict) return;
    const [outcome, diff] = verdict;
    root.dataset.runnerVerdict = outcome;
    if (outcome === "match") {
      log.notice("✓ Printed what the #> lines record (durations within a quarter + 20 ms; ~numbers vary, not compared).");
    } else {
      log.notice("✗ Printed something else than the #> lines record:");
      log.write("stderr", `${diff}\n`);
    }
  }

  function stop() {
    if (runId !== null) {
      say("Stopping…");
      client.stop(runId);
    }
  }

  function reset() {
    editor?.setText(original);
    clearEdit(filename);
    editor?.focus();
    say("Back to the original code.");
  }

  async function share() {
    const link = shareLink(filename, source());
    try {
      await navigator.clipboard.writeText(link);
      say("Copied a link to this code.");
    } catch {
      say("Copying was refused: the link is in the address bar.");
      history.replaceState(history.state, "", link);
    }
  }

  async function copyOutput() {
    try {
      await navigator.clipboard.writeText(log.allText());
      say("Copied the output.");
    } catch {
      say("Copying was refused: select the output and press Ctrl+C.");
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(source());
      say("Copied the code.");
    } catch {
      say("Copying was refused: select the code and press Ctrl+C.");
    }
  }

  function toggleMore() {
    const open = toolbar.classList.toggle("runner__toolbar--more-open");
    moreToggle.setAttribute("aria-expanded", String(open));
    if (open) /** @type {HTMLElement | null} */ (more.querySelector("button:not(:disabled), a"))?.focus();
  }

  function clear() {
    log.clear();
    log.hide();
    clearButton.disabled = true;
    copyOutputButton.disabled = true;
  }

  // Edits kept from earlier in the visit (or carried by a shared link) differ from the built code
  // the page shows: make this block's editor now, so the reader sees the code that Run runs.
  if (initial !== original) makeEditor();

  const listeners = /** @type {const} */ ([
    [root, "pointerenter", warm], [root, "focusin", warm],
    [runButton, "click", run], [stopButton, "click", stop],
    [resetButton, "click", reset], [copyButton, "click", copy], [clearButton, "click", clear],
    [shareButton, "click", share], [copyOutputButton, "click", copyOutput],
    [moreToggle, "click", toggleMore],
  ]);
  for (const [target, type, handler] of listeners) target.addEventListener(type, handler);

  return () => {
    destroyed = true;
    if (runId !== null) client.stop(runId);
    for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
    editor?.destroy();
    log.destroy();
    picture.destroy();
    delete (/** @type {any} */ (root)).runnerSource;
    // Leave the block as the build made it: if the same page is mounted again, it gets one
    // toolbar and one editor, not two, and none stuck at "loading" by a torn-down mount.
    for (const added of [editorHost, hint, toolbar, log.element]) added.remove();
    built.hidden = false;
    root.classList.remove("runner"); // `.runner` means mounted, for the page's CSS and the tests
    for (const key of ["runnerEditor", "runnerState", "runnerKind", "runnerVerdict", "runnerShared"]) delete root.dataset[key];
  };
}
