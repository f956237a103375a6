/* Monthly entry grid: live row/column totals in the page's number format, and the same
 * checks the server makes (whole non-negative number; more than ±30% from last month),
 * shown next to the cell while typing. The server repeats every check; this only helps.
 * Numbers are regrouped with the page's thousands marks while typed (12345 → 12.345;
 * the server accepts both). "Salin bulan lalu" fills the regency's cells from last
 * month here, without a reload (the link does the same on the server without JS).
 * Also auto-submits the month/region pickers. No inline script (CSP script-src 'self'). */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "id").toLowerCase();
  var numberFormat = new Intl.NumberFormat(lang.indexOf("en") === 0 ? "en-US" : "id-ID", {
    maximumFractionDigits: 0
  });
  var english = lang.indexOf("en") === 0;
  var mark = english ? "," : ".";
  var grouped = english ? /^\d{1,3}(,\d{3})+$/ : /^\d{1,3}(\.\d{3})+$/;
  var whole = /^\d+$/;
  var messages = {
    id: {
      notWhole: "harus bilangan bulat tanpa pecahan",
      negative: "tidak boleh negatif",
      nonactive: "Nonaktif",
      change: "berubah {pct}% dari bulan lalu; periksa kembali",
      copied: "Sel diisi dengan nilai bulan lalu; belum tersimpan. Periksa lalu tekan Simpan."
    },
    en: {
      notWhole: "must be a whole number",
      negative: "must not be negative",
      nonactive: "Non-active",
      change: "changed {pct}% from last month; please check"
    }
  }[lang.indexOf("en") === 0 ? "en" : "id"];

  /* The value of a typed cell: a number, null for empty, NaN for invalid. */
  function parse(text) {
    text = text.replace(/\s/g, "");
    if (text === "") return null;
    if (grouped.test(text)) text = text.split(mark).join("");
    if (!whole.test(text)) return NaN;
    return parseInt(text, 10);
  }

  function cellValue(input) {
    var value = parse(input.value);
    if (value === null && input.placeholder) return 0;
    return value;
  }

  /* Digits, or a grouped number with one digit typed or deleted (1.2345, 1.23): text that
   * regrouping may tidy. "1.5" is left alone, so a mistyped fraction stays visible. */
  function regroupable(text) {
    var parts = text.split(mark);
    if (parts.length === 1) return whole.test(text);
    if (!/^\d{1,4}$/.test(parts[0])) return false;
    for (var i = 1; i < parts.length; i += 1) {
      if (!/^\d{2,4}$/.test(parts[i])) return false;
    }
    return true;
  }

  /* Regroup the digits of a number as typed, keeping the caret after the same digit. */
  function regroup(input) {
    var text = input.value.replace(/\s/g, "");
    if (text === "" || !regroupable(text)) return;
    var value = parseInt(text.split(mark).join(""), 10);
    var formatted = numberFormat.format(value);
    if (formatted === input.value) return;
    var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
    var digitsBefore = input.value.slice(0, caret).replace(/\D/g, "").length;
    input.value = formatted;
    var position = 0;
    var seen = 0;
    while (position < formatted.length && seen < digitsBefore) {
      if (/\d/.test(formatted.charAt(position))) seen += 1;
      position += 1;
    }
    if (document.activeElement === input) input.setSelectionRange(position, position);
  }

  function problem(input) {
    var text = input.value.replace(/\s/g, "");
    var value = parse(input.value);
    if (value !== null && isNaN(value)) {
      return /^-/.test(text) ? messages.negative : messages.notWhole;
    }
    return "";
  }

  /* One message per cell: an error of either input (active first), else the active
   * count's ±30% warning. */
  function check(input) {
    var cell = input.closest("td");
    var live = cell.querySelector(".cell-live");
    var active = cell.querySelector("input.active-input");
    var nonactive = cell.querySelector("input.nonactive-input");
    var message = problem(active);
    if (!message && nonactive && problem(nonactive)) {
      message = messages.nonactive + ": " + problem(nonactive);
    }
    var level = message ? "error" : "";
    var value = parse(active.value);
    if (!message && value !== null && active.dataset.previous) {
      var before = parseInt(active.dataset.previous, 10);
      if (before > 0 && Math.abs(value - before) / before > 0.3) {
        var pct = Math.round(((value - before) / before) * 100);
        message = messages.change.replace("{pct}", (pct > 0 ? "+" : "") + numberFormat.format(pct));
        level = "warning";
      }
    }
    cell.classList.toggle("live-error", level === "error");
    cell.classList.toggle("live-warning", level === "warning");
    if (live) live.textContent = message;
  }

  function recompute(table) {
    var columns = {};
    var grand = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var total = 0;
      row.querySelectorAll("td.entry-cell").forEach(function (cell) {
        var value = cellValue(cell.querySelector("input.active-input"));
        var add = value === null || isNaN(value) ? 0 : value;
        total += add;
        columns[cell.dataset.col] = (columns[cell.dataset.col] || 0) + add;
      });
      grand += total;
      var target = row.querySelector("[data-row-total]");
      if (target) target.textContent = numberFormat.format(total);
    });
    table.querySelectorAll("[data-col-total]").forEach(function (target) {
      target.textContent = numberFormat.format(columns[target.dataset.colTotal] || 0);
    });
    var grandTarget = table.querySelector("[data-grand-total]");
    if (grandTarget) grandTarget.textContent = numberFormat.format(grand);
  }

  var table = document.querySelector("table.entry-grid");
  if (table) {
    table.addEventListener("input", function (event) {
      if (event.target.tagName === "INPUT") {
        regroup(event.target);
        check(event.target);
        recompute(table);
      }
    });
    document.querySelectorAll("[data-copy-last]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        table.querySelectorAll("input[data-previous]").forEach(function (input) {
          if (input.readOnly) return;
          input.value = numberFormat.format(parseInt(input.dataset.previous, 10));
          check(input);
        });
        recompute(table);
        var note = link.parentNode.querySelector(".muted");
        if (note) note.textContent = messages.copied;
      });
    });
  }

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
