// The daily check form on a phone: what is typed is kept on this device as it is typed (local-draft.js),
// offered back after a reload, a closed tab or a dropped connection; without a connection the form is
// not sent (it would be lost in the browser's error page) and says so. No framework, no inline code;
// without this script the form is a plain form.
(function () {
  "use strict";

  var form = document.getElementById("check-form");
  if (!form) { return; }
  var Draft = window.ShuzhiLocalDraft;
  var local = new Draft(form.dataset.localKey);
  var token = form.querySelector("input[name=form_token]");
  var statusLine = document.getElementById("check-status");
  var offer = document.getElementById("restore-offer");

  function setStatus(text) { statusLine.textContent = text; }

  function keep() {
    local.store({ token: token.value, fields: Draft.formValues(form) });
    setStatus(form.dataset.msgKept);
  }

  // A draft saved on the server is the copy now: the new-check copy of its form is done with.
  if (form.dataset.localKey !== form.dataset.newKey) {
    var fresh = new Draft(form.dataset.newKey);
    var entry = fresh.read();
    if (entry && entry.token === token.value) { fresh.clear(); }
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") {
      var names = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (f) { names.push(f.name); });
      });
      document.getElementById("chosen-files").textContent = names.join("、");
      return;
    }
    keep();
  });

  // app.js (listening on the document, so before this) marked the form as being sent: undo that when
  // it is not sent after all.
  function notSent(event) {
    event.preventDefault();
    form.dataset.submitting = "";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.removeAttribute("aria-busy"); });
  }

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }  // already on its way (a double click)
    var button = event.submitter;
    keep();
    if (navigator.onLine === false) {
      notSent(event);
      setStatus(form.dataset.msgOffline);
      statusLine.scrollIntoView({ block: "center" });
      return;
    }
    if (button && button.value === "record" && !window.confirm(form.dataset.msgConfirmRecord)) { notSent(event); }
  });

  window.addEventListener("offline", function () { setStatus(form.dataset.msgOffline); });
  window.addEventListener("online", function () { setStatus(form.dataset.msgOnline); });

  // What an earlier visit left on this device and the page does not show.
  (function offerRestore() {
    var entry = local.read();
    if (!entry || !entry.fields) { return; }
    if (Draft.sameValues(entry.fields, Draft.formValues(form))) { return; }
    document.getElementById("restore-time").textContent = new Date(entry.at).toLocaleString();
    offer.hidden = false;
    document.getElementById("restore-yes").addEventListener("click", function () {
      Draft.applyFormValues(form, entry.fields);
      if (entry.token && form.dataset.localKey === form.dataset.newKey) { token.value = entry.token; }
      offer.hidden = true;
      keep();
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      local.clear();
      offer.hidden = true;
    });
  })();
})();
