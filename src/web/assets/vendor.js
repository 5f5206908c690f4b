/*
 * The counter's one script: while a delivery is being redeemed on chain, reload its page every few seconds
 * (at most 60 times) so the vendor sees it redeemed without pressing Refresh. Without script, the link works.
 */
(function () {
  "use strict";
  var link = document.querySelector("[data-auto-refresh]");
  if (!link) return;
  var key = "sintech-refresh:" + location.pathname;
  var tries = Number(sessionStorage.getItem(key) || "0");
  if (tries >= 60) return;
  setTimeout(function () {
    sessionStorage.setItem(key, String(tries + 1));
    location.replace(link.getAttribute("href"));
  }, Number(link.getAttribute("data-auto-refresh")));
})();
