// The print button (inline handlers are not allowed by the page's security policy).
(function () {
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
