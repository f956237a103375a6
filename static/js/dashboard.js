/* Draws the server-built Plotly figures, switches the who-is-behind table between
 * branches and regencies, and auto-submits the period/basis pickers.
 * Each figure arrives as JSON in a <script type="application/json"> element made by
 * Django's json_script; no inline script is needed (CSP script-src 'self').
 * Charts folded inside a closed <details> ("Rincian") are drawn when it is opened,
 * and resized (Plotly.Plots.resize) when it is opened again. */
(function () {
  "use strict";

  var PHONE = 560;

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
   * fewer month ticks, bar labels shortened to their code, no map names. */
  function adaptToNarrow(figure, width) {
    var layout = figure.layout;
    layout.margin = layout.margin || {};
    if (layout.title && layout.title.text) {
      layout.title.text = wrapTitle(layout.title.text, Math.floor(width / 8.5));
      layout.margin.t = Math.max(layout.margin.t || 0, 70);
    }
    if (layout.showlegend !== false) {
      /* about 75 px below the plot, whatever its height */
      var plotHeight = (layout.height || 400) - (layout.margin.t || 0) - (layout.margin.b || 0);
      layout.legend = {
        orientation: "h", x: 0, y: -Math.min(0.3, 75 / Math.max(plotHeight, 150)), yanchor: "top"
      };
      layout.margin.b = Math.max(layout.margin.b || 0, 100);
    }
    Object.keys(layout).forEach(function (name) {
      var axis = layout[name];
      if (name.indexOf("xaxis") !== 0 || !axis || axis.visible === false) {
        return;
      }
      if (axis.type === "category") {
        if (axis.nticks) {
          axis.nticks = Math.max(3, Math.floor(width / 90));
        }
        return;
      }
      /* value axes: few horizontal ticks, so that numbers never overlap */
      var share = axis.domain ? axis.domain[1] - axis.domain[0] : 1;
      axis.nticks = share < 0.7 ? 3 : 4;
      axis.tickangle = 0;
      if (axis.title && axis.title.text) {
        axis.title.text = wrapTitle(axis.title.text, Math.floor((width * share) / 8));
      }
    });
    figure.data.forEach(function (trace) {
      var colorbar = trace.colorbar || (trace.marker && trace.marker.colorbar);
      if (colorbar) {
        colorbar.orientation = "h";
        colorbar.y = -0.02;
        colorbar.yanchor = "top";
        colorbar.thickness = 10;
        colorbar.lenmode = "pixels";
        colorbar.len = Math.min(width - 100, 260);
        colorbar.x = 0.5;
        colorbar.xanchor = "center";
        colorbar.nticks = 3;
        colorbar.tickangle = 0;
        layout.margin.b = Math.max(layout.margin.b || 0, 70);
      }
      if (trace.type === "bar" && trace.orientation === "h" && trace.y) {
        trace.y = trace.y.map(function (label) {
          return String(label).split(" · ")[0];
        });
      }
      if (trace.mode === "markers+text") {
        trace.mode = "markers";
      }
    });
  }

  /* The map keeps NTT's proportions: its height follows its width (no empty band). */
  function fitAspect(layout, width) {
    if (!layout.meta || !layout.meta.aspect) {
      return;
    }
    var margin = layout.margin || {};
    var inner = width - (margin.l || 0) - (margin.r || 0) - (width < PHONE ? 0 : 90);
    layout.height = Math.round(inner * layout.meta.aspect + (margin.t || 0) + (margin.b || 0));
  }

  function openOnClick(container) {
    container.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var link = point && point.data && point.data.customdata;
      if (point && point.customdata) {
        window.location.href = point.customdata;
      } else if (link && link.length === 1) {
        window.location.href = link[0];
      }
    });
  }

  function draw(container) {
    var source = document.getElementById(container.dataset.figure);
    if (!source || !window.Plotly || container.dataset.drawing) {
      return;
    }
    container.dataset.drawing = "1";
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    figure.layout = layout;
    var config = figure.config || {};
    var width = container.clientWidth || 600;
    var narrow = width < PHONE;
    if (narrow) {
      adaptToNarrow(figure, width);
      config.displayModeBar = false;
    }
    fitAspect(layout, width);
    window.Plotly.newPlot(container, figure.data, layout, config).then(function () {
      container.classList.add("chart-drawn");
      if (layout.meta && layout.meta.aspect) {
        openOnClick(container);
      }
      markWhenAllDrawn();
    });
  }

  /* A performance mark once every chart shown on load is drawn (read by the browser
   * benchmark, benchmarks/browser.py). */
  function markWhenAllDrawn() {
    if (!window.performance || !performance.mark || performance.getEntriesByName("charts-drawn").length) {
      return;
    }
    var pending = Array.prototype.some.call(document.querySelectorAll("[data-figure]"), function (el) {
      return !folded(el) && !el.classList.contains("chart-drawn");
    });
    if (!pending) {
      performance.mark("charts-drawn");
    }
  }

  function folded(container) {
    var details = container.closest("details");
    return details !== null && !details.open;
  }

  function drawVisible() {
    document.querySelectorAll("[data-figure]").forEach(function (container) {
      if (!folded(container)) {
        draw(container);
      }
    });
  }

  function unfoldDraws() {
    document.querySelectorAll("details").forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open) {
          return;
        }
        details.querySelectorAll("[data-figure]").forEach(function (container) {
          if (container.classList.contains("chart-drawn")) {
            window.Plotly.Plots.resize(container);
          } else {
            draw(container);
          }
        });
      });
    });
  }

  function tableSwitch() {
    document.querySelectorAll("[data-behind-show]").forEach(function (button) {
      button.addEventListener("click", function () {
        var wanted = button.dataset.behindShow;
        var group = button.closest(".behind");
        group.querySelectorAll("[data-behind]").forEach(function (block) {
          block.hidden = block.dataset.behind !== wanted;
        });
        group.querySelectorAll("[data-behind-show]").forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
      });
    });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  function start() {
    drawVisible();
    unfoldDraws();
    tableSwitch();
    autosubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
