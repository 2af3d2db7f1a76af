// Where the playground is. Default: the origin that served this page (`make serve` serves both).
// A static copy of the site can point elsewhere with `?playground=http://host:port` once; the
// choice is remembered in localStorage.

const KEY = "async-fastapi-live:playground";

/** @returns {URL} the playground's base URL, always ending in "/" */
export function playgroundBase() {
  const fromQuery = new URL(location.href).searchParams.get("playground");
  if (fromQuery === "") localStorage.removeItem(KEY);  // `?playground=`: back to this page's server
  if (fromQuery) {
    try {
      const url = new URL(fromQuery);
      localStorage.setItem(KEY, url.href);
    } catch { /* not a URL: ignore it and keep the previous choice */ }
  }
  const stored = localStorage.getItem(KEY);
  const base = new URL(stored || "/", location.href);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}

/** @param {string} path e.g. "ws/echo" @returns {string} the ws:// or wss:// URL */
export function websocketUrl(path) {
  const url = new URL(path.replace(/^\//, ""), playgroundBase());
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** @param {string} path e.g. "lab/run" */
export function httpUrl(path) {
  return new URL(path.replace(/^\//, ""), playgroundBase()).href;
}

/** Whether the reader chose another playground (`?playground=`), rather than this page's server. */
export function playgroundChosen() {
  return playgroundBase().origin !== location.origin;
}

/**
 * What to tell a reader when nothing answered at `tried`: the address that failed, and the hint
 * that fits it. "Start it with make serve" only where that is the fix: this page's own server.
 * @param {string} tried the URL that did not answer (ws:// or http://)
 */
export function unreachableHelp(tried) {
  const base = playgroundBase();
  const target = new URL(tried);
  if (target.host !== base.host) {
    return `Nothing answered at ${tried}. Check the URL (scheme, host, port and path) and that a ` +
      `server runs there; this site's playground is ${base.href}.`;
  }
  if (playgroundChosen()) {
    return `The playground chosen with ?playground= did not answer at ${base.origin} (tried ${tried}). ` +
      "Check that address and that a playground runs there, or open this page with ?playground= " +
      "(empty) to use the server this page came from.";
  }
  return `The playground did not answer at ${base.origin}, the server this page came from: it ` +
    "has stopped or restarted. Start it again with `make serve` (or `python -m playground`).";
}

/**
 * Links written `[text](http://127.0.0.1:8000/docs){ data-playground-href="docs" }` point at the
 * playground this page really uses (another port, another host), text included when it shows
 * the address.
 * @param {ParentNode} root
 */
export function pointPlaygroundLinks(root) {
  for (const link of root.querySelectorAll("a[data-playground-href]")) {
    const anchor = /** @type {HTMLAnchorElement} */ (link);
    const shownAddress = anchor.textContent === anchor.getAttribute("href");
    anchor.href = httpUrl(anchor.dataset.playgroundHref ?? "");
    if (shownAddress) anchor.textContent = anchor.href;
  }
}
