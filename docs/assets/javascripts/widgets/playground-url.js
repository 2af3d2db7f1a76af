// Where the playground is. Default: the origin that served this page (`make serve` serves both).
// A static copy of the site can point elsewhere with `?playground=http://host:port` once; the
// choice is remembered in localStorage.

const KEY = "async-fastapi-live:playground";

/** @returns {URL} the playground's base URL, always ending in "/" */
export function playgroundBase() {
  const fromQuery = new URL(location.href).searchParams.get("playground");
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

/** @param {string | null} value a URL, or null to go back to this page's origin */
export function setPlaygroundBase(value) {
  if (value) localStorage.setItem(KEY, new URL(value).href);
  else localStorage.removeItem(KEY);
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

/** What to tell a reader when the playground does not answer. */
export function unreachableHelp() {
  return `The playground did not answer at ${playgroundBase().origin}. Start it with \`make serve\` ` +
    "(it serves this site and the live endpoints at http://127.0.0.1:8000), or open this page with " +
    "?playground=<its URL>.";
}
