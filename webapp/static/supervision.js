// The leader view's charts (ECharts) drawn from /supervision/cockpit.json.
(function () {
  "use strict";
  // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style attributes the CSP refuses.
  var TOOLTIP = "richText";
  var COLORS = { red: "#d92d20", yellow: "#f9a825", green: "#2e7d32", unknown: "#9e9e9e", pending: "#90a4ae" };

  function draw(data) {
    var keys = Object.keys(data.light_labels);
    var lights = echarts.init(document.getElementById("chart-lights"));
    lights.setOption({
      title: { text: "在办批示件状态", left: "center" },
      tooltip: { trigger: "item", renderMode: TOOLTIP },
      // The ring sits below the title and keeps its labels apart (they overlapped the title at 35%/65%).
      series: [{ type: "pie", radius: ["30%", "55%"], center: ["50%", "58%"], avoidLabelOverlap: true,
        minShowLabelAngle: 4, label: { formatter: "{b} {c}" },
        data: keys.map(function (k) { return { name: data.light_labels[k], value: data.lights[k], itemStyle: { color: COLORS[k] } }; }) }]
    });
    var units = echarts.init(document.getElementById("chart-units"));
    units.setOption({
      title: { text: "各承办单位在办", left: "center" },
      tooltip: { trigger: "axis", renderMode: TOOLTIP }, legend: { bottom: 0 },
      grid: { left: 120, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.by_unit.map(function (u) { return u.unit; }) },
      series: keys.map(function (k) {
        return { name: data.light_labels[k], type: "bar", stack: "all", itemStyle: { color: COLORS[k] },
          data: data.by_unit.map(function (u) { return u[k]; }) };
      })
    });
    var trend = echarts.init(document.getElementById("chart-trend"));
    trend.setOption({
      title: { text: "近12个月交办与办结", left: "center" },
      tooltip: { trigger: "axis", renderMode: TOOLTIP }, legend: { bottom: 0 },
      xAxis: { type: "category", data: data.trend.map(function (m) { return m.month; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "交办", type: "line", data: data.trend.map(function (m) { return m.received; }) },
        { name: "办结", type: "line", data: data.trend.map(function (m) { return m.closed; }) },
        { name: "按期办结", type: "bar", data: data.trend.map(function (m) { return m.closed_on_time; }) }
      ]
    });
    window.addEventListener("resize", function () { lights.resize(); units.resize(); trend.resize(); });
    document.getElementById("charts").dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("charts");
    if (!box || typeof echarts === "undefined") { return; }
    fetch(box.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(draw);
  });
})();
