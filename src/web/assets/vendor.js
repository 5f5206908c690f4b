/*
 * The counter's one script, and the insurer's mandate page's: while a delivery waits (open for the household's
 * signature or code, or accepted and being redeemed on chain), or a mandate waits for a member's word or a
 * premium is queued, the block marked `data-follow` asks the gateway for its page every 2 s (the session cookie
 * goes with it; nothing leaves the gateway) and, once its `data-follow-state` has moved on, the fresh block is
 * put in place and the new state said in the status line (`<block id>-follow`); a code being typed stays while
 * nothing changed. At most 300 asks (ten minutes). Without script, the Refresh link works.
 */
(function () {
  "use strict";
  var tries = 0;
  var first = document.querySelector("[data-follow]");
  var id = first && first.id;
  function poll() {
    var block = id && document.getElementById(id);
    var url = block && block.getAttribute("data-follow");
    if (!url || tries++ >= 300) return;
    setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (res) {
          if (!res.ok) throw new Error(String(res.status));
          return res.text();
        })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, "text/html").getElementById(id);
          var now = document.getElementById(id);
          var state = fresh && fresh.getAttribute("data-follow-state");
          if (fresh && now && state !== now.getAttribute("data-follow-state")) {
            now.replaceWith(fresh);
            var word = fresh.querySelector(".state");
            var status = document.getElementById(id + "-follow");
            if (word && status) status.textContent = word.textContent;
          }
          poll();
        })
        .catch(function () {
          poll();
        });
    }, 2000);
  }
  poll();
})();
