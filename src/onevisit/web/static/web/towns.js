// 特色小镇's public charts (Apache ECharts, served from our own static files): towns per
// region, and the yearly trends of investment, tax revenue and new enterprises.
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("towns-data").textContent);
  var label = JSON.parse(document.getElementById("towns-labels").textContent);
  var charts = [];
  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var instance = echarts.init(element);
    option.aria = { enabled: true };
    instance.setOption(option);
    charts.push(instance);
  }
  chart("chart-regions", {
    tooltip: {},
    xAxis: { type: "category", data: data.regions.map(function (r) { return r.name; }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: label.towns, type: "bar", data: data.regions.map(function (r) { return r.count; }) }]
  });
  var years = data.trends.map(function (r) { return String(r.year); });
  chart("chart-trends", {
    tooltip: { trigger: "axis" },
    legend: { data: [label.investment, label.tax, label.enterprises] },
    xAxis: { type: "category", data: years },
    yAxis: [{ type: "value", name: label.money }, { type: "value", name: label.count, minInterval: 1 }],
    series: [
      { name: label.investment, type: "bar", data: data.trends.map(function (r) { return r.investment; }) },
      { name: label.tax, type: "bar", data: data.trends.map(function (r) { return r.tax; }) },
      { name: label.enterprises, type: "line", yAxisIndex: 1, data: data.trends.map(function (r) { return r.enterprises; }) }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = String(charts.length);
});
