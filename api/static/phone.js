// The driver's and caregiver's day: reports are queued on the phone and sent when there is
// signal. Each report gets its own id when the button is pressed, so sending it twice (a retry
// after a lost answer) changes nothing on the server. A report names its stop by the order or
// visit ("order:12", the stop's data-key), which every re-plan keeps, so a report queued
// against an older version still lands. The page asks now and then whether a newer version
// changed this route; only then does it reload its stops and say what changed.
//
// One hand, thirty stops: only the next stop is open; a reported stop folds to one line (a tap
// opens it); the bar counts what is done. For a minute after a report the driver may undo it:
// still queued, it is dropped; already sent, a correcting report (status "planned", naming the
// report it takes back) follows it. With the phone's leave (asked once, never needed) a report
// carries where the phone was.
(function () {
  "use strict";
  var list = document.getElementById("stops");
  var token = list ? list.dataset.token : null;
  var queueKey = "patronage.queue:" + (token || "");
  var geoKey = "patronage.geo";
  var net = document.getElementById("net");
  var queueBadge = document.getElementById("queue");
  var sending = null; // the client_event_id of the report on its way, if any
  var undone = {}; // ids taken back while on their way: their answer must not show them
  var UNDO_MS = 60000;
  var CLOSED = ["delivered", "not_home", "refused", "problem", "done"];

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
    if (status === "planned") { delete li.dataset.reported; } else { li.dataset.reported = status; }
    li.classList.toggle("reported", status !== "planned");
    li.classList.toggle("folded", CLOSED.indexOf(status) >= 0);
    li.classList.remove("open");
    arrange();
  }

  function arrange() {
    // The first stop not yet dealt with is the next one, open and marked; the bar counts.
    if (!list) { return; }
    var stops = list.querySelectorAll("li.stop");
    var done = 0;
    var next = null;
    stops.forEach(function (li) {
      var closed = CLOSED.indexOf(li.dataset.reported || "") >= 0;
      if (closed) { done += 1; } else if (!next) { next = li; }
      li.classList.remove("next");
    });
    if (next) { next.classList.add("next"); }
    var bar = document.getElementById("progress");
    if (!bar) { return; }
    bar.querySelector("[data-count]").textContent = bar.dataset.label
      .replace("%(done)s", String(done)).replace("%(total)s", String(stops.length));
    var meter = bar.querySelector("progress");
    meter.max = stops.length;
    meter.value = done;
  }

  function showNet() {
    var online = navigator.onLine;
    net.textContent = online ? net.dataset.online : net.dataset.offline;
    net.classList.toggle("off", !online);
  }

  function flush() {
    var queue = load();
    // A report waits (a few seconds at most) for the phone's position before it goes.
    if (sending || !queue.length || !token || queue[0].locating) { save(queue); return; }
    var item = queue[0];
    var id = item.report.client_event_id;
    sending = id;
    fetch("/d/" + token + "/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(item.report),
    }).then(function (response) {
      sending = null;
      if (response.status >= 500) { return; } // try again later, same id
      save(load().filter(function (q) { return q.report.client_event_id !== id; }));
      if (undone[id]) {
        // Taken back while on its way: the correcting report queued behind it says so.
      } else if (response.ok) {
        show(item.report, item.report.status, item.label, false);
      } else {
        show(item.report, "problem", list.dataset.confirmError, false);
      }
      flush();
    }).catch(function () { sending = null; }); // no signal: keep it queued
  }

  function report(button) {
    var li = button.closest(".stop");
    var note = li.querySelector("textarea");
    var badge = li.querySelector("[data-status]");
    var item = {
      label: button.textContent.trim(),
      was: li.dataset.reported || "planned",
      wasLabel: badge.textContent.replace(" ⏳", "").trim(),
      name: li.querySelector(".name").textContent.trim(),
      locating: true,
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
    offerUndo(item);
    position().then(function (where) {
      var kept = load();
      kept.forEach(function (q) {
        if (q.report.client_event_id !== item.report.client_event_id) { return; }
        q.locating = false;
        if (where) {
          q.report.lat = where.lat;
          q.report.lon = where.lon;
          q.report.accuracy = where.accuracy;
        }
      });
      save(kept);
      flush();
    });
  }

  function position() {
    // Where the phone is, if its holder allows it: asked once (a refusal is remembered and
    // never asked again), never waited for longer than a few seconds, never required.
    if (!navigator.geolocation || window.localStorage.getItem(geoKey) === "no") {
      return Promise.resolve(null);
    }
    return new Promise(function (resolve) {
      var settled = false;
      function settle(value) { if (!settled) { settled = true; resolve(value); } }
      window.setTimeout(function () { settle(null); }, 6000);
      navigator.geolocation.getCurrentPosition(function (p) {
        window.localStorage.setItem(geoKey, "yes");
        settle({ lat: p.coords.latitude, lon: p.coords.longitude,
                 accuracy: Math.round(p.coords.accuracy) });
      }, function (error) {
        if (error.code === 1) { window.localStorage.setItem(geoKey, "no"); } // refused
        settle(null);
      }, { enableHighAccuracy: true, timeout: 5000, maximumAge: 30000 });
    });
  }

  var undoTimer = null;

  function offerUndo(item) {
    // The last report can be taken back for a minute from the tap.
    var bar = document.getElementById("undo");
    if (!bar) { return; }
    var until = Date.parse(item.report.at) + UNDO_MS;
    bar.querySelector("[data-what]").textContent = item.label + " · " + item.name;
    bar.hidden = false;
    bar.dataset.id = item.report.client_event_id;
    bar.undoItem = item;
    window.clearInterval(undoTimer);
    function tick() {
      var left = Math.round((until - Date.now()) / 1000);
      if (left <= 0) { hideUndo(); return; }
      bar.querySelector("[data-left]").textContent = "(" + left + ")";
    }
    tick();
    undoTimer = window.setInterval(tick, 1000);
  }

  function hideUndo() {
    var bar = document.getElementById("undo");
    window.clearInterval(undoTimer);
    if (bar) { bar.hidden = true; bar.undoItem = null; delete bar.dataset.id; }
  }

  function undo() {
    var bar = document.getElementById("undo");
    var item = bar && bar.undoItem;
    if (!item || Date.now() > Date.parse(item.report.at) + UNDO_MS) { hideUndo(); return; }
    var id = item.report.client_event_id;
    var queue = load();
    var queued = queue.some(function (q) { return q.report.client_event_id === id; });
    if (queued && sending !== id) {
      // Never sent: drop it, and the server hears nothing.
      save(queue.filter(function (q) { return q.report.client_event_id !== id; }));
    } else {
      // Sent, or on its way: a correcting report follows it.
      undone[id] = true;
      queue.push({
        label: item.wasLabel, was: item.was, wasLabel: item.wasLabel, name: item.name,
        report: {
          stop_key: item.report.stop_key, version: item.report.version, status: "planned",
          corrects: id, client_event_id: newId(), note: "", at: new Date().toISOString(),
        },
      });
      save(queue);
    }
    show(item.report, item.was, item.wasLabel, false);
    hideUndo();
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
      arrange();
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
      if (button) { event.preventDefault(); report(button); return; }
      var row = event.target.closest("button.stop-row");
      if (row) {
        var li = row.closest("li.stop");
        li.classList.toggle("open");
        row.setAttribute("aria-expanded", li.classList.contains("open") ? "true" : "false");
      }
    });
    var undoButton = document.getElementById("undo-button");
    if (undoButton) { undoButton.addEventListener("click", undo); }
    // A report left waiting for a position by a closed page goes as it is.
    save(load().map(function (item) { item.locating = false; return item; }));
    load().forEach(function (item) { show(item.report, item.report.status, item.label, true); });
    arrange();
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
