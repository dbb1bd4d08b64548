// Start reveal.js with the speaker notes plugin, and offer a light/dark toggle.
// Classic scripts (globals Reveal and RevealNotes) so that the deck also works from file://.
(function () {
  "use strict";
  var KEY = "talksite-deck-scheme";
  var root = document.documentElement;
  var toggle = document.querySelector(".deck-toggle");
  var query = new URLSearchParams(window.location.search);

  function dark() {
    var chosen = root.getAttribute("data-scheme");
    if (chosen) return chosen === "dark";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function label() {
    toggle.textContent = dark() ? "Light" : "Dark";
    toggle.setAttribute("aria-label", dark() ? "Switch to light colours" : "Switch to dark colours");
  }

  if (query.has("receiver") || query.has("print-pdf")) {
    // Inside the speaker view's previews, or printing: no toggle.
    toggle.remove();
  } else {
    label();
    toggle.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.setAttribute("data-scheme", next);
      try {
        window.localStorage.setItem(KEY, next);
      } catch (error) {
        // Storage may be unavailable (private mode, some file:// set-ups): the choice is per view.
      }
      label();
      toggle.blur();
    });
  }

  Reveal.initialize({
    hash: true,
    width: 1280,
    height: 720,
    margin: 0.06,
    center: false,
    transition: "none",
    backgroundTransition: "none",
    slideNumber: "c/t",
    showSlideNumber: "all",
    controlsTutorial: false,
    pdfMaxPagesPerSlide: 1,
    pdfSeparateFragments: false,
    plugins: [RevealNotes],
  });
})();
