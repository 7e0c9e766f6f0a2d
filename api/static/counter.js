// The counter: one tap records a collection through the REST API (a repeated tap is answered
// with the first record, so a tap sent twice changes nothing).
(function () {
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  var error = document.querySelector(".counter-error");
  document.querySelectorAll("button.tap").forEach(function (button) {
    button.addEventListener("click", function () {
      var body = {};
      body[button.dataset.field] = Number(button.dataset.id);
      button.disabled = true;
      fetch(button.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (record) {
        var at = new Date(record.at);
        var hhmm = at.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
        button.textContent = button.dataset.done + " " + hhmm;
        button.closest(".counter-row").classList.add("done");
        if (error) { error.hidden = true; }
      }).catch(function () {
        button.disabled = false;
        if (error) { error.textContent = error.dataset.failed; error.hidden = false; }
      });
    });
  });
})();
