/*
 * RunBase chart readout: the one script the server-rendered SVG charts share.
 *
 * Contract (review/charts.py builds it; the analysis pages use the same markup):
 *   <figure class="chart" data-chart-group="G">
 *     <figcaption>… <output class="chart-value"></output></figcaption>   (optional; made if absent)
 *     <svg viewBox="0 0 W H">…</svg>
 *     <script type="application/json" class="chart-readout">
 *       {"x": [ascending x positions in viewBox units], "labels": ["readout at that x", …],
 *        "y": [optional y positions for a dot], "top": optional, "bottom": optional}
 *     </script>
 *   </figure>
 * Hovering (mouse, pen, a tap or a finger dragging sideways) or arrow keys on any figure of a group
 * move a vertical cursor on every figure of that group and show each one's label nearest that x. A
 * finger's readout stays after it lifts; a mouse's goes when it leaves the chart. Every move
 * dispatches `chart:hover` on document, detail {group, index, x} (index null when the cursor leaves),
 * so a table or a map can follow. Labels come formatted from the server, in the runner's units.
 */
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var groups = {};

  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid; else hi = mid;
    }
    return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
  }

  function svgEl(name, attrs) {
    var el = document.createElementNS(SVG_NS, name);
    for (var key in attrs) el.setAttribute(key, attrs[key]);
    return el;
  }

  function setup(figure) {
    var svg = figure.querySelector("svg");
    var data = figure.querySelector("script.chart-readout");
    if (!svg || !data) return null;
    var readout;
    try { readout = JSON.parse(data.textContent); } catch (e) { return null; }
    if (!readout.x || !readout.x.length) return null;
    var box = svg.viewBox.baseVal;
    var top = readout.top != null ? readout.top : box.y;
    var bottom = readout.bottom != null ? readout.bottom : box.y + box.height;
    // Presentation attributes, so the cursor shows without any stylesheet; a page's CSS may restyle it.
    var cursor = svgEl("line", {
      "class": "chart-cursor", y1: top, y2: bottom, stroke: "#1d2329", "stroke-width": 1,
      "stroke-dasharray": "3 2", "vector-effect": "non-scaling-stroke", "pointer-events": "none",
      visibility: "hidden",
    });
    // The dot is a zero-length line with round caps: it stays round when the chart is stretched
    // (preserveAspectRatio="none"), which a circle would not.
    var dot = readout.y ? svgEl("line", {
      "class": "chart-dot", stroke: "#1d2329", "stroke-width": 7, "stroke-linecap": "round",
      "vector-effect": "non-scaling-stroke", "pointer-events": "none", visibility: "hidden",
    }) : null;
    svg.appendChild(cursor);
    if (dot) svg.appendChild(dot);
    var output = figure.querySelector(".chart-value");
    if (!output) {
      output = document.createElement("output");
      output.className = "chart-value";
      (figure.querySelector("figcaption") || figure).appendChild(output);
    }
    svg.style.touchAction = "pan-y";  // a sideways drag scrubs the chart; an upward one scrolls the page
    if (!figure.hasAttribute("tabindex")) figure.tabIndex = 0;
    return { figure: figure, svg: svg, readout: readout, cursor: cursor, dot: dot, output: output, index: -1 };
  }

  function show(chart, x) {
    var i = nearest(chart.readout.x, x);
    if (i < 0) return -1;
    var cx = chart.readout.x[i];
    chart.index = i;
    chart.cursor.setAttribute("x1", cx);
    chart.cursor.setAttribute("x2", cx);
    chart.cursor.setAttribute("visibility", "visible");
    if (chart.dot) chart.dot.setAttribute("visibility", "hidden");
    if (chart.dot && chart.readout.y[i] != null) {
      chart.dot.setAttribute("x1", cx);
      chart.dot.setAttribute("x2", cx);
      chart.dot.setAttribute("y1", chart.readout.y[i]);
      chart.dot.setAttribute("y2", chart.readout.y[i]);
      chart.dot.setAttribute("visibility", "visible");
    }
    chart.output.textContent = chart.readout.labels[i] || "";
    chart.figure.classList.add("chart-active");
    return i;
  }

  function hide(chart) {
    chart.index = -1;
    chart.cursor.setAttribute("visibility", "hidden");
    if (chart.dot) chart.dot.setAttribute("visibility", "hidden");
    chart.output.textContent = "";
    chart.figure.classList.remove("chart-active");
  }

  function announce(group, index, x) {
    document.dispatchEvent(new CustomEvent("chart:hover", { detail: { group: group, index: index, x: x } }));
  }

  function moveGroup(group, source, x) {
    var index = null;
    groups[group].forEach(function (chart) {
      var i = show(chart, x);
      if (chart === source || (source === null && index === null)) index = i;
    });
    announce(group, index, x);
  }

  function leaveGroup(group) {
    groups[group].forEach(hide);
    announce(group, null, null);
  }

  function viewBoxX(svg, clientX, clientY) {
    var matrix = svg.getScreenCTM();
    if (!matrix) return null;
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    return point.matrixTransform(matrix.inverse()).x;
  }

  function listen(group, chart) {
    function onMove(event) {
      var x = viewBoxX(chart.svg, event.clientX, event.clientY);
      if (x != null) moveGroup(group, chart, x);
    }
    chart.svg.addEventListener("pointermove", onMove);
    chart.svg.addEventListener("pointerdown", onMove);
    // A finger's readout stays after it lifts (or the page scrolls), so a tap can be read on a phone;
    // a mouse's goes when the mouse leaves the chart.
    function onLeave(event) { if (event.pointerType !== "touch") leaveGroup(group); }
    chart.svg.addEventListener("pointerleave", onLeave);
    chart.svg.addEventListener("pointercancel", onLeave);
    chart.figure.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (event.key === "Escape") { leaveGroup(group); return; }
      if (!step) return;
      event.preventDefault();
      var xs = chart.readout.x;
      var i = Math.min(xs.length - 1, Math.max(0, (chart.index < 0 ? 0 : chart.index + step)));
      moveGroup(group, chart, xs[i]);
    });
    chart.figure.addEventListener("blur", function () { leaveGroup(group); });
  }

  function init(root) {
    (root || document).querySelectorAll("figure.chart[data-chart-group]").forEach(function (figure) {
      if (figure.dataset.chartReady) return;
      var chart = setup(figure);
      if (!chart) return;
      figure.dataset.chartReady = "1";
      var group = figure.dataset.chartGroup;
      (groups[group] = groups[group] || []).push(chart);
      listen(group, chart);
    });
  }

  // Other scripts may move the cursor themselves (a map or a table row pointing at a moment).
  window.RunBaseCharts = {
    init: init,
    show: function (group, x) { if (groups[group]) moveGroup(group, null, x); },
    hide: function (group) { if (groups[group]) leaveGroup(group); },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
