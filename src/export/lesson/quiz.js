// Palimpsest spot-the-change quiz: marks on the altered print, the reveal and the score.
// Written for this page; no library. The marks stay in this browser (local storage) only.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var W = data.width, H = data.height, tolerance = data.tolerance;
  var frame = document.getElementById("quiz-frame");
  var layer = document.getElementById("marks");
  var revealButton = document.getElementById("reveal");
  var undoButton = document.getElementById("undo");
  var restartButton = document.getElementById("restart");
  var printButton = document.getElementById("print");
  var markCount = document.getElementById("mark-count");
  var result = document.getElementById("result");
  var falseList = document.getElementById("false-list");
  // A drag shorter than this many screen pixels is a click.
  var DRAG_PX = 8;
  var marks = [];
  var revealed = false;
  var cursor = null;

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(data.storageKey) || "null");
      if (saved && Array.isArray(saved.marks)) {
        marks = saved.marks.filter(function (m) {
          return m && typeof m.x === "number" && typeof m.y === "number" &&
            (m.w === undefined || typeof m.w === "number" && typeof m.h === "number");
        });
        revealed = saved.revealed === true;
      }
    } catch (e) {
      // No storage (a private window, or a browser that keeps none for files): start afresh.
    }
  }

  function save() {
    try {
      window.localStorage.setItem(data.storageKey, JSON.stringify({ marks: marks, revealed: revealed }));
    } catch (e) {
      // The quiz works without storage; the marks last as long as the page.
    }
  }

  function node(name, attrs) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
    return el;
  }

  // Where an event falls on the picture, in the original's pixels.
  function toImage(clientX, clientY) {
    var r = frame.getBoundingClientRect();
    return {
      x: Math.max(0, Math.min(W, (clientX - r.left) / r.width * W)),
      y: Math.max(0, Math.min(H, (clientY - r.top) / r.height * H))
    };
  }

  function insidePolygon(x, y, poly) {
    var inside = false;
    for (var i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      var xi = poly[i][0], yi = poly[i][1], xj = poly[j][0], yj = poly[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function distanceToSegment(x, y, a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1];
    var len = dx * dx + dy * dy;
    var t = len > 0 ? Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len)) : 0;
    var px = a[0] + t * dx - x, py = a[1] + t * dy - y;
    return Math.sqrt(px * px + py * py);
  }

  function distanceToBox(x, y, b) {
    var dx = Math.max(b[0] - x, 0, x - (b[0] + b[2]));
    var dy = Math.max(b[1] - y, 0, y - (b[1] + b[3]));
    return Math.sqrt(dx * dx + dy * dy);
  }

  // Whether a point lies inside a region's outline, or within the tolerance of it.
  function pointHits(x, y, region) {
    var poly = region.polygon || [];
    if (poly.length < 3) { return distanceToBox(x, y, region.bbox) <= tolerance; }
    if (insidePolygon(x, y, poly)) { return true; }
    for (var i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      if (distanceToSegment(x, y, poly[j], poly[i]) <= tolerance) { return true; }
    }
    return false;
  }

  function iou(a, b) {
    var x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
    var x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
    var inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
    var union = a[2] * a[3] + b[2] * b[3] - inter;
    return union > 0 ? inter / union : 0;
  }

  function markHits(m, region) {
    if (m.w === undefined) { return pointHits(m.x, m.y, region); }
    return pointHits(m.x + m.w / 2, m.y + m.h / 2, region) ||
      iou([m.x, m.y, m.w, m.h], region.bbox) >= 0.2;
  }

  // Found regions (with the marks that found each) and false marks.
  function score() {
    var found = {}, falseMarks = [];
    marks.forEach(function (m, i) {
      var any = false;
      data.regions.forEach(function (r) {
        if (markHits(m, r)) {
          any = true;
          (found[r.id] = found[r.id] || []).push(i + 1);
        }
      });
      if (!any) { falseMarks.push(i + 1); }
    });
    return { found: found, falseMarks: falseMarks };
  }

  function drawMark(m, i, state) {
    var g = node("g", { "class": "mark-group", "data-mark": i + 1 });
    var shape = m.w === undefined
      ? function (cls) { return node("circle", { "class": cls, cx: m.x, cy: m.y, r: tolerance }); }
      : function (cls) { return node("rect", { "class": cls, x: m.x, y: m.y, width: m.w, height: m.h }); };
    g.appendChild(shape("mark-casing"));
    g.appendChild(shape("mark" + (state ? " " + state : "")));
    var size = Math.max(W, H) * 0.022;
    var t = node("text", {
      "class": "mark-number",
      x: m.w === undefined ? m.x : m.x + m.w / 2,
      y: (m.w === undefined ? m.y : m.y + m.h / 2) + size * 0.35,
      "font-size": size
    });
    t.textContent = String(i + 1);
    g.appendChild(t);
    layer.appendChild(g);
  }

  function drawCursor() {
    if (!cursor) { return; }
    var arm = Math.max(W, H) * 0.02;
    ["cursor-casing", "cursor"].forEach(function (cls) {
      layer.appendChild(node("path", {
        "class": cls,
        d: "M" + (cursor.x - arm) + " " + cursor.y + "H" + (cursor.x + arm) +
          "M" + cursor.x + " " + (cursor.y - arm) + "V" + (cursor.y + arm)
      }));
    });
  }

  function countText() {
    if (!marks.length) { return "No marks yet."; }
    return marks.length === 1 ? "1 mark." : marks.length + " marks.";
  }

  function render(preview) {
    while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    var s = revealed ? score() : null;
    var hitMarks = {};
    if (s) {
      Object.keys(s.found).forEach(function (id) {
        s.found[id].forEach(function (n) { hitMarks[n] = true; });
      });
    }
    marks.forEach(function (m, i) {
      drawMark(m, i, s ? (hitMarks[i + 1] ? "hit" : "false") : "");
    });
    if (preview) {
      layer.appendChild(node("rect", { "class": "mark-casing", x: preview.x, y: preview.y, width: preview.w, height: preview.h }));
      layer.appendChild(node("rect", { "class": "mark", x: preview.x, y: preview.y, width: preview.w, height: preview.h }));
    }
    if (!revealed) { drawCursor(); }
    markCount.textContent = countText();
    undoButton.disabled = revealed || !marks.length;
    revealButton.disabled = revealed;
    document.body.classList.toggle("revealed", revealed);
    result.hidden = !revealed;
    printButton.hidden = !revealed;
    if (s) { showResult(s); }
  }

  function showResult(s) {
    var foundCount = 0;
    data.regions.forEach(function (r) {
      var item = document.getElementById("result-" + r.id);
      var status = document.getElementById("status-" + r.id);
      var by = s.found[r.id];
      if (by) { foundCount += 1; }
      if (item) {
        item.classList.toggle("found", !!by);
        item.classList.toggle("missed", !by);
      }
      if (status) {
        status.textContent = by
          ? "Found (" + (by.length === 1 ? "mark " : "marks ") + by.join(", ") + ")"
          : "Missed";
      }
    });
    var falseCount = s.falseMarks.length;
    document.getElementById("found-count").textContent = String(foundCount);
    document.getElementById("missed-count").textContent = String(data.regions.length - foundCount);
    document.getElementById("false-count").textContent = String(falseCount);
    document.getElementById("false-word").textContent = falseCount === 1 ? "false mark" : "false marks";
    while (falseList.firstChild) { falseList.removeChild(falseList.firstChild); }
    s.falseMarks.forEach(function (n) {
      var li = document.createElement("li");
      li.textContent = "Mark " + n + " is a false mark: ";
      var span = document.createElement("span");
      span.textContent = "nothing was changed there.";
      li.appendChild(span);
      falseList.appendChild(li);
    });
    falseList.hidden = !falseCount;
  }

  // A click on a mark (within its circle or box) takes it back.
  function markAt(p) {
    for (var i = marks.length - 1; i >= 0; i--) {
      var m = marks[i];
      if (m.w === undefined) {
        var dx = m.x - p.x, dy = m.y - p.y;
        if (Math.sqrt(dx * dx + dy * dy) <= tolerance) { return i; }
      } else if (p.x >= m.x && p.x <= m.x + m.w && p.y >= m.y && p.y <= m.y + m.h) {
        return i;
      }
    }
    return -1;
  }

  function addPoint(p) {
    var i = markAt(p);
    if (i >= 0) {
      marks.splice(i, 1);
    } else {
      marks.push({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
    }
    save();
    render();
  }

  function boxFrom(a, b) {
    return {
      x: Math.min(a.x, b.x), y: Math.min(a.y, b.y),
      w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y)
    };
  }

  var down = null;
  frame.addEventListener("pointerdown", function (event) {
    if (revealed || event.button !== 0) { return; }
    down = { clientX: event.clientX, clientY: event.clientY, at: toImage(event.clientX, event.clientY), dragging: false };
    frame.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  frame.addEventListener("pointermove", function (event) {
    if (!down) { return; }
    var dx = event.clientX - down.clientX, dy = event.clientY - down.clientY;
    if (!down.dragging && Math.sqrt(dx * dx + dy * dy) >= DRAG_PX) { down.dragging = true; }
    if (down.dragging) { render(boxFrom(down.at, toImage(event.clientX, event.clientY))); }
  });
  frame.addEventListener("pointerup", function (event) {
    if (!down) { return; }
    var start = down;
    down = null;
    if (start.dragging) {
      var box = boxFrom(start.at, toImage(event.clientX, event.clientY));
      box.x = Math.round(box.x * 10) / 10;
      box.y = Math.round(box.y * 10) / 10;
      box.w = Math.round(box.w * 10) / 10;
      box.h = Math.round(box.h * 10) / 10;
      marks.push(box);
      save();
      render();
    } else {
      addPoint(start.at);
    }
  });
  frame.addEventListener("pointercancel", function () { down = null; render(); });

  // The keyboard: a cross moved with the arrows, Enter or Space marks, Backspace takes back.
  frame.addEventListener("focus", function () {
    if (!cursor) { cursor = { x: W / 2, y: H / 2 }; }
    render();
  });
  frame.addEventListener("keydown", function (event) {
    if (revealed || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (!cursor) { cursor = { x: W / 2, y: H / 2 }; }
    var step = Math.max(W, H) * (event.shiftKey ? 0.05 : 0.01);
    var k = event.key;
    if (k === "ArrowLeft") { cursor.x = Math.max(0, cursor.x - step); }
    else if (k === "ArrowRight") { cursor.x = Math.min(W, cursor.x + step); }
    else if (k === "ArrowUp") { cursor.y = Math.max(0, cursor.y - step); }
    else if (k === "ArrowDown") { cursor.y = Math.min(H, cursor.y + step); }
    else if (k === "Enter" || k === " ") { addPoint(cursor); event.preventDefault(); return; }
    else if (k === "Backspace" || k === "Delete") { undo(); event.preventDefault(); return; }
    else { return; }
    event.preventDefault();
    render();
  });

  function undo() {
    if (revealed || !marks.length) { return; }
    marks.pop();
    save();
    render();
  }

  revealButton.addEventListener("click", function () {
    revealed = true;
    save();
    render();
    result.focus();
  });
  undoButton.addEventListener("click", undo);
  restartButton.addEventListener("click", function () {
    marks = [];
    revealed = false;
    cursor = null;
    try { window.localStorage.removeItem(data.storageKey); } catch (e) { /* nothing kept */ }
    render();
    frame.focus({ preventScroll: true });
  });
  printButton.addEventListener("click", function () { window.print(); });

  load();
  render();
})();
