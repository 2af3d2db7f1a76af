// Cross-origin isolation for static hosts that cannot send headers.
//
// The runner stops a running snippet in place through SharedArrayBuffer, which browsers allow
// only in a cross-origin isolated page (COOP + COEP). The playground sends those headers itself;
// a plain static host does not, so this service worker adds them to every same-origin response.
// isolation.js registers it, and reloads once so that the page itself is served through it.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Chrome throws on these; and other origins are not ours to change.
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  if (new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: nothing to add headers to
      const headers = new Headers(response.headers);
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Embedder-Policy", "require-corp");
      headers.set("Cross-Origin-Resource-Policy", "same-origin");
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
