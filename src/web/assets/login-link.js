/*
 * The one-time link's page: the token arrives in the address's fragment, which the browser never sends to any
 * server (so no request log holds it). Put it into the form's field and drop it from the address bar and the
 * history, so the address copied or kept afterwards carries no token. Signing in is still the visitor's press on
 * the button (a POST): opening the link spends nothing. Without script, the code is pasted into the field.
 * A link opened on the page already shown (only its fragment changes, so the page is not loaded again) is
 * taken the same way, into an empty field only.
 */
(function () {
  "use strict";
  var field = document.getElementById("linkToken");
  if (!field) return;
  function take() {
    var token = location.hash.slice(1);
    // stl_: an organisation's link (/app/login/link); stm_: a time-bank member's (/app/member/login).
    if (!/^st[lm]_[A-Za-z0-9_-]{43}$/.test(token)) return;
    // A code already in the field is never replaced: a page that opened this window cannot swap its own in.
    if (field.value === "") field.value = token;
    history.replaceState(null, "", location.pathname + location.search);
  }
  take();
  window.addEventListener("hashchange", take);
})();
