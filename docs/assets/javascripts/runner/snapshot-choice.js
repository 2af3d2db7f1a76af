// Whether Python starts from the build's memory snapshot: chosen when the runtime is started,
// from the page the reader is on.
//
// The snapshot is ~4.7 MB more to fetch and saves the interpreter's start-up work; it holds
// asyncio and the runner, not the wheels. Measured with benchmarks/runner_cold_start.py (empty
// cache, median of 3 on loopback): a print's first output 503 ms with it, 1,004 ms without; a
// FastAPI block's 1,858 ms with it, 1,925 ms without (the same within noise: its packages load
// after the snapshot either way), but 18.8 MB fetched against 14.1, and at 10 Mbit/s 16.2 s to
// its first output against 12.7 s. So a page whose blocks import packages starts without it.
//
// Not chosen by connection (at 10 Mbit/s a print took 11.0 s with it, 7.8 s without): the page
// cannot tell its connection in time. Its own files' timings read ~9 Mbit/s on loopback (their
// last bytes wait for a busy main thread), and `navigator.connection` reads 1.55 Mbit/s there.

/** Imports that load wheels the snapshot does not hold (the page's FastAPI, httpx, ... blocks). */
const NEEDS_PACKAGES = /^\s*(?:from|import)\s+(?:fastapi|starlette|pydantic|httpx|anyio|websockets)\b/m;

/**
 * @param {{ query: URLSearchParams, pageCode: string[] }} visit the page's URL query
 *   (`?snapshot=on|off` forces the choice: tests and benchmarks) and its code blocks' text
 * @returns {{ use: boolean, why: string }}
 */
export function chooseSnapshot({ query, pageCode }) {
  const forced = query.get("snapshot");
  if (forced === "on" || forced === "off") return { use: forced === "on", why: `?snapshot=${forced}` };
  if (pageCode.some((code) => NEEDS_PACKAGES.test(code))) {
    return { use: false, why: "this page's blocks import packages, which load after the snapshot anyway" };
  }
  return { use: true, why: "this page's blocks need only the standard library" };
}

/** The choice for the page the reader is on. @returns {{ use: boolean, why: string }} */
export function snapshotForThisPage() {
  return chooseSnapshot({
    query: new URL(location.href).searchParams,
    pageCode: [...document.querySelectorAll(".md-content .highlight pre")].map((pre) => pre.textContent ?? ""),
  });
}
