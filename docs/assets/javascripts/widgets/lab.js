// The concurrency lab: choose an endpoint kind, N and seconds; the playground fires the requests
// from the server side and this draws one bar per request on an SVG timeline.

import { h, on } from "./dom.js";
import { httpUrl, unreachableHelp } from "./playground-url.js";

const SVG = "http://www.w3.org/2000/svg";
const KINDS = {
  async: "await asyncio.sleep() in async def",
  blocking: "time.sleep() in async def (blocks the loop)",
  threadpool: "time.sleep() in def (FastAPI's threadpool)",
  cpu: "a CPU loop in async def",
};

/**
 * @param {string} tag @param {Record<string, string | number>} attributes
 * @returns {SVGElement}
 */
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/**
 * @typedef {{ index: number, start: number, end: number | null, status: number | null }} Timing
 * @param {Timing[]} timings @param {number} deadline
 * @returns {SVGElement}
 */
export function timeline(timings, deadline) {
  const rows = timings.length;
  const span = Math.max(...timings.map((t) => t.end ?? deadline), 0.001);
  const width = 640, left = 40, right = 10, top = 10, bar = Math.max(2, Math.min(14, 400 / rows)), gap = bar < 6 ? 1 : 3;
  const height = top + rows * (bar + gap) + 30;
  const x = (/** @type {number} */ seconds) => left + (seconds / span) * (width - left - right);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "lab__chart", role: "img",
    "aria-label": `Timeline of ${rows} requests over ${span.toFixed(2)} seconds` });
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const seconds = (span * i) / ticks;
    chart.append(svg("line", { x1: x(seconds), x2: x(seconds), y1: top - 4, y2: height - 24, class: "lab__grid" }));
    const label = svg("text", { x: x(seconds), y: height - 8, class: "lab__tick", "text-anchor": "middle" });
    label.textContent = `${seconds.toFixed(2)} s`;
    chart.append(label);
  }
  timings.forEach((timing, row) => {
    const y = top + row * (bar + gap);
    const end = timing.end ?? span;
    const rect = svg("rect", { x: x(timing.start), y, width: Math.max(1, x(end) - x(timing.start)), height: bar,
      class: timing.end === null ? "lab__bar lab__bar--timeout" : "lab__bar", rx: 1 });
    const title = svg("title", {});
    title.textContent = `request ${timing.index + 1}: ${timing.start.toFixed(3)} s → ${timing.end === null ? "timed out" : `${end.toFixed(3)} s`}`;
    rect.append(title);
    chart.append(rect);
  });
  return chart;
}

/** @param {HTMLElement} root @returns {() => void} */
export function mountLab(root) {
  const kind = /** @type {HTMLSelectElement} */ (h("select", { "aria-label": "Endpoint kind" },
    Object.entries(KINDS).map(([value, label]) => h("option", { value }, [label]))));
  const requests = /** @type {HTMLInputElement} */ (h("input", { type: "number", min: "1", max: "100", value: "20", "aria-label": "Concurrent requests" }));
  const seconds = /** @type {HTMLInputElement} */ (h("input", { type: "number", min: "0.1", max: "5", step: "0.1", value: "1", "aria-label": "Seconds per request" }));
  const run = h("button", { type: "button", class: "runner__button" }, ["Run"]);
  const status = h("p", { class: "lab__status", role: "status" });
  const chart = h("div", { class: "lab__result" });
  root.replaceChildren(
    h("div", { class: "ws__row lab__form" }, [
      h("label", {}, ["Endpoint ", kind]), h("label", {}, ["Requests ", requests]), h("label", {}, ["Seconds ", seconds]), run,
    ]),
    status, chart,
  );
  const controller = new AbortController();

  async function go() {
    run.setAttribute("disabled", "");
    root.dataset.state = "running";
    status.textContent = `Firing ${requests.value} requests at the ${kind.value} endpoint…`;
    try {
      const response = await fetch(httpUrl("lab/run"), {
        method: "POST", headers: { "content-type": "application/json" }, signal: controller.signal,
        body: JSON.stringify({ kind: kind.value, requests: Number(requests.value), seconds: Number(seconds.value) }),
      });
      const body = await response.json();
      if (!response.ok) {
        const detail = Array.isArray(body.detail) ? body.detail.map((/** @type {any} */ d) => `${d.loc.at(-1)}: ${d.msg}`).join("; ") : body.detail;
        throw new Error(`${response.status}: ${detail}`);
      }
      chart.replaceChildren(timeline(body.timings, body.seconds));
      root.dataset.state = "done";
      status.textContent = `${body.requests} requests, each ${body.seconds} s: all answered after ${body.elapsed.toFixed(2)} s` +
        (body.timed_out ? ` (${body.timed_out} timed out)` : "") + ".";
    } catch (error) {
      if (controller.signal.aborted) return;
      root.dataset.state = "error";
      status.textContent = error instanceof TypeError ? unreachableHelp() : String(error instanceof Error ? error.message : error);
    } finally {
      run.removeAttribute("disabled");
    }
  }

  const off = on(run, "click", go);
  return () => { off(); controller.abort(); };
}
