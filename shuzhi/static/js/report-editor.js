// The duty report editor: autosave, a copy of the text on this device, conflicts, a lost network or
// session, character counters; and the print button of the print view. No framework, no inline code.
// Without this script the editor is a plain form ("Save draft" posts and redirects back).
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.getElementById("report-form");
  if (!form) { return; }

  var DEBOUNCE_MS = 2000;   // save this long after typing stops
  var INTERVAL_MS = 30000;  // and at least this often while there are unsaved changes
  var msg = form.dataset;
  var saveUrl = form.dataset.saveUrl;
  var storageKey = "shuzhi:report:" + form.dataset.review;
  var revisionInput = form.querySelector("input[name=revision]");
  var textareas = Array.prototype.slice.call(form.querySelectorAll("textarea"));
  var statusLine = document.getElementById("save-status");
  var conflictBanner = document.getElementById("conflict-banner");
  var restoreOffer = document.getElementById("restore-offer");

  var dirty = false;     // the text differs from what the server has
  var saving = false;    // a save request is on its way
  var again = false;     // another save was asked for while one was on its way
  var stopped = false;   // conflict or lost session: no automatic saves any more
  var held = false;      // wait for an edit or a click before saving (a refused save, an older text restored)
  var leaving = false;   // the form is being submitted the ordinary way
  var beaconSent = false;
  var timer = null;

  function values() {
    var result = {};
    textareas.forEach(function (t) { result[t.name] = t.value; });
    return result;
  }

  function sameValues(a, b) {
    return textareas.every(function (t) { return (a[t.name] || "") === (b[t.name] || ""); });
  }

  function setStatus(state, text) {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  // --- The copy on this device (local-draft.js) ------------------------------------------------------
  var local = new window.ShuzhiLocalDraft(storageKey);

  function storeLocally() {
    local.store({ rev: Number(revisionInput.value), fields: values() });
  }

  function readLocal() { return local.read(); }

  function clearLocalIf(saved) {
    var entry = readLocal();
    if (entry && (!saved || (entry.fields && sameValues(entry.fields, saved)))) { local.clear(); }
  }

  // --- Messages at the fields -----------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll(".field-error, #error-__all__").forEach(function (el) {
      el.textContent = "";
      el.hidden = true;
    });
  }

  function showErrors(errors) {
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var slot = document.getElementById("error-" + name) || document.getElementById("error-__all__");
      slot.textContent = errors[name];
      slot.hidden = false;
      first = first || slot;
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function codePoints(text) {
    return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
  }

  function updateCounter(textarea) {
    var counter = form.querySelector('[data-counter-for="' + textarea.id + '"]');
    if (!counter) { return; }
    var limit = Number(textarea.dataset.limit || 0);
    var n = codePoints(textarea.value);
    var over = limit > 0 && n > limit;
    counter.textContent = limit ? n + " / " + limit + (over ? " " + msg.msgOver : "") : String(n);
    counter.classList.toggle("over", over);
  }

  // --- Saving ---------------------------------------------------------------------------------------
  function formData() {
    var data = new FormData(form);  // includes csrfmiddlewaretoken and revision
    data.set("ajax", "1");
    return data;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, DEBOUNCE_MS);
  }

  function saved(body, sent) {
    revisionInput.value = body.revision;
    var findings = document.getElementById("findings");
    if (findings && typeof body.findings_html === "string") {
      findings.innerHTML = body.findings_html;  // rendered by the server's template, every text escaped
      document.getElementById("findings-count").textContent = body.findings_count;
    }
    clearErrors();
    clearLocalIf(sent);
    if (sameValues(values(), sent)) {
      dirty = false;
      setStatus("saved", msg.msgSaved + " " + body.saved_at);
    } else {  // typed on while the request was on its way
      storeLocally();
      setStatus("dirty", msg.msgDirty);
      schedule();
    }
  }

  function conflict(body) {
    stopped = true;
    clearTimeout(timer);
    document.getElementById("conflict-message").textContent = body.message || "";
    conflictBanner.hidden = false;
    conflictBanner.scrollIntoView({ block: "center" });
    setStatus("conflict", msg.msgConflict);
  }

  function refused(body) {
    held = true;
    showErrors(body.errors);
    setStatus("invalid", msg.msgInvalid);
  }

  function offline() { setStatus("offline", msg.msgOffline); }

  function expired() {
    stopped = true;
    clearTimeout(timer);
    setStatus("expired", msg.msgExpired);
  }

  function failed() { setStatus("failed", msg.msgFailed); }

  function save() {
    if (stopped || held || leaving || !dirty) { return; }
    if (saving) { again = true; return; }
    clearTimeout(timer);
    saving = true;
    var sent = values();
    setStatus("saving", msg.msgSaving);
    fetch(saveUrl, {
      method: "POST", body: formData(), credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      // A redirect (to the login page) or a refusal means the session is gone.
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return expired();
      }
      if ((response.headers.get("Content-Type") || "").indexOf("application/json") === -1) { return failed(); }
      return response.json().then(function (body) {
        if (response.ok) { return saved(body, sent); }
        if (response.status === 409) { return conflict(body); }
        if (response.status === 400) { return refused(body); }
        return failed();
      });
    }).catch(offline).then(function () {
      saving = false;
      if (again) { again = false; schedule(); }
    });
  }

  textareas.forEach(function (textarea) {
    updateCounter(textarea);
    textarea.addEventListener("input", function () {
      dirty = true;
      held = false;
      storeLocally();
      updateCounter(textarea);
      if (stopped) { return; }
      if (navigator.onLine === false) { offline(); } else { setStatus("dirty", msg.msgDirty); }
      schedule();
    });
  });

  setInterval(function () { if (dirty) { save(); } }, INTERVAL_MS);
  window.addEventListener("online", function () { if (dirty) { save(); } });

  document.getElementById("save-button").addEventListener("click", function (event) {
    event.preventDefault();
    if (stopped) {
      if (!conflictBanner.hidden) { conflictBanner.scrollIntoView({ block: "center" }); }
      return;
    }
    held = false;
    dirty = true;  // a click always asks the server, and shows when it last saved
    save();
  });

  document.getElementById("submit-button").addEventListener("click", function (event) {
    if (!window.confirm(msg.msgConfirmSubmit)) { event.preventDefault(); return; }
    leaving = true;  // the form posts the text itself; no autosave or beacon alongside
    clearTimeout(timer);
  });

  // Leaving the page or hiding it (phones rarely fire pagehide): send what is not saved yet.
  function sendPending() {
    if (!dirty || stopped || held || leaving || !navigator.sendBeacon) { return; }
    clearTimeout(timer);
    if (navigator.sendBeacon(saveUrl, formData())) { beaconSent = true; }
  }

  function afterBeacon() {
    // The beacon's answer is never seen: ask again with the same text, which the server answers
    // with its current revision (saving identical text is a no-op, not a conflict).
    if (!beaconSent) { return; }
    beaconSent = false;
    dirty = true;
    save();
  }

  window.addEventListener("pagehide", sendPending);
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    leaving = false;  // back from the page the form was submitted to: the editor works again
    afterBeacon();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { sendPending(); } else { afterBeacon(); }
  });

  // --- Text left on this device by an earlier visit ---------------------------------------------------
  (function offerRestore() {
    var entry = readLocal();
    if (!entry || !entry.fields) { return; }
    if (sameValues(entry.fields, values())) { clearLocalIf(null); return; }
    var olderBase = Number(entry.rev) !== Number(revisionInput.value);
    document.getElementById("restore-time").textContent = new Date(entry.at).toLocaleString();
    document.getElementById("restore-older").hidden = !olderBase;
    restoreOffer.hidden = false;
    document.getElementById("restore-yes").addEventListener("click", function () {
      textareas.forEach(function (t) {
        if (Object.prototype.hasOwnProperty.call(entry.fields, t.name)) { t.value = entry.fields[t.name]; }
        updateCounter(t);
      });
      restoreOffer.hidden = true;
      dirty = true;
      storeLocally();
      setStatus("dirty", msg.msgDirty);
      // Text typed on an older revision would replace what was saved since: save it only when asked.
      if (olderBase) { held = true; } else { schedule(); }
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      clearLocalIf(null);
      restoreOffer.hidden = true;
    });
  })();
})();
