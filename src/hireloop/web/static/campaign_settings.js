// Campaign settings, progressive enhancement only (without this script every form works
// as it is: the "Preview" button shows the server's count, tokens can be typed, the email
// HTML is edited in its textarea, permissions are checkboxes):
// - a live SMS counter (the same rules as domain/messaging/sms.py) and token insertion;
// - a graphic editor for the email HTML that keeps the textarea (the form field) in sync,
//   with an "HTML source" toggle; the server still sanitises what is saved;
// - permissions: drag and drop between "Managers with access" and "Other managers", and a
//   button on each manager for the keyboard; the checkboxes stay the submitted data.
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "\f^{}\\[~]|€";

  function smsLength(text) {
    var chars = Array.from(text || "");
    var gsm = chars.every(function (ch) {
      return BASIC.indexOf(ch) >= 0 || EXTENSION.indexOf(ch) >= 0;
    });
    var sizes = chars.map(function (ch) {
      if (gsm) return EXTENSION.indexOf(ch) >= 0 ? 2 : 1;
      return ch.codePointAt(0) > 0xffff ? 2 : 1;
    });
    var length = sizes.reduce(function (a, b) { return a + b; }, 0);
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var segments = 0;
    if (length > 0 && length <= single) segments = 1;
    else if (length > single) {
      segments = 1;
      var used = 0;
      sizes.forEach(function (size) {
        if (used + size > part) { segments += 1; used = 0; }
        used += size;
      });
    }
    return { encoding: gsm ? "GSM-7" : "UCS-2", segments: segments, length: length };
  }

  var input = document.querySelector("[data-sms-input]");
  var counter = document.querySelector("[data-sms-counter]");
  if (input && counter) {
    var update = function () {
      var info = smsLength(input.value);
      ["length", "encoding", "segments"].forEach(function (key) {
        var el = counter.querySelector('[data-sms="' + key + '"]');
        if (el) el.textContent = String(info[key]);
      });
    };
    input.addEventListener("input", update);
    update();
  }

  // --- The email editor ------------------------------------------------------------------

  var editor = setUpEmailEditor();

  // --- Tokens: inserted where the cursor was in the last focused text field ----------------

  var last = input || null;
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (!el) return;
    if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text" && !el.hasAttribute("data-link-url"))) last = el;
    else if (editor && el === editor.area) last = el;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".cs-insert"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!last) return;
      var token = button.getAttribute("data-token");
      if (editor && last === editor.area) {
        editor.insertText(token);
        return;
      }
      var start = last.selectionStart || 0, end = last.selectionEnd || 0;
      last.value = last.value.slice(0, start) + token + last.value.slice(end);
      last.focus();
      last.setSelectionRange(start + token.length, start + token.length);
      last.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  function setUpEmailEditor() {
    var box = document.querySelector("[data-email-editor]");
    var source = document.getElementById("email_html");
    if (!box || !source || !window.DOMParser) return null;
    var area = box.querySelector("[data-editor-area]");
    var toggle = box.querySelector("[data-source-toggle]");
    var tokenSelect = box.querySelector("[data-editor-token]");
    var linkForm = box.querySelector("[data-link-form]");
    var linkUrl = box.querySelector("[data-link-url]");
    var linkError = box.querySelector("[data-link-error]");
    var linkButton = box.querySelector('[data-command="link"]');
    var hint = document.querySelector("[data-editor-hint]");
    var saved = null; // the last selection inside the editor
    var BLOCKED = "script,style,iframe,frame,frameset,object,embed,applet,meta,link,base,form,input,button,textarea,select,template";

    // The textarea's HTML in the editor: parsed in an inert document (nothing runs or
    // loads there), stripped of what the server would refuse, then imported.
    function load() {
      var doc = new DOMParser().parseFromString(source.value, "text/html");
      Array.prototype.forEach.call(doc.body.querySelectorAll(BLOCKED), function (el) { el.remove(); });
      Array.prototype.forEach.call(doc.body.querySelectorAll("*"), function (el) {
        Array.prototype.slice.call(el.attributes).forEach(function (attr) {
          var name = attr.name.toLowerCase();
          var value = attr.value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
          if (name.indexOf("on") === 0 || name === "style" ||
              ((name === "href" || name === "src" || name === "action" || name === "xlink:href") &&
               (value.indexOf("javascript:") === 0 || value.indexOf("data:") === 0 || value.indexOf("vbscript:") === 0))) {
            el.removeAttribute(attr.name);
          }
        });
      });
      area.replaceChildren.apply(area, Array.prototype.map.call(doc.body.childNodes, function (node) {
        return document.importNode(node, true);
      }));
    }

    function sync() {
      source.value = area.innerHTML;
      source.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function inEditor(node) {
      return node && (node === area || area.contains(node));
    }

    function restore() {
      area.focus();
      if (!saved) return;
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(saved);
    }

    function insertText(text) {
      restore();
      document.execCommand("insertText", false, text);
      sync();
    }

    function showSource(on) {
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      source.hidden = !on;
      area.hidden = on;
      Array.prototype.forEach.call(box.querySelectorAll("[data-command], [data-editor-token], [data-token-insert]"), function (el) {
        el.disabled = on;
      });
      if (on) closeLink();
      else load();
    }

    function openLink() {
      linkForm.hidden = false;
      linkButton.setAttribute("aria-expanded", "true");
      linkError.hidden = true;
      linkUrl.value = "";
      linkUrl.focus();
    }

    function closeLink() {
      linkForm.hidden = true;
      linkButton.setAttribute("aria-expanded", "false");
    }

    function applyLink() {
      var url = linkUrl.value.trim();
      if (!/^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(url)) {
        linkError.hidden = false;
        linkUrl.setAttribute("aria-invalid", "true");
        linkUrl.focus();
        return;
      }
      linkUrl.removeAttribute("aria-invalid");
      closeLink();
      restore();
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.getRangeAt(0).collapsed) {
        document.execCommand("insertText", false, url); // the address is the link's text
        var range = selection.getRangeAt(0);
        range.setStart(range.endContainer, Math.max(0, range.endOffset - url.length));
        selection.removeAllRanges();
        selection.addRange(range);
      }
      document.execCommand("createLink", false, url);
      selection.collapseToEnd();
      sync();
    }

    area.contentEditable = "true";
    document.execCommand("styleWithCSS", false, false); // <b>, <i>: no style attributes
    document.execCommand("defaultParagraphSeparator", false, "p");
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (selection.rangeCount && inEditor(selection.anchorNode)) saved = selection.getRangeAt(0).cloneRange();
    });
    area.addEventListener("input", sync);
    box.querySelector(".cs-toolbar").addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button) return;
      var command = button.getAttribute("data-command");
      if (command === "link") {
        if (linkForm.hidden) openLink(); else closeLink();
        return;
      }
      restore();
      document.execCommand(command, false, null);
      sync();
    });
    box.querySelector("[data-token-insert]").addEventListener("click", function () {
      insertText(tokenSelect.value);
    });
    toggle.addEventListener("click", function () {
      showSource(toggle.getAttribute("aria-pressed") !== "true");
    });
    box.querySelector("[data-link-apply]").addEventListener("click", applyLink);
    box.querySelector("[data-link-cancel]").addEventListener("click", function () {
      closeLink();
      restore();
    });
    linkUrl.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); applyLink(); }
      if (event.key === "Escape") { event.preventDefault(); closeLink(); restore(); }
    });

    box.hidden = false;
    if (hint) hint.hidden = false;
    // A refused HTML is shown as source, next to its error.
    showSource(source.getAttribute("aria-invalid") === "true");
    return { area: area, insertText: insertText };
  }

  // --- Permissions: two lists, drag and drop, and buttons --------------------------------

  var access = document.querySelector("[data-access]");
  if (access) {
    var zones = {
      "in": access.querySelector('[data-access-zone="in"]'),
      out: access.querySelector('[data-access-zone="out"]')
    };
    var lists = {
      "in": zones["in"].querySelector("[data-access-list]"),
      out: zones.out.querySelector("[data-access-list]")
    };
    var accessHint = document.querySelector("[data-access-hint]");
    if (accessHint) accessHint.hidden = false;
    access.classList.add("cs-access-enhanced");

    var place = function (item, focusButton) {
      var box = item.querySelector("input[type=checkbox]");
      var target = box.checked ? lists["in"] : lists.out;
      if (item.parentNode !== target) target.appendChild(item);
      Object.keys(lists).forEach(function (k) {
        lists[k].classList.toggle("cs-empty", !lists[k].querySelector("[data-access-item]"));
      });
      var button = item.querySelector(".cs-move");
      var key = box.checked ? "remove" : "give";
      button.textContent = button.getAttribute("data-" + key);
      button.setAttribute("aria-label", button.getAttribute("data-" + key + "-label"));
      if (focusButton) button.focus();
    };

    Array.prototype.forEach.call(access.querySelectorAll("[data-access-item]"), function (item) {
      var box = item.querySelector("input[type=checkbox]");
      var button = item.querySelector(".cs-move");
      item.draggable = true;
      button.hidden = false;
      box.addEventListener("change", function () { place(item, false); });
      button.addEventListener("click", function () {
        box.checked = !box.checked;
        place(item, true);
      });
      item.addEventListener("dragstart", function (event) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", box.id);
        item.classList.add("cs-dragging");
      });
      item.addEventListener("dragend", function () { item.classList.remove("cs-dragging"); });
      place(item, false);
    });

    Object.keys(zones).forEach(function (key) {
      var zone = zones[key];
      zone.addEventListener("dragover", function (event) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        zone.classList.add("cs-drop-target");
      });
      zone.addEventListener("dragleave", function (event) {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove("cs-drop-target");
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        zone.classList.remove("cs-drop-target");
        var box = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!box || !access.contains(box)) return;
        box.checked = key === "in";
        place(box.closest("[data-access-item]"), false);
      });
    });
  }
})();
