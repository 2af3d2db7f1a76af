// The lab's result, drawn twice: an SVG timeline (one bar per request, waiting apart from being
// served) and a <table> of the same numbers, the text alternative a screen reader can walk.

import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

/**
 * @typedef {{ index: number, start: number, end: number | null, status: number | null,
 *   thread?: string | null, served_start?: number | null, served_end?: number | null,
 *   error?: string | null }} Timing
 */

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
 * Round tick positions: a step of 1, 2, 2.5 or 5 times a power of ten, about `count` of them,
 * covering [0, span]; the axis ends on the last tick, so no bar runs past it.
 * @param {number} span @param {number} count
 * @returns {{ step: number, ticks: number[], decimals: number }}
 */
export function niceTicks(span, count) {
  const raw = Math.max(span, 1e-3) / Math.max(1, count);
  let exponent = Math.floor(Math.log10(raw));
  let mantissa = [1, 2, 2.5, 5, 10].find((m) => m * 10 ** exponent >= raw * (1 - 1e-9)) ?? 10;
  if (mantissa === 10) [mantissa, exponent] = [1, exponent + 1];
  const step = mantissa * 10 ** exponent;
  const intervals = Math.max(1, Math.ceil(span / step - 1e-9));
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  const decimals = Math.max(0, -exponent) + (mantissa === 2.5 ? 1 : 0);
  return { step, ticks, decimals };
}

/**
 * How many requests waited noticeably before their handler started: longer than a quarter of
 * their own work (at least 50 ms), so connection set-up alone does not count as waiting.
 * @param {Timing[]} timings @param {number} seconds
 * @returns {{ count: number, threshold: number }}
 */
export function waitedLong(timings, seconds) {
  const threshold = Math.max(0.05, seconds / 4);
  const count = timings.filter((t) => t.served_start != null && t.served_start - t.start > threshold).length;
  return { count, threshold };
}

/** @param {number} seconds @param {number} decimals */
const label = (seconds, decimals) => `${seconds.toFixed(decimals)} s`;

/**
 * @param {Timing[]} timings
 * @param {number} seconds each request's own work (the axis covers at least that much)
 * @param {number} width the drawing's width in CSS pixels (text stays at its real size)
 * @returns {SVGElement}
 */
export function timeline(timings, seconds, width) {
  const rows = timings.length;
  const span = Math.max(...timings.map((t) => t.end ?? seconds), seconds, 0.001);
  const { ticks, decimals } = niceTicks(span, Math.max(2, Math.min(8, Math.floor(width / 90))));
  const axisEnd = ticks[ticks.length - 1];
  const left = 8, right = 8, top = 6, bar = Math.max(3, Math.min(14, 420 / rows)), gap = bar < 6 ? 1 : 3;
  const height = top + rows * (bar + gap) + 26;
  const x = (/** @type {number} */ at) => left + (at / axisEnd) * (width - left - right);
  const waited = waitedLong(timings, seconds);
  const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "lab__chart", role: "img",
    "aria-label": `Timeline of ${rows} requests over ${span.toFixed(2)} seconds; ${waited.count} waited more than ` +
      `${waited.threshold.toFixed(2)} s before being served. ` +
      "The table below lists the same times." });
  ticks.forEach((at, i) => {
    chart.append(svg("line", { x1: x(at), x2: x(at), y1: top - 4, y2: height - 22, class: "lab__grid" }));
    // The first label starts at its tick and the last ends at it: neither is cut by the edge.
    const anchor = i === 0 ? "start" : i === ticks.length - 1 ? "end" : "middle";
    const text = svg("text", { x: x(at), y: height - 6, class: "lab__tick", "text-anchor": anchor });
    text.textContent = label(at, decimals);
    chart.append(text);
  });
  timings.forEach((timing, row) => {
    const y = top + row * (bar + gap);
    const end = timing.end ?? span;
    const servedFrom = Math.min(Math.max(timing.served_start ?? timing.start, timing.start), end);
    const servedTo = Math.min(Math.max(timing.served_end ?? end, servedFrom), end);
    const title = `request ${timing.index + 1}: sent ${timing.start.toFixed(3)} s` +
      (timing.served_start != null ? `, served from ${servedFrom.toFixed(3)} s to ${servedTo.toFixed(3)} s` : "") +
      (timing.end === null ? `, no answer (${timing.error ?? "timed out"})` : `, answered ${end.toFixed(3)} s`);
    const group = svg("g", {});
    const tip = svg("title", {});
    tip.textContent = title;
    group.append(tip);
    if (timing.end === null) {
      group.append(svg("rect", { x: x(timing.start), y, width: Math.max(1, x(end) - x(timing.start)), height: bar, class: "lab__bar lab__bar--timeout" }));
    } else {
      group.append(svg("rect", { x: x(timing.start), y, width: Math.max(0, x(servedFrom) - x(timing.start)), height: bar, class: "lab__bar lab__bar--waiting" }));
      group.append(svg("rect", { x: x(servedFrom), y, width: Math.max(1, x(servedTo) - x(servedFrom)), height: bar, class: "lab__bar lab__bar--served" }));
    }
    chart.append(group);
  });
  return chart;
}

/** The legend: what each colour means, as text. */
export function legend() {
  /** @param {string} kind @param {string} text */
  const item = (kind, text) => h("li", {}, [h("span", { class: `lab__swatch lab__bar--${kind}`, "aria-hidden": "true" }), text]);
  return h("ul", { class: "lab__legend" }, [
    item("waiting", "waiting: sent, not yet started by the server"),
    item("served", "being served: the handler is running"),
    item("timeout", "no answer before the deadline"),
  ]);
}

/** @param {number | null | undefined} value */
const cell = (value) => (value == null ? "—" : value.toFixed(3));

/**
 * @param {Timing[]} timings
 * @returns {HTMLElement} a <details> holding a <table> of every request
 */
export function timingsTable(timings) {
  const head = ["request", "sent (s)", "handler started (s)", "handler ended (s)", "answered (s)", "waited (s)", "status", "thread"];
  const rows = timings.map((t) => h("tr", {}, [
    h("th", { scope: "row" }, [String(t.index + 1)]),
    h("td", {}, [cell(t.start)]), h("td", {}, [cell(t.served_start)]), h("td", {}, [cell(t.served_end)]),
    h("td", {}, [cell(t.end)]),
    h("td", {}, [cell(t.served_start == null ? null : Math.max(0, t.served_start - t.start))]),
    h("td", {}, [t.status == null ? (t.error ?? "—") : String(t.status)]),
    h("td", {}, [t.thread ?? "—"]),
  ]));
  return h("details", { class: "lab__table" }, [
    h("summary", {}, [`Table of the ${timings.length} requests`]),
    h("div", { class: "lab__table-scroll", tabindex: "0", role: "region", "aria-label": "Lab requests table" }, [
      // A class keeps Material's table style off: it makes the <table> itself a scroll box.
      h("table", { class: "lab__requests" }, [h("thead", {}, [h("tr", {}, head.map((text) => h("th", { scope: "col" }, [text])))]), h("tbody", {}, rows)]),
    ]),
  ]);
}
