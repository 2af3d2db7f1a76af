// "Show the loop": a live picture of the event loop beside a runnable block's output.
//
// One lane per task (its name, who created it): each step the loop ran is a bar, and between
// steps a line says what the task waits on. The loop's own lane shows callbacks, idle waits and
// blocking steps (red, with the line). Drawn in plain SVG in currentColor and Material's colour
// variables (light and dark alike); the same events are a table for screen readers. Steps are
// reached with the keyboard: Tab into the picture, arrows move, the line shows as on hover.

import { makeLegend } from "./loop-legend.js";
import { LoopModel } from "./loop-model.js";
import { Replay, treeAt } from "./loop-replay.js";
import { emptyTable, fillTable, stepWords } from "./loop-table.js";

const SVG = "http://www.w3.org/2000/svg";
const LABEL_WIDTH = 190;
/** Below this width (a phone) the labels take a narrow column and the plot fits the screen. */
const NARROW = 560;
const NARROW_LABEL_WIDTH = 104;
const MIN_WIDTH = 280;
const LANE_HEIGHT = 30;
const READY_HEIGHT = 18;
const AXIS_HEIGHT = 22;
const REDRAW_MS = 150;
const MARKS = /** @type {Record<string, string>} */ ({
  cancelled: "✕", exception: "!", timeout: "⏱", created: "+", done: "✓", "still pending at the end": "■",
});

/**
 * @param {string} tag @param {Record<string, string | number>} attributes @param {Element} [parent]
 */
function svg(tag, attributes, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  parent?.append(node);
  return node;
}

/** @param {number} us */
const ms = (us) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;

/** Text cut to what fits a bar `width` px wide (10 px bold: about 6.5 px a character). */
const fit = (/** @type {string} */ text, /** @type {number} */ width) => {
  const chars = Math.max(1, Math.floor((width - 8) / 6.5));
  return text.length > chars ? `${text.slice(0, Math.max(1, chars - 1))}…` : text;
};


export class LoopPicture {
  /**
   * @param {string} name the snippet's file name, for labels
   * @param {{ legendHref?: string | null }} [options] where the legend links (loopview --html: nowhere)
   */
  constructor(name, options = {}) {
    this.name = name;
    this.on = false;
    this.model = new LoopModel();
    this.frame = 0; // a redraw's timer, then its animation frame (schedule)
    this.animation = 0;
    this.lastDraw = 0;
    this.labelChars = 32; // a lane label's length before "…" (fewer on a phone)
    this.labelWidth = LABEL_WIDTH;
    this.toggle = document.createElement("button");
    this.toggle.type = "button";
    this.toggle.className = "runner__button loop__toggle";
    this.toggle.textContent = "Show the loop";
    this.toggle.setAttribute("aria-pressed", "false");
    this.toggle.title = "Draw the event loop while the code runs: tasks, steps, waits, blocking";

    this.element = document.createElement("figure");
    this.element.className = "loop";
    this.element.hidden = true;
    this.element.dataset.loopState = "empty";
    Object.defineProperty(this.element, "loopEvents", { value: () => this.model.events, configurable: true });
    // For the tests: the awaited-by tree the replay shows at a step (structure.py builds the same).
    Object.defineProperty(this.element, "loopTree", { value: (/** @type {number} */ index) => treeAt(this.model.events, index), configurable: true });
    this.legendHref = options.legendHref;
    /** @type {SVGElement[]} */
    this.steps = [];
    this.focused = 0;
    /** @type {import("./loop-model.js").TraceEvent | null} the replay's cursor */
    this.cursor = null;
    this.built = false;
    // The figure's insides, made by build() when it is first shown. Every use comes after that:
    // setOn(true) builds; begin() goes on only when shown; end(), draw() and the listeners follow.
    const later = /** @type {any} */ (null);
    /** @type {HTMLElement} */ this.caption = later;
    /** @type {HTMLElement} */ this.scroller = later;
    /** @type {Element} */ this.svg = later;
    /** @type {HTMLElement} */ this.tip = later;
    /** @type {ReturnType<typeof makeLegend>} */ this.legend = later;
    /** @type {HTMLElement} */ this.hint = later;
    /** @type {HTMLDetailsElement} */ this.details = later;
    /** @type {HTMLTableElement} */ this.table = later;
    /** @type {HTMLElement} */ this.tableNote = later;
    /** @type {Replay} */ this.replay = later;
    /** @type {[EventTarget, string, (event: any) => void][]} */
    this.listeners = [[this.toggle, "click", () => this.setOn(!this.on)]];
    this.toggle.addEventListener("click", this.listeners[0][2]);
  }

