// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Leave empty filter fields out of the request, so shared links stay short.
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    var empty = [];
    if (params && typeof params.forEach === "function") {
      params.forEach(function (value, key) { if (value === "") { empty.push(key); } });
      empty.forEach(function (key) { params.delete(key); });
    } else if (params) {
      Object.keys(params).forEach(function (key) { if (params[key] === "") { delete params[key]; } });
    }
  });

  // Announce result updates to screen readers.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.getElementById("results-status");
    if (status && event.detail.target.id === "results") {
      var summary = event.detail.target.querySelector("[data-result-summary]");
      status.textContent = summary ? summary.textContent.trim() : "";
    }
  });
})();
