// The side panel of report histories: a click on a cell of the matrix asks the server (htmx) for
// that unit's history on that task; «✕» (or Escape) closes the panel.
(function () {
  "use strict";
  function close() {
    var sheet = document.getElementById("lich-su");
    if (sheet) { sheet.innerHTML = ""; }
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close]")) { close(); return; }
    var link = event.target.closest("table.matrix a.cell");
    if (!link) { return; }
    var cell = link.parentElement;
    var unit = cell.parentElement.getAttribute("data-u");
    var head = cell.closest("table").tHead.rows[0].cells[cell.cellIndex];
    var key = head && head.getAttribute("data-k");
    if (unit && key) {
      htmx.ajax("GET", "/don-vi/" + encodeURIComponent(unit) + "/nhiem-vu/" + encodeURIComponent(key),
                {target: "#lich-su", swap: "innerHTML"});
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { close(); }
  });
})();
