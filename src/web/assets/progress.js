/*
 * Progress bars of long jobs (a disbursement, a household import, a registration run on chain): while the
 * job block says it is running, ask the gateway for
 * the same page every 1.5 s (the session cookie goes with it; nothing leaves the gateway) and put its fresh
 * job block and row list in place, until the job is done (at most 400 times). Without script, reloading
 * the page shows the same numbers.
 */
(function () {
  "use strict";
  var tries = 0;
  function swap(fresh, id) {
    var now = document.getElementById(id);
    var next = fresh.getElementById(id);
    if (now && next) now.replaceWith(next);
  }
  function poll() {
    var job = document.getElementById("job");
    if (!job || job.getAttribute("data-job-state") !== "running" || tries++ >= 400) return;
    setTimeout(function () {
      fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (res) {
          if (!res.ok) throw new Error(String(res.status));
          return res.text();
        })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, "text/html");
          swap(fresh, "job");
          swap(fresh, "refused");
          poll();
        })
        .catch(function () {
          poll();
        });
    }, 1500);
  }
  poll();
})();
