/*
 * The counter's one script: while a delivery waits (open for the household's signature or code, or accepted
 * and being redeemed on chain), ask the gateway for its page every 2 s (the session cookie goes with it;
 * nothing leaves the gateway) and, once its state has moved on, put the fresh delivery block in place and say
 * the new state in the status line; a code being typed stays while nothing changed. At most 300 asks (ten
 * minutes). Without script, the Refresh link works.
 */
(function () {
  "use strict";
  var tries = 0;
  function poll() {
    var block = document.getElementById("delivery");
    var url = block && block.getAttribute("data-follow");
    if (!url || tries++ >= 300) return;
    setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (res) {
          if (!res.ok) throw new Error(String(res.status));
          return res.text();
        })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, "text/html").getElementById("delivery");
          var now = document.getElementById("delivery");
          var state = fresh && fresh.getAttribute("data-delivery-state");
          if (fresh && now && state !== now.getAttribute("data-delivery-state")) {
            now.replaceWith(fresh);
            var word = fresh.querySelector(".state");
            var status = document.getElementById("delivery-follow");
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
