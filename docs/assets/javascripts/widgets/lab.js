// The concurrency lab: choose an endpoint kind, N and seconds; the playground fires the requests
// from the server side; this shows the elapsed time while it runs (with Cancel), then the
// timeline and a table of the same times.

import { h, on } from "./dom.js";
import { legend, timeline, timingsTable, waitedLong } from "./lab-chart.js";
import { httpUrl, unreachableHelp } from "./playground-url.js";

const KINDS = {
  async: "await asyncio.sleep() in async def",
  blocking: "time.sleep() in async def (blocks the loop)",
  threadpool: "time.sleep() in def (threadpool)",
  cpu: "a CPU loop in async def",
};

/** Getting ready shorter than this is not worth a sentence (an HTTP client's set-up). */
const SAID_READYING_S = 0.2;

/** @param {any} body @param {number} status */
function problem(body, status) {
  const detail = Array.isArray(body?.detail)
    ? body.detail.map((/** @type {any} */ d) => `${d.loc?.at(-1)}: ${d.msg}`).join("; ")
    : body?.detail ?? "no detail";
  return `${status}: ${detail}`;
}

/** @param {HTMLElement} root @returns {() => void} */
export function mountLab(root) {
  const kind = /** @type {HTMLSelectElement} */ (h("select", { "aria-label": "Endpoint kind" },
    Object.entries(KINDS).map(([value, label]) => h("option", { value }, [label]))));
  const requests = /** @type {HTMLInputElement} */ (h("input", { type: "number", min: "1", max: "100", value: "20", "aria-label": "Concurrent requests" }));
  const seconds = /** @type {HTMLInputElement} */ (h("input", { type: "number", min: "0.1", max: "5", step: "0.1", value: "1", "aria-label": "Seconds per request" }));
  const run = h("button", { type: "button", class: "runner__button" }, ["Run"]);
  const cancel = h("button", { type: "button", class: "runner__button", hidden: true }, ["Cancel"]);
  const status = h("p", { class: "lab__status", role: "status" });
  const chart = h("div", { class: "lab__result" });
  root.replaceChildren(
    h("div", { class: "ws__row lab__form" }, [
      h("label", {}, ["Endpoint ", kind]), h("label", {}, ["Requests ", requests]), h("label", {}, ["Seconds ", seconds]), run, cancel,
    ]),
    status, chart,
  );
  root.dataset.state = "idle";

  /** @type {AbortController | null} */
  let controller = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticking;
  /** @type {{ timings: any[], seconds: number } | null} the last result, redrawn at a new width */
  let shown = null;

  function draw() {
    if (!shown) return;
    const width = Math.max(240, Math.floor(chart.clientWidth || root.clientWidth || 640));
    chart.replaceChildren(timeline(shown.timings, shown.seconds, width), legend(), timingsTable(shown.timings));
  }
  let lastWidth = 0;
  const resized = new ResizeObserver(() => {
    if (chart.clientWidth !== lastWidth) { lastWidth = chart.clientWidth; draw(); }
  });
  resized.observe(chart);

  /** @param {"idle" | "running" | "done" | "error" | "cancelled"} state */
  function settle(state) {
    root.dataset.state = state;
    clearInterval(ticking);
    run.removeAttribute("disabled");
    if (document.activeElement === cancel) run.focus();
    cancel.hidden = true;
    controller = null;
  }

  async function go() {
    // A number field lets any number through (0, 9, empty): refuse here, naming the bounds,
    // rather than send it and show the server's validation text.
    for (const field of [requests, seconds]) {
      if (field.value !== "" && field.checkValidity()) continue;
      status.textContent = `${field.getAttribute("aria-label")} must be from ${field.min} to ${field.max}` +
        `${field.step && field.step !== "any" && field.step !== "1" ? ` in steps of ${field.step}` : ""}` +
        `; ${field.value === "" ? "the field is empty" : `${field.value} is not`}. Nothing was sent.`;
      root.dataset.state = "error";
      shown = null;
      chart.replaceChildren(); // an old chart beside this refusal would be read as its result
      field.focus();
      return;
    }
    controller = new AbortController();
    const { signal } = controller;
    shown = null;
    chart.replaceChildren();  // an old chart under a new error would be read as this run's
    run.setAttribute("disabled", "");
    cancel.hidden = false;
    root.dataset.state = "running";
    const began = performance.now();
    const what = `${requests.value} requests at the ${kind.value} endpoint`;
    const elapsed = () => ((performance.now() - began) / 1000).toFixed(1);
    status.textContent = `Firing ${what}…`;
    ticking = setInterval(() => { status.textContent = `Firing ${what}… ${elapsed()} s`; }, 500);
    try {
      const response = await fetch(httpUrl("lab/run"), {
        method: "POST", headers: { "content-type": "application/json" }, signal,
        body: JSON.stringify({ kind: kind.value, requests: Number(requests.value), seconds: Number(seconds.value) }),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new Error(problem(body, response.status));
      shown = { timings: body.timings, seconds: body.seconds };
      draw();
      const waited = waitedLong(body.timings, body.seconds);
      // "All answered after" is what the chart shows: from the first send to the last answer.
      // The server's elapsed time also holds its getting ready (on the first run, starting the
      // lab's target server): said apart, so the two numbers never disagree unexplained.
      const answered = Math.max(0, ...body.timings.map((/** @type {any} */ t) => t.end ?? 0));
      const readying = body.elapsed - answered;
      status.textContent = `${body.requests} requests, each ${body.seconds} s: all answered after ${answered.toFixed(2)} s` +
        (body.timed_out ? ` (${body.timed_out} timed out)` : "") +
        (readying >= SAID_READYING_S ? ` (the playground took ${readying.toFixed(2)} s more to get ready before the first request; the first run starts the lab's server)` : "") +
        `; ${waited.count} waited more than ${waited.threshold.toFixed(2)} s before the server started them.`;
      settle("done");
    } catch (error) {
      if (signal.aborted) {
        status.textContent = `Cancelled after ${elapsed()} s: the playground stopped the run.`;
        settle("cancelled");
        return;
      }
      status.textContent = error instanceof TypeError
        ? unreachableHelp(httpUrl("lab/run"))
        : String(error instanceof Error ? error.message : error);
      settle("error");
    }
  }

  const offs = [
    on(run, "click", go),
    // Aborting closes the request; the playground sees the client go and stops the run.
    on(cancel, "click", () => controller?.abort()),
  ];
  return () => {
    for (const off of offs) off();
    resized.disconnect();
    clearInterval(ticking);
    controller?.abort();
  };
}
