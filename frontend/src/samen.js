// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Filter forms: submit on change (htmx swaps the results), keep the URL shareable.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && window.htmx) {
      window.htmx.trigger(form, "submit");
    }
  });

  // Announce result updates to screen readers and move focus sensibly.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.getElementById("results-status");
    if (status && event.detail.target.id === "results") {
      var summary = event.detail.target.querySelector("[data-result-summary]");
      status.textContent = summary ? summary.textContent.trim() : "";
    }
  });
})();
