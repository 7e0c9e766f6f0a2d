// Keeps the day: pages and data under /d/ come from the network when there is signal (and are
// stored), and from the store when there is none. Reports are never cached: the page queues
// them itself (naming each stop by its order or visit, which re-plans keep) and sends them
// when the signal returns.
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
  // "Is there a newer version?" is only worth asking the server: an old answer from the store
  // would tell the page nothing.
  if (/\/changes$/.test(url.pathname)) { return; }
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

// A route was re-published. The message names the route's version and a link, never a
// client, so nothing personal sits on the push service or the lock screen.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = data.title || "Patronage";
  var body = data.plan_version ? "v" + data.plan_version + (data.body ? " · " + data.body : "")
                               : (data.body || "");
  // An open day page hears it too and offers the new version at once (phone.js).
  var told = self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      windows.forEach(function (w) {
        w.postMessage({ type: "route.published", plan_version: data.plan_version || 0 });
      });
    });
  event.waitUntil(Promise.all([told, self.registration.showNotification(title, {
    body: body,
    tag: data.type === "alert" ? "alert-" + data.alert_id : "route-" + (data.route_id || ""),
    requireInteraction: data.type === "alert",
    renotify: true,
    data: { url: data.url || "/d/" },
  })]));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/d/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(url);
    }));
});
