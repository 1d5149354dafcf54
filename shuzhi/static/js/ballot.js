// The ballot page's only script (no framework, CSP-safe). The page works without it.
// 1. A form being submitted cannot be submitted again by a double tap (as app.js does for staff pages).
// 2. Before submitting a ballot with presenters left unrated, ask once; partial ballots are allowed.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target, i;
    if (form.getAttribute("data-submitting") === "1") { event.preventDefault(); return; }
    var question = form.getAttribute("data-unrated");
    if (question) {
      var groups = form.querySelectorAll("fieldset[data-presenter]"), missing = 0;
      for (i = 0; i < groups.length; i++) {
        if (!groups[i].querySelector("input[name^='r_']:checked")) { missing++; }
      }
      if (missing && !window.confirm(question.replace("{n}", String(missing)))) { event.preventDefault(); return; }
    }
    form.setAttribute("data-submitting", "1");
    var buttons = form.querySelectorAll("button[type=submit]");
    for (i = 0; i < buttons.length; i++) { buttons[i].setAttribute("aria-busy", "true"); }
  });
  // Shown again from the back/forward cache: the form may be submitted again (the server refuses a used code).
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-submitting]"), i;
    for (i = 0; i < forms.length; i++) {
      forms[i].removeAttribute("data-submitting");
      var buttons = forms[i].querySelectorAll("[aria-busy]");
      for (var j = 0; j < buttons.length; j++) { buttons[j].removeAttribute("aria-busy"); }
    }
  });
})();
