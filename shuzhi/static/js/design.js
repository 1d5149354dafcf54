// Ballot design pages (CSP-safe, no framework). Every page works without it; the server decides.
// 1. The running total of the category weights next to the field (form[data-weights]).
// 2. The live phone preview follows the ballot form editor as you type (form[data-preview]).
// 3. An item's own options field is shown only while "same options as the overall rating" is unticked.
(function () {
  "use strict";

  function weightTotal(form) {
    var output = document.getElementById("weight-total");
    if (!output) { return; }
    var inputs = form.querySelectorAll("input[data-weight]"), total = 0, bad = false, i;
    for (i = 0; i < inputs.length; i++) {
      var text = inputs[i].value.replace("%", "").trim();
      if (text === "") { continue; }
      var value = Number(text);
      if (!isFinite(value)) { bad = true; } else { total += value; }
    }
    total = Math.round(total * 100) / 100;
    var ok = !bad && total === 100;
    var template = bad ? output.getAttribute("data-nan") : output.getAttribute(ok ? "data-ok" : "data-bad");
    output.textContent = template.replace("{total}", String(total));
    output.classList.toggle("over", !ok);
    output.setAttribute("data-total", bad ? "" : String(total));
  }

  function previewQuery(form) {
    var params = new URLSearchParams(), data = new FormData(form);
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "action") { params.append(name, value); }
    });
    return params.toString();
  }

  var timers = {};
  function schedulePreview(form) {
    var frame = document.getElementById(form.getAttribute("data-preview"));
    if (!frame) { return; }
    window.clearTimeout(timers[frame.id]);
    timers[frame.id] = window.setTimeout(function () {
      var src = frame.getAttribute("data-base") + "?" + previewQuery(form);
      if (frame.getAttribute("src") !== src) { frame.setAttribute("src", src); }
    }, 350);
  }

  function ownOptions(checkbox) {
    var cell = checkbox.closest("td");
    var field = cell && cell.querySelector("input[data-own-options]");
    if (field) { field.hidden = checkbox.checked; }
  }

  function onChange(event) {
    var target = event.target, form = target.form;
    if (!form) { return; }
    if (form.hasAttribute("data-weights") && target.hasAttribute("data-weight")) { weightTotal(form); }
    if (target.hasAttribute("data-same-options")) { ownOptions(target); }
    if (form.hasAttribute("data-preview")) { schedulePreview(form); }
  }

  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-weights]"), boxes = document.querySelectorAll("input[data-same-options]"), i;
    for (i = 0; i < forms.length; i++) { weightTotal(forms[i]); }
    for (i = 0; i < boxes.length; i++) { ownOptions(boxes[i]); }
  });
})();
