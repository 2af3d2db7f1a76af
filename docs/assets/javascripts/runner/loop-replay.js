// Replay of a recorded run: a cursor over its task steps (back, play / pause, step, speed), drawn
// on the picture, announced in words (aria-live), with the awaited-by tree at the cursor: every
// task alive at that moment under the task that created it, and what each waits on.
// The tree is built from the trace alone, exactly as playground/loopview/structure.py's
// `awaited_by` builds it (the browser tests hold the two together), so the terminal's picture and
// the page's agree.

/** @typedef {import("./loop-model.js").LoopModel} LoopModel */
/** @typedef {import("./loop-model.js").TraceEvent} TraceEvent */
/** @typedef {{ tid: number, depth: number, state: string, label: string }} TreeNode */

const SPEEDS = [0.5, 1, 2, 4];
const STEP_MS = 700; // one step per this many ms at 1×

/** The steps the cursor moves over, in the order the loop ran them. @param {TraceEvent[]} events */
export function cursorSteps(events) {
  return events
    .filter((e) => e.ph === "X" && e.tid && ["step", "blocking", "warmup"].includes(e.cat ?? ""))
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || (a.tid ?? 0) - (b.tid ?? 0));
}

/**
 * Who awaits whom when the loop runs step `index` (see structure.py's `awaited_by`).
 * @param {TraceEvent[]} events @param {number} index @returns {TreeNode[]}
 */
export function treeAt(events, index) {
  const step = cursorSteps(events)[index];
  if (!step) return [];
  const at = step.ts ?? 0;
  /** @type {Map<number, TraceEvent>} */
  const created = new Map();
  /** @type {Map<number, number>} */
  const ended = new Map();
  for (const e of events) {
    if (e.ph !== "i" || !e.tid) continue;
    if (e.name === "created") created.set(e.tid, e);
    else if (["done", "cancelled", "exception"].includes(e.name)) ended.set(e.tid, e.ts ?? 0);
  }
  const alive = [...created.keys()]
    .filter((tid) => (created.get(tid)?.ts ?? 0) <= at && (!ended.has(tid) || (ended.get(tid) ?? 0) >= at))
    .sort((a, b) => (created.get(a)?.ts ?? 0) - (created.get(b)?.ts ?? 0) || a - b);
  /** @param {number} tid @returns {[string, string]} */
  const state = (tid) => {
    if (tid === step.tid) return ["running", "running"];
    const waits = events.filter((e) => e.ph === "X" && e.tid === tid && e.cat === "wait" &&
      (e.ts ?? 0) <= at && at < (e.ts ?? 0) + (e.dur ?? 0));
    const wait = waits[waits.length - 1];
    return wait ? [wait.args?.kind ?? "future", `waits on ${wait.name}`] : ["ready", "waits for its turn"];
  };
  /** @type {TreeNode[]} */
  const nodes = [];
  /** @param {number} tid @param {number} depth */
  const visit = (tid, depth) => {
    const [kind, label] = state(tid);
    nodes.push({ tid, depth, state: kind, label });
    for (const child of alive) if (created.get(child)?.args?.parent === tid) visit(child, depth + 1);
  };
  for (const tid of alive) if (!alive.includes(created.get(tid)?.args?.parent)) visit(tid, 0);
  return nodes;
}

/**
 * What the program printed up to `until` µs (the tracer records each print, on its task's lane).
 * @param {TraceEvent[]} events @param {number} until
 */
export function printedBy(events, until) {
  return events
    .filter((e) => e.ph === "i" && e.name === "print" && (e.ts ?? 0) <= until)
    .map((e) => e.args?.text ?? "")
    .join("\n");
}

