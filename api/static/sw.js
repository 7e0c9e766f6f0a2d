// Keeps the day: pages and data under /d/ come from the network when there is signal (and are
// stored), and from the store when there is none. Reports are never cached: the page queues
// them itself and sends them when the signal returns.
"use strict";
var CACHE = "patronage-day-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (!(url.pathname.indexOf("/d/") === 0 || url.pathname.indexOf("/static/") === 0)) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || new Response("offline", { status: 503 });
      });
    })
  );
});
