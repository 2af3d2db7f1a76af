// One runnable code block: editor, Run / Stop / Reset / Clear, live output. Mounting puts the
// block's elements (runnable-render.js) in place, wires them to the runtime, the editor
// (runnable-editor.js) and the run's state (runnable-state.js), and returns a teardown that
// removes every listener and destroys the editor, so instant navigation leaves nothing behind.

import { OutputLog } from "./output-log.js";
import { clearEdit, fromSharedLink, loadEdit, shareLink } from "./kept-edits.js";
import { LoopPicture } from "./loop-picture.js";
import { kindOf } from "./snippet-kind.js";
import { renderBlock, renderWhere } from "./runnable-render.js";
import { BlockRun } from "./runnable-state.js";
import { LazyEditor } from "./runnable-editor.js";

/** @typedef {import("./runtime-client.js").RuntimeClient} RuntimeClient */

/** How long the pointer or the focus stays on a block before its packages load (see warm). */
const PREPARE_AFTER_MS = 300;

/** @param {string} text @returns {Promise<boolean>} whether the browser let the page copy it */
async function copied(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

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
  if (kind === "server" || kind === "terminal") {
    // Blocks that do not run in the page say where they do run.
    const caption = renderWhere(filename, kind);
    block.after(caption);
    return () => caption.remove();
  }

  // The source is the text the build put in the page: the snippet file, byte for byte.
  const original = (built.querySelector("code")?.textContent ?? "").replace(/\n$/, "");
  const name = filename.split("/").pop() ?? filename;

  const root = block;
  root.classList.add("runner");
  const view = renderBlock(filename);
  const log = new OutputLog(view.output);
  const state = new BlockRun(root, view, log, client.state === "ready");
  root.dataset.runnerKind = kind;
  built.after(view.editorHost);
  view.editorHost.after(view.hint, view.toolbar, log.element);
  const picture = new LoopPicture(name); // "Show the loop": its button and its figure
  view.toolbar.insertBefore(picture.toggle, view.moreToggle);
  log.element.after(picture.element);

  let destroyed = false;
  /** @type {number | null} */
  let runId = null;

  // What the reader last had here in this visit (or what a shared link carries), else the file.
  const initial = loadEdit(filename) ?? original;
  // The reader followed a link to this block's code: show them where it is, and whose it is.
  // Scrolled to at once and again when its editor is in (the page may still be settling).
  const reveal = initial !== original && fromSharedLink(filename)
    ? () => root.scrollIntoView({ block: "center" })
    : null;
  const editor = new LazyEditor({
    root, host: view.editorHost, built, filename, original, initial,
    label: `Code of ${name}, editable`,
    describedBy: view.hintText.id,
    onRun: () => run(),
    onReady: () => reveal?.(),
    onError: () => state.say("The editor could not be loaded: the code runs as shown."),
  });
  const source = () => editor.text();
  // What Run would run, for tests and the console: `block.runnerSource()`.
  Object.defineProperty(root, "runnerSource", { value: source, configurable: true });
  // The loop replay's current line, marked in the editor (the picture says which: loop-picture.js).
  picture.element.addEventListener("loop-line", (event) => editor.current?.markLine?.(/** @type {CustomEvent} */ (event).detail));

  if (reveal) {
    root.dataset.runnerShared = "";
    state.say("This code came from a shared link. Reset restores the file.");
    requestAnimationFrame(reveal);
  } else if (initial !== original) state.say("Your edits from earlier in this visit are back. Reset restores the file.");

  // Python starts as soon as the reader reaches for a block; the block's own packages (fastapi,
  // pydantic: megabytes) once the pointer or the focus stays on it a moment, so a pointer that
  // only passes over blocks while the reader scrolls loads none of them.
  let prepareTimer = 0;
  function warm() {
    editor.request();
    if (client.state === "idle") client.warm();
    clearTimeout(prepareTimer);
    prepareTimer = window.setTimeout(() => client.prepare(source()), PREPARE_AFTER_MS);
  }

  /** The pointer or the focus left the block: no packages unless the other one is still on it. @param {Event} event */
  function leave(event) {
    if (event.type === "focusout") {
      const to = /** @type {FocusEvent} */ (event).relatedTarget;
      if ((to instanceof Node && root.contains(to)) || root.matches(":hover")) return;
    } else if (root.contains(document.activeElement)) {
      return;
    }
    clearTimeout(prepareTimer);
  }

  async function run() {
    if (runId !== null) return;
    state.begin(client.state !== "ready");
    const { id, done } = client.run(source(), filename, {
      onProgress: (phase, loaded, total) => state.progress(phase, loaded, total),
      onRunning: () => state.running(),
      onStream: (stream, text) => log.write(stream, text),
      onNotice: (text) => log.notice(text),
      onLoop: (batch) => picture.add(batch),
    }, { trace: picture.begin() });
    runId = id;
    const result = await done;
    runId = null;
    if (destroyed) return;
    picture.end(result.status);
    state.end(result, client.state === "error");
  }

  function stop() {
    if (runId !== null) {
      state.say("Stopping…");
      client.stop(runId);
    }
  }

  function reset() {
    editor.current?.setText(original);
    clearEdit(filename);
    editor.current?.focus();
    state.say("Back to the original code.");
  }

  async function share() {
    const link = shareLink(filename, source());
    if (await copied(link)) {
      state.say("Copied a link to this code.");
    } else {
      state.say("Copying was refused: the link is in the address bar.");
      history.replaceState(history.state, "", link);
    }
  }

  async function copyOutput() {
    const done = await copied(log.allText());
    state.say(done ? "Copied the output." : "Copying was refused: select the output and press Ctrl+C.");
  }

  async function copy() {
    const done = await copied(source());
    state.say(done ? "Copied the code." : "Copying was refused: select the code and press Ctrl+C.");
  }

  function toggleMore() {
    const open = view.toolbar.classList.toggle("runner__toolbar--more-open");
    view.moreToggle.setAttribute("aria-expanded", String(open));
    if (open) /** @type {HTMLElement | null} */ (view.more.querySelector("button:not(:disabled), a"))?.focus();
  }

  // Edits kept from earlier in the visit (or carried by a shared link) differ from the built code
  // the page shows: make this block's editor now, so the reader sees the code that Run runs.
  if (initial !== original) editor.request();

  const listeners = /** @type {const} */ ([
    [root, "pointerenter", warm], [root, "focusin", warm], [root, "pointerleave", leave], [root, "focusout", leave],
    [view.runButton, "click", run], [view.stopButton, "click", stop],
    [view.resetButton, "click", reset], [view.copyButton, "click", copy], [view.clearButton, "click", () => state.clearOutput()],
    [view.shareButton, "click", share], [view.copyOutputButton, "click", copyOutput],
    [view.moreToggle, "click", toggleMore],
  ]);
  for (const [target, type, handler] of listeners) target.addEventListener(type, handler);

  return () => {
    destroyed = true;
    clearTimeout(prepareTimer);
    if (runId !== null) client.stop(runId);
    for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
    editor.destroy();
    log.destroy();
    picture.destroy();
    delete (/** @type {any} */ (root)).runnerSource;
    // Leave the block as the build made it: if the same page is mounted again, it gets one
    // toolbar and one editor, not two, and none stuck at "loading" by a torn-down mount.
    for (const added of [view.editorHost, view.hint, view.toolbar, log.element]) added.remove();
    built.hidden = false;
    root.classList.remove("runner"); // `.runner` means mounted, for the page's CSS and the tests
    for (const key of ["runnerEditor", "runnerState", "runnerKind", "runnerVerdict", "runnerShared"]) delete root.dataset[key];
  };
}
