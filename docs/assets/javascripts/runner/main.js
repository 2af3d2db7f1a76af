// Entry point of the in-page runner. Material's instant navigation swaps page content without
// reloading, so this module runs once per visit: it owns the one runtime and re-mounts blocks on
// every page that `document$` announces, tearing down those of the page before.

import { ensureIsolation } from "./isolation.js";
import { mountExtras } from "./page-extras.js";
import { mountRunnable } from "./runnable-block.js";
import { mountExercises } from "../exercises/main.js";
import { RuntimeClient } from "./runtime-client.js";
import { snapshotForThisPage } from "./snapshot-choice.js";

ensureIsolation();

/** The worker's URL, made when Python is first started: the snapshot is chosen for that page. */
function workerUrl() {
  const url = new URL("./worker.js", import.meta.url);
  // Test-only: `?jspi=off` on the page runs Python as a browser without JSPI would.
  if (new URL(location.href).searchParams.get("jspi") === "off") url.searchParams.set("jspi", "off");
  // With or without the build's memory snapshot (`?snapshot=on|off` on the page forces it).
  const snapshot = snapshotForThisPage();
  client.snapshotChoice = snapshot;
  if (!snapshot.use) url.searchParams.set("snapshot", "off");
  return url;
}

const client = new RuntimeClient({ workerUrl });
/** @type {(() => void)[]} */
let teardowns = [];

function mountPage() {
  const start = performance.now();
  for (const teardown of teardowns) teardown();
  // Exercises first: they put the reader's kept code where the blocks look for it, and their
  // teardowns (which keep that code) must run while the blocks' editors still exist.
  teardowns = mountExercises(client, () => {
    const blocks = /** @type {HTMLElement[]} */ ([...document.querySelectorAll(".md-content .highlight")]);
    const mounted = blocks.map((block) => mountRunnable(block, client));
    return [mountExtras(blocks, client), ...mounted]; // predict and console sit on the blocks: torn down first
  });
  // What the runner costs a page's load, for the browser tests (and DevTools' Timings track).
  performance.measure("runner:mount", { start });
}

// Exposed for the browser tests and for curious readers in the console.
Object.defineProperty(window, "asyncFastapiLive", { value: { runtime: client }, configurable: true });

const material = /** @type {any} */ (window).document$;
if (material && typeof material.subscribe === "function") material.subscribe(mountPage);
else mountPage();
