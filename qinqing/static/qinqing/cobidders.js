// Co-bidder network 围标陪标: the firm in the middle, the firms it bid against around it (embedded by
// procurement.views.bidder_detail). Line width and label: tenders bid in together; a co-bidder that won
// any of them is drawn in orange. Nodes with a bidder page open it on a tap.
(function () {
  "use strict";
  var top = document.getElementById("co-top");
  if (top) top.addEventListener("change", function () { top.form.submit(); });
  var box = document.getElementById("qq-cobid-graph");
  var data = document.getElementById("qq-cobid-data");
  if (!box || !data || typeof window.cytoscape !== "function") return;
  var graph = JSON.parse(data.textContent);
  var most = Math.max(graph.max_weight || 1, 1);

  var cy = window.cytoscape({
    container: box,
    elements: graph.nodes.concat(graph.edges),
    layout: { name: "concentric", concentric: function (n) { return n.data("root") ? 2 : 1; },
              levelWidth: function () { return 1; }, minNodeSpacing: 40, fit: true, padding: 30 },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 140,
        "text-valign": "bottom", "text-margin-y": 4, "color": "#222", "shape": "round-rectangle",
        "background-color": "#1f3a5f", "width": 24, "height": 16,
        "font-family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" } },
      { selector: "node[?won]", style: { "background-color": "#d9822b" } },
      { selector: "node[?root]", style: { "background-color": "#b22222", "width": 34, "height": 24,
        "font-weight": "bold" } },
      { selector: "node[url]", style: { "cursor": "pointer" } },
      { selector: "edge", style: {
        "width": most > 1 ? "mapData(weight, 1, " + most + ", 1, 9)" : 2, "line-color": "#8aa0b8", "curve-style": "straight",
        "label": "data(label)", "font-size": 10, "text-background-color": "#fff",
        "text-background-opacity": 0.9, "text-background-padding": 2 } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url) window.location.href = url;
  });
  box.dataset.renderedNodes = String(cy.nodes().length);
  box.dataset.renderedEdges = String(cy.edges().length);
})();
