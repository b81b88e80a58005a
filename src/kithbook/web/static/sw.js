// The service worker: what lets Kithbook, added to a phone's home screen, open its
// "log an interaction" screen without a network. Logs written offline are queued by the
// page itself (app.js), which holds the session's token; this worker only keeps a copy
// of that one screen and of the site's own assets. Pages of the book are never kept.
"use strict";
const CACHE = "kithbook-shell-1";
const ASSETS = ["/static/app.css", "/static/app.js", "/static/favicon.svg",
                "/static/manifest.webmanifest"];

async function keepLogScreen(cache, response) {
  // A sign-in page that answered for /log (a session that ended) is not the log screen.
  if (response.ok && !response.redirected) await cache.put("/log", response.clone());
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    try { await keepLogScreen(cache, await fetch("/log", {cache: "no-store"})); } catch (e) { /* kept at the next visit */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const logScreen = url.pathname === "/log";
  if (!logScreen && !ASSETS.includes(url.pathname)) return;
  // The network first, so what is shown is current; the kept copy when there is none.
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      // /log with shared text is that one share's page: the plain screen is what is kept.
      if (logScreen) return url.search ? response : keepLogScreen(cache, response);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (offline) {
      const kept = await cache.match(logScreen ? "/log" : request);
      if (kept) return kept;
      throw offline;
    }
  })());
});
