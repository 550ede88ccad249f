// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  // Trin 1: show the description of the chosen offer only (without JavaScript all are shown).
  function showDescription(form) {
    var chosen = form.querySelector("input[name='tilbud']:checked");
    form.querySelectorAll("[data-offer-description]").forEach(function (el) {
      el.hidden = !chosen || el.getAttribute("data-offer-description") !== chosen.value;
    });
    var hint = form.querySelector("[data-description-hint]");
    if (hint) hint.hidden = !!chosen;
  }

  function init(root) {
    root.querySelectorAll("form[data-offer-form]").forEach(function (form) {
      showDescription(form);
      form.addEventListener("change", function () { showDescription(form); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
