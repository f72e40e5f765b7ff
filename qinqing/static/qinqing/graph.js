// Ownership graph 股权穿透: draws the JSON of registry.views.enterprise_graph with Cytoscape.js.
// Owners sit above the firm (negative layers), firms it holds below; arrows run holder → held firm.
(function () {
  "use strict";
  var box = document.getElementById("qq-graph");
  var form = document.getElementById("qq-graph-depth");
  var note = document.getElementById("qq-graph-note");
  if (!box || !form || typeof window.cytoscape !== "function") return;
  var cy = null;

  function positions(nodes) {
    var layers = {};
    nodes.forEach(function (n) { (layers[n.data.layer] = layers[n.data.layer] || []).push(n.data.id); });
    var pos = {};
    Object.keys(layers).forEach(function (layer) {
      var ids = layers[layer];
      ids.forEach(function (id, i) { pos[id] = { x: (i - (ids.length - 1) / 2) * 190, y: Number(layer) * 130 }; });
    });
    return pos;
  }

  function draw(graph) {
    var pos = positions(graph.nodes);
    if (cy) cy.destroy();
    cy = window.cytoscape({
      container: box,
      elements: graph.nodes.concat(graph.edges),
      layout: { name: "preset", positions: function (node) { return pos[node.id()]; }, fit: true, padding: 30 },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 150,
          "text-valign": "bottom", "text-margin-y": 4, "color": "#222",
          "font-family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" } },
        { selector: "node[kind = 'firm']", style: { "shape": "round-rectangle", "background-color": "#1f3a5f",
          "width": 26, "height": 18 } },
        { selector: "node[kind = 'person']", style: { "shape": "ellipse", "background-color": "#3c8d5a",
          "width": 18, "height": 18 } },
        { selector: "node[?root]", style: { "background-color": "#b22222", "width": 34, "height": 24,
          "font-weight": "bold" } },
        { selector: "node[url]", style: { "cursor": "pointer" } },
        { selector: "edge", style: {
          "width": "mapData(ratio, 0, 1, 1, 6)", "line-color": "#8aa0b8", "target-arrow-color": "#8aa0b8",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)",
          "font-size": 10, "text-background-color": "#fff", "text-background-opacity": 0.9,
          "text-background-padding": 2 } }
      ]
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) window.location.href = url;
    });
    note.hidden = !graph.truncated;
    note.textContent = graph.truncated ? box.dataset.truncatedText : "";
  }

  function load() {
    var params = new URLSearchParams(new FormData(form));
    fetch(box.dataset.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(draw)
      .catch(function () { box.textContent = box.dataset.errorText; });
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  load();
})();
