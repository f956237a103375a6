/* Marks the scope's initiatives on the dashboard's progress chart: a dotted vertical
 * line and the name at each start month. The marks (Plotly shapes and annotations)
 * come from /inisiatif/tanda/<scope>/<YYYY-MM>.json, built on the server by
 * coverage.charts.initiative_marks; they are added once dashboard.js has drawn the
 * chart (it sets the class "chart-drawn"). */
(function () {
  "use strict";

  function whenDrawn(container, callback) {
    if (container.classList.contains("chart-drawn")) {
      callback();
      return;
    }
    var observer = new MutationObserver(function () {
      if (container.classList.contains("chart-drawn")) {
        observer.disconnect();
        callback();
      }
    });
    observer.observe(container, { attributes: true, attributeFilter: ["class"] });
  }

  function annotate(container, marks) {
    if (!window.Plotly || !marks.shapes || !marks.shapes.length) {
      return;
    }
    var layout = container.layout || {};
    window.Plotly.relayout(container, {
      shapes: (layout.shapes || []).concat(marks.shapes),
      annotations: (layout.annotations || []).concat(marks.annotations),
    });
    container.dataset.initiatives = String(marks.shapes.length);
  }

  function start() {
    var source = document.querySelector("[data-initiative-marks]");
    var container = document.querySelector('[data-figure="chart-progress"]');
    if (!source || !container || !window.fetch) {
      return;
    }
    fetch(source.dataset.initiativeMarks, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { shapes: [] };
      })
      .then(function (marks) {
        whenDrawn(container, function () {
          annotate(container, marks);
        });
      })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
