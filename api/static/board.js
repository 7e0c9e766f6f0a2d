// The dispatcher's board: the day from /v1/days, plan and publish actions, the routes on a
// Leaflet map along their shapes (tiles, with their attribution, only when a tile server is
// set: the map works without them), and live
// stop statuses from the server-sent event stream. Manual moves: a stop is pinned to a van at a
// place in its route, by the "Manual moves" form (a stop's Move button fills it in) or by
// dragging the stop onto another stop's place; the next Plan keeps the pins.
(function () {
  "use strict";
  var root = document.getElementById("board");
  var day = root.dataset.day, service = root.dataset.service;
  var text = JSON.parse(root.dataset.i18n);
  var base = "/v1/days/" + day + "/" + service;
  // Kelly's colours of maximum contrast (white and black left out): 20 routes, 20 colours
  // told apart at a glance; the darker ones first, because most days have few routes.
  var colors = ["#0067a5", "#be0032", "#008856", "#875692", "#f38400", "#882d17", "#e68fac",
    "#604e97", "#8db600", "#b3446c", "#2b3d26", "#f6a600", "#a1caf1", "#654522", "#e25822",
    "#848482", "#dcd300", "#c2b280", "#f99379", "#f3c300"];
  var map = null, lines = null, marks = null, polling = null, fitted = "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  // Changes carry the session's CSRF token (api/csrf.py), read from the page.
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      if (r.status === 401) { window.location.href = "/login"; }
      return r.status === 204 ? {} : r.json();
    });
  }

  function problemText(answer) {
    var errors = (answer.errors || []).map(function (e) { return e.field + ": " + e.message; });
    return errors.length ? errors.join("; ") : (answer.detail || answer.title || "");
  }

  function pin(stopId, vehicleId, place) {
    var body = { stop_id: Number(stopId), vehicle_id: Number(vehicleId), position: Number(place) };
    return api("POST", base + "/pins", body).then(function (answer) {
      var problem = document.getElementById("pin-problem");
      problem.hidden = !!answer.id;
      problem.textContent = answer.id ? "" : problemText(answer);
      return load();
    });
  }

  function statusLabel(s) { return text[s === "planned" ? "planned_s" : s] || s; }

  // Lines follow the route shapes (GET .../shapes: the roads where the travel provider draws
  // them); stops and starts sit in a pane above the lines, so a line never hides a stop.
  // The view is fitted to the municipality's places, and again only when they change.
  function drawMap(board, shapes) {
    if (!window.L) { return; }
    if (!map) {
      var tiles = root.dataset.tiles;
      map = L.map("map", { zoomControl: true, attributionControl: !!tiles });
      window.patronageMap = map;  // what the page tests read the drawn lines from
      if (tiles) {
        map.attributionControl.setPrefix(false);
        var osm = el("a", { href: "https://www.openstreetmap.org/copyright", text: text.osm });
        L.tileLayer(tiles, { maxZoom: 19, attribution: "&copy; " + osm.outerHTML }).addTo(map);
      }
      map.createPane("stops").style.zIndex = 650;
      lines = L.layerGroup().addTo(map);
      marks = L.layerGroup().addTo(map);
      map.setView([42.62, 25.39], 12);
    }
    lines.clearLayers();
    marks.clearLayers();
    var byRoute = {}, bounds = [];
    ((shapes && shapes.routes) || []).forEach(function (r) { byRoute[r.route_id] = r.shape; });
    board.routes.forEach(function (route, i) {
      var color = colors[i % colors.length];
      var shape = (byRoute[route.route_id] || []).map(function (p) { return [p[1], p[0]]; });
      if (!shape.length) {  // no shape (yet): straight from the start through the stops
        shape = (route.start ? [route.start] : []).concat(route.stops.map(function (s) { return [s.lat, s.lon]; }));
      }
      if (shape.length > 1) {
        L.polyline(shape, { color: color, weight: 4, opacity: 0.85, className: "route-line" })
          .addTo(lines).getElement().setAttribute("data-resource", route.resource);
      }
      if (route.start) {
        L.circleMarker(route.start, { pane: "stops", radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1 }).addTo(marks);
      }
      route.stops.forEach(function (s) {
        L.circleMarker([s.lat, s.lon], { pane: "stops", radius: 6, color: "#fff", weight: 2,
          fillColor: color, fillOpacity: 1, className: "stop-mark" })
          .bindTooltip(s.seq + ". " + s.name + " " + s.time).addTo(marks);
      });
      bounds = bounds.concat(shape);
    });
    if (shapes && shapes.bounds) {
      bounds = bounds.concat(shapes.bounds.map(function (p) { return [p[1], p[0]]; }));
    }
    var key = JSON.stringify(bounds.length ? L.latLngBounds(bounds).toBBoxString() : "");
    if (bounds.length && key !== fitted) {
      map.fitBounds(bounds, { padding: [20, 20] });
      fitted = key;
    }
  }

  function drawRoutes(board) {
    var holder = document.getElementById("routes");
    holder.textContent = "";
    board.routes.forEach(function (route, i) {
      var items = route.stops.map(function (s, k) {
        var parts = [
          el("span", { text: s.time + " " }),
          el("span", { "class": s.lives_alone ? "alone" : "" }, [
            el("a", { "class": "client-link", href: "/clients/" + s.client_id + "/welfare", text: s.name }),
            document.createTextNode(" ")]),
          el("span", { "class": "badge st-" + s.status, "data-status": s.status, text: statusLabel(s.status) }),
        ];
        if (s.pinned) { parts.push(el("span", { "class": "badge pin-mark", text: text.pinned })); }
        if (s.reported_at) { parts.push(where(s.reported_at)); }
        if (document.getElementById("pin-form")) { parts.push(moveButton(s)); }
        var item = el("li", { id: "bstop-" + s.stop_id, "data-stop": s.stop_id, "data-pinned": s.pinned ? "1" : "0" }, parts);
        dropTarget(item, route, k + 1);
        return item;
      });
      // People read names: the van's (or caregiver's) and its drivers'; the code stays small.
      var head = el("h3", {}, [
        el("span", { "class": "swatch", style: "background:" + colors[i % colors.length] }),
        el("span", { "class": "route-name", text: route.name }),
        el("small", { "class": "code", text: route.resource }),
      ]);
      var sub = el("p", { "class": "route-sub muted" }, [
        el("span", { "class": "people", text: route.people.length ? route.people.join(", ") + " · " : "" }),
        el("span", { text: route.stops.length + " " + text.stops + " · " +
          route.distance_km + " km · " + route.duration_min + " min" }),
      ]);
      var list = el("ol", {}, items);
      dropTarget(list, route, items.length + 1);
      var parts = [head, sub, list];
      if (route.link) {
        parts.push(el("a", { href: route.link, "class": "day-link", "data-resource": route.resource, text: text.link }));
      }
      (route.holders || []).forEach(function (h) { parts.push(linkSender(h)); });
      if (service === "meals" && route.vehicle_id) { parts.push(breakdownButton(route)); }
      holder.appendChild(el("div", { "class": "route card", "data-resource": route.resource }, parts));
    });
  }

  function where(at) {
    // Where the phone was at the report: how far from the address, the point on a map.
    var href = "https://www.openstreetmap.org/?mlat=" + at.lat + "&mlon=" + at.lon +
      "#map=18/" + at.lat + "/" + at.lon;
    var title = at.accuracy_m === null ? "" : "± " + Math.round(at.accuracy_m) + " m";
    return el("a", { "class": "where", href: href, target: "_blank", rel: "noopener", title: title,
      "data-distance": at.distance_m, text: " 📍 " + at.distance_m + " " + text.from_address });
  }

  // "Send link": the driver's or caregiver's personal link (it opens their next working
  // day) to their ntfy topic, by e-mail, or as a QR code to scan from this screen.
  function linkSender(h) {
    var path = "/v1/personal-links/" + h.holder + "/" + h.holder_id;
    var status = el("span", { "class": "muted link-status", role: "status" });
    var qr = el("img", { "class": "qr", alt: text.qr + " " + h.name, hidden: "" });
    function send(channel) {
      status.textContent = "…";
      api("POST", path + "/send", { channel: channel }).then(function (answer) {
        status.textContent = answer.channel ? text.sent + " " + answer.to : text.not_sent + ": " + problemText(answer);
      });
    }
    var ntfy = el("button", { type: "button", "class": "send-ntfy", text: text.by_ntfy });
    ntfy.addEventListener("click", function () { send("ntfy"); });
    var mail = el("button", { type: "button", "class": "send-email", text: text.by_email });
    mail.addEventListener("click", function () { send("email"); });
    var show = el("button", { type: "button", "class": "show-qr", text: text.qr });
    show.addEventListener("click", function () {
      if (qr.hidden) { qr.src = path + "/qr.svg"; qr.hidden = false; } else { qr.hidden = true; }
    });
    return el("div", { "class": "link-sender", "data-holder": h.holder + ":" + h.holder_id }, [
      el("span", { text: text.send_link + " · " + h.name + ": " }), ntfy, mail, show, status, qr,
    ]);
  }

  function moveButton(s) {
    var button = el("button", { type: "button", "class": "move", text: text.move });
    button.addEventListener("click", function () {
      document.getElementById("pin-stop").value = String(s.stop_id);
      document.getElementById("moves").scrollIntoView();
      document.getElementById("pin-van").focus();
    });
    return button;
  }

  // Drag a stop onto another stop: it is pinned to that route's van at that stop's place
  // (onto the list's empty end: after its last stop).
  function dropTarget(node, route, place) {
    if (!document.getElementById("pin-form") || !route.vehicle_id) { return; }
    if (node.tagName === "LI") {
      node.draggable = true;
      node.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", node.dataset.stop);
        event.stopPropagation();
      });
    }
    node.addEventListener("dragover", function (event) { event.preventDefault(); });
    node.addEventListener("drop", function (event) {
      event.preventDefault();
      event.stopPropagation();
      var stopId = event.dataTransfer.getData("text/plain");
      if (stopId) { pin(stopId, route.vehicle_id, place); }
    });
  }

  function drawMoves(board) {
    var form = document.getElementById("pin-form");
    if (!form) { return; }
    var stops = document.getElementById("pin-stop"), vans = document.getElementById("pin-van");
    var chosen = [stops.value, vans.value];
    stops.textContent = "";
    board.routes.forEach(function (route) {
      route.stops.forEach(function (s, k) {
        stops.appendChild(el("option", { value: s.stop_id, text: route.name + " " + (k + 1) + ". " + s.name }));
      });
    });
    vans.textContent = "";
    board.vans.forEach(function (v) {
      vans.appendChild(el("option", { value: v.id, "data-resource": v.resource, text: v.name + " (" + v.resource + ")" }));
    });
    // Keep what the dispatcher chose across reloads, while it is still there (a re-plan
    // gives every stop a new id).
    [[stops, chosen[0]], [vans, chosen[1]]].forEach(function (pair) {
      if (pair[1] && pair[0].querySelector("option[value='" + pair[1] + "']")) { pair[0].value = pair[1]; }
    });
    var list = document.getElementById("pins");
    list.textContent = "";
    if (!board.pins.length) { list.appendChild(el("li", { "class": "muted", text: text.no_pins })); }
    board.pins.forEach(function (p) {
      var remove = el("button", { type: "button", "class": "unpin", text: text.remove });
      remove.addEventListener("click", function () { api("DELETE", "/v1/pins/" + p.id).then(load); });
      var state = p.holds === null ? "waiting" : (p.holds ? "holds" : "broken");
      list.appendChild(el("li", { "class": "pin " + state, "data-pin": p.id, "data-holds": state }, [
        el("strong", { text: p.client + " → " + p.van + ", " + text.place.toLowerCase() + " " + p.position + " " }),
        el("span", { "class": "note", text: p.note + " " }),
        remove,
      ]));
    });
  }

  function drawSide(board) {
    var state = document.getElementById("state");
    state.textContent = text[board.state] || board.state;
    state.dataset.state = board.state;
    document.getElementById("progress").hidden = board.state !== "planning";
    document.getElementById("publish").disabled = board.current_version === 0 || board.state === "planning";
    document.getElementById("counts").textContent = Object.keys(board.counts).map(function (k) {
      return statusLabel(k) + ": " + board.counts[k];
    }).join(" · ");
    document.getElementById("resources").textContent = board.resources.join(", ");
    var body = document.getElementById("unassigned");
    body.textContent = "";
    board.unassigned.forEach(function (u) {
      body.appendChild(el("tr", {}, [el("td", { text: u.name }), el("td", { text: u.explanation || u.reason })]));
    });
    drawAlerts(board.alerts);
  }

  // A welfare alert is a person who may need help: a banner and a short beep when a new one
  // comes in, and it is taken with a note of what happened (the API refuses it without one).
  var heard = {};
  function beep() {
    window.patronageBeeps = (window.patronageBeeps || 0) + 1;  // what the page tests count
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "square"; osc.frequency.value = 880; gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.6);
    } catch (e) { /* no audio (or not allowed before a click): the banner still shows */ }
  }

  function welfareItem(a) {
    var note = el("textarea", { rows: "2", maxlength: "500", required: "required", placeholder: text.what, "aria-label": text.what });
    var take = el("button", { type: "submit", "class": "primary", text: text.take });
    var form = el("form", { "class": "ack" }, [note, take]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!note.value.trim()) { note.focus(); return; }
      api("POST", "/v1/alerts/" + a.id + "/ack", { note: note.value.trim() }).then(load);
    });
    var parts = [el("span", { text: a.text || a.message })];
    if (a.client_id) {
      parts.push(el("a", { "class": "client-link", href: "/clients/" + a.client_id + "/welfare", text: text.contacts }));
    }
    parts.push(form);
    return el("li", { "class": a.severity, "data-kind": a.kind, id: "alert-" + a.id }, parts);
  }

  function drawAlerts(alerts) {
    var list = document.getElementById("alerts");
    list.textContent = "";
    var fresh = false, welfare = false;
    alerts.forEach(function (a) {
      if (a.kind === "welfare") {
        welfare = true;
        if (!heard[a.id]) { heard[a.id] = true; fresh = true; }
        list.appendChild(welfareItem(a));
        return;
      }
      var button = el("button", { type: "button", text: text.ack });
      button.addEventListener("click", function () {
        api("POST", "/v1/alerts/" + a.id + "/ack").then(load);
      });
      list.appendChild(el("li", { "class": a.severity, "data-kind": a.kind }, [el("span", { text: a.text || a.message }), button]));
    });
    var banner = document.getElementById("welfare-banner");
    banner.hidden = !welfare;
    banner.textContent = welfare ? text.banner : "";
    if (fresh) { beep(); }
  }

  // A van out of service from a time: the rest of the day is re-planned without it.
  function breakdownButton(route) {
    var button = el("button", { type: "button", "class": "breakdown", text: text.broke_down });
    button.addEventListener("click", function () {
      var now = new Date(), at = window.prompt(route.name + ": " + text.broke_at,
        ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2));
      if (!at) { return; }
      var body = { vehicle_id: route.vehicle_id, at: at, request_id: "bd-" + Date.now().toString(36) };
      api("POST", "/v1/days/" + day + "/meals/breakdowns", body).then(function (answer) {
        if (!answer.event_id) { window.alert(problemText(answer)); }
        load();
      });
    });
    return button;
  }

  // Who each breakdown's re-plan affected, route by route (once the re-plan has run).
  function drawBreakdowns(board) {
    var box = document.getElementById("breakdowns-box");
    if (!box) { return; }
    api("GET", "/v1/days/" + day + "/meals/breakdowns").then(function (found) {
      var list = document.getElementById("breakdowns");
      list.textContent = "";
      box.hidden = !(found && found.length);
      (found || []).forEach(function (b) {
        var line = b.vehicle + " " + text.out_from + " " + b.at + (b.version ?
          " · " + text.moved + " " + b.moved + " · " + text.unassigned_n + " " + b.unassigned : " · " + text.replanning);
        list.appendChild(el("li", { "data-resource": b.vehicle, "data-version": b.version }, [el("strong", { text: line })]));
        b.changes.forEach(function (c) { list.appendChild(changeItem(c, routeNames(board))); });
      });
    });
  }

  function routeNames(board) {
    var names = {};
    board.routes.forEach(function (r) { names[r.resource] = r.name; });
    return names;
  }

  function changeItem(c, names) {
    var removed = c.removed.map(function (name) {
      return c.cancelled.indexOf(name) >= 0 ? name + " (" + text.cancelled_c + ")" : name;
    });
    var parts = [el("strong", { text: (names[c.resource] || c.resource) + ": " })];
    [["added", c.added], ["taken_off", removed], ["moved", c.moved]].forEach(function (pair) {
      if (!pair[1].length) { return; }
      parts.push(el("span", { "class": "change", "data-change": pair[0],
        text: text[pair[0]] + " " + pair[1].length + ": " + pair[1].join(", ") + ". " }));
    });
    return el("li", { "data-resource": c.resource }, parts);
  }

  // A re-plan of a published day waits for Publish: what it changes, route by route.
  function drawChanges(board) {
    var box = document.getElementById("pending"), list = document.getElementById("changes");
    var waiting = board.published_version > 0 && board.current_version > board.published_version;
    box.hidden = !waiting;
    list.textContent = "";
    if (!waiting) { return; }
    if (!board.changes.length) { list.appendChild(el("li", { "class": "muted", text: text.no_changes })); }
    var names = routeNames(board);
    board.changes.forEach(function (c) { list.appendChild(changeItem(c, names)); });
  }

  function load() {
    return Promise.all([api("GET", base), api("GET", base + "/shapes")]).then(function (both) {
      var board = both[0];
      drawSide(board); drawChanges(board); drawRoutes(board); drawMap(board, both[1]); drawMoves(board); drawBreakdowns(board);
      if (board.state === "planning" && !polling) {
        polling = setInterval(function () { load(); }, 1500);
      } else if (board.state !== "planning" && polling) {
        clearInterval(polling); polling = null;
      }
      return board;
    });
  }

  function act(action) {
    var id = action + "-" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    return api("POST", base + "/" + action, { request_id: id }).then(load);
  }

  function live() {
    if (!window.EventSource) { return; }
    var source = new EventSource("/board/stream?day=" + day + "&service=" + service);
    var last = null;
    source.addEventListener("status", function (event) {
      var snap = JSON.parse(event.data);
      var shape = snap.version + "/" + snap.published + "/" + snap.alerts.join(",");
      Object.keys(snap.stops).forEach(function (id) {
        var badge = document.querySelector("#bstop-" + id + " [data-status]");
        if (badge && badge.dataset.status !== snap.stops[id]) {
          badge.dataset.status = snap.stops[id];
          badge.className = "badge st-" + snap.stops[id];
          badge.textContent = statusLabel(snap.stops[id]);
        }
      });
      if (last !== null && shape !== last) { load(); }
      last = shape;
    });
  }

  document.getElementById("plan").addEventListener("click", function () { act("plan"); });
  var pinForm = document.getElementById("pin-form");
  if (pinForm) {
    pinForm.addEventListener("submit", function (event) {
      event.preventDefault();
      pin(document.getElementById("pin-stop").value, document.getElementById("pin-van").value,
        document.getElementById("pin-place").value);
    });
  }
  document.getElementById("publish").addEventListener("click", function () { act("publish"); });
  load().then(live);
})();
