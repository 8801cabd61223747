/*
 * The activity page's map and its links to the charts and tables.
 *
 * The route comes from the page (#route-data, made by activities.routes): it is drawn with Leaflet
 * (django-leaflet's static copy) on a plain background, or on the tiles named by RUNBASE_MAP_TILES.
 * The charts' cursor (charts.js, event "chart:hover") shows as a dot on the route; pointing at a lap or
 * rep row highlights its band on every chart and its stretch of the route; the lap under the cursor is
 * marked in the laps table.
 */
(function () {
  "use strict";
  var route = null;  // {map, data, cursor, highlight}

  function drawMap() {
    var element = document.getElementById("route-map");
    var payload = document.getElementById("route-data");
    if (!element || !payload || !window.L) return;
    var data = JSON.parse(payload.textContent);
    var tiles = element.dataset.tiles;
    // On a phone a one-finger swipe over the map scrolls the page (pinch still zooms), so the map
    // never traps the runner half way down the page.
    var map = L.map(element, {
      scrollWheelZoom: false, zoomSnap: 0.25, attributionControl: !!tiles, dragging: !L.Browser.mobile,
    });
    if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.attribution || "" }).addTo(map);
    var line = L.polyline(data.route, { color: "#1f6feb", weight: 3, opacity: 0.9 }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [18, 18] });
    var end = function (at, colour, name) {
      L.circleMarker(at, { radius: 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 })
        .bindTooltip(name).addTo(map);
    };
    end(data.route[data.route.length - 1], "#1d2329", "Finish");
    end(data.route[0], "#2f855a", "Start");
    route = {
      map: map,
      data: data,
      cursor: L.circleMarker(data.route[0], { radius: 6, color: "#fff", weight: 2, fillColor: "#c53030", fillOpacity: 1 }),
      highlight: L.polyline([], { color: "#e8590c", weight: 6, opacity: 0.95 }),
    };
  }

  function showCursor(event) {
    if (!route || event.detail.group !== "activity") return;
    var at = event.detail.index == null ? null : route.data.cursor[event.detail.index];
    if (at) route.cursor.setLatLng(at).addTo(route.map);
    else route.cursor.remove();
  }

  // The lap under the chart cursor is marked in the laps table (its band's x range holds the cursor).
  var bands = null;
  function markLap(event) {
    if (event.detail.group !== "activity") return;
    if (bands === null) {
      bands = Array.prototype.map.call(document.querySelectorAll("figure.chart rect.lap-band"), function (rect) {
        var x = parseFloat(rect.getAttribute("x"));
        return { from: x, to: x + parseFloat(rect.getAttribute("width")), lap: rect.getAttribute("data-lap") };
      });
    }
    var x = event.detail.x;
    var hit = x == null ? null : bands.filter(function (b) { return b.from <= x && x < b.to; })[0];
    document.querySelectorAll("tr[data-lap]").forEach(function (row) {
      row.classList.toggle("current", !!hit && row.getAttribute("data-lap") === hit.lap);
    });
  }

  function highlight(kind, number, on) {
    document.querySelectorAll("[data-" + kind + '="' + number + '"]').forEach(function (el) {
      el.classList.toggle("active", on);
    });
    if (!route) return;
    var marks = route.data[kind === "lap" ? "laps" : "reps"] || [];
    var mark = marks.filter(function (m) { return String(m.n) === String(number); })[0];
    if (on && mark) {
      route.highlight.setLatLngs(route.data.route.slice(mark.from, mark.to + 1)).addTo(route.map);
      route.highlight.bringToFront();
    } else {
      route.highlight.remove();
    }
  }

  function linkRows() {
    ["lap", "rep"].forEach(function (kind) {
      document.querySelectorAll("tr[data-" + kind + "]").forEach(function (row) {
        var number = row.getAttribute("data-" + kind);
        var on = function () { highlight(kind, number, true); };
        var off = function () { highlight(kind, number, false); };
        row.addEventListener("mouseenter", on);
        row.addEventListener("mouseleave", off);
        row.addEventListener("focus", on);
        row.addEventListener("blur", off);
      });
    });
  }

  function start() {
    drawMap();
    linkRows();
    document.addEventListener("chart:hover", showCursor);
    document.addEventListener("chart:hover", markLap);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
