// Campaign view: "Select all on this page" as a checkbox in the list header, which checks
// or unchecks every row's checkbox, shows a mixed (indeterminate) state when only some
// are checked, and the number selected. Progressive enhancement only: without it the
// "Select all on this page" link reloads the page with every row checked (?all=1).
(function () {
  "use strict";
  var toggle = document.querySelector("[data-select-all]");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".cv-check"));
  if (!toggle || !rows.length) return;
  var box = toggle.closest("[data-select-all-box]");
  var count = document.querySelector("[data-selected-count]");
  var template = count ? count.getAttribute("data-template") || "" : "";

  function update() {
    var checked = rows.filter(function (row) { return row.checked; }).length;
    toggle.checked = checked === rows.length;
    toggle.indeterminate = checked > 0 && checked < rows.length;
    if (count) {
      count.textContent = checked ? template.replace("{count}", String(checked)) : "";
    }
  }

  toggle.addEventListener("change", function () {
    var on = toggle.checked;
    rows.forEach(function (row) { row.checked = on; });
    update();
  });
  rows.forEach(function (row) { row.addEventListener("change", update); });

  // The checkbox replaces the link of the page without scripts.
  Array.prototype.forEach.call(document.querySelectorAll("[data-select-all-link]"), function (link) {
    link.hidden = true;
  });
  if (box) box.hidden = false;
  window.addEventListener("pageshow", update); // checkboxes restored by the back button
  update();
})();
