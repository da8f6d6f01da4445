// "Cite this": show a Copy button beside each citation and copy its text when pressed.
// Without script (or without a clipboard) the buttons stay hidden; the text can be selected.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  var status = document.querySelector(".cite-this .cite-status");
  document.querySelectorAll(".copy-citation").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      var text = source.textContent.replace(/\s+/g, " ").trim();
      navigator.clipboard.writeText(text).then(
        function () {
          status.textContent = "Copied the citation.";
        },
        function () {
          status.textContent = "Could not copy: select the text instead.";
        }
      );
    });
  });
})();
