// The welfare screens: a client's "check on me" and emergency contacts, and the escalation
// list. Both read and write the REST endpoints (/v1/clients/{id}/contacts, /v1/escalation);
// each save sends the whole list, in order, as the API replaces it whole.
(function () {
  "use strict";
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers,
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      if (r.status === 401) { window.location.href = "/login"; }
      return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; });
    });
  }

  function problemText(answer) {
    var errors = (answer.errors || []).map(function (e) { return e.field + ": " + e.message; });
    return errors.length ? errors.join("; ") : (answer.detail || answer.title || "");
  }

  function say(root, node, result) {
    node.textContent = result.ok ? root.dataset.saved : root.dataset.failed + ": " + problemText(result.answer);
    node.dataset.state = result.ok ? "saved" : "failed";
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  // --- a client's contacts -------------------------------------------------------------------
  function contactsScreen(root) {
    var url = "/v1/clients/" + root.dataset.client + "/contacts";
    var body = document.getElementById("contacts"), status = document.getElementById("contacts-status");
    var check = document.getElementById("check-on-me");

    function addRow(contact) {
      var row = fromTemplate("contact-row");
      ["name", "relation", "phone"].forEach(function (k) { row.querySelector("[name=" + k + "]").value = contact[k] || ""; });
      row.querySelector(".remove-contact").addEventListener("click", function () { row.remove(); showEmpty(); });
      body.appendChild(row);
      showEmpty();
      return row;
    }
    function showEmpty() { document.getElementById("no-contacts").hidden = body.children.length > 0; }
    function draw(answer) {
      check.checked = !!answer.check_on_me;
      body.textContent = "";
      answer.contacts.forEach(addRow);
      showEmpty();
      root.dataset.loaded = "1";
    }

    document.getElementById("add-contact").addEventListener("click", function () {
      addRow({}).querySelector("[name=name]").focus();
    });
    document.getElementById("contacts-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var contacts = Array.prototype.map.call(body.querySelectorAll("tr.contact"), function (row) {
        return {
          name: row.querySelector("[name=name]").value.trim(),
          relation: row.querySelector("[name=relation]").value.trim(),
          phone: row.querySelector("[name=phone]").value.trim(),
        };
      });
      status.textContent = "…";
      api("PUT", url, { check_on_me: check.checked, contacts: contacts }).then(function (result) {
        if (result.ok) { draw(result.answer); }
        say(root, status, result);
      });
    });
    api("GET", url).then(function (result) { if (result.ok) { draw(result.answer); } });
  }

  // --- the escalation list -------------------------------------------------------------------
  function escalationScreen(root) {
    var list = document.getElementById("people"), status = document.getElementById("escalation-status");
    var minutes = document.getElementById("minutes"), choice = document.getElementById("person-choice");

    function showEmpty() { document.getElementById("no-people").hidden = list.children.length > 0; }
    function addPerson(id, name) {
      if (list.querySelector("li[data-user='" + id + "']")) { return; }  // once on the list
      var row = fromTemplate("person-row");
      row.dataset.user = String(id);
      row.querySelector("[data-name]").textContent = name;
      row.querySelector(".up").addEventListener("click", function () {
        if (row.previousElementSibling) { list.insertBefore(row, row.previousElementSibling); }
      });
      row.querySelector(".down").addEventListener("click", function () {
        if (row.nextElementSibling) { list.insertBefore(row.nextElementSibling, row); }
      });
      row.querySelector(".remove-person").addEventListener("click", function () { row.remove(); showEmpty(); });
      list.appendChild(row);
      showEmpty();
    }
    function label(person) {
      var option = choice.querySelector("option[value='" + person.user_id + "']");
      return option ? option.textContent : person.username;
    }
    function draw(answer) {
      minutes.value = answer.minutes;
      list.textContent = "";
      answer.people.forEach(function (p) { addPerson(p.user_id, label(p)); });
      showEmpty();
      root.dataset.loaded = "1";
    }

    document.getElementById("add-person").addEventListener("click", function () {
      var option = choice.options[choice.selectedIndex];
      if (option) { addPerson(Number(option.value), option.textContent); }
    });
    document.getElementById("escalation-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var ids = Array.prototype.map.call(list.children, function (li) { return Number(li.dataset.user); });
      status.textContent = "…";
      api("PUT", "/v1/escalation", { minutes: Number(minutes.value), user_ids: ids }).then(function (result) {
        if (result.ok) { draw(result.answer); }
        say(root, status, result);
      });
    });
    api("GET", "/v1/escalation").then(function (result) { if (result.ok) { draw(result.answer); } });
  }

  var contacts = document.getElementById("welfare"), escalation = document.getElementById("escalation");
  if (contacts) { contactsScreen(contacts); }
  if (escalation) { escalationScreen(escalation); }
})();
