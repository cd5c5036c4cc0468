// Live progress of a running bulk sync, from server-sent events.
(function () {
  var box = document.getElementById("bulk-progress");
  if (!box || !window.EventSource) return;
  var es = new EventSource(box.dataset.events);
  function set(id, v) { var el = document.getElementById(id); if (el) el.textContent = v; }
  function show(run) {
    document.getElementById("bulk-bar").value = Math.round(run.percent);
    set("bulk-done", run.done); set("bulk-total", run.total); set("bulk-phase", run.phase || "");
    set("bulk-changed", run.changed); set("bulk-linked", run.linked); set("bulk-failed", run.failed);
    set("bulk-status", run.status);
    set("bulk-eta", run.eta_seconds != null ? Math.ceil(run.eta_seconds) + " s" : "—");
  }
  es.addEventListener("progress", function (e) { show(JSON.parse(e.data)); });
  es.addEventListener("done", function (e) {
    show(JSON.parse(e.data)); es.close();
    box.dataset.finished = "true";
    setTimeout(function () { window.location.reload(); }, 800);
  });
})();
