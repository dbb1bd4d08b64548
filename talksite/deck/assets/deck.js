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

  // Long code in steps: a code block with data-steps="1-11|13-21" shows one range of its
  // lines at a time, the next on each press, as reveal.js fragments (empty markers, so that
  // reveal.js counts the steps). The whole section stays in the page: only its display changes.
  // Printed (?print-pdf), every line shows, smaller (deck.css).
  function range(text) {
    var ends = text.split("-");
    return [Number(ends[0]), Number(ends[ends.length - 1])];
  }

  function showStep(block) {
    var ranges = block.getAttribute("data-steps").split("|").map(range);
    var step = block.querySelectorAll(".deck-step.visible").length;
    var current = ranges[Math.min(step, ranges.length - 1)];
    block.querySelectorAll("code > .line").forEach(function (line, index) {
      line.hidden = index + 1 < current[0] || index + 1 > current[1];
    });
  }

  var stepped = document.querySelectorAll(".reveal .slides .highlight[data-steps]");
  if (!query.has("print-pdf")) {
    stepped.forEach(function (block) {
      var count = block.getAttribute("data-steps").split("|").length;
      for (var i = 1; i < count; i++) {
        var marker = document.createElement("span");
        marker.className = "fragment deck-step";
        marker.setAttribute("aria-hidden", "true");
        block.appendChild(marker);
      }
      showStep(block);
    });
    ["fragmentshown", "fragmenthidden", "slidechanged", "ready"].forEach(function (name) {
      Reveal.on(name, function () {
        stepped.forEach(showStep);
      });
    });
  }

  // On a portrait phone the slide is laid out narrow and tall, so that its text is read at
  // a legible size and long code scrolls inside its block; and a link leads to the same slide
  // as text. Never reveal.js's scroll view: at 390 px it shrinks slides to 0.29, and there
  // Reveal.slide() only scrolls, after which reveal.js takes the slide at the scroll position
  // as the current one, often the one before: an audience page following the presenter
  // showed the previous slide.
  var PORTRAIT = window.matchMedia("(orientation: portrait) and (max-width: 820px)");
  var PORTRAIT_WIDTH = 600;

  function layout() {
    var portrait = PORTRAIT.matches && !query.has("print-pdf") && !query.has("receiver");
    root.classList.toggle("deck-portrait", portrait);
    if (!portrait) return { width: 1280, height: 720 };
    var ratio = window.innerHeight / Math.max(window.innerWidth, 1);
    return { width: PORTRAIT_WIDTH, height: Math.round(PORTRAIT_WIDTH * ratio) };
  }

  var asText = document.querySelector(".deck-as-text");
  function pointAsText() {
    var slide = Reveal.getCurrentSlide();
    if (asText && slide) {
      var number = slide.getAttribute("data-slide");
      asText.href = asText.getAttribute("data-base") + "#slide-" + number;
      asText.textContent = "Slide " + number + " as text";
    }
  }
  ["ready", "slidechanged"].forEach(function (name) {
    Reveal.on(name, pointAsText);
  });
  PORTRAIT.addEventListener("change", function () {
    Reveal.configure(layout());
  });
  // A sideways swipe on code or a diagram scrolls it rather than changing the slide.
  document
    .querySelectorAll(".reveal .highlight pre, .reveal .tsk-figure, .reveal .tsk-cheese")
    .forEach(function (element) {
      element.setAttribute("data-prevent-swipe", "");
    });

  var size = layout();
  Reveal.initialize({
    hash: true,
    width: size.width,
    height: size.height,
    scrollActivationWidth: null,
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
