// Keeps a session's attendance form in this browser tab while it is filled in, so that a
// dropped connection or a reload does not lose it. The page works without this script: it
// only adds the draft. The draft lives in sessionStorage (gone when the tab closes, never sent
// anywhere) and is used only for the version of the session it was made on: once the session
// is recorded, by this person or someone else, the record on the server wins.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.sessionStorage) {
    return;
  }
  var key = "tandem-" + form.getAttribute("data-draft");
  var version = form.getAttribute("data-version");
  var skip = { csrfmiddlewaretoken: true, version: true, submission: true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !skip[el.name];
    });
  }

  function save() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) {
          values[el.name] = el.value;
        }
      } else if (el.type === "checkbox") {
        values[el.name] = el.checked;
      } else {
        values[el.name] = el.value;
      }
    });
    try {
      sessionStorage.setItem(key, JSON.stringify({ version: version, values: values }));
    } catch (e) {
      // Storage full or refused: the form still works, without a draft.
    }
  }

  function restore() {
    var draft;
    try {
      draft = JSON.parse(sessionStorage.getItem(key) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || draft.version !== version) {
      sessionStorage.removeItem(key);
      return;
    }
    fields().forEach(function (el) {
      if (!(el.name in draft.values)) {
        return;
      }
      var value = draft.values[el.name];
      if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "checkbox") {
        el.checked = value === true;
      } else {
        el.value = value;
      }
    });
  }

  // A page answered with errors shows what the server received: that is the newer draft.
  if (!document.querySelector(".error-summary")) {
    restore();
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  var note = form.querySelector(".draft-note");
  if (note) {
    note.hidden = false;
  }
})();