/** The replay's controls and its words; the picture draws the cursor (`onMove`). */
export class Replay {
  /**
   * @param {LoopModel} model
   * @param {(step: TraceEvent | null) => void} onMove the picture marks this step (null: none)
   * @param {(step: TraceEvent) => string} describe a step in words (the picture's own)
   */
  constructor(model, onMove, describe) {
    this.model = model;
    this.onMove = onMove;
    this.describe = describe;
    /** @type {TraceEvent[]} */
    this.steps = [];
    this.index = -1;
    this.timer = 0;
    this.speed = 1;
    this.element = document.createElement("div");
    this.element.className = "loop__replay";
    this.element.hidden = true;
    const bar = document.createElement("div");
    bar.className = "loop__replay-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Replay the run");
    this.back = this.button("◀ Back", "Step back");
    this.play = this.button("▶ Play", "Play");
    this.forward = this.button("Step ▶", "Step forward");
    this.speedButton = this.button("1×", "Speed: 1×");
    bar.append(this.back, this.play, this.forward, this.speedButton);
    this.status = document.createElement("p");
    this.status.className = "loop__replay-status";
    this.status.setAttribute("aria-live", "polite");
    this.treeTitle = document.createElement("p");
    this.treeTitle.className = "loop__tree-title";
    this.treeTitle.textContent = "Who awaits whom at this step:";
    this.tree = document.createElement("ul");
    this.tree.className = "loop__tree";
    const printedTitle = document.createElement("p");
    printedTitle.className = "loop__tree-title";
    printedTitle.textContent = "Printed so far:";
    this.printed = document.createElement("pre");
    this.printed.className = "loop__printed";
    this.element.append(bar, this.status, this.treeTitle, this.tree, printedTitle, this.printed);
    /** @type {[HTMLElement, () => void][]} */
    this.listeners = [
      [this.back, () => { this.pause(); this.move(this.index - 1); }],
      [this.forward, () => { this.pause(); this.move(this.index + 1); }],
      [this.play, () => (this.timer ? this.pause() : this.start())],
      [this.speedButton, () => this.nextSpeed()],
    ];
    for (const [target, handler] of this.listeners) target.addEventListener("click", handler);
    // Keyboard first: from any of its buttons, the arrows step and Home / End jump, as in a
    // media player's seek bar; said by aria-keyshortcuts and by the hint under the buttons.
    this.onKey = (/** @type {KeyboardEvent} */ event) => this.key(event);
    bar.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight Home End");
    bar.addEventListener("keydown", this.onKey);
    this.bar = bar;
  }

  /** @param {KeyboardEvent} event */
  key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !this.steps.length) return;
    const to = { ArrowLeft: this.index - 1, ArrowRight: this.index + 1, Home: 0, End: this.steps.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    this.pause();
    this.move(to);
    // A button the move disabled (Back at the first step) would drop focus to the page.
    if (event.target instanceof HTMLButtonElement && event.target.disabled) this.play.focus();
  }

  /** @param {string} text @param {string} label */
  button(text, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "loop__replay-button";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    return button;
  }

  /** A run ended: the replay covers its steps, the cursor before the first. */
  load() {
    this.pause();
    this.steps = cursorSteps(this.model.events);
    this.element.hidden = this.steps.length === 0;
    this.index = -1;
    this.status.textContent = `${this.steps.length} steps recorded: Play or Step to walk through them ` +
      "(on these buttons, ← and → step, Home and End jump to the first and last).";
    this.tree.replaceChildren();
    this.printed.textContent = "";
    this.onMove(null);
    this.update();
  }

  /** A new run starts: nothing to replay until it ends. */
  clear() {
    this.pause();
    this.steps = [];
    this.index = -1;
    this.element.hidden = true;
  }

  /** @param {number} index */
  move(index) {
    if (!this.steps.length) return;
    this.index = Math.max(0, Math.min(this.steps.length - 1, index));
    const step = this.steps[this.index];
    this.onMove(step);
    this.status.textContent = `Step ${this.index + 1} of ${this.steps.length}, at ` +
      `${((step.ts ?? 0) / 1000).toFixed(1)} ms: ${this.describe(step)}`;
    this.tree.replaceChildren(...this.treeItems(treeAt(this.model.events, this.index)));
    this.printed.textContent = printedBy(this.model.events, (step.ts ?? 0) + (step.dur ?? 0)) || "(nothing yet)";
    this.update();
  }

  /** @param {TreeNode[]} nodes */
  treeItems(nodes) {
    return nodes.map((node) => {
      const item = document.createElement("li");
      item.style.marginLeft = `${node.depth * 1.2}rem`;
      item.dataset.state = node.state;
      const name = this.model.lanes.get(node.tid)?.name.split(" · ")[0] ?? `task ${node.tid}`;
      item.textContent = `${name}: ${node.label}`;
      return item;
    });
  }

  update() {
    this.back.disabled = this.index <= 0;
    this.forward.disabled = this.index >= this.steps.length - 1;
    this.play.textContent = this.timer ? "❚❚ Pause" : "▶ Play";
    this.play.setAttribute("aria-label", this.timer ? "Pause" : "Play");
  }

  start() {
    if (this.index >= this.steps.length - 1) this.index = -1; // at the end: from the start again
    this.timer = window.setInterval(() => {
      if (this.index >= this.steps.length - 1) this.pause();
      else this.move(this.index + 1);
    }, STEP_MS / this.speed);
    this.move(this.index + 1);
  }

  pause() {
    if (this.timer) clearInterval(this.timer);
    this.timer = 0;
    this.update();
  }

  nextSpeed() {
    this.speed = SPEEDS[(SPEEDS.indexOf(this.speed) + 1) % SPEEDS.length];
    this.speedButton.textContent = `${this.speed}×`;
    this.speedButton.setAttribute("aria-label", `Speed: ${this.speed}×`);
    if (this.timer) { this.pause(); this.start(); }
  }

  destroy() {
    this.pause();
    for (const [target, handler] of this.listeners) target.removeEventListener("click", handler);
    this.bar.removeEventListener("keydown", this.onKey);
  }
}
