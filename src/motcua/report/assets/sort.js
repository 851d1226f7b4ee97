(function () {
  "use strict";
  function key(cell) {
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent;
  }
  var tables = document.querySelectorAll("table[data-sortable]");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      if (!th.hasAttribute("data-sort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = table.getAttribute("data-sort-hint") || "";
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.getAttribute("data-sort") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]);
          var y = key(b.cells[col]);
          if (numeric) {
            x = parseFloat(x);
            y = parseFloat(y);
            if (isNaN(x) || isNaN(y)) { return isNaN(x) - isNaN(y); }
            return asc ? x - y : y - x;
          }
          return asc ? x.localeCompare(y, document.documentElement.lang) : y.localeCompare(x, document.documentElement.lang);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
}());
