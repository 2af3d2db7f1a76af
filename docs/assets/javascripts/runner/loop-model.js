// The event-loop picture's data: Chrome trace events, as the worker streams them in batches
// (playground/browser/loop_events.py writes them), sorted into lanes. No DOM here.

/** The page keeps at most this many events of one run; the rest is counted, not drawn. */
const MAX_EVENTS = 20_000;

/**
 * @typedef {{ ph: string, name: string, cat?: string, tid?: number, ts?: number, dur?: number,
 *   args?: Record<string, any> }} TraceEvent
 * @typedef {{ tid: number, name: string, steps: TraceEvent[], waits: TraceEvent[], marks: TraceEvent[] }} Lane
 */

export class LoopModel {
  constructor() {
    /** @type {TraceEvent[]} every event, in arrival order (the table and the tests read these) */
    this.events = [];
    /** @type {Map<number, Lane>} task lanes by tid, in creation order; tid 0 is the loop */
    this.lanes = new Map();
    /** @type {TraceEvent[]} the loop lane: callbacks, idle waits, blocking */
    this.loop = [];
    /** @type {{ ts: number, ready: number }[]} */
    this.ready = [];
    this.now = 0;
    this.dropped = 0;
    /** @type {"empty" | "running" | "done" | "stopped"} */
    this.state = "empty";
  }

  begin() {
    this.events = [];
    this.lanes.clear();
    this.loop = [];
    this.ready = [];
    this.now = 0;
    this.dropped = 0;
    this.state = "running";
  }

  /** @param {number} tid */
  lane(tid) {
    let lane = this.lanes.get(tid);
    if (!lane) {
      lane = { tid, name: `task ${tid}`, steps: [], waits: [], marks: [] };
      this.lanes.set(tid, lane);
    }
    return lane;
  }

  /** @param {string} text one batch: `{"now": µs, "events": [...], "done": bool}` */
  add(text) {
    const batch = JSON.parse(text);
    this.now = Math.max(this.now, batch.now ?? 0);
    for (const event of /** @type {TraceEvent[]} */ (batch.events ?? [])) {
      if (this.events.length >= MAX_EVENTS) {
        this.dropped += 1;
        continue;
      }
      this.events.push(event);
      this.place(event);
    }
  }

  /** @param {TraceEvent} event */
  place(event) {
    const tid = event.tid ?? 0;
    if (event.ph === "M") {
      if (event.name === "thread_name" && tid !== 0) this.lane(tid).name = event.args?.name ?? this.lane(tid).name;
    } else if (event.ph === "C") {
      this.ready.push({ ts: event.ts ?? 0, ready: event.args?.ready ?? 0 });
    } else if (event.ph === "X") {
      this.now = Math.max(this.now, (event.ts ?? 0) + (event.dur ?? 0));
      if (tid === 0) this.loop.push(event);
      else if (event.cat === "wait") this.lane(tid).waits.push(event);
      else this.lane(tid).steps.push(event);
    } else if (event.ph === "i" && tid !== 0) {
      this.lane(tid).marks.push(event);
    } else if (event.ph === "i") {
      this.loop.push(event);
    }
  }

  /**
   * The run ended. The worker closes what was open when it can; when it could not (Python was
   * restarted), every task still waiting gets its wait closed here, at the last moment seen.
   * @param {"done" | "stopped"} how
   */
  finish(how) {
    this.state = how;
    for (const lane of this.lanes.values()) {
      const last = lane.steps[lane.steps.length - 1];
      if (!last || last.args?.kind === "done") continue;
      const end = (last.ts ?? 0) + (last.dur ?? 0);
      if (lane.waits.some((wait) => (wait.ts ?? 0) >= end - 0.5)) continue;
      const wait = { ph: "X", name: last.args?.awaits ?? "?", cat: "wait", tid: lane.tid, ts: end,
        dur: Math.max(0, this.now - end), args: { kind: last.args?.kind ?? "future", open: true } };
      this.events.push(wait);
      lane.waits.push(wait);
    }
  }

  /** A task's wait that has not ended yet: from its last step to now (drawn while running). */
  /** @param {Lane} lane */
  openWait(lane) {
    if (this.state !== "running") return null;
    const last = lane.steps[lane.steps.length - 1];
    if (!last || last.args?.kind === "done") return null;
    const end = (last.ts ?? 0) + (last.dur ?? 0);
    return { ts: end, dur: Math.max(0, this.now - end), name: last.args?.awaits ?? "", kind: last.args?.kind ?? "" };
  }

  summary() {
    let steps = 0;
    let blocking = 0;
    let warmup = 0; // µs of the page's first-run warm-up (not the program's)
    for (const lane of this.lanes.values()) {
      steps += lane.steps.length;
      blocking += lane.steps.filter((step) => step.cat === "blocking").length;
      for (const step of lane.steps) if (step.cat === "warmup") warmup += step.dur ?? 0;
    }
    return { tasks: this.lanes.size, steps, blocking, warmup, ms: this.now / 1000 };
  }
}
