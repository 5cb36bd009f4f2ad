// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // The menu button: on narrow screens both menus fold behind it (samen.css).
  // Without JavaScript the button stays hidden and the menus wrap instead.
  function setUpMenuButton() {
    var button = document.querySelector(".samen-menu-button");
    var menus = document.getElementById("samen-menus");
    if (!button || !menus) { return; }
    document.documentElement.classList.add("samen-js");
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menus.classList.toggle("samen-menus--open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    menus.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMenuButton);
  } else {
    setUpMenuButton();
  }

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
