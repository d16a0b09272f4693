// The CSV import page while the worker runs the import: polls the run's status route
// every second and moves the progress bar and the counts; when the run ends, the page is
// reloaded to show the result (with its per-row errors). Without this script the page
// reloads itself (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var card = document.querySelector("[data-import-status]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-import-status");
  var bar = document.getElementById("import-bar");
  var rows = card.querySelector('[data-import="rows"]');
  var heading = card.querySelector("[data-running]");
  var failures = 0;

  function show(key, value) {
    var el = card.querySelector('[data-import="' + key + '"]');
    if (el) el.textContent = String(value);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (run) {
        failures = 0;
        if (run.status !== "queued" && run.status !== "running") {
          window.location.reload();
          return;
        }
        if (run.status === "running" && heading && heading.getAttribute("data-running")) {
          heading.textContent = heading.getAttribute("data-running");
        }
        if (bar) {
          bar.max = Math.max(run.total_rows, 1);
          bar.value = run.processed_rows;
          bar.textContent = run.processed_rows + " / " + run.total_rows;
        }
        if (rows) {
          rows.textContent = rows.getAttribute("data-template")
            .replace("{done}", run.processed_rows)
            .replace("{total}", run.total_rows);
        }
        show("created", run.created);
        show("duplicates", run.duplicates);
        show("failed", run.failed);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // The server is busy or unreachable: slow down, and fall back to reloading.
        failures += 1;
        if (failures >= 5) window.location.reload();
        else window.setTimeout(poll, 2000);
      });
  }

  window.setTimeout(poll, 500);
})();
