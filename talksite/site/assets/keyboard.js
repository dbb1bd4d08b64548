// Keyboard and screen-reader access that Material leaves out: its menu and search buttons on
// narrow screens are <label>s, which the Tab key never reaches, and its search dialog has no
// name. Here they become named buttons that Enter and Space press, as a click on the label
// would; Escape closes the menu.
(function () {
  "use strict";
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", "Search");
  }

  function asButton(label, name, onPress) {
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", name);
    label.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        // Material's own Enter handler clicks a focused label too: press it once, here.
        event.stopPropagation();
        label.click();
        onPress();
      }
    });
  }

  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".md-header label.md-header__button[for='__drawer']");
  if (drawer && menu) {
    var sync = function () {
      menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false");
    };
    asButton(menu, "Menu", function () {
      if (drawer.checked) {
        var first = document.querySelector(".md-sidebar--primary a[href]");
        // The drawer becomes visible as it opens; focus its first link once it can take it,
        // unless it was closed meanwhile (Escape pressed at once gives focus to the menu).
        if (first) {
          window.requestAnimationFrame(function () {
            if (drawer.checked) {
              first.focus();
            }
          });
        }
      }
    });
    drawer.addEventListener("change", sync);
    sync();
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        menu.focus();
      }
    });
  }

  var searchToggle = document.getElementById("__search");
  var searchButton = document.querySelector(
    ".md-header label.md-header__button[for='__search']"
  );
  var searchInput = document.querySelector(".md-search__input");
  if (searchToggle && searchButton && searchInput) {
    asButton(searchButton, "Search", function () {
      searchInput.focus();
    });
  }
})();
