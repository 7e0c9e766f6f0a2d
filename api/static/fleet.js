// The board's "How many vans" panel: asks GET /v1/days/{day}/fleet and shows the answer.
(function () {
  "use strict";
  var box = document.getElementById("fleet-box");
  if (!box) { return; }
  var text = JSON.parse(box.dataset.i18n);
  var status = document.getElementById("fleet-status");
  var button = document.getElementById("fleet-ask");

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) {
      var td = document.createElement("td");
      td.textContent = c;
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows) {
    var table = document.getElementById(id);
    var body = table.querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (r) { body.appendChild(row(r)); });
    table.hidden = rows.length === 0;
  }

  function show(answer) {
    var fewest = answer.fewest === null ? text.none : String(answer.fewest);
    document.getElementById("fleet-summary").textContent =
      text.found + ": " + fewest + " · " + text.at_least + ": " + answer.bound +
      " · " + text.working + ": " + answer.working;
    fill("fleet-kitchens", answer.kitchens.map(function (k) {
      var found = k.fewest === null ? text.none : k.fewest;
      return [k.kitchen, found + " (" + text.at_least + " " + k.bound + ", " + text.working + " " +
              k.working + ")", k.binds_text];
    }));
    fill("fleet-options", answer.what_ifs.map(function (w) {
      return [w.label, String(w.vans), w.km.toFixed(1), String(w.left_out)];
    }));
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = text.asking;
    fetch("/v1/days/" + box.dataset.day + "/fleet", { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (got) {
        status.textContent = got[0] ? "" : (got[1].detail || got[1].title || "");
        if (got[0]) { show(got[1]); }
      })
      .catch(function (e) { status.textContent = String(e); })
      .finally(function () { button.disabled = false; });
  });
})();
