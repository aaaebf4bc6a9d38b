// The service worker keeps the app shell (index.html, the bundle, the manifest) so the site app loads
// without a network. `offlineReady` turns true once the worker controls the page and has cached the shell;
// the page marks it on <html data-offline-ready> for people (the header shows it) and for the browser tests.
import { store } from "./store";

export const offlineReady = store(false);

export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  const mark = (ready: boolean) => {
    offlineReady.set(ready);
    document.documentElement.dataset.offlineReady = String(ready);
  };
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent) => {
    if (event.data?.type === "shell-cached") mark(true);
  });
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) {
      registration.active?.postMessage({ type: "shell-status" });
    } else {
      navigator.serviceWorker.addEventListener("controllerchange", () =>
        navigator.serviceWorker.controller?.postMessage({ type: "shell-status" }), { once: true });
    }
  }).catch((error: unknown) => console.warn("service worker not registered", error));
}
