// The Exercises page: every exercise (site/exercise-data/index.json, written by the build from the
// exercises/ folder), with the reader's progress from this browser, and a reset for all of it.

import { forgetAllProgress, loadProgress } from "./progress.js";

const INDEX_URL = new URL("../../../exercise-data/index.json", import.meta.url);
const SITE_ROOT = new URL("../../../", import.meta.url);
const TOPICS = /** @type {Record<string, string>} */ ({
  terminology: "Terminology", async_io: "Async I/O", dependency_injection: "Dependency injection", websocket: "WebSockets",
});
const STATES = { new: "not tried", tried: "tried, not passed yet", passed: "passed ✓" };

/**
 * @param {HTMLElement} host the page's `[data-exercise-list]` element
 * @returns {() => void} teardown
 */
export function mountExerciseList(host) {
  const status = document.createElement("p");
  status.className = "exercise-list__summary";
  status.setAttribute("role", "status");
  const list = document.createElement("div");
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "runner__button exercise-list__reset";
  reset.textContent = "Forget all my progress and code";
  host.replaceChildren(status, list, reset);
  /** @type {{ id: string, title: string, topic: string, page: string, anchor: string }[]} */
  let entries = [];

  function render() {
    const groups = new Map();
    let passed = 0;
    for (const entry of entries) {
      const state = loadProgress(entry.id).state;
      if (state === "passed") passed += 1;
      const item = document.createElement("li");
      item.dataset.exerciseState = state;
      const link = document.createElement("a");
      link.href = new URL(`${entry.page}#${entry.anchor}`, SITE_ROOT).href;
      link.textContent = entry.title;
      item.append(link, ` — ${STATES[state]}`);
      if (!groups.has(entry.topic)) groups.set(entry.topic, []);
      groups.get(entry.topic).push(item);
    }
    const nodes = [];
    for (const [topic, items] of groups) {
      const heading = document.createElement("h2");
      heading.textContent = TOPICS[topic] ?? topic;
      const ul = document.createElement("ul");
      ul.className = "exercise-list";
      ul.append(...items);
      nodes.push(heading, ul);
    }
    list.replaceChildren(...nodes);
    status.textContent = `${passed} of ${entries.length} exercises passed in this browser.`;
  }

  function forget() {
    forgetAllProgress();
    render();
    status.textContent = `Forgot all progress and code: ${status.textContent}`;
  }

  fetch(INDEX_URL)
    .then((response) => {
      if (!response.ok) throw new Error(`exercise-data/index.json answered ${response.status}`);
      return response.json();
    })
    .then((loaded) => { entries = loaded; render(); })
    .catch((error) => { status.textContent = `The list of exercises could not be loaded: ${error.message}`; });
  reset.addEventListener("click", forget);
  return () => reset.removeEventListener("click", forget);
}
