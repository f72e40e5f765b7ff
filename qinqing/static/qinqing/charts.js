// Charts of the tender pages: each `[data-qq-chart]` box draws the ECharts option the server embedded
// (json_script with that id), built in procurement/charts.py; the tables beside them hold the same figures.
(function () {
  "use strict";
  if (!window.echarts) return;
  var charts = [];
  document.querySelectorAll("[data-qq-chart]").forEach(function (box) {
    var data = document.getElementById(box.dataset.qqChart);
    if (!data) return;
    var chart = window.echarts.init(box);
    chart.setOption(JSON.parse(data.textContent));
    charts.push(chart);
    box.dataset.rendered = "1";  // for the browser test
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
