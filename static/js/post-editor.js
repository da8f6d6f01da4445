/* The post editor: a live preview beside the body, word count and reading time, and
   autosave of the form's text in this browser.

   The preview is rendered by the server (blog/editor.py: the same render_post_body that
   saving uses), so it shows exactly what readers will get; this script only sends the
   text and places the sanitised HTML that comes back.

   Autosave keeps the title, slug, teaser and body in localStorage as they are typed. When
   the page opens with a draft that differs from the form, the editor is asked: restore
   it or discard it. If the post was saved on the server after the draft was begun, the
   question says so: a newer server version is never replaced without asking. */
// The admin puts form media in <head>: start once the form is there.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var config = document.getElementById("post-editor-config");
  var form = document.getElementById("post_form");
  var body = document.getElementById("id_body");
  if (!config || !form || !body) return;
  config = JSON.parse(config.textContent);

  var FIELDS = ["title", "slug", "teaser", "body"];
  var storageKey = "blog-post-draft:" + (config.post || "new");
  var bodyFormat = document.getElementById("id_body_format");
  var teaser = document.getElementById("id_teaser");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

  // --- Layout: the body and its preview side by side --------------------------------
  var editor = document.createElement("div");
  editor.className = "post-editor";
  body.parentNode.insertBefore(editor, body);
  editor.appendChild(body);
  var pane = document.createElement("section");
  pane.className = "post-preview";
  pane.setAttribute("aria-labelledby", "post-preview-heading");
  pane.innerHTML =
    '<h2 id="post-preview-heading" class="post-preview-heading">Preview</h2>' +
    '<p class="post-editor-stats" aria-live="polite"></p>' +
    '<div class="post-preview-body"></div>';
  editor.appendChild(pane);
  var stats = pane.querySelector(".post-editor-stats");
  var previewBody = pane.querySelector(".post-preview-body");

  // --- Live preview ------------------------------------------------------------------
  var timer = null;
  var sent = 0;
  function refresh() {
    var number = ++sent;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf.value);
    data.append("body", body.value);
    data.append("body_format", bodyFormat ? bodyFormat.value : "markdown");
    data.append("teaser", teaser ? teaser.value : "");
    fetch(config.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("The preview failed (" + response.status + ").");
        return response.json();
      })
      .then(function (result) {
        if (number !== sent) return; // an older answer arriving late
        previewBody.innerHTML = result.html; // sanitised by the server
        var minutes = result.reading_minutes;
        stats.textContent =
          result.words + (result.words === 1 ? " word" : " words") + " · " +
          minutes + (minutes === 1 ? " minute" : " minutes") + " to read";
      })
      .catch(function (error) {
        stats.textContent = error.message + " Your text is safe; saving still works.";
      });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  body.addEventListener("input", schedule);
  if (teaser) teaser.addEventListener("input", schedule);
  if (bodyFormat) bodyFormat.addEventListener("change", schedule);
  refresh();

  // --- Hashtag rows: Up and Down instead of position numbers --------------------------
  var tagGroup = document.getElementById("post_hashtags-group");
  function tagRows() {
    return Array.prototype.filter.call(
      tagGroup.querySelectorAll("tbody tr.form-row"),
      function (row) { return !row.classList.contains("empty-form"); }
    );
  }
  function renumber() {
    tagRows().forEach(function (row, index) {
      var position = row.querySelector("input[name$='-position']");
      if (position) position.value = index + 1;
    });
  }
  function addMoveButtons(row) {
    var cell = row.querySelector("td.field-hashtag");
    if (!cell || cell.querySelector(".move-row")) return;
    [["Up", -1], ["Down", 1]].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "move-row";
      b.textContent = spec[0];
      b.setAttribute("aria-label", "Move this hashtag " + spec[0].toLowerCase());
      b.addEventListener("click", function () {
        var rows = tagRows();
        var index = rows.indexOf(row);
        var other = rows[index + spec[1]];
        if (!other) return;
        if (spec[1] < 0) other.parentNode.insertBefore(row, other);
        else other.parentNode.insertBefore(other, row);
        renumber();
        b.focus();
      });
      cell.appendChild(b);
    });
  }
  if (tagGroup) {
    tagRows().forEach(addMoveButtons);
    document.addEventListener("formset:added", function (event) {
      if (event.detail && event.detail.formsetName === "post_hashtags") {
        addMoveButtons(event.target);
      }
    });
  }

  // --- Names for the autocomplete boxes ---------------------------------------------
  // select2 names its combobox after the selected value, so an empty one has no name:
  // name each after its field's label (or, in an inline row, its column heading).
  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2-container")) return;
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var name = label ? label.textContent : "";
      var cell = select.closest("td");
      if (!name && cell) {
        var heading = cell.closest("table").querySelectorAll("thead th")[cell.cellIndex];
        name = heading ? heading.textContent : "";
      }
      name = name.replace(/[:\s]+$/, "").trim();
      if (!name) return;
      container.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (part) {
        part.setAttribute("aria-label", name);
      });
    });
  }
  setTimeout(nameComboboxes, 0); // after jQuery's ready handlers have made the boxes
  window.addEventListener("load", nameComboboxes);
  document.addEventListener("formset:added", function () { setTimeout(nameComboboxes, 0); });

  // --- Autosave ----------------------------------------------------------------------
  function field(name) {
    return document.getElementById("id_" + name);
  }
  function current() {
    var values = {};
    FIELDS.forEach(function (name) {
      if (field(name)) values[name] = field(name).value.replace(/\r\n/g, "\n");
    });
    return values;
  }
  function same(a, b) {
    return FIELDS.every(function (name) {
      return (a[name] || "") === (b[name] || "");
    });
  }
  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey));
    } catch (error) {
      return null;
    }
  }
  var paused = false;
  function save() {
    if (paused) return;
    try {
      localStorage.setItem(storageKey, JSON.stringify({
        fields: current(), savedAt: new Date().toISOString(), base: config.serverVersion,
      }));
    } catch (error) { /* storage full or off: the form itself still works */ }
  }
  var saveTimer = null;
  form.addEventListener("input", function () {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 500);
  });
  form.addEventListener("submit", function () {
    clearTimeout(saveTimer);
    save();
  });

  var draft = load();
  if (!draft || !draft.fields) return;
  if (same(draft.fields, current())) {
    localStorage.removeItem(storageKey); // saved, or nothing was changed
    return;
  }
  paused = true;
  var when = new Date(draft.savedAt).toLocaleString();
  var newer = draft.base !== config.serverVersion;
  var notice = document.createElement("div");
  notice.className = "post-draft-notice" + (newer ? " post-draft-notice-conflict" : "");
  notice.setAttribute("role", "alert");
  var message = document.createElement("p");
  message.textContent = newer
    ? "This post was saved on the server after your unsaved changes in this browser (" + when +
      "). Restoring them replaces the newer version's title, teaser and body in the form (nothing is saved until you press Save)."
    : "You have unsaved changes from " + when + " in this browser.";
  notice.appendChild(message);
  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button";
    b.textContent = label;
    b.addEventListener("click", function () {
      action();
      notice.remove();
      paused = false;
      save();
    });
    notice.appendChild(b);
  }
  button(newer ? "Restore my unsaved changes anyway" : "Restore them", function () {
    FIELDS.forEach(function (name) {
      if (field(name) && name in draft.fields) field(name).value = draft.fields[name];
    });
    refresh();
  });
  button(newer ? "Keep the server's version" : "Discard them", function () {
    localStorage.removeItem(storageKey);
  });
  form.insertBefore(notice, form.firstChild);
});
