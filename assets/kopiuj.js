// Kopiuj buttons of the payment page: shown only where this script runs, they copy their
// data-copy-text to the clipboard (falling back to a selection where the Clipboard API is off).
(function () {
  "use strict";
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done;
  }
  function confirm(button, ok) {
    button.textContent = ok ? "Skopiowano" : "Nie udało się skopiować";
    window.setTimeout(function () { button.textContent = "Kopiuj"; }, 2000);
  }
  function copy(button) {
    var text = button.getAttribute("data-copy-text") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { confirm(button, true); },
        function () { confirm(button, fallback(text)); }
      );
    } else {
      confirm(button, fallback(text));
    }
  }
  function init() {
    document.querySelectorAll("button[data-copy-text]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
