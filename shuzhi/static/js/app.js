// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A form that is being submitted cannot be submitted again by a double click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    // Re-enable if the page is shown again from the back/forward cache.
    window.addEventListener("pageshow", function () { form.dataset.submitting = ""; }, { once: true });
  }, true);
})();
