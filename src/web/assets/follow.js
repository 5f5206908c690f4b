/*
 * A gift's live notices: open the page's own event stream of the gift (same origin; the session cookie or the
 * receipt grant goes with it, nothing else is sent), after the last event the page already shows, and write a
 * notice for each new event into the status region, in the page's words and digits. The browser reconnects
 * by itself (with Last-Event-ID) after a dropped connection; a refusal ends it, and the page says so.
 */
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || typeof EventSource === "undefined") return;
  var notices = document.getElementById("live-notices");
  var state = document.getElementById("live-state");
  var words = {
    "gift.delivered": live.dataset.delivered,
    "gift.refunded": live.dataset.refunded,
    "gift.reallocated": live.dataset.reallocated,
    "gift.settlement_reversed": live.dataset.reversed,
  };
  var numbers = new Intl.NumberFormat(live.dataset.lang === "fa" ? "fa-IR" : "en-US", {
    maximumFractionDigits: 18,
  });
  var url = live.dataset.events + (live.dataset.after ? "?after=" + encodeURIComponent(live.dataset.after) : "");
  var stream = new EventSource(url);
  stream.onopen = function () {
    state.textContent = live.dataset.following;
  };
  stream.onerror = function () {
    if (stream.readyState === EventSource.CLOSED) state.textContent = live.dataset.stopped;
  };
  Object.keys(words).forEach(function (type) {
    stream.addEventListener(type, function (message) {
      var event = JSON.parse(message.data);
      var notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("data-event", type);
      notice.setAttribute("data-event-id", event.eventId);
      notice.textContent = words[type].replace("{amount}", numbers.format(event.amount));
      notices.appendChild(notice);
    });
  });
})();
