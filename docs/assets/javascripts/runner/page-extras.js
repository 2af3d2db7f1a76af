// What a page gets besides its runnable blocks: "Predict first" on the blocks that ask for it,
// the asyncio console where the page has a place for it (`<div data-asyncio-console></div>`),
// and "Continue in the console" on every block that runs in the page. Mounted by main.js after
// the blocks; the returned teardown runs before theirs.

import { mountConsole } from "./asyncio-console.js";
import { mountPredict } from "./predict.js";

/** @typedef {import("./runtime-client.js").RuntimeClient} RuntimeClient */

/**
 * @param {HTMLElement[]} blocks the page's code blocks, mounted by mountRunnable
 * @param {RuntimeClient} client
 * @returns {() => void} teardown
 */
export function mountExtras(blocks, client) {
  /** @type {(() => void)[]} */
  const teardowns = [];
  const runnable = blocks.filter((block) => block.classList.contains("runner") && block.dataset.runnerKind !== undefined);
  for (const block of runnable) teardowns.push(mountPredict(block));

  /** @type {ReturnType<typeof mountConsole>[]} */
  const consoles = [...document.querySelectorAll(".md-content [data-asyncio-console]")]
    .map((host) => mountConsole(/** @type {HTMLElement} */ (host), client));
  /** @type {HTMLElement[]} */
  const madeHosts = [];

  /** The page's console, or one made right under the block on a page without one. @param {HTMLElement} block */
  function consoleFor(block) {
    if (consoles.length) return consoles[0];
    const host = document.createElement("div");
    host.dataset.asyncioConsole = "";
    block.after(host);
    madeHosts.push(host);
    const made = mountConsole(host, client);
    consoles.push(made);
    return made;
  }

  for (const block of runnable) {
    const toolbar = block.querySelector(":scope > .runner__toolbar");
    const filename = block.querySelector(":scope > .filename")?.textContent?.trim() ?? "";
    if (!toolbar) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "runner__button console__continue";
    button.textContent = "Continue in the console";
    button.title = "Run this code in the asyncio console, then keep typing with its names defined";
    const go = () => consoleFor(block).continueWith(/** @type {any} */ (block).runnerSource(), filename);
    button.addEventListener("click", go);
    // Beside the block's other occasional actions ("More actions"), before its source link.
    const source = toolbar.querySelector(".runner__source");
    if (source) source.before(button);
    else toolbar.append(button);
    teardowns.push(() => { button.removeEventListener("click", go); button.remove(); });
  }

  return () => {
    for (const teardown of teardowns) teardown();
    for (const made of consoles) made.destroy();
    for (const host of madeHosts) host.remove();
  };
}
