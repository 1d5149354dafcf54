// Review meetings: small enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Scheduling: choosing another organisation or cycle reloads the form for it at once.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  });

  // A form swapped in with errors (htmx): put the cursor in the first field to correct.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail && event.detail.target && event.detail.target.id;
    var swapped = id ? document.getElementById(id) : null;
    var invalid = swapped && swapped.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); }
  });

  // Presenter screen: arrow keys, Page Up/Down (presentation clickers) and the space bar step through
  // the agenda by clicking the Previous/Next buttons; F toggles full screen.
  if (!document.body.classList.contains("screen")) { return; }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen(); }
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  var NEXT = ["ArrowRight", "ArrowDown", "PageDown"];
  var PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp"];

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var id = null;
    if (NEXT.indexOf(event.key) >= 0 || (event.key === " " && tag !== "BUTTON" && tag !== "A")) {
      id = "screen-next";
    } else if (PREVIOUS.indexOf(event.key) >= 0) {
      id = "screen-prev";
    } else if (event.key === "f" || event.key === "F") {
      event.preventDefault();
      toggleFullscreen();
      return;
    }
    if (!id) { return; }
    event.preventDefault();
    var button = document.getElementById(id);
    if (button && !button.disabled) { button.click(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-fullscreen]")) { toggleFullscreen(); }
  });
})();
