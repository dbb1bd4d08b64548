// Keyboard and screen-reader access that Material leaves out. Its menu and search buttons on
// narrow screens are <label>s, which the Tab key never reaches and which may not be given a
// button's role: here each holds a real, named button (the label's icon moves into it) that
// toggles what the label toggles; Escape closes the menu. Its search dialog gets a name. And
// a code block that scrolls sideways is reachable by Tab before Material mounts it, which it
// does only once the block comes into view (content.lazy).
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

  // As Material does for a block it has mounted: where a pointer can hover (on a touch screen
  // a finger scrolls the block), a block wider than its box takes focus, so that the arrow
  // keys can scroll it. Widths are read all at once when the page is idle, after its layout,
  // and read again when the window's width changes.
  var hover = window.matchMedia("(hover)");
  function reachScrollingCode() {
    if (!hover.matches) {
      return;
    }
    var codes = document.querySelectorAll(".md-typeset pre > code:not([tabindex])");
    var scrolling = Array.prototype.filter.call(codes, function (code) {
      return code.scrollWidth > code.clientWidth;
    });
    scrolling.forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
  }
  var idle = window.requestIdleCallback || window.setTimeout;
  var pending = false;
  function whenIdle() {
    if (!pending) {
      pending = true;
      idle(function () {
        pending = false;
        reachScrollingCode();
      });
    }
  }
  var width = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth !== width) {
      width = window.innerWidth;
      whenIdle();
    }
  });
  whenIdle();
})();
