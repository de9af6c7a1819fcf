// Palimpsest lesson page: view modes, stepping through the regions, links to the essay.
// Written for this page; no library. Everything it shows is already in the page.
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var afterImg = document.getElementById("after-img");
  var divider = document.getElementById("divider");
  var caption = document.getElementById("stack-caption");
  var swipe = document.getElementById("swipe");
  var onion = document.getElementById("onion");
  var pause = document.getElementById("blink-pause");
  var position = document.getElementById("position");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var details = Array.prototype.slice.call(document.querySelectorAll(".region-detail"));
  var ids = details.map(function (d) { return d.getAttribute("data-region"); });
  var modes = ["side", "swipe", "onion", "blink"];
  var mode = "side";
  var current = -1;
  var blinkTimer = null;
  var showingOriginal = false;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function each(selector, f) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), f);
  }

  function select(i, focus) {
    if (!ids.length) { return; }
    i = Math.max(0, Math.min(ids.length - 1, i));
    current = i;
    var id = ids[i];
    details.forEach(function (d, j) { d.hidden = j !== i; });
    each(".region[data-region]", function (el) {
      var on = el.getAttribute("data-region") === id;
      el.classList.toggle("current", on);
      if (el.id) { el.setAttribute("aria-current", on ? "true" : "false"); }
    });
    each(".pick", function (b) {
      b.setAttribute("aria-current", b.getAttribute("data-region") === id ? "true" : "false");
    });
    each(".passage", function (p) {
      var linked = (p.getAttribute("data-regions") || "").split(" ");
      p.classList.toggle("current", linked.indexOf(id) >= 0);
    });
    stage.classList.add("has-current");
    position.textContent = "Region " + id + " (" + (i + 1) + " of " + ids.length + ")";
    prev.disabled = i === 0;
    next.disabled = i === ids.length - 1;
    if (focus) {
      var outline = document.getElementById("outline-" + id);
      if (outline) { outline.focus(); }
    }
  }

  function indexOf(id) { return ids.indexOf(String(id)); }

  function showBlinkFrame() {
    stage.classList.toggle("blink-original", showingOriginal);
    caption.textContent = "Blink: showing the " + (showingOriginal ? "original" : "altered print") +
      (blinkTimer ? "." : " (paused).");
  }

  function stopBlink() {
    if (blinkTimer) { window.clearInterval(blinkTimer); blinkTimer = null; }
  }

  function startBlink() {
    stopBlink();
    blinkTimer = window.setInterval(function () {
      showingOriginal = !showingOriginal;
      showBlinkFrame();
    }, 900);
  }

  function applySliders() {
    afterImg.style.clipPath = mode === "swipe" ? "inset(0 0 0 " + swipe.value + "%)" : "";
    divider.style.left = swipe.value + "%";
    afterImg.style.opacity = mode === "onion" ? String(onion.value / 100) : "";
  }

  function setMode(m) {
    if (modes.indexOf(m) < 0) { return; }
    mode = m;
    modes.forEach(function (x) { stage.classList.toggle("mode-" + x, x === m); });
    stage.classList.toggle("stacked", m !== "side");
    each(".mode", function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === m ? "true" : "false");
    });
    each(".control", function (c) { c.hidden = c.getAttribute("data-for") !== m; });
    divider.hidden = m !== "swipe";
    stopBlink();
    showingOriginal = false;
    stage.classList.remove("blink-original");
    caption.hidden = m === "side";
    if (m === "swipe") {
      caption.textContent = "Swipe: the original left of the line, the altered print right of it. Drag across the picture or use the slider.";
    } else if (m === "onion") {
      caption.textContent = "Onion skin: the altered print laid over the original; the slider sets how much of it shows.";
    } else if (m === "blink") {
      pause.setAttribute("aria-pressed", reducedMotion ? "true" : "false");
      pause.textContent = reducedMotion ? "Play" : "Pause";
      if (!reducedMotion) { startBlink(); }
      showBlinkFrame();
    }
    applySliders();
  }

  each(".mode", function (b) {
    b.addEventListener("click", function () { setMode(b.getAttribute("data-mode")); });
  });
  swipe.addEventListener("input", applySliders);
  onion.addEventListener("input", applySliders);
  pause.addEventListener("click", function () {
    if (blinkTimer) {
      stopBlink();
      pause.textContent = "Play";
      pause.setAttribute("aria-pressed", "true");
    } else {
      startBlink();
      pause.textContent = "Pause";
      pause.setAttribute("aria-pressed", "false");
    }
    showBlinkFrame();
  });

  // Dragging across the picture moves the swipe divider.
  var dragging = false;
  function swipeTo(event) {
    var r = afterImg.getBoundingClientRect();
    if (r.width <= 0) { return; }
    var v = Math.round((event.clientX - r.left) / r.width * 100);
    swipe.value = String(Math.max(0, Math.min(100, v)));
    applySliders();
  }
  stage.addEventListener("pointerdown", function (event) {
    if (mode !== "swipe" || event.button !== 0) { return; }
    dragging = true;
    stage.setPointerCapture(event.pointerId);
    swipeTo(event);
  });
  stage.addEventListener("pointermove", function (event) { if (dragging) { swipeTo(event); } });
  stage.addEventListener("pointerup", function () { dragging = false; });
  stage.addEventListener("pointercancel", function () { dragging = false; });

  // A click on an outline, a region's button or a link back from the essay selects it.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-region]") : null;
    if (!target || mode === "swipe" && stage.contains(target)) { return; }
    var i = indexOf(target.getAttribute("data-region"));
    if (i < 0) { return; }
    select(i, false);
    if (target.classList.contains("backlink")) {
      event.preventDefault();
      stage.scrollIntoView({ block: "start" });
      var outline = document.getElementById("outline-" + ids[i]);
      if (outline) { outline.focus({ preventScroll: true }); }
    }
  });
  if (prev) { prev.addEventListener("click", function () { select(current - 1, false); }); }
  if (next) { next.addEventListener("click", function () { select(current + 1, false); }); }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var t = event.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || t && t.isContentEditable) { return; }
    var onOutline = t instanceof Element && t.classList.contains("region");
    var k = event.key;
    if (k === "ArrowRight" || onOutline && k === "ArrowDown") {
      select(current + 1, true);
    } else if (k === "ArrowLeft" || onOutline && k === "ArrowUp") {
      select(current - 1, true);
    } else if (k === "Home" && onOutline) {
      select(0, true);
    } else if (k === "End" && onOutline) {
      select(ids.length - 1, true);
    } else if (k.length === 1 && k >= "1" && k <= "4") {
      setMode(modes[Number(k) - 1]);
    } else if (onOutline && (k === "Enter" || k === " ")) {
      select(indexOf(t.getAttribute("data-region")), false);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Without the script every region's details show; with it, one at a time.
  if (ids.length) {
    var fromHash = /^#region-(\d+)$/.exec(window.location.hash);
    select(fromHash ? Math.max(0, indexOf(fromHash[1])) : 0, false);
  }
  setMode("side");
})();
