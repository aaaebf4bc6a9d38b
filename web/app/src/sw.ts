// The service worker: precaches exactly the files of this build (the list is written in at build time)
// and answers every navigation with the cached index.html, every cached file from the cache - so the site
// app starts and runs with no network. /api/ and /auth/ are never cached: work done offline waits in the
// app's IndexedDB outbox, not in HTTP caches. A new build has a new version: its worker installs beside
// the old one, takes over, and deletes the old cache.
/// <reference lib="webworker" />
declare const __SHELL__: string[];
declare const __VERSION__: string;
const worker = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `vaxtrail-shell-${__VERSION__}`;

worker.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(__SHELL__)).then(() => worker.skipWaiting()));
});

worker.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("vaxtrail-shell-") && name !== CACHE) await caches.delete(name);
    }
    await worker.clients.claim();
    for (const client of await worker.clients.matchAll()) client.postMessage({ type: "shell-cached", version: __VERSION__ });
  })());
});

worker.addEventListener("message", (event) => {
  if (event.data?.type !== "shell-status") return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const missing = (await Promise.all(__SHELL__.map((url) => cache.match(url)))).some((hit) => !hit);
    if (!missing) (event.source as Client | null)?.postMessage({ type: "shell-cached", version: __VERSION__ });
  })());
});

worker.addEventListener("fetch", (event) => {
  const request = event.request;
  const where = new URL(request.url);
  if (request.method !== "GET" || where.origin !== worker.location.origin) return;
  if (where.pathname.startsWith("/api/") || where.pathname.startsWith("/auth/")) return;
  if (request.mode === "navigate") {
    event.respondWith(caches.match("/", { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
