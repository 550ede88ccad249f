// Progressive enhancement of the write forms: show only the fields that apply to the chosen contact
// form and conversation type (R-PC-2: address for personal attendance, who calls and the number for
// a telephone meeting; the link for a video meeting; a-kasse participation for Jobsamtale med deltagelse af a-kasse; the time,
// place and cut-offs only when no free time is chosen, as a free time brings its offer's). Without
// JavaScript every field is shown with its heading, and the service checks what applies either way.
(function () {
  "use strict";
  function codes(form, name) {
    return (form.getAttribute("data-" + name) || "").split(",").filter(Boolean);
  }
  function update(form) {
    var contact = form.querySelector("[name=contact_form]");
    var type = form.querySelector("[name=conversation_type]");
    var slot = form.querySelector("[name=slot]:checked");
    var wanted = {
      time: slot ? slot.value === "" : true,
      personal: contact ? codes(form, "personal").indexOf(contact.value) >= 0 : true,
      phone: contact ? codes(form, "phone").indexOf(contact.value) >= 0 : true,
      video: contact ? codes(form, "video").indexOf(contact.value) >= 0 : true,
      akasse: type ? codes(form, "akasse").indexOf(type.value) >= 0 : true,
      binding: type ? codes(form, "binding").indexOf(type.value) >= 0 : true
    };
    form.querySelectorAll("[data-show]").forEach(function (el) {
      // data-show="personal time": shown only when every condition holds.
      var hide = el.getAttribute("data-show").split(" ").some(function (c) { return wanted[c] === false; });
      el.classList.toggle("wb-hidden", hide);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-follows]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();
