// The copy of a form's text kept on this device (localStorage), shared by the duty report editor and the
// daily check form: what was typed survives a closed tab, a reload, a lost session or a dropped
// connection. Storage full or disabled: nothing is kept here, and the page says nothing more.
(function () {
  "use strict";

  function LocalDraft(key) { this.key = key; }

  // Keep `entry` (any JSON object), stamped with the time it was kept.
  LocalDraft.prototype.store = function (entry) {
    entry.at = Date.now();
    try { localStorage.setItem(this.key, JSON.stringify(entry)); } catch (e) { /* nothing kept */ }
  };

  LocalDraft.prototype.read = function () {
    try { return JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { return null; }
  };

  LocalDraft.prototype.clear = function () {
    try { localStorage.removeItem(this.key); } catch (e) { /* nothing to do */ }
  };

  // The values of a form's named fields, files and hidden fields left out: {name: text} for text
  // fields and selects, {name: [checked values]} for checkboxes.
  LocalDraft.formValues = function (form) {
    var result = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox") {
        result[el.name] = result[el.name] || [];
        if (el.checked) { result[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { result[el.name] = el.value; }
      } else {
        result[el.name] = el.value;
      }
    });
    return result;
  };

  // Put values (as formValues gives them) back into the form.
  LocalDraft.applyFormValues = function (form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(values, el.name)) { return; }
      var value = values[el.name];
      if (el.type === "checkbox") { el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1; }
      else if (el.type === "radio") { el.checked = el.value === value; }
      else if (el.type !== "file" && el.type !== "hidden") { el.value = value; }
    });
  };

  LocalDraft.sameValues = function (a, b) {
    return JSON.stringify(a || {}) === JSON.stringify(b || {});
  };

  window.ShuzhiLocalDraft = LocalDraft;

  // A page that says a kept copy is done with (recorded, saved on the server) clears it.
  document.querySelectorAll("[data-clear-local-draft]").forEach(function (el) {
    el.dataset.clearLocalDraft.split(" ").forEach(function (key) { if (key) { new LocalDraft(key).clear(); } });
  });
})();
