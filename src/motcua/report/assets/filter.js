(function () {
  "use strict";
  // The index's search box: shows only the rows of table[data-filterable] whose text holds every word typed,
  // compared without diacritics or case ("ha noi" finds "Hà Nội"). Runs offline; rows are folded once.
  var box = document.getElementById("ix-filter");
  if (!box) { return; }
  var count = document.getElementById("ix-filter-count");
  var fmt = count ? count.getAttribute("data-format") || "{n}/{total}" : "";
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var rows = [];
  Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable] tbody tr"), function (r) {
    rows.push([r, null]);
  });
  function apply() {
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (e) {
      if (e[1] === null) { e[1] = fold(e[0].textContent); }
      var ok = words.every(function (w) { return e[1].indexOf(w) >= 0; });
      e[0].hidden = !ok;
      shown += ok ? 1 : 0;
    });
    if (count) { count.textContent = words.length ? fmt.replace("{n}", shown).replace("{total}", rows.length) : ""; }
  }
  box.addEventListener("input", apply);
  if (box.value) { apply(); }
}());