  /**
   * The figure's insides, made the first time it is shown: most readers never press "Show the
   * loop", and a long page has a dozen blocks, each with a figure of about a hundred elements
   * (legend, table, replay) that the browser would style and lay out on every page load.
   */
  build() {
    if (this.built) return;
    this.built = true;
    const name = this.name;
    this.caption = document.createElement("figcaption");
    this.caption.className = "loop__caption";
    this.caption.textContent = "Run the code to see its event loop.";
    this.scroller = document.createElement("div");
    this.scroller.className = "loop__scroller";
    this.svg = svg("svg", { class: "loop__svg", role: "group", "aria-label": `Event loop of ${name}: Tab to a step, arrows to move` });
    this.tip = document.createElement("div");
    this.tip.className = "loop__tip";
    this.tip.setAttribute("role", "tooltip");
    this.tip.id = `loop-tip-${name.replace(/\W/g, "-")}-${Math.random().toString(36).slice(2, 7)}`;
    this.tip.hidden = true;
    this.legend = makeLegend(`${this.tip.id}-legend`, this.legendHref);
    this.hint = document.createElement("p");
    this.hint.className = "loop__scroll-hint";
    this.hint.textContent = "The picture is wider than the screen: scroll it sideways →";
    this.hint.hidden = true;
    this.details = document.createElement("details");
    this.details.className = "loop__details";
    const summary = document.createElement("summary");
    summary.textContent = "The same events as a table";
    this.table = emptyTable(`Event loop of ${name}, in time order`);
    this.tableNote = document.createElement("p");
    this.tableNote.className = "loop__note";
    this.details.append(summary, this.table, this.tableNote);
    this.scroller.append(this.svg);
    const head = document.createElement("div");
    head.className = "loop__head";
    head.append(this.caption, this.legend.button);
    this.replay = new Replay(this.model, (step) => { this.cursor = step; this.draw(); this.markLine(step); }, (step) => {
      const lane = this.model.lanes.get(step.tid ?? 0)?.name.split(" · ")[0] ?? "a task";
      return `${lane}, step ${step.args?.step}: ${stepWords(step, this.name)}`;
    });
    this.element.append(head, this.legend.panel, this.hint, this.scroller, this.replay.element, this.tip, this.details);
    const point = (/** @type {Event} */ event) => this.point(event);
    const leave = () => { if (!this.svg.contains(document.activeElement)) this.tip.hidden = true; };
    /** @type {[EventTarget, string, (event: any) => void][]} */
    const listeners = [
      [this.svg, "keydown", (/** @type {KeyboardEvent} */ event) => this.key(event)],
      [this.svg, "pointerover", point], [this.svg, "focusin", point],
      [this.svg, "pointerleave", leave], [this.svg, "focusout", leave],
      [this.details, "toggle", () => { if (this.details.open) fillTable(this.table, this.model, this.tableNote, this.name); }],
    ];
    for (const [target, type, handler] of listeners) target.addEventListener(type, handler);
    this.listeners.push(...listeners);
  }

  /** @param {boolean} on */
  setOn(on) {
    this.on = on;
    this.toggle.setAttribute("aria-pressed", String(on));
    if (on) this.build();
    this.element.hidden = !on;
    if (on) this.draw();
  }

  /** A run starts: returns whether it should be traced. */
  begin() {
    if (!this.on) return false;
    this.model.begin();
    this.cursor = null;
    this.replay.clear();
    this.element.dataset.loopState = "running";
    this.caption.textContent = "Running…";
    this.schedule();
    return true;
  }

  /** @param {string} batch */
  add(batch) {
    this.model.add(batch);
    this.schedule();
  }

  /** @param {string} status how the run ended (ok, error, stopped, restarted) */
  end(status) {
    if (this.model.state !== "running") return;
    // The final picture is drawn here: a redraw still scheduled for the running one would draw
    // it again a moment later, replacing every element a reader (or a test) just found.
    this.cancelRedraw();
    this.model.finish(status === "stopped" || status === "restarted" ? "stopped" : "done");
    this.element.dataset.loopState = this.model.state;
    this.draw();
    fillTable(this.table, this.model, this.tableNote, this.name);
    this.replay.load();
  }

