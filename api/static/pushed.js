// A push notification opened: go to the day link this phone keeps, if it has one.
(function () {
  var link = window.localStorage.getItem("patronage.dayLink");
  if (link && link.indexOf("/d/") === 0) { window.location.replace(link); }
})();
