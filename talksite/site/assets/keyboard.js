// Keyboard and screen-reader access that Material leaves out. Its menu and search buttons on
// narrow screens are <label>s, which the Tab key never reaches and which may not be given a
// button's role: here each holds a real, named button (the label's icon moves into it) that
// toggles what the label toggles; Escape closes the menu. Its search dialog gets a name.
(function () {
  "use strict";
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", "Search");
  }

  // A click on a control inside a label does not reach the label's checkbox: the button
  // toggles it itself, and the label still serves a pointer that lands on its padding.
  function buttonIn(label, name, onPress) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ts-header-button";
    button.setAttribute("aria-label", name);
    button.append.apply(button, Array.prototype.slice.call(label.childNodes));
    label.appendChild(button);
    button.addEventListener("click", function () {
      document.getElementById(label.htmlFor).click();
      onPress();
    });
    return button;
  }

  var drawer = document.getElementById("__drawer");
  var menuLabel = document.querySelector(".md-header label.md-header__button[for='__drawer']");
  if (drawer && menuLabel) {
    var menu = buttonIn(menuLabel, "Menu", function () {
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
    var sync = function () {
      menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false");
    };
    drawer.addEventListener("change", sync);
    sync();
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        menu.focus();
      }
    });
  }

  var searchLabel = document.querySelector(".md-header label.md-header__button[for='__search']");
  var searchInput = document.querySelector(".md-search__input");
  if (document.getElementById("__search") && searchLabel && searchInput) {
    buttonIn(searchLabel, "Search", function () {
      searchInput.focus();
    });
  }
})();
