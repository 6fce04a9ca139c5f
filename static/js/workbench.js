/* The homes' charts (ECharts, vendored): indicator status per programme, agencies ranked by
   reporting and on-time rate. Data come from json_script blocks the template renders. */
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var colours = {achieved: "#198754", on_track: "#20c997", at_risk: "#ffc107", behind: "#dc3545",
                 no_data: "#adb5bd", missed: "#6f42c1", pending: "#0dcaf0"};
  var status = data("chart-status-data"), statusEl = document.getElementById("chart-status");
  if (status && statusEl && window.echarts) {
    var chart = echarts.init(statusEl);
    chart.setOption({
      tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 8, right: 16, bottom: 8, top: 48, containLabel: true},
      xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: status.programmes},
      series: status.series.map(function (s) {
        return {type: "bar", stack: "all", name: s.name, data: s.data, itemStyle: {color: colours[s.status]}};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var rates = data("chart-rates-data"), ratesEl = document.getElementById("chart-rates");
  if (rates && ratesEl && window.echarts) {
    var rows = rates.slice().reverse();
    var chart2 = echarts.init(ratesEl);
    chart2.setOption({
      tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 8, right: 16, bottom: 8, top: 32, containLabel: true},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", data: rows.map(function (r) { return r.agency; }), axisLabel: {width: 160, overflow: "truncate"}},
      series: [
        {type: "bar", name: ratesEl.dataset.rate || "报送率", data: rows.map(function (r) { return r.rate; })},
        {type: "bar", name: ratesEl.dataset.onTime || "按时率", data: rows.map(function (r) { return r.on_time_rate; })}
      ]
    });
    window.addEventListener("resize", function () { chart2.resize(); });
  }
})();
