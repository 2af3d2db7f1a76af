// The loop picture's compact legend: what each mark and line pattern means, on the figure itself
// (a reader should not have to find the long explanation to read the picture), behind a toggle
// so it costs no room once learned, with the long explanation one link away.

const SVG = "http://www.w3.org/2000/svg";
/** The long explanation has a page of its own: Reading the loop picture. */
const LONG_LEGEND = new URL("../../../loop-picture/", import.meta.url);

/**
 * Each entry: a swatch (its loop__key class is styled with the picture's own, in loop.css, so it
 * matches in both palettes; a class of its own, so what finds the picture's steps does not find
 * the legend's), and its words.
 * @type {[string, Record<string, string | number>, string][]}
 */
const ENTRIES = [
  ["rect", { class: "loop__key--step", x: 1, y: 3, width: 20, height: 10 }, "a step the loop ran"],
  ["rect", { class: "loop__key--blocking", x: 1, y: 3, width: 20, height: 10 }, "blocking: a step over 10 ms"],
  ["line", { class: "loop__key-wait loop__key-wait--timer", x1: 0, x2: 22, y1: 8, y2: 8 }, "waits on a timer"],
  ["line", { class: "loop__key-wait loop__key-wait--yield", x1: 0, x2: 22, y1: 8, y2: 8 }, "waits for its turn (sleep(0), first turn)"],
  ["line", { class: "loop__key-wait loop__key-wait--task", x1: 0, x2: 22, y1: 8, y2: 8 }, "waits on other tasks (task, gather, TaskGroup)"],
  ["line", { class: "loop__key-wait loop__key-wait--io", x1: 0, x2: 22, y1: 8, y2: 8 }, "waits on a socket or thread"],
  ["line", { class: "loop__key-wait", x1: 0, x2: 22, y1: 8, y2: 8 }, "waits on another future"],
  ["rect", { class: "loop__key--callback", x: 1, y: 4, width: 20, height: 8 }, "loop lane: a callback"],
  ["rect", { class: "loop__key--idle", x: 1, y: 2, width: 20, height: 12 }, "loop lane: idle, waiting for I/O or a timer"],
  ["path", { class: "loop__key--ready", d: "M 0 13 H 6 V 5 H 14 V 9 H 22" }, "ready queue: callbacks waiting for a turn"],
  ["rect", { class: "loop__key--warmup", x: 1, y: 3, width: 20, height: 10 }, "warm-up: Python's first run after loading"],
];
const MARK_WORDS = "+ created · ✓ done · ✕ cancelled · ⏱ timeout · ! exception · ■ still pending";

/**
 * @param {string} id the panel's id (unique on the page)
 * @param {string | null} [href] the long explanation (none in `loopview --html`'s offline file)
 */
export function makeLegend(id, href = LONG_LEGEND.href) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "loop__legend-toggle";
  button.textContent = "Legend";
  button.setAttribute("aria-controls", id);
  const panel = document.createElement("div");
  panel.className = "loop__legend";
  panel.id = id;
  const list = document.createElement("ul");
  for (const [tag, attributes, words] of ENTRIES) {
    const item = document.createElement("li");
    const swatch = document.createElementNS(SVG, "svg");
    swatch.setAttribute("class", "loop__swatch");
    swatch.setAttribute("viewBox", "0 0 22 16");
    swatch.setAttribute("aria-hidden", "true");
    const shape = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) shape.setAttribute(name, String(value));
    swatch.append(shape);
    item.append(swatch, words);
    list.append(item);
  }
  const marks = document.createElement("p");
  marks.textContent = `Marks: ${MARK_WORDS}.`;
  panel.append(list, marks);
  if (href) {
    const more = document.createElement("a");
    more.href = href;
    more.textContent = "How to read the loop picture";
    const tail = document.createElement("p");
    tail.append(more, " (the long explanation)");
    panel.append(tail);
  }
  /** @param {boolean} open */
  const show = (open) => {
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  };
  show(true); // open at first sight; one press folds it away
  const toggle = () => show(panel.hidden);
  button.addEventListener("click", toggle);
  return { button, panel, destroy: () => button.removeEventListener("click", toggle) };
}
