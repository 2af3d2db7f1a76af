// The text alternative of the event-loop picture: the same events as a table, in time order.
// Written with textContent only (names and labels come from the reader's program).

/** @typedef {import("./loop-model.js").LoopModel} LoopModel */
/** @typedef {import("./loop-model.js").TraceEvent} TraceEvent */

const MAX_ROWS = 2_000;

/** @param {number} us */
const ms = (us) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);

/**
 * A line of code, as the reader knows it: "line 6" in their own file, "tasks.py:702" elsewhere.
 * @param {Record<string, any>} args a step's args @param {number} line @param {string} name the reader's file
 */
function lineIn(args, line, name) {
  const file = String(args.file ?? "");
  if (!file) return "a line of the runner's, not of this code"; // the tracer names no runner location
  return file === name || file.endsWith(`/${name}`) ? `line ${line}` : `${file.split("/").pop()}:${line}`;
}

/**
 * A task step in words: where it ran to (or blocked), and what came next.
 * @param {TraceEvent} step @param {string} name the reader's file name
 */
export function stepWords(step, name) {
  const args = step.args ?? {};
  const then = args.kind === "done" ? "then it finished" : `then waits on ${args.awaits}`;
  if (step.cat === "warmup") {
    return `warm-up: ${ms(step.dur ?? 0)} ms of Python's first run after loading (the browser compiling Python's own code, not this program blocking); ${then}`;
  }
  if (step.cat === "blocking") {
    const code = args.blocking_call || args.source;
    const call = code ? ` (${code})` : "";
    const where = lineIn({ file: args.blocked_file ?? args.file }, args.blocked_at, name);
    // Inside the step: the calls that led to the blocking line (the time.sleep hook's, or sampled).
    const path = Array.isArray(args.stack) && args.stack.length > 1 ? `, called by ${args.stack.join(" → ")}` : "";
    return `BLOCKED the loop for ${ms(step.dur ?? 0)} ms at ${where}${call}${path}; ${then}`;
  }
  // A finished task's last line is the runner's in the page: say only that it finished.
  const ran = args.kind === "done" ? "" : `, ran to ${lineIn(args, args.line, name)}`;
  return `${ms(step.dur ?? 0)} ms${ran}; ${then}`;
}

/**
 * What one event says, in words.
 * @param {TraceEvent} event @param {string} name the reader's file name
 * @returns {[string, string]} what, detail
 */
function describe(event, name) {
  const args = event.args ?? {};
  if (event.ph === "i") return [event.name, args.error ?? args.coroutine ?? args.callback ?? args.text ?? ""];
  if (event.cat === "wait") return [args.open ? "waits (still, at the end)" : "waits", `on ${event.name}`];
  if (event.cat === "idle") {
    const timeout = args.timeout === undefined ? "" : `, timeout ${args.timeout === "none" ? "none" : `${ms(args.timeout * 1e6)} ms`}`;
    return ["loop idle", `${event.name}${timeout}`];
  }
  if (event.cat === "warmup") return ["warm-up", event.name];
  if (event.cat === "gc") return ["garbage collection", `the collector paused the loop (generation ${args.generation})`];
  if (event.tid === 0) return [event.cat === "blocking" ? "BLOCKED" : "callback", event.name];
  return [`step ${args.step}${event.cat === "blocking" ? " BLOCKING" : ""}`, stepWords(event, name)];
}

/**
 * @param {HTMLTableElement} table
 * @param {LoopModel} model
 * @param {HTMLElement} note where "N more rows not shown" goes
 * @param {string} name the reader's file name
 */
export function fillTable(table, model, note, name) {
  // asyncio's and the runtime's own callbacks (WebLoop._decrement_in_progress, a timer firing)
  // are the loop's bookkeeping, not the program: the picture's loop lane and the trace keep them.
  const all = model.events.filter((event) => event.ph === "X" || event.ph === "i");
  const rows = all.filter((event) => !event.args?.internal).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const internal = all.length - rows.length;
  const body = document.createElement("tbody");
  for (const event of rows.slice(0, MAX_ROWS)) {
    const [what, detail] = describe(event, name);
    const row = document.createElement("tr");
    if (event.cat === "blocking") row.className = "loop__row--blocking";
    const lane = event.tid ? model.lanes.get(event.tid)?.name ?? `task ${event.tid}` : "event loop";
    for (const text of [ms(event.ts ?? 0), lane, what, event.ph === "X" ? ms(event.dur ?? 0) : "", detail]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    body.append(row);
  }
  table.tBodies[0]?.remove();
  table.append(body);
  const hidden = Math.max(0, rows.length - MAX_ROWS) + model.dropped;
  note.textContent = [
    hidden > 0 ? `${hidden} more events are not listed.` : "",
    internal ? `${internal} callbacks of asyncio and the runtime (timers firing, bookkeeping) are left out; the loop lane draws them.` : "",
  ].filter(Boolean).join(" ");
}

/** @param {string} caption */
export function emptyTable(caption) {
  const table = document.createElement("table");
  table.className = "loop__table";
  const head = table.createTHead().insertRow();
  for (const title of ["time (ms)", "lane", "what", "duration (ms)", "detail"]) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = title;
    head.append(cell);
  }
  table.createCaption().textContent = caption;
  table.append(document.createElement("tbody"));
  return table;
}
