// The driver's and caregiver's day: reports are queued on the phone and sent when there is
// signal. Each report gets its own id when the button is pressed, so sending it twice (a retry
// after a lost answer) changes nothing on the server. A report names its stop by the order or
// visit ("order:12", the stop's data-key), which every re-plan keeps, so a report queued
// against an older version still lands. The page asks now and then whether a newer version
// changed this route; only then does it reload its stops and say what changed.
(function () {
  "use strict";
  var list = document.getElementById("stops");
  var token = list ? list.dataset.token : null;
  var queueKey = "patronage.queue:" + (token || "");
  var net = document.getElementById("net");
  var queueBadge = document.getElementById("queue");
  var sending = false;

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(queueKey) || "[]"); }
    catch (e) { return []; }
  }

  function save(queue) {
    window.localStorage.setItem(queueKey, JSON.stringify(queue));
    queueBadge.textContent = queue.length ? queue.length + " " + queueBadge.dataset.label : "";
  }

  function stopItem(report) {
    // Queued by this page (a key), or by a page from before keys (a stop row id).
    if (report.stop_key && list) {
      return list.querySelector("li.stop[data-key='" + report.stop_key + "']");
    }
    return document.getElementById("stop-" + report.stop_id);
  }

  function show(report, status, label, pending) {
    var li = stopItem(report);
    if (!li) { return; }
    var badge = li.querySelector("[data-status]");
    badge.className = "badge st-" + status + (pending ? " pending" : "");
    if (label) { badge.textContent = label; }
    li.classList.add("reported");
    li.dataset.reported = status;
  }

  function showNet() {
    var online = navigator.onLine;
    net.textContent = online ? net.dataset.online : net.dataset.offline;
    net.classList.toggle("off", !online);
  }

  function flush() {
    var queue = load();
    if (sending || !queue.length || !token) { save(queue); return; }
    sending = true;
    var item = queue[0];
    fetch("/d/" + token + "/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(item.report),
    }).then(function (response) {
      sending = false;
      if (response.status >= 500) { return; } // try again later, same id
      save(load().filter(function (q) { return q.report.client_event_id !== item.report.client_event_id; }));
      if (response.ok) {
        show(item.report, item.report.status, item.label, false);
      } else {
        show(item.report, "problem", list.dataset.confirmError, false);
      }
      flush();
    }).catch(function () { sending = false; }); // no signal: keep it queued
  }

  function report(button) {
    var li = button.closest(".stop");
    var note = li.querySelector("textarea");
    var item = {
      label: button.textContent.trim(),
      report: {
        stop_key: li.dataset.key,
        version: Number(list.dataset.version || 0),
        status: button.dataset.report,
        client_event_id: newId(),
        note: button.dataset.report === "problem" && note ? note.value : "",
        at: new Date().toISOString(),
      },
    };
    var queue = load();
    queue.push(item);
    save(queue);
    show(item.report, item.report.status, item.label, true);
    flush();
  }

  function checkVersion() {
    // A newer published version: reload the stops only when this route changed (a re-plan
    // that moved none of them changes nothing here), and say what changed.
    if (!list || !token || !navigator.onLine) { return Promise.resolve(); }
    var shown = Number(list.dataset.version || 0);
    return fetch("/d/" + token + "/changes?since=" + shown, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !(body.version > Number(list.dataset.version || 0))) { return; }
        if (!body.changed) { list.dataset.version = String(body.version); return; }
        return reloadStops(body);
      }).catch(function () { /* no signal: ask again later */ });
  }

  function reloadStops(body) {
    return fetch(location.pathname, { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("page " + response.status); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("stops");
      if (!fresh) { return; }
      list.innerHTML = fresh.innerHTML;
      list.dataset.version = fresh.dataset.version;
      load().forEach(function (item) { show(item.report, item.report.status, item.label, true); });
      navLinks();
      var banner = document.getElementById("changed");
      banner.querySelector("[data-version]").textContent = "v" + fresh.dataset.version;
      banner.querySelector("[data-what]").textContent = body.message ? "· " + body.message : "";
      banner.hidden = false;
      return keepForOffline();
    });
  }

  function keepForOffline() {
    // The page, its data and its assets, so the day opens with no signal at all.
    if (!("caches" in window) || !token) { return Promise.resolve(); }
    var urls = [location.pathname, "/d/" + token + "/day.json", "/static/phone.js",
                "/static/app.css", "/static/icon.svg", "/d/" + token + "/manifest.webmanifest"];
    return caches.open("patronage-day-v1").then(function (cache) { return cache.addAll(urls); });
  }

  function navLinks() {
    // iPhones have no geo: handler; Apple Maps takes the same coordinates.
    if (!/iPhone|iPad/.test(navigator.userAgent)) { return; }
    document.querySelectorAll("a.nav").forEach(function (a) {
      a.href = "https://maps.apple.com/?daddr=" + a.dataset.lat + "," + a.dataset.lon;
    });
  }

  function keyBytes(base64url) {
    var text = window.atob(base64url.replace(/-/g, "+").replace(/_/g, "/") +
                           "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, function (c) { return c.charCodeAt(0); });
  }

  function subscribe(registration, pushToken) {
    // The key comes from the server so the push service accepts only messages we sign.
    var url = "/d/" + pushToken + "/push";
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error("no push key"); }
      return response.json();
    }).then(function (body) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(body.application_server_key),
      });
    }).then(function (subscription) {
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(subscription.toJSON()),
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("subscription refused"); }
    });
  }

  function pushButton(ready) {
    // Permission is asked only on a tap: browsers refuse (and users resent) a prompt on load.
    var button = document.getElementById("push");
    if (!button || !("PushManager" in window) || !("Notification" in window)) { return; }
    ready.then(function (registration) {
      if (!registration || !registration.pushManager) { return; }
      if (Notification.permission === "denied") { button.textContent = button.dataset.blocked; }
      button.hidden = false;
      button.addEventListener("click", function () {
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") { throw new Error("blocked"); }
          return subscribe(registration, button.dataset.token);
        }).then(function () {
          button.textContent = button.dataset.on;
          button.disabled = true;
        }).catch(function () {
          if (Notification.permission === "denied") { button.textContent = button.dataset.blocked; }
        });
      });
    });
  }

  function offerNewVersion(event) {
    // A newer published version of this route: the page offers it rather than reloading under
    // the driver's thumb. Queued reports stay in localStorage, so the reload loses nothing.
    var data = event.data || {};
    var shown = list ? Number(list.dataset.version || 0) : 0;
    var banner = document.getElementById("changed");
    if (data.type !== "route.published" || !banner || !(data.plan_version > shown)) { return; }
    banner.querySelector("[data-version]").textContent = "v" + data.plan_version;
    banner.hidden = false;
    checkVersion();
  }

  if (token) {
    window.localStorage.setItem("patronage.dayLink", location.pathname);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-report]");
      if (button) { event.preventDefault(); report(button); }
    });
    load().forEach(function (item) { show(item.report, item.report.status, item.label, true); });
  }
  window.addEventListener("online", function () { showNet(); flush(); checkVersion(); });
  window.addEventListener("offline", showNet);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { checkVersion(); }
  });
  setInterval(flush, 15000);
  setInterval(checkVersion, 30000);
  showNet();
  navLinks();
  save(load());
  var ready = Promise.resolve();
  if ("serviceWorker" in navigator) {
    ready = navigator.serviceWorker.register("/d/sw.js", { scope: "/d/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }
  pushButton(ready);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", offerNewVersion);
  }
  var reload = document.getElementById("reload");
  if (reload) { reload.addEventListener("click", function () { location.reload(); }); }
  ready.then(keepForOffline).then(function () {
    document.body.dataset.offlineReady = "1";
  }).catch(function () { document.body.dataset.offlineReady = "0"; });
  flush();
})();
