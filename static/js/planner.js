/* The planner, comparison and initiatives pages: draws the server-built Plotly figures
 * (JSON from Django's json_script), asks before deleting, and fills in what a lever
 * kind implies. No inline script or handler is needed (CSP script-src 'self'). */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    if ((container.clientWidth || 600) < 560) {
      layout.legend = { orientation: "h", x: 0, y: -0.3, yanchor: "top" };
      layout.margin = layout.margin || {};
      layout.margin.b = 120;
    }
    window.Plotly.newPlot(container, figure.data, layout, figure.config).then(function () {
      container.classList.add("chart-drawn");
    });
  }

  function confirmDeletes() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  }

  /* REI: PU in sectors F and L; informal drive: BPU in one branch. Filled in only when
   * the kind is changed and only into empty fields; values filled in this way are
   * taken back when the kind changes again, so a manager's own entry is never lost. */
  function leverDefaults() {
    document.querySelectorAll("[data-lever-row]").forEach(function (row) {
      var kind = row.querySelector("select[name$='-kind']");
      var segment = row.querySelector("select[name$='-segment']");
      var sectors = row.querySelector("input[name$='-sectors']");
      if (!kind || !segment || !sectors) {
        return;
      }
      function fill(field, value) {
        if (!field.value) {
          field.value = value;
          field.dataset.filled = value;
        }
      }
      function unfill(field) {
        if (field.dataset.filled && field.value === field.dataset.filled) {
          field.value = "";
        }
        delete field.dataset.filled;
      }
      kind.addEventListener("change", function () {
        unfill(segment);
        unfill(sectors);
        if (kind.value === "rei") {
          fill(segment, "PU");
          fill(sectors, "F, L");
        } else if (kind.value === "informal") {
          fill(segment, "BPU");
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-figure]").forEach(draw);
    confirmDeletes();
    leverDefaults();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
