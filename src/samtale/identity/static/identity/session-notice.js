// "Du bliver snart logget ud": counts down the session's remaining time (rendered by the server into
// #session-notice), shows the notice shortly before the end, renews the session on request and goes
// to the signed-out page when the time is up. A static file because the CSP forbids inline script.
(function () {
  "use strict";
  var notice, form, timerWarn, timerEnd, countdown;

  function schedule(secondsLeft) {
    var warnAt = parseInt(notice.getAttribute("data-warn-seconds"), 10) || 120;
    clearTimeout(timerWarn);
    clearTimeout(timerEnd);
    clearInterval(countdown);
    notice.hidden = true;
    var deadline = Date.now() + secondsLeft * 1000;
    timerWarn = setTimeout(function () { show(deadline); }, Math.max(0, secondsLeft - warnAt) * 1000);
    timerEnd = setTimeout(function () {
      window.location.assign(notice.getAttribute("data-signed-out-url"));
    }, secondsLeft * 1000);
  }

  function show(deadline) {
    var out = notice.querySelector("[data-session-minutes]");
    function tick() {
      var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(s / 60);
      out.textContent = m >= 1 ? m + " min. og " + (s % 60) + " sek." : s + " sek.";
    }
    tick();
    countdown = setInterval(tick, 1000);
    notice.hidden = false;
    var button = notice.querySelector("button");
    if (button) button.focus();
  }

  function renew(event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : { seconds_left: 0 }; })
      .then(function (data) {
        if (data.seconds_left > 0) schedule(data.seconds_left);
        else window.location.assign(notice.getAttribute("data-signed-out-url"));
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    notice = document.getElementById("session-notice");
    if (!notice) return;
    form = notice.querySelector("form");
    form.addEventListener("submit", renew);
    schedule(parseInt(notice.getAttribute("data-seconds-left"), 10) || 0);
  });
})();
