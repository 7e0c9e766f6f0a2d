// Addresses to check: one small Leaflet map per client, with the places found for the address
// numbered as in the list; a click on the map puts the pin there and fills the pin form.
(function () {
  "use strict";
  if (!window.L) { return; }
  window.patronageMaps = {};  // what the page tests read the maps from
  document.querySelectorAll(".address").forEach(function (card) {
    var box = card.querySelector(".address-map");
    var form = card.querySelector(".pin-form");
    var tiles = box.dataset.tiles;
    var map = L.map(box.id, { zoomControl: true, attributionControl: !!tiles });
    window.patronageMaps[card.dataset.client] = map;
    if (tiles) {
      map.attributionControl.setPrefix(false);
      L.tileLayer(tiles, { maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' }).addTo(map);
    }
    var lats = JSON.parse(box.dataset.lats || "[]"), lons = JSON.parse(box.dataset.lons || "[]");
    var points = lats.map(function (lat, i) { return [lat, lons[i]]; });
    points.forEach(function (p, i) {
      L.circleMarker(p, { radius: 7, color: "#fff", weight: 2, fillColor: "#1f6feb", fillOpacity: 1,
        className: "candidate-mark" }).bindTooltip(String(i + 1), { permanent: true }).addTo(map);
    });
    if (points.length > 1) { map.fitBounds(points, { padding: [30, 30], maxZoom: 16 }); }
    else if (points.length === 1) { map.setView(points[0], 15); }
    else { map.setView(JSON.parse(box.dataset.centre), 12); }
    var pin = null;
    map.on("click", function (e) {
      var lat = e.latlng.lat.toFixed(6), lon = e.latlng.lng.toFixed(6);
      if (pin) { pin.setLatLng(e.latlng); } else { pin = L.marker(e.latlng).addTo(map); }
      form.querySelector("input[name=lat]").value = lat;
      form.querySelector("input[name=lon]").value = lon;
      form.querySelector("button[type=submit]").disabled = false;
    });
  });
})();
