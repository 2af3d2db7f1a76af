// The asyncio console: type Python with top-level `await`, as in `python -m asyncio`, in the same
// worker runtime as the blocks. Each command is one run of the runner (client.run with
// `console: true`; playground/browser/console.py keeps the names): the runner's Stop stops it and
// the loop picture draws it. A block's "Continue in the console" runs that block's code here
// first, as `python -i` would, so its names are defined.

import { History, needsMoreLines, nextIndent } from "./console-input.js";
import { LoopPicture } from "./loop-picture.js";
import { OutputLog } from "./output-log.js";

/** @typedef {import("./runtime-client.js").RuntimeClient} RuntimeClient */

/** One history for the visit: every page's console walks the same commands. */
const history = new History();
/** Commands numbered for the visit: each is compiled as `<console N>`, its lines named so. */
let counter = 0;

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
 * @param {HTMLElement} host where the console goes (`[data-asyncio-console]` on a topic page)
 * @param {RuntimeClient} client
 * @returns {{ destroy(): void, continueWith(source: string, filename: string): void, element: HTMLElement }}
 */
export function mountConsole(host, client) {
  const id = `console-${Math.random().toString(36).slice(2, 8)}`;
  const root = element("section", { class: "console", "aria-labelledby": `${id}-title`, "data-console-state": "idle" });
  const title = element("p", { class: "console__title", id: `${id}-title` }, "asyncio console");
  const intro = element("p", { class: "console__intro", id: `${id}-intro` },
    "Python with top-level await, as in python -m asyncio. Enter runs (after a line ending in “:” it adds a line; " +
    "an empty line ends the block); Shift+Enter adds a line; Up and Down recall earlier commands. Names stay " +
    "defined for the next command; tasks still running when a command ends are cancelled.");
  const log = new OutputLog(element("div", { class: "console__transcript runner__output", role: "log", "aria-live": "polite", "aria-label": "Console transcript", tabindex: "0" }));
  const prompt = element("div", { class: "console__prompt" });
  const marker = element("span", { class: "console__marker", "aria-hidden": "true" }, ">>>");
  const input = /** @type {HTMLTextAreaElement} */ (element("textarea", {
    class: "console__input", rows: "1", spellcheck: "false", autocapitalize: "off", autocomplete: "off",
    "aria-label": "Python command", "aria-describedby": `${id}-intro`, "aria-keyshortcuts": "Enter Shift+Enter Control+Enter ArrowUp ArrowDown",
  }));
  prompt.append(marker, input);
  const toolbar = element("div", { class: "runner__toolbar console__toolbar", role: "toolbar", "aria-label": "Console" });
  const runButton = element("button", { type: "button", class: "runner__button console__run", title: "Run the command (Enter)" }, "Run");
  const stopButton = element("button", { type: "button", class: "runner__button console__stop", disabled: "" }, "Stop");
  const clearButton = element("button", { type: "button", class: "runner__button console__clear", title: "Clear the transcript (names stay defined)" }, "Clear");
  const status = element("span", { class: "runner__status console__status", role: "status" });
  const picture = new LoopPicture("the last console command");
  toolbar.append(runButton, stopButton, clearButton, picture.toggle, status);
  root.append(title, intro, log.element, prompt, toolbar, picture.element);
  host.append(root);

  /** @type {number | null} */
  let runId = null;
  let destroyed = false;
  /** The runtime start this console's names live in: a restart (Stop of a stuck command) loses them. */
  let startsSeen = -1;

  /** @param {string} text */
  const say = (text) => { status.textContent = text; };
  /** @param {string} state */
  const setState = (state) => { root.dataset.consoleState = state; };

  function grow() {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight}px`;
  }

  /** @param {string} text shown as typed, with the prompts of a REPL */
  function echo(text) {
    log.flush();
    const shown = text.split("\n").map((line, i) => `${i === 0 ? ">>>" : "..."} ${line}`).join("\n");
    log.element.append(element("pre", { class: "console__echo" }, shown));
  }

  /**
   * Run one command (or a block's code, for Continue in the console).
   * @param {string} source @param {string} filename @param {string} shown what the transcript echoes
   */
  async function send(source, filename, shown) {
    if (runId !== null || destroyed) return;
    echo(shown);
    if (startsSeen !== -1 && client.starts !== startsSeen) {
      log.notice("Python was restarted since the last command: the names defined before are gone.");
    }
    const fromInput = document.activeElement === input;
    runButton.disabled = true;
    stopButton.disabled = false;
    setState(client.state === "ready" ? "running" : "loading");
    say(client.state === "ready" ? "Running…" : "Loading Python…");
    const { id, done } = client.run(source, filename, {
      onRunning: () => { setState("running"); say("Running…"); },
      onStream: (stream, text) => log.write(stream, text),
      onNotice: (text) => log.notice(text),
      onLoop: (batch) => picture.add(batch),
    }, { trace: picture.begin(), console: true });
    runId = id;
    const result = await done;
    runId = null;
    if (destroyed) return;
    startsSeen = client.starts;
    picture.end(result.status);
    const onStop = document.activeElement === stopButton;
    runButton.disabled = false;
    stopButton.disabled = true;
    if (result.status === "ok") {
      setState("ok");
      say("Done.");
    } else if (result.status === "error") {
      setState("error");
      log.write("stderr", result.error.endsWith("\n") ? result.error : `${result.error}\n`);
      say("The command raised an error.");
    } else {
      setState("stopped");
      if (result.status === "restarted") {
        const why = result.reason === "not-isolated"
          ? "this page is not cross-origin isolated, so busy code cannot be interrupted in place"
          : result.reason === "ignored-cancel"
            ? "the command caught asyncio.CancelledError and kept running"
            : "the command was still running 1.5 s after KeyboardInterrupt was raised in it";
        log.notice(`Stopped by restarting Python (${why}): the names defined before are gone.`);
        startsSeen = -1;
      } else {
        log.write("stderr", result.error ? `${result.error}\n` : "");
      }
      say("Stopped.");
    }
    log.flush();
    if (onStop || fromInput) input.focus();
  }

  function submit() {
    const command = input.value.replace(/\s+$/, "");
    if (!command) return;
    if (runId !== null) {
      say("A command is running: Stop it first.");
      return;
    }
    history.add(command);
    input.value = "";
    grow();
    counter += 1;
    send(command, `<console ${counter}>`, command);
  }

  /** @param {KeyboardEvent} event */
  function key(event) {
    if (event.key === "Enter" && !event.altKey) {
      if (event.shiftKey) return; // a new line, as typed
      event.preventDefault();
      const before = input.value.slice(0, input.selectionStart);
      const atEnd = input.selectionStart === input.value.length;
      if (!event.ctrlKey && !event.metaKey && (!atEnd || needsMoreLines(input.value))) {
        input.setRangeText(`\n${nextIndent(before)}`, input.selectionStart, input.selectionEnd, "end");
        grow();
        return;
      }
      submit();
    } else if (event.key === "ArrowUp" && !input.value.slice(0, input.selectionStart).includes("\n")) {
      const entry = history.previous(input.value);
      if (entry === null) return;
      event.preventDefault();
      input.value = entry;
      grow();
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (event.key === "ArrowDown" && !input.value.slice(input.selectionEnd).includes("\n")) {
      const entry = history.next();
      if (entry === null) return;
      event.preventDefault();
      input.value = entry;
      grow();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }

  function stop() {
    if (runId !== null) {
      say("Stopping…");
      client.stop(runId);
    }
  }

  function clear() {
    log.clear();
    input.focus();
  }

  const warm = () => { if (client.state === "idle") client.warm(); };
  /** @type {[EventTarget, string, (event: any) => void][]} */
  const listeners = [
    [input, "keydown", key], [input, "input", grow], [input, "focus", warm],
    [runButton, "click", submit], [stopButton, "click", stop], [clearButton, "click", clear],
  ];
  for (const [target, type, handler] of listeners) target.addEventListener(type, handler);

  return {
    element: root,
    continueWith(source, filename) {
      root.scrollIntoView({ block: "nearest" });
      input.focus();
      send(source, filename, `# ${filename} runs here; its names stay defined`);
    },
    destroy() {
      destroyed = true;
      if (runId !== null) client.stop(runId);
      for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
      log.destroy();
      picture.destroy();
      root.remove();
    },
  };
}
