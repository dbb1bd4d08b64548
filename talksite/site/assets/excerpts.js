// Under a snippet that shows only some lines of its file (talksite.site.excerpts): the code
// block's copy button says that it copies an excerpt, which does not run on its own; and
// "Copy the whole file" copies the file the site serves, where the page is served over HTTP
// (a page opened from the disk cannot fetch it: the download link still works there).
(function () {
  "use strict";

  function relabel(block, label) {
    var button = block.querySelector("button[data-md-type='copy']");
    if (!button) {
      return false;
    }
    button.setAttribute("title", label);
    button.setAttribute("aria-label", label);
    return true;
  }

  document.querySelectorAll(".ts-source[data-excerpt]").forEach(function (source) {
    var block = source.previousElementSibling;
    if (!block || !block.classList.contains("highlight")) {
      return;
    }
    var title = block.querySelector(".filename");
    var label =
      "Copy this excerpt (" +
      (title ? title.textContent : "part of the file") +
      "): it does not run on its own";
    // Material adds the button when it mounts the block, which may be after this runs.
    if (!relabel(block, label)) {
      var observer = new MutationObserver(function () {
        if (relabel(block, label)) {
          observer.disconnect();
        }
      });
      observer.observe(block, { childList: true, subtree: true });
    }
  });

  var served = location.protocol === "http:" || location.protocol === "https:";
  if (!served || !navigator.clipboard) {
    return;
  }

  function fileText(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      return response.text();
    });
  }

  function copy(url) {
    var text = fileText(url);
    // Safari copies only within the click: hand it the text to come, as a promise.
    if (window.ClipboardItem && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": text.then(function (body) {
          return new Blob([body], { type: "text/plain" });
        }),
      });
      return navigator.clipboard.write([item]).catch(function () {
        return text.then(function (body) {
          return navigator.clipboard.writeText(body);
        });
      });
    }
    return text.then(function (body) {
      return navigator.clipboard.writeText(body);
    });
  }

  document.querySelectorAll(".ts-source__copy").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.getAttribute("data-href")).then(
        function () {
          button.textContent = "Copied";
        },
        function () {
          button.textContent = "Could not copy: download it instead";
        }
      );
      window.setTimeout(function () {
        button.textContent = label;
      }, 3000);
    });
  });
})();
