// Evidence graph 证据链: draws an alert's facts (embedded by risk.views.alert_detail) with Cytoscape.js.
// Nodes are typed by their id's prefix (official, person, enterprise, unit, application, tender); each edge
// is one fact, labelled with its relation and detail. Nodes with a registry page open it on a tap.
(function () {
  "use strict";
  var box = document.getElementById("qq-evidence-graph");
  var data = document.getElementById("qq-evidence-data");
  if (!box || !data || typeof window.cytoscape !== "function") return;
  var graph = JSON.parse(data.textContent);
  var roots = graph.nodes
    .filter(function (n) { return !graph.edges.some(function (e) { return e.data.target === n.data.id; }); })
    .map(function (n) { return n.data.id; });

  var cy = window.cytoscape({
    container: box,
    elements: graph.nodes.concat(graph.edges),
    layout: { name: "breadthfirst", directed: true, roots: roots, spacingFactor: 1.6, fit: true, padding: 40 },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 12, "text-wrap": "wrap", "text-max-width": 160,
        "text-valign": "bottom", "text-margin-y": 4, "color": "#222", "width": 22, "height": 22,
        "background-color": "#888",
        "font-family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" } },
      { selector: "node[kind = 'official']", style: { "background-color": "#b22222", "width": 28, "height": 28 } },
      { selector: "node[kind = 'person']", style: { "background-color": "#3c8d5a" } },
      { selector: "node[kind = 'enterprise']", style: { "shape": "round-rectangle", "background-color": "#1f3a5f",
        "width": 28, "height": 20 } },
      { selector: "node[kind = 'department']", style: { "shape": "hexagon", "background-color": "#6f42c1" } },
      { selector: "node[kind = 'application'], node[kind = 'tender']", style: { "shape": "diamond",
        "background-color": "#d9822b" } },
      { selector: "node[?url]", style: { "cursor": "pointer" } },
      { selector: "edge", style: {
        "width": 2, "line-color": "#8aa0b8", "target-arrow-color": "#8aa0b8", "target-arrow-shape": "triangle",
        "curve-style": "bezier", "label": "data(label)", "font-size": 10, "text-wrap": "wrap",
        "text-max-width": 220, "text-background-color": "#fff", "text-background-opacity": 0.9,
        "text-background-padding": 2 } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) window.location.href = url;
  });
  // What was drawn, for people using assistive technology and for the browser test.
  box.dataset.renderedNodes = String(cy.nodes().length);
  box.dataset.renderedEdges = String(cy.edges().length);
})();
