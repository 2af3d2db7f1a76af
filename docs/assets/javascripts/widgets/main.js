// Mounts the playground widgets (`<div data-widget="...">` in a page) on every page that
// Material's instant navigation shows, and tears down those of the page before.

import { mountChatDemo } from "./chat-demo.js";
import { mountEchoMinimal } from "./echo-minimal.js";
import { mountLab } from "./lab.js";
import { pointPlaygroundLinks } from "./playground-url.js";
import "./search-flags.js"; // makes `--workers` findable: rewrites the search query on its way
import { patchThemeAccessibility } from "./theme-a11y.js";
import { mountWsClient } from "./ws-client.js";

/** @type {Record<string, (root: HTMLElement) => () => void>} */
const WIDGETS = { "ws-client": mountWsClient, "chat-demo": mountChatDemo, lab: mountLab, "echo-minimal": mountEchoMinimal };

/** @type {(() => void)[]} */
let teardowns = [];

function mountPage() {
  const start = performance.now();
  for (const teardown of teardowns) teardown();
  teardowns = [];
  pointPlaygroundLinks(document);
  patchThemeAccessibility();
  for (const root of document.querySelectorAll("[data-widget]")) {
    const mount = WIDGETS[/** @type {HTMLElement} */ (root).dataset.widget ?? ""];
    if (mount) teardowns.push(mount(/** @type {HTMLElement} */ (root)));
  }
  // What the widgets cost a page's load (DevTools' Timings track), and for the browser tests: the
  // page is in place once this and the runner's "runner:mount" are there (tests/browser.py).
  performance.measure("widgets:mount", { start });
}

const material = /** @type {any} */ (window).document$;
if (material && typeof material.subscribe === "function") material.subscribe(mountPage);
else mountPage();
