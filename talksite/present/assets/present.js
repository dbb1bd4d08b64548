// talksite present: the presenter's deck reports each slide and runs demos live; audience
// pages follow the presenter. Loaded only by the server `talksite present` runs (its page
// settings are in #talksite-present); the static deck never loads it.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("talksite-present").textContent);
  var query = new URLSearchParams(window.location.search);
  // The speaker view's previews load this page too: only the deck itself reports or runs.
  if (query.has("receiver") || query.has("print-pdf")) return;

  function whenReady(callback) {
    if (Reveal.isReady()) callback();
    else Reveal.on("ready", callback);
  }

  function anchor() {
    var slide = Reveal.getCurrentSlide();
    return slide.id || String(Reveal.getIndices().h);
  }

  if (settings.role === "audience") {
    document.documentElement.classList.add("present-audience");
    whenReady(function () {
      var events = new EventSource("/_present/follow");
      events.addEventListener("slide", function (event) {
        var position = JSON.parse(event.data);
        Reveal.slide(position.h, position.v);
        document.body.setAttribute("data-following", position.slide);
      });
    });
    return;
  }

  var token = query.get("token");
  var current = null; // {slide, controller, panel}

  function post(path, body, signal) {
    return fetch("/_present/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Talksite-Token": token },
      body: JSON.stringify(body),
      signal: signal,
    });
  }

  function panelFor(slide) {
    var section = Reveal.getCurrentSlide();
    var panel = section.querySelector(".present-run");
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "present-run";
      panel.innerHTML = '<p class="present-run__status" role="status"></p><pre class="present-run__output"></pre>';
      section.appendChild(panel);
      // The slide's content makes room for the panel beside it (present.css).
      section.classList.add("present-open");
    }
    panel.setAttribute("data-slide", slide);
    panel.removeAttribute("data-result");
    panel.querySelector(".present-run__output").textContent = "";
    return panel;
  }

  function status(panel, text, result) {
    panel.querySelector(".present-run__status").textContent = text;
    if (result) panel.setAttribute("data-result", result);
  }

  function show(panel, lines, differs) {
    var output = panel.querySelector(".present-run__output");
    output.textContent = "";
    lines.forEach(function (text, index) {
      addLine(output, text, differs && differs.indexOf(index) >= 0);
    });
  }

  function addLine(output, text, differs) {
    var line = document.createElement("span");
    line.className = differs ? "present-line present-line--differs" : "present-line";
    line.textContent = text;
    output.appendChild(line);
    output.appendChild(document.createTextNode("\n"));
    output.scrollTop = output.scrollHeight;
  }

  function showRecording(panel, slide, reason) {
    var demo = settings.demos[slide];
    show(panel, demo.recording, null);
    status(panel, "Recorded on " + demo.recordedOn + (reason ? " (live run: " + reason + ")" : ""), "recorded");
  }

  // While a run runs, its panel counts the seconds, so that a run that hangs is seen to,
  // and says how to show the recording instead.
  function startClock(run) {
    var started = Date.now();
    var tick = function () {
      var seconds = Math.floor((Date.now() - started) / 1000);
      status(run.panel, "Running " + settings.demos[run.slide].snippet + " live… " + seconds + " s · X: show the recording", null);
    };
    tick();
    run.clock = setInterval(tick, 1000);
  }

  function stopClock(run) {
    if (run && run.clock) clearInterval(run.clock);
    if (run) run.clock = null;
  }

  function stop() {
    stopClock(current);
    if (current && current.controller) current.controller.abort();
    current = null;
  }

  function finish(run, event) {
    stopClock(run);
    if (event.fallback) {
      showRecording(run.panel, run.slide, event.reason);
    } else {
      show(run.panel, event.output, event.differs);
      if (event.matches) status(run.panel, "Live output matches the recording", "matches");
      else status(run.panel, "Live output differs from the recording (" + event.differs.length + " lines marked)", "differs");
    }
    run.controller = null;
  }

  function handle(run, event) {
    if (run !== current) return;
    if (event.kind === "line") addLine(run.panel.querySelector(".present-run__output"), event.text, false);
    else if (event.kind === "end") finish(run, event);
  }

  async function read(run, response) {
    if (!response.ok) {
      stopClock(run);
      var problem = await response.json();
      showRecording(run.panel, run.slide, problem.error);
      return;
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var pending = "";
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) return;
      pending += decoder.decode(chunk.value, { stream: true });
      var lines = pending.split("\n");
      pending = lines.pop();
      lines.forEach(function (line) {
        if (line) handle(run, JSON.parse(line));
      });
    }
  }

  function runLive() {
    var slide = anchor();
    if (!settings.demos[slide]) return;
    stop();
    var run = { slide: slide, controller: new AbortController(), panel: panelFor(slide) };
    current = run;
    run.panel.setAttribute("data-result", "running");
    startClock(run);
    post("run", { slide: slide }, run.controller.signal)
      .then(function (response) {
        return read(run, response);
      })
      .catch(function (error) {
        if (run === current && run.controller && !run.controller.signal.aborted) {
          stopClock(run);
          showRecording(run.panel, slide, String(error));
        }
      });
  }

  function fallBack() {
    var slide = anchor();
    if (!settings.demos[slide]) return;
    var panel = current && current.slide === slide ? current.panel : panelFor(slide);
    stop();
    showRecording(panel, slide, "the presenter chose the recording");
  }

  // Slide reports go one after another: two requests in flight may arrive in either order,
  // and the audience would be left on the older slide.
  var reported = Promise.resolve();
  function report() {
    var slide = anchor();
    reported = reported
      .then(function () { return post("slide", { slide: slide }); })
      .catch(function () {});
  }

  function leave() {
    stop();
    document.querySelectorAll(".present-run").forEach(function (panel) {
      panel.parentNode.classList.remove("present-open");
      panel.remove();
    });
    report();
  }

  // The speaker view (reveal.js's notes plugin) is a same-origin window of ours that talks
  // to the deck by messages: when it first does, give it a button that runs the demo here.
  window.addEventListener("message", function (event) {
    var speaker = event.source;
    if (!speaker || speaker === window || typeof event.data !== "string") return;
    if (event.data.indexOf("reveal-notes") < 0) return;
    var controls = speaker.document.getElementById("speaker-controls");
    if (!controls || speaker.document.querySelector(".present-speaker-run")) return;
    var button = speaker.document.createElement("button");
    button.type = "button";
    button.className = "present-speaker-run";
    button.textContent = "Run this slide's snippet live (R)";
    button.addEventListener("click", runLive);
    controls.insertBefore(button, controls.firstChild);
  });

  whenReady(function () {
    document.documentElement.classList.add("present-presenter");
    // reveal.js's own pacing: the speaker view's timer against the talk's slot.
    Reveal.configure({ totalTime: settings.totalTime });
    Reveal.addKeyBinding({ keyCode: 82, key: "R", description: "Run this slide's snippet live" }, runLive);
    Reveal.addKeyBinding({ keyCode: 88, key: "X", description: "Show the recorded output instead" }, fallBack);
    Reveal.on("slidechanged", leave);
    report();
  });
  window.talksitePresent = { run: runLive, fallBack: fallBack };
})();
