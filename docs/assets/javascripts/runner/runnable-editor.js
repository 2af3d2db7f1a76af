// A runnable block's editor, made when the reader reaches for the block (pointer over it, focus
// in it), one block at a time: until then the page shows the built, highlighted code. Creating
// every editor at load was one long task (127–199 ms); creating them as they scroll near still
// made tasks over 50 ms (the first includes evaluating the editor bundle). Its state is on the
// block: `data-runner-editor` (loading, ready, error).

import { saveEdit } from "./kept-edits.js";
import { lessonLines } from "./runnable-render.js";

/** @typedef {{ getText(): string, setText(t: string): void, focus(): void, destroy(): void, markLine?(line: number | null): void }} Editor */

const EDITOR_URL = new URL("../../../runtime/editor.js", import.meta.url);

/** @type {Promise<{ createEditor: Function }> | null} */
let editorModule = null;
function loadEditor() {
  editorModule ??= import(EDITOR_URL.href);
  return editorModule;
}

/**
 * @typedef {object} EditorOptions
 * @property {HTMLElement} root the block
 * @property {HTMLElement} host where the editor goes
 * @property {HTMLPreElement} built the code as the build made it: hidden once the editor is in
 * @property {string} filename the snippet's path, for the kept edits (kept-edits.js)
 * @property {string} original the file's code @property {string} initial what the editor starts with
 * @property {string} label the editor's accessible name @property {string} describedBy the hint's id
 * @property {() => void} onRun Ctrl+Enter
 * @property {() => void} onReady the editor is in @property {() => void} onError it could not load
 */

export class LazyEditor {
  /** @param {EditorOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {Editor | null} the editor, once made */
    this.current = null;
    this.requested = false;
    this.destroyed = false;
  }

  /** What Run would run: the editor's text, or the code it would start with. */
  text() {
    return this.current ? this.current.getText() : this.options.initial;
  }

  /** Make the editor, once; not while predict.js holds the block (`data-runner-hold`). */
  request() {
    const { root, host, built, filename, original, initial } = this.options;
    if (this.current || this.destroyed || this.requested || root.dataset.runnerHold) return;
    this.requested = true;
    root.dataset.runnerEditor = "loading";
    loadEditor()
      // Each editor in a task of its own, even when several wait for the module to load.
      .then((module) => new Promise((resolve) => setTimeout(() => resolve(module), 0)))
      .then(({ createEditor }) => {
        if (this.destroyed) return;
        const start = performance.now();
        // The editor draws only the lines near the viewport and estimates the others short: hold
        // the built code's height until the reader edits, so nothing below jumps (and no click
        // on a Run button lower down lands where the button was).
        if (initial === original) host.style.minHeight = `${built.getBoundingClientRect().height}px`;
        this.current = createEditor(host, initial, {
          onRun: this.options.onRun,
          label: this.options.label,
          describedBy: this.options.describedBy,
          lesson: lessonLines(built.querySelector("code")),
          onChange: (/** @type {string} */ text) => {
            host.style.minHeight = "";
            saveEdit(filename, text, original);
          },
        });
        built.hidden = true;
        root.dataset.runnerEditor = "ready";
        this.options.onReady();
        performance.measure("runner:editor", { start });
      })
      .catch(() => {
        // Without the editor the block still runs its original code.
        root.dataset.runnerEditor = "error";
        this.options.onError();
      });
  }

  destroy() {
    this.destroyed = true;
    this.current?.destroy();
  }
}
