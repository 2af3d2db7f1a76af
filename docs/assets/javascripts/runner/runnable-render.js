// A runnable block's elements, built and returned, not yet in the page: no listeners, no state.
// runnable-block.js puts them in place and wires them; runnable-state.js changes them as a run
// goes. Classes, roles and labels here are what runner.css and the browser tests find them by.

/** The snippet files, copied into the site by the build: each block links to its own. */
const SOURCES_URL = new URL("../../../snippets-src/", import.meta.url);

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, string>} attributes @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, attributes = {}, text = "") {
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
export function lessonLines(code) {
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
 * What a block that does not run in the page says instead: where it does run.
 * @param {string} filename @param {"server" | "terminal"} kind
 */
export function renderWhere(filename, kind) {
  const note = kind === "server"
    ? `Runs on the playground, mounted at /snippets/${filename.replace(/\.py$/, "")}/ — the client below talks to it.`
    : `Runs in a terminal, not in the browser (no threads, processes or sockets here): python snippets/${filename}`;
  return element("p", { class: "runner__where", "data-runner-kind": kind }, note);
}

/**
 * @typedef {object} BlockView the elements a runnable block adds to the built code block
 * @property {HTMLDivElement} editorHost where the editor goes, after the built `<pre>`
 * @property {HTMLParagraphElement} hint the keyboard hint's line, above the toolbar
 * @property {HTMLSpanElement} hintText the hint itself (the editor's description)
 * @property {HTMLDivElement} toolbar Run, Stop, More and its group, status, progress
 * @property {HTMLButtonElement} runButton
 * @property {HTMLButtonElement} stopButton
 * @property {HTMLButtonElement} moreToggle shows the occasional actions on a phone
 * @property {HTMLDivElement} more the occasional actions: Reset, Copy, Share, Clear output, Copy output, Source file
 * @property {HTMLButtonElement} resetButton
 * @property {HTMLButtonElement} copyButton
 * @property {HTMLButtonElement} shareButton
 * @property {HTMLButtonElement} clearButton
 * @property {HTMLButtonElement} copyOutputButton
 * @property {HTMLSpanElement} status the status line (`role="status"`)
 * @property {HTMLProgressElement} bar loading progress
 * @property {HTMLDivElement} output the output log's element (`role="log"`), hidden until a run
 */

/**
 * The elements of a runnable block for the snippet `filename` (its path under snippets/).
 * @param {string} filename
 * @returns {BlockView}
 */
export function renderBlock(filename) {
  const name = filename.split("/").pop() ?? filename;
  const id = filename.replace(/\W/g, "-");
  const button = (/** @type {string} */ action, /** @type {string} */ text, attributes = {}) =>
    element("button", { type: "button", class: `runner__button runner__${action}`, ...attributes }, text);

  const toolbar = element("div", { class: "runner__toolbar", role: "toolbar", "aria-label": `Run ${name}` });
  const runButton = button("run", "Run", { "aria-keyshortcuts": "Control+Enter Meta+Enter", title: "Run (Ctrl+Enter)" });
  const stopButton = button("stop", "Stop", { disabled: "" });
  const resetButton = button("reset", "Reset", { title: "Back to the original code" });
  const clearButton = button("clear", "Clear output", { disabled: "" });
  const status = element("span", { class: "runner__status", role: "status" });
  const bar = element("progress", { class: "runner__progress", max: "1", value: "0", hidden: "" });
  const copyButton = button("copy", "Copy", { title: "Copy the code as it is in the editor" });
  const shareButton = button("share", "Share", { title: "Copy a link to this page with the code as it is in the editor" });
  const copyOutputButton = button("copy-output", "Copy output", { disabled: "" });
  const sourceLink = element("a", { class: "runner__source", href: new URL(filename, SOURCES_URL).href, title: `The file snippets/${filename}` }, "Source file");
  // Run and Stop lead; what the reader needs now and then sits apart, quieter (runner.css).
  const moreId = `runner-more-${id}`;
  const more = element("div", { class: "runner__more", role: "group", "aria-label": "More actions", id: moreId });
  more.append(resetButton, copyButton, shareButton, clearButton, copyOutputButton, sourceLink);
  // On a phone the group takes two rows of its own (four in all): there it folds behind "More",
  // a disclosure button (runner.css shows the button, and hides the group, below 30em only).
  const moreToggle = button("more-toggle", "More", { "aria-expanded": "false", "aria-controls": moreId });
  toolbar.append(runButton, stopButton, moreToggle, more, status, bar);

  const hintText = element("span", { class: "runner__hint", id: `runner-hint-${id}` },
    "Tab moves on until you type here; once you edit, Tab indents and Escape, then Tab, leaves. Ctrl+Enter runs.");
  const hint = element("p", { class: "runner__hint-line" }); // runner.css: why the line stays
  hint.append(hintText);
  const output = element("div", { class: "runner__output", role: "log", "aria-live": "polite", "aria-label": `Output of ${name}`, tabindex: "0", hidden: "" });
  return {
    editorHost: element("div", { class: "runner__editor" }), hint, hintText, toolbar, runButton, stopButton, moreToggle,
    more, resetButton, copyButton, shareButton, clearButton, copyOutputButton, status, bar, output,
  };
}
