// Make the page cross-origin isolated when the host did not: register coi-serviceworker.js and
// reload once through it. Without isolation everything still runs; only Stop has to replace the
// Python worker instead of interrupting it.

const WORKER_URL = new URL("../../../coi-serviceworker.js", import.meta.url);
const RELOADED = "async-fastapi-live:coi-reloaded";

/** @returns {Promise<"isolated" | "reloading" | "unavailable">} */
export async function ensureIsolation() {
  if (globalThis.crossOriginIsolated) return "isolated";
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return "unavailable";
  try {
    const registration = await navigator.serviceWorker.register(WORKER_URL, { scope: new URL("./", WORKER_URL).pathname });
    // Reload once: if this page is still not isolated after that, the host or browser will not
    // allow it, and looping would only hurt the reader.
    if (!sessionStorage.getItem(RELOADED)) {
      sessionStorage.setItem(RELOADED, "1");
      await navigator.serviceWorker.ready;
      if (registration.active) {
        location.reload();
        return "reloading";
      }
    }
  } catch {
    // Registration refused (private mode, disabled by policy): run without isolation.
  }
  return "unavailable";
}
