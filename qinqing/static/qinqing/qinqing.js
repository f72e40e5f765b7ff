// Small behaviours shared by every page; everything works without them, only less smoothly.
(function () {
  "use strict";
  // Department tree: htmx loads a unit's sub-units on the first click; later clicks fold and unfold.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".qq-tree-toggle");
    if (!toggle) return;
    var list = toggle.parentElement.querySelector(":scope > ul");
    if (toggle.dataset.loaded) {
      list.hidden = !list.hidden;
    }
    toggle.setAttribute("aria-expanded", list && !list.hidden && toggle.dataset.loaded ? "true" : "false");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var toggle = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (toggle && toggle.classList && toggle.classList.contains("qq-tree-toggle")) {
      toggle.dataset.loaded = "1";
      toggle.setAttribute("aria-expanded", "true");
    }
  });
})();
