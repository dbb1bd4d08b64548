// The search index (search/search_index.json, the largest file a page loads) is fetched when
// a reader first goes to search, not with every page: Material's bundle asks for it as it
// starts, and here that request waits until the search box takes focus, the search button is
// pressed, or a search shortcut key ("/", "s", "f") is typed. Loaded before the bundle.
(function () {
  "use strict";
  var INDEX = /(^|\/)search\/search_index\.json([?#]|$)/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var wanted = false;

  XMLHttpRequest.prototype.open = function (method, url) {
    this.talksiteSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.talksiteSearchIndex && !wanted) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function want() {
    if (wanted) return;
    wanted = true;
    held.forEach(function (request) {
      send.apply(request[0], request[1]);
    });
    held = [];
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) want();
  });
  document.addEventListener("pointerdown", function (event) {
    if (event.target.closest && event.target.closest("label[for='__search']")) want();
  });
  document.addEventListener(
    "keydown",
    function (event) {
      var typing = event.target.closest && event.target.closest("input, textarea, [contenteditable]");
      if (["/", "s", "f", "S", "F"].indexOf(event.key) >= 0 && !typing) want();
    },
    true
  );
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search") want();
  });
})();