  schedule() {
    if (this.frame || this.element.hidden) return;
    const wait = Math.max(0, REDRAW_MS - (performance.now() - this.lastDraw));
    this.frame = window.setTimeout(() => {
      this.animation = requestAnimationFrame(() => { this.frame = this.animation = 0; this.draw(); });
    }, wait);
  }

  cancelRedraw() {
    clearTimeout(this.frame);
    cancelAnimationFrame(this.animation);
    this.frame = this.animation = 0;
  }

  draw() {
    this.lastDraw = performance.now();
    const model = this.model;
    const { tasks, steps, blocking, warmup, ms: total } = model.summary();
    if (model.state !== "empty") {
      const state = model.state === "running" ? "running" : model.state === "stopped" ? "stopped" : "finished";
      this.caption.textContent = `${state}: ${tasks} task${tasks === 1 ? "" : "s"}, ${steps} step${steps === 1 ? "" : "s"}` +
        `${blocking ? `, ${blocking} blocking the loop (red)` : ""}, ${total.toFixed(1)} ms` +
        `${warmup ? `, of which ${ms(warmup)} warm-up (grey: Python's first run after loading)` : ""}` +
        `${model.dropped ? ` (the last ${model.dropped} events are not drawn)` : ""}`;
    }
    const available = this.scroller.clientWidth || 640;
    const narrow = available < NARROW;
    const labelWidth = this.labelWidth = narrow ? NARROW_LABEL_WIDTH : LABEL_WIDTH;
    this.labelChars = narrow ? 17 : 32;
    const width = Math.max(available, narrow ? MIN_WIDTH : 480);
    const plot = width - labelWidth - 12;
    const span = Math.max(model.now, 1000);
    /** @param {number} us */
    const x = (us) => labelWidth + (us / span) * plot;
    const lanes = [...model.lanes.values()];
    const height = LANE_HEIGHT + READY_HEIGHT + lanes.length * LANE_HEIGHT + AXIS_HEIGHT;
    const keep = this.steps[this.focused]?.dataset?.key;
    this.svg.replaceChildren();
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.svg.setAttribute("width", String(width));
    this.svg.setAttribute("height", String(height));
    this.steps = [];

    // The loop lane.
    this.label("event loop", 0, "loop__label loop__label--loop");
    for (const event of model.loop) {
      if (event.ph !== "X") continue;
      const left = x(event.ts ?? 0);
      const w = Math.max(1, x((event.ts ?? 0) + (event.dur ?? 0)) - left);
      const cat = ["idle", "blocking", "gc", "warmup"].includes(event.cat ?? "") ? event.cat : "callback";
      const y = cat === "callback" ? 8 : 4;
      const rect = svg("rect", { class: `loop__${cat}`, x: left, y, width: w, height: LANE_HEIGHT - 2 * y }, this.svg);
      svg("title", {}, rect).textContent = cat === "idle"
        ? `idle ${ms(event.dur ?? 0)}: ${event.name}${event.args?.timeout !== undefined ? ` (timeout ${event.args.timeout})` : ""}`
        : `${event.name} (${ms(event.dur ?? 0)})`;
      // The code that held the loop first (the bar is often too short for the whole sentence).
      if (cat === "blocking" && w > 40) this.text(fit(event.args?.code || event.name, w), left + 4, LANE_HEIGHT / 2, "loop__inlabel loop__inlabel--blocking");
    }

    // The ready queue: how many callbacks were waiting for their turn.
    const readyTop = LANE_HEIGHT;
    const most = Math.max(1, ...model.ready.map((point) => point.ready));
    this.label(`ready queue (max ${model.ready.length ? most : 0})`, readyTop, "loop__label loop__label--ready", READY_HEIGHT);
    if (model.ready.length) {
      let path = `M ${x(0)} ${readyTop + READY_HEIGHT - 2}`;
      for (const point of model.ready) {
        const y = readyTop + READY_HEIGHT - 2 - (point.ready / most) * (READY_HEIGHT - 4);
        path += ` H ${x(point.ts)} V ${y}`;
      }
      path += ` H ${x(model.now)}`;
      svg("path", { class: "loop__ready", d: path }, this.svg);
    }

    // One lane per task.
    lanes.forEach((lane, index) => {
      const top = LANE_HEIGHT + READY_HEIGHT + index * LANE_HEIGHT;
      const mid = top + LANE_HEIGHT / 2;
      const [who, by] = lane.name.split(" · ");
      this.label(who, top - (by ? 5 : 0), "loop__label");
      if (by) this.label(by, top + 7, "loop__label loop__label--by");
      const open = model.openWait(lane);
      for (const wait of open ? [...lane.waits, { ...open, args: { kind: open.kind, open: true } }] : lane.waits) {
        const left = x(wait.ts ?? 0);
        const w = x((wait.ts ?? 0) + (wait.dur ?? 0)) - left;
        const line = svg("line", { class: `loop__wait loop__wait--${wait.args?.kind ?? "future"}`, x1: left, x2: left + w, y1: mid, y2: mid }, this.svg);
        svg("title", {}, line).textContent = `waits ${ms(wait.dur ?? 0)} on ${wait.name}${wait.args?.open ? " (still waiting)" : ""}`;
        // Above the line; the marks (created, done) go under it, so the two never overlap.
        if (w > 7 * wait.name.length + 8) this.text(wait.name, left + 4, mid - 4, "loop__inlabel");
      }
      for (const step of lane.steps) {
        const left = x(step.ts ?? 0);
        const w = Math.max(3, x((step.ts ?? 0) + (step.dur ?? 0)) - left);
        const blocking = step.cat === "blocking";
        const warmup = step.cat === "warmup";
        const rect = /** @type {SVGElement} */ (svg("rect", {
          class: blocking ? "loop__step loop__step--blocking" : warmup ? "loop__step loop__step--warmup" : "loop__step",
          x: left - (w === 3 ? 1 : 0), y: top + 5, width: w, height: LANE_HEIGHT - 10, rx: 1.5,
          tabindex: -1, role: "img", "aria-label": `${lane.name}, step ${step.args?.step}: ${stepWords(step, this.name)}`,
        }, this.svg));
        rect.dataset.key = `${lane.tid}:${step.args?.step}`;
        if (step === this.cursor) rect.classList.add("loop__step--current");
        rect.dataset.lane = String(index);
        this.steps.push(rect);
        // The code that held the loop, as written (time.sleep(0.5)), not its line number.
        // (No line known, the page's top level ending: no label rather than "line 0".)
        const code = step.args?.blocking_call || step.args?.source || (step.args?.blocked_at ? `line ${step.args.blocked_at}` : "");
        // (Clear of the created mark at the lane's start, and inside the bar: the done mark follows it.)
        if (blocking && code && w > 40) this.text(fit(code, w - 10), left + 12, mid + 1, "loop__inlabel loop__inlabel--on-step");
        if (warmup && w > 60) this.text(fit("warm-up", w - 10), left + 12, mid + 1, "loop__inlabel loop__inlabel--warmup");
      }
      for (const mark of lane.marks) {
        const glyph = MARKS[mark.name];
        if (!glyph) continue;
        // Under the wait line, inside the lane (10 px): clear of the wait labels above the line.
        const node = this.text(glyph, x(mark.ts ?? 0) + 2, top + LANE_HEIGHT - 3, `loop__mark loop__mark--${mark.cat}`);
        svg("title", {}, node).textContent = `${mark.name}${mark.args?.error ? `: ${mark.args.error}` : ""} at ${ms(mark.ts ?? 0)}`;
      }
    });

    // The replay's cursor: a line across every lane at the start of the current step.
    if (this.cursor) {
      const at = x(this.cursor.ts ?? 0);
      svg("line", { class: "loop__cursor", x1: at, x2: at, y1: 0, y2: height - AXIS_HEIGHT + 4 }, this.svg);
    }

    // Time axis: ticks at round numbers (1, 2 or 5 times a power of ten), about five of them.
    const axisTop = height - AXIS_HEIGHT + 4;
    svg("line", { class: "loop__axis", x1: labelWidth, x2: labelWidth + plot, y1: axisTop, y2: axisTop }, this.svg);
    const rough = span / 5;
    const power = 10 ** Math.floor(Math.log10(rough));
    const every = [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? rough;
    for (let at = 0; at <= span; at += every) {
      svg("line", { class: "loop__axis", x1: x(at), x2: x(at), y1: axisTop, y2: axisTop + 4 }, this.svg);
      const label = at >= 1e6 ? `${+(at / 1e6).toFixed(2)} s` : `${+(at / 1000).toFixed(2)} ms`;
      this.text(label, x(at), axisTop + 15, `loop__tick${at === 0 ? " loop__tick--start" : ""}`);
    }

    // Keyboard: one step is in the tab order (roving tabindex); arrows move from there.
    const sorted = this.steps.slice().sort((a, b) => Number(a.getAttribute("x")) - Number(b.getAttribute("x")));
    this.steps = sorted;
    const again = keep ? sorted.findIndex((rect) => rect.dataset.key === keep) : -1;
    this.focused = again >= 0 ? again : 0;
    this.steps[this.focused]?.setAttribute("tabindex", "0");
    // A picture wider than its column says so (a phone's scrollbars are hidden until touched).
    this.hint.hidden = this.scroller.scrollWidth <= this.scroller.clientWidth + 1;
    if (this.details.open) fillTable(this.table, this.model, this.tableNote, this.name);
  }

  /**
   * Tell the block which line of the reader's code the replay's step ran (the editor marks it):
   * where it blocked, else where it stopped; none for a finished task or another file's line.
   * @param {import("./loop-model.js").TraceEvent | null} step
   */
  markLine(step) {
    const args = step?.args ?? {};
    const file = String(args.blocked_file ?? args.file ?? "");
    const ours = file === this.name || file.endsWith(`/${this.name}`);
    const line = !step || !ours ? null : step.cat === "blocking" ? args.blocked_at : args.kind === "done" ? null : args.line;
    this.element.dispatchEvent(new CustomEvent("loop-line", { detail: line || null }));
    this.element.dataset.loopLine = line ? String(line) : "";
  }

  /** @param {string} text @param {number} top @param {string} cls @param {number} [height] */
  label(text, top, cls, height = LANE_HEIGHT) {
    const chars = this.labelChars;
    const node = /** @type {SVGTextElement} */ (this.text(text.length > chars ? `${text.slice(0, chars - 1)}…` : text, 4, top + height / 2 + 4, cls));
    // Measured where drawn (a hidden figure measures 0): shortened until it fits its column.
    for (let keep = Math.min(text.length, chars) - 2; keep > 3 && node.getComputedTextLength() > this.labelWidth - 8; keep -= 1) {
      node.textContent = `${text.slice(0, keep)}…`;
    }
    svg("title", {}, node).textContent = text;
  }

  /** @param {string} text @param {number} x @param {number} y @param {string} cls */
  text(text, x, y, cls) {
    const node = svg("text", { x, y, class: cls }, this.svg);
    node.textContent = text;
    return node;
  }

  /** Hover or focus on a step: show what it ran to. @param {Event} event */
  point(event) {
    const target = /** @type {Element} */ (event.target);
    if (!target.classList?.contains("loop__step")) return;
    this.tip.textContent = target.getAttribute("aria-label");
    this.tip.hidden = false;
    const box = target.getBoundingClientRect();
    const frame = this.element.getBoundingClientRect();
    this.tip.style.left = `${Math.min(Math.max(0, box.left - frame.left), frame.width - 260)}px`;
    // Below the step, or above it in the lower half, so the lanes under it stay in view.
    const below = box.top - frame.top < frame.height / 2;
    this.tip.style.top = below ? `${box.bottom - frame.top + 4}px` : "";
    this.tip.style.bottom = below ? "" : `${frame.bottom - box.top + 4}px`;
    target.setAttribute("aria-describedby", this.tip.id);
  }

  /** @param {KeyboardEvent} event */
  key(event) {
    if (!this.steps.length) return;
    const current = this.steps[this.focused];
    let next = this.focused;
    if (event.key === "ArrowRight") next = Math.min(this.steps.length - 1, this.focused + 1);
    else if (event.key === "ArrowLeft") next = Math.max(0, this.focused - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = this.steps.length - 1;
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      // The nearest step in time on the next lane down (or up).
      const lane = Number(current.dataset.lane) + (event.key === "ArrowDown" ? 1 : -1);
      const at = Number(current.getAttribute("x"));
      let best = -1;
      this.steps.forEach((rect, i) => {
        if (Number(rect.dataset.lane) !== lane) return;
        if (best < 0 || Math.abs(Number(rect.getAttribute("x")) - at) < Math.abs(Number(this.steps[best].getAttribute("x")) - at)) best = i;
      });
      if (best >= 0) next = best;
    } else return;
    event.preventDefault();
    current.setAttribute("tabindex", "-1");
    this.focused = next;
    const step = this.steps[next];
    step.setAttribute("tabindex", "0");
    step.focus();
  }

  destroy() {
    this.cancelRedraw();
    for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler);
    if (this.built) {
      this.legend.destroy();
      this.replay.destroy();
    }
    this.toggle.remove();
    this.element.remove();
  }
}
