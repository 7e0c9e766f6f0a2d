// "Alerts on this device": the dispatcher's browser subscribes to Web Push, so a welfare alert
// reaches this computer with the board closed. The worker is the phone's (api/static/sw.js,
// served at /board/sw.js), registered on a scope that controls no page: it only shows pushes.
(function () {
  "use strict";
  var button = document.getElementById("push-alerts");
  if (!button) { return; }
  var status = document.getElementById("push-status");
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  function say(key, state) {
    status.textContent = button.dataset[key] || key;
    button.dataset.state = state;
  }

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined }).then(function (r) {
      return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; });
    });
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  // The registration once its worker is active (subscribe needs one); `ready` would wait for
  // a worker controlling this page, which this one never does.
  function active(registration) {
    if (registration.active) { return Promise.resolve(registration); }
    return new Promise(function (resolve) {
      var worker = registration.installing || registration.waiting;
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") { resolve(registration); }
      });
    });
  }

  function subscribe(key) {
    return navigator.serviceWorker.register("/board/sw.js", { scope: "/board/push/" })
      .then(active)
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (old) {
          return old || registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: keyBytes(key) });
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        return api("POST", "/v1/me/push-targets", { channel: "webpush", address: json.endpoint,
          p256dh: json.keys.p256dh, auth: json.keys.auth, label: button.dataset.label });
      })
      .then(function (result) { say(result.ok ? "on" : "failed", result.ok ? "on" : "failed"); });
  }

  button.addEventListener("click", function () {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
      say("unsupported", "unsupported");
      return;
    }
    status.textContent = "…";
    api("GET", "/v1/me/push-key").then(function (result) {
      if (!result.ok) { say("failed", "failed"); return null; }
      if (!result.answer.configured) { say("noKey", "no-key"); return null; }
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { say("blocked", "blocked"); return null; }
        return subscribe(result.answer.application_server_key);
      });
    }).catch(function () { say("failed", "failed"); });
  });
})();
