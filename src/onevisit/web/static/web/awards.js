// The award call's score statistics (Apache ECharts, served from our own static files):
// each expert's leniency and each criterion's mean with its standard deviation.
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("awards-stats").textContent);
  var label = JSON.parse(document.getElementById("awards-labels").textContent);
  var charts = [];
  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var instance = echarts.init(element);
    option.aria = { enabled: true };
    instance.setOption(option);
    charts.push(instance);
  }
  // One row per expert, every name shown: the chart grows with the pool.
  var experts = document.getElementById("chart-experts");
  if (experts) { experts.style.height = Math.max(320, 28 * data.experts.length + 80) + "px"; }
  chart("chart-experts", {
    tooltip: { trigger: "axis" },
    grid: { left: 120 },
    xAxis: { type: "value", name: label.leniency },
    yAxis: { type: "category", axisLabel: { interval: 0 },
             data: data.experts.map(function (r) { return r.name; }) },
    series: [{ name: label.leniency, type: "bar",
               data: data.experts.map(function (r) { return r.leniency; }) }]
  });
  chart("chart-criteria", {
    tooltip: { trigger: "axis" },
    legend: { data: [label.mean, label.sd] },
    xAxis: { type: "category", data: data.criteria.map(function (r) { return r.name; }) },
    yAxis: { type: "value", min: 0, max: 100 },
    series: [
      { name: label.mean, type: "bar", data: data.criteria.map(function (r) { return r.mean; }) },
      { name: label.sd, type: "bar", data: data.criteria.map(function (r) { return r.sd; }) }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = String(charts.length);
});
