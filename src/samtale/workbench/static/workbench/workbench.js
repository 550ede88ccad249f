// Progressive enhancement only: every workbench page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");
})();
