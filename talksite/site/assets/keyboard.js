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
  // keys can scroll it. Blocks are measured a few at a time while the page is idle (one that
  // is off-screen is laid out to be measured: talksite.css), and again when the window's
  // width changes.
  var hover = window.matchMedia("(hover)");
  // Where there is no requestIdleCallback (Safari), a timer gives a slice of 8 ms.
  var idle =
    window.requestIdleCallback ||
    function (run) {
      return window.setTimeout(function () {
        var start = Date.now();
        run({
          timeRemaining: function () {
            return Math.max(0, 8 - (Date.now() - start));
          },
        });
      }, 50);
    };
  var unmeasured = [];
  var measuring = false;

  function measureSome(deadline) {
    var scrolling = [];
    // One block at least, so that a page that is never idle still gets there; none if a width
    // change listed the blocks anew meanwhile and Material had mounted the last of them.
    while (unmeasured.length) {
      var code = unmeasured.shift();
      if (code.scrollWidth > code.clientWidth) {
        scrolling.push(code);
      }
      if (deadline.timeRemaining() <= 2) {
        break;
      }
    }
    // All reads before any write: a write between two reads would lay the page out again.
    scrolling.forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
    measuring = unmeasured.length > 0;
    if (measuring) {
      idle(measureSome, { timeout: 1000 });
    }
  }

  function reachScrollingCode() {
    if (!hover.matches) {
      return;
    }
    unmeasured = Array.prototype.slice.call(
      document.querySelectorAll(".md-typeset pre > code:not([tabindex])")
    );
    if (unmeasured.length && !measuring) {
      measuring = true;
      idle(measureSome, { timeout: 1000 });
    }
  }

  var width = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth !== width) {
      width = window.innerWidth;
      reachScrollingCode();
    }
  });
  reachScrollingCode();
})();
