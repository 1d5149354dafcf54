// Opening a cycle: while the title is still the standard one, it follows the year typed.
(function () {
  "use strict";
  var form = document.getElementById("open-cycle-form");
  if (!form) { return; }
  var year = form.querySelector("input[name=year]");
  var title = form.querySelector("input[name=title]");
  var suffix = form.getAttribute("data-title-suffix") || "";  // the standard title without its year
  if (!year || !title || !suffix) { return; }
  var last = year.value;
  year.addEventListener("input", function () {
    if (title.value === last + suffix && /^\d{4}$/.test(year.value)) { title.value = year.value + suffix; }
    if (/^\d{4}$/.test(year.value)) { last = year.value; }
  });
})();
