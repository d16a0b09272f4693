// Campaign settings: a live SMS counter (the same rules as domain/messaging/sms.py) and
// token insertion. Progressive enhancement only: without it the "Preview" button shows
// the server's count and the tokens can be typed.
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

  // Insert a token where the cursor was in the last focused text field.
  var last = input || null;
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text"))) last = el;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".cs-insert"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!last) return;
      var token = button.getAttribute("data-token");
      var start = last.selectionStart || 0, end = last.selectionEnd || 0;
      last.value = last.value.slice(0, start) + token + last.value.slice(end);
      last.focus();
      last.setSelectionRange(start + token.length, start + token.length);
      last.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
