/* Draws the server-built Plotly figures and auto-submits the period/basis pickers.
 * Each figure arrives as JSON in a <script type="application/json"> element made by
 * Django's json_script; no inline script is needed (CSP script-src 'self'). */
(function () {
  "use strict";

  /* Zoom that fits NTT (6.3 degrees of longitude, with a margin) into the map's
   * width less its colour bar. */
  function fittedZoom(width) {
    var zoom = Math.log2(((width - 120) * 360) / (512 * 7.0));
    return Math.max(4.2, Math.min(6.2, zoom));
  }

  /* Break a long title into lines of at most `width` characters (Plotly does not wrap). */
  function wrapTitle(text, width) {
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.join("<br>");
  }

  /* Phone-sized containers: wrapped titles, legends and colour bars below the plot,
   * sector labels shortened to their KBLI code. */
  function adaptToNarrow(figure, width) {
    var layout = figure.layout;
    if (layout.title && layout.title.text) {
      layout.title.text = wrapTitle(layout.title.text, Math.floor(width / 8.5));
      layout.margin = layout.margin || {};
      layout.margin.t = Math.max(layout.margin.t || 0, 70);
    }
    if (layout.showlegend !== false) {
      layout.legend = { orientation: "h", x: 0, y: -0.25, yanchor: "top" };
      layout.margin.b = Math.max(layout.margin.b || 0, 90);
    }
    figure.data.forEach(function (trace) {
      if (trace.colorbar) {
        trace.colorbar.orientation = "h";
        trace.colorbar.y = -0.02;
        trace.colorbar.yanchor = "top";
        trace.colorbar.thickness = 10;
        layout.margin.b = Math.max(layout.margin.b || 0, 70);
      }
      if (trace.type === "bar" && trace.orientation === "h" && trace.y) {
        trace.y = trace.y.map(function (label) {
          return String(label).split(" · ")[0];
        });
      }
    });
  }

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    figure.layout = layout;
    var width = container.clientWidth || 600;
    var narrow = width < 560;
    if (narrow) {
      adaptToNarrow(figure, width);
    }
    if (layout.map) {
      layout.map.zoom = fittedZoom(narrow ? width + 100 : width);
      layout.map.center = { lat: -9.4, lon: 122.06 };
    }
    window.Plotly.newPlot(container, figure.data, layout, figure.config).then(function () {
      container.classList.add("chart-drawn");
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll();
      autosubmit();
    });
  } else {
    drawAll();
    autosubmit();
  }
})();
