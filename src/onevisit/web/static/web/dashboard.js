// The reform dashboard's charts (Apache ECharts, served from our own static files).
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var label = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var charts = [];
  function chart(id, option) {
    var instance = echarts.init(document.getElementById(id));
    option.aria = { enabled: true };
    instance.setOption(option);
    charts.push(instance);
  }
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: [label.filed, label.completed] },
    xAxis: { type: "category", data: data.trend.map(function (r) { return r.day; }) },
    yAxis: { type: "value" },
    series: [
      { name: label.filed, type: "line", data: data.trend.map(function (r) { return r.filed; }) },
      { name: label.completed, type: "line", data: data.trend.map(function (r) { return r.completed; }) }
    ]
  });
  chart("chart-departments", {
    tooltip: {},
    grid: { left: 260 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.departments.map(function (r) { return r.name; }) },
    series: [{ name: label.decided, type: "bar", data: data.departments.map(function (r) { return r.decided; }) }]
  });
  chart("chart-regions", {
    tooltip: {},
    xAxis: { type: "category", data: data.regions.map(function (r) { return r.name; }) },
    yAxis: { type: "value" },
    series: [{ name: label.decided, type: "bar", data: data.regions.map(function (r) { return r.decided; }) }]
  });
  chart("chart-visits", {
    tooltip: {},
    series: [{
      name: label.visits, type: "pie", stillShowZeroSum: false,
      data: Object.keys(data.visits).map(function (k) { return { name: k, value: data.visits[k] }; })
    }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = String(charts.length);
});
