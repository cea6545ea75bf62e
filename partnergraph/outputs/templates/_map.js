  // The page around the drawing, shared by both renderers (vis-network on canvas, sigma.js on WebGL): the
  // evidence panel, search, filters, the legend's toggles, labels that never overlap, keyboard use, and
  // saving the current view as SVG or PNG. The renderer is an adapter R (see map.html / map-webgl.html):
  //   R.ids()  R.pos(id) -> {x, y} in CSS px of the drawing  R.radius(id) -> CSS px  R.size() -> {w, h}
  //   R.select(id|null)  R.focus(id)  R.apply(nodeVisible, edgeVisible)  R.redraw()  R.scale()
  function Controller(R, data) {
    var self = this;
    var nodes = data.nodes, edges = data.edges, evidence = data.evidence;
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    self.byId = byId;
    var selected = null;
    var visible = {};
    var edgeVisible = {};
    nodes.forEach(function (n) { visible[n.id] = true; });
    edges.forEach(function (e) { edgeVisible[e.id] = true; });

    function fullLabel(n) { return n.full || (evidence[n.id] && evidence[n.id].heading) || n.label || n.id; }
    function shortLabel(n) {
      var t = fullLabel(n).replace(/\s+/g, " ");
      return t.length > 42 ? t.slice(0, 41).replace(/\s+$/, "") + "\u2026" : t;
    }
    self.fullLabel = fullLabel;
    self.shortLabel = shortLabel;
    // the weight that sizes a label: a node's own size (number of evidencing sources), heaviest first
    var order = nodes.slice().sort(function (a, b) { return (b.w || b.size || 0) - (a.w || a.size || 0) || (a.id < b.id ? -1 : 1); });
    var wmax = order.length ? (order[0].w || order[0].size || 1) : 1;
    var wmin = order.length ? (order[order.length - 1].w || order[order.length - 1].size || 0) : 0;
    function fontPx(n) {
      var w = n.w || n.size || 0;
      var t = wmax > wmin ? (w - wmin) / (wmax - wmin) : 0.5;
      return Math.round(11 + 6 * Math.sqrt(t));
    }
    var measureCtx = document.createElement("canvas").getContext("2d");
    var widthAt10 = {};
    function textWidth(n, px) {
      if (widthAt10[n.id] === undefined) {
        measureCtx.font = "10px system-ui, sans-serif";
        widthAt10[n.id] = measureCtx.measureText(shortLabel(n)).width;
      }
      return widthAt10[n.id] * px / 10;
    }

    // Labels: greedy by weight, a label is drawn only where it overlaps no label already placed (a grid of
    // 64 px cells keeps this linear); small nodes get theirs only once zoomed in far enough.
    self.minLabelRadius = data.minLabelRadius || 5;
    self.maxLabels = data.maxLabels || 400;
    self.obstacleRadius = data.obstacleRadius || 3;
    self.layoutLabels = function () {
      var size = R.size(), cell = 64, grid = {}, boxes = [];
      function fits(b) {
        for (var gx = Math.floor(b.x0 / cell); gx <= Math.floor(b.x1 / cell); gx++) {
          for (var gy = Math.floor(b.y0 / cell); gy <= Math.floor(b.y1 / cell); gy++) {
            var list = grid[gx + ":" + gy];
            if (!list) { continue; }
            for (var i = 0; i < list.length; i++) {
              var o = list[i];
              if (o.node !== b.id && b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0) { return false; }
            }
          }
        }
        return true;
      }
      function put(b) {
        for (var gx = Math.floor(b.x0 / cell); gx <= Math.floor(b.x1 / cell); gx++) {
          for (var gy = Math.floor(b.y0 / cell); gy <= Math.floor(b.y1 / cell); gy++) {
            (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(b);
          }
        }
        boxes.push(b);
      }
      // the nodes in view are obstacles too: a label never covers another node
      var cut = Math.max(3, Math.ceil(order.length * 0.03));
      order.forEach(function (n) {
        if (!visible[n.id]) { return; }
        var p = R.pos(n.id), r = R.radius(n.id);
        if (r < self.obstacleRadius || p.x < -20 || p.y < -20 || p.x > size.w + 20 || p.y > size.h + 20) { return; }
        var b = {x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r, node: n.id};
        for (var gx = Math.floor(b.x0 / cell); gx <= Math.floor(b.x1 / cell); gx++) {
          for (var gy = Math.floor(b.y0 / cell); gy <= Math.floor(b.y1 / cell); gy++) {
            (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(b);
          }
        }
      });
      var first = selected && visible[selected] ? [byId[selected]] : [];
      first.concat(order).forEach(function (n, i) {
        if (boxes.length >= self.maxLabels || !visible[n.id] || (i > 0 && n.id === selected)) { return; }
        var r = R.radius(n.id);
        if (n.id !== selected && r < self.minLabelRadius && i - first.length >= cut) { return; }
        var p = R.pos(n.id);
        if (p.x < -50 || p.y < -20 || p.x > size.w + 50 || p.y > size.h + 20) { return; }
        var px = fontPx(n), w = textWidth(n, px);
        // right of the node, else left, above, below
        var spots = [[p.x + r + 3, p.y, "left"], [p.x - r - 3 - w, p.y, "left"],
                     [p.x - w / 2, p.y - r - px / 2 - 3, "left"], [p.x - w / 2, p.y + r + px / 2 + 3, "left"]];
        for (var k = 0; k < spots.length; k++) {
          var x = spots[k][0], y = spots[k][1];
          var b = {id: n.id, text: shortLabel(n), px: px, x: x, y: y, x0: x - 2, y0: y - px / 2 - 2, x1: x + w + 2, y1: y + px / 2 + 2};
          if (b.x0 < 0 || b.x1 > size.w || b.y0 < 0 || b.y1 > size.h) { continue; }  // cut by the edge
          if (n.id === selected || fits(b)) { put(b); return; }
        }
      });
      self.drawn = boxes;
      return boxes;
    };
    self.paintLabels = function (ctx, ratio) {
      var boxes = self.layoutLabels();
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      boxes.forEach(function (b) {
        ctx.font = (b.id === selected ? "600 " : "") + b.px + "px system-ui, sans-serif";
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(b.text, b.x, b.y);
        ctx.fillStyle = "#1a1a1a";
        ctx.fillText(b.text, b.x, b.y);
      });
      ctx.restore();
    };

    // Clicks: the node whose centre is nearest the pointer, among those the pointer is on (or on its label).
    self.nodeAt = function (x, y) {
      var best = null, bestD = Infinity;
      nodes.forEach(function (n) {
        if (!visible[n.id]) { return; }
        var p = R.pos(n.id), r = Math.max(R.radius(n.id), 4) + 2;
        var d = Math.hypot(p.x - x, p.y - y);
        if (d <= r && d < bestD) { best = n.id; bestD = d; }
      });
      if (best) { return best; }
      (self.drawn || []).forEach(function (b) {
        if (!best && x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) { best = b.id; }
      });
      return best;
    };

    // ---- the panel ------------------------------------------------------------------------------------
    var panel = document.getElementById("evidence");
    var intro = Array.prototype.slice.call(panel.childNodes);
    function goButton(id, text) {
      var b = el("button", text, "go");
      b.type = "button";
      b.setAttribute("data-node", id);
      b.addEventListener("click", function () { self.choose(id, true); });
      return b;
    }
    self.show = function (id) {
      var info = evidence[id];
      panel.replaceChildren();
      if (!info) { intro.forEach(function (c) { panel.appendChild(c); }); return; }
      var h = el("h2", info.heading);
      h.tabIndex = -1;
      h.id = "panel-heading";
      panel.appendChild(h);
      info.lines.forEach(function (line) { panel.appendChild(el("p", line, "meta")); });
      if (info.ref) { panel.appendChild(el("p", info.ref, "ref")); }
      panel.appendChild(el("h3", info.list_title));
      if (!info.items.length) { panel.appendChild(el("p", "No evidence links.", "hint")); return; }
      var ol = el("ol");
      info.items.forEach(function (it) {
        var li = el("li");
        li.setAttribute("data-node", it.node);
        li.appendChild(el("span", it.stance, "stance"));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(byId[it.node] ? goButton(it.node, it.name) : el("span", it.name, "name"));
        if (it.ref) { li.appendChild(el("span", it.ref, "ref")); }
        if (it.meta) { li.appendChild(el("span", it.meta, "meta")); }
        if (it.quote) { li.appendChild(el("q", it.quote, "quote")); }
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    };
    self.choose = function (id, move) {
      selected = id && byId[id] ? id : null;
      R.select(selected);
      self.show(selected);
      if (selected && move) { R.focus(selected); }
      R.redraw();
      if (selected && move) {
        var h = document.getElementById("panel-heading");
        if (h) { h.focus({preventScroll: true}); }
      }
      document.body.setAttribute("data-selected", selected || "");
    };
    self.selected = function () { return selected; };

    // ---- search -----------------------------------------------------------------------------------------
    var input = document.getElementById("search"), list = document.getElementById("search-results");
    function fold(s) { return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
    var index = nodes.map(function (n) {
      var extra = evidence[n.id] ? evidence[n.id].lines.join(" ") : "";
      return {id: n.id, label: fold(fullLabel(n)), extra: fold(extra)};
    });
    var results = [], active = -1;
    function render() {
      list.replaceChildren();
      results.forEach(function (id, i) {
        var n = byId[id];
        var li = el("li", null, i === active ? "active" : "");
        li.id = "sr-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.setAttribute("data-node", id);
        li.appendChild(el("span", fullLabel(n), "name"));
        li.appendChild(el("span", " " + (n.kindText || n.claim_kind || n.kind), "hint"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      if (active >= 0) { input.setAttribute("aria-activedescendant", "sr-" + active); }
      else { input.removeAttribute("aria-activedescendant"); }
      document.getElementById("search-count").textContent = input.value.trim() ?
        (results.length ? results.length + (results.length === 12 ? "+" : "") + " found" : "nothing found") : "";
    }
    function find(q) {
      q = fold(q.trim());
      if (!q) { return []; }
      var scored = [];
      index.forEach(function (it) {
        var s = -1, k = it.label.indexOf(q);
        if (k === 0) { s = 3; } else if (k > 0 && /\W/.test(it.label[k - 1])) { s = 2; } else if (k > 0) { s = 1; }
        else if (it.extra.indexOf(q) >= 0) { s = 0; }
        if (s >= 0 && visible[it.id]) { scored.push([s, it.label.length, it.id]); }
      });
      scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1); });
      return scored.slice(0, 12).map(function (x) { return x[2]; });
    }
    function pick(i) {
      var id = results[i];
      results = []; active = -1; render();
      if (id) { self.choose(id, true); }
    }
    input.addEventListener("input", function () { results = find(input.value); active = results.length ? 0 : -1; render(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && results.length) { active = (active + 1) % results.length; render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && results.length) { active = (active - 1 + results.length) % results.length; render(); ev.preventDefault(); }
      else if (ev.key === "Enter") { if (active >= 0) { pick(active); } ev.preventDefault(); }
      else if (ev.key === "Escape") { results = []; active = -1; render(); }
    });
    input.addEventListener("blur", function () { setTimeout(function () { results = []; active = -1; render(); }, 150); });
    self.find = find;

    // ---- filters and legend toggles ------------------------------------------------------------------
    var hiddenCats = {};
    document.querySelectorAll("#legend button[data-cat][aria-pressed=false]").forEach(function (b) {
      hiddenCats[b.getAttribute("data-cat")] = true;
    });
    self.startsFiltered = Object.keys(hiddenCats).length > 0;
    function facetChecks() {
      var sel = {};
      document.querySelectorAll("#filters input[data-facet]").forEach(function (cb) {
        var k = cb.getAttribute("data-facet");
        sel[k] = sel[k] || {all: 0, on: {}};
        sel[k].all += 1;
        if (cb.checked) { sel[k].on[cb.value] = true; }
      });
      return sel;
    }
    function claimPasses(n, sel, directOnly, contestedOnly) {
      var f = n.f || {};
      for (var k in sel) {
        if (sel[k].all === Object.keys(sel[k].on).length) { continue; }  // every box ticked: no filter
        var v = f[k];
        if (v === undefined) { continue; }  // the facet does not apply to this claim (e.g. level of a barrier)
        var vals = Array.isArray(v) ? v : [v];
        if (!vals.some(function (x) { return sel[k].on[x]; })) { return false; }
      }
      if (directOnly && !f.direct) { return false; }
      if (contestedOnly && !f.contested) { return false; }
      return true;
    }
    function touching(claimOn, edgeOk) {
      var t = {};
      edges.forEach(function (e) {
        if (edgeOk[e.id] && e.kind !== "pooled_in" && (claimOn[e.to] || claimOn[e.from])) { t[e.from] = t[e.to] = true; }
      });
      edges.forEach(function (e) { if (e.kind === "pooled_in" && edgeOk[e.id] && t[e.to]) { t[e.from] = true; } });
      return t;
    }
    var allClaims = {}, allEdges = {};
    nodes.forEach(function (n) { if (n.kind === "claim") { allClaims[n.id] = true; } });
    edges.forEach(function (e) { allEdges[e.id] = true; });
    var baseTouch = touching(allClaims, allEdges);
    self.applyFilters = function () {
      var sel = facetChecks();
      var dOnly = !!(document.getElementById("direct-only") || {}).checked;
      var cOnly = !!(document.getElementById("contested-only") || {}).checked;
      var claimOn = {};
      nodes.forEach(function (n) {
        visible[n.id] = !hiddenCats[n.cat];
        if (n.kind === "claim") { claimOn[n.id] = visible[n.id] = visible[n.id] && claimPasses(n, sel, dOnly, cOnly); }
      });
      // an edge shows when both ends show (pooled links go with "direct only"); a source, pool or hub shows
      // while it still touches a shown claim (one that touched none to begin with always shows)
      edges.forEach(function (e) {
        edgeVisible[e.id] = visible[e.from] && visible[e.to] && !(dOnly && e.attribution === "pooled") &&
          !hiddenCats["edge:" + e.kind];
      });
      var touches = touching(claimOn, edgeVisible);
      nodes.forEach(function (n) {
        if (n.kind !== "claim" && visible[n.id] && baseTouch[n.id]) { visible[n.id] = !!touches[n.id]; }
      });
      edges.forEach(function (e) { edgeVisible[e.id] = edgeVisible[e.id] && visible[e.from] && visible[e.to]; });
      R.apply(visible, edgeVisible);
      if (selected && !visible[selected]) { self.choose(null); }
      var shown = nodes.filter(function (n) { return visible[n.id]; }).length;
      var status = document.getElementById("filter-status");
      if (status) { status.textContent = shown === nodes.length ? "All " + nodes.length + " nodes shown." : shown + " of " + nodes.length + " nodes shown."; }
      R.redraw();
    };
    self.visible = function (id) { return !!visible[id]; };
    document.querySelectorAll("#filters input").forEach(function (cb) { cb.addEventListener("change", self.applyFilters); });
    document.querySelectorAll("#legend button[data-cat]").forEach(function (b) {
      b.addEventListener("click", function () {
        var c = b.getAttribute("data-cat");
        hiddenCats[c] = !hiddenCats[c];
        b.setAttribute("aria-pressed", hiddenCats[c] ? "false" : "true");
        self.applyFilters();
      });
    });
    var reset = document.getElementById("filter-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        document.querySelectorAll("#filters input[data-facet]").forEach(function (cb) { cb.checked = true; });
        document.querySelectorAll("#filters input[type=checkbox]:not([data-facet])").forEach(function (cb) { cb.checked = false; });
        hiddenCats = {};
        document.querySelectorAll("#legend button[data-cat]").forEach(function (b) {
          var off = b.hasAttribute("data-off");
          b.setAttribute("aria-pressed", off ? "false" : "true");
          if (off) { hiddenCats[b.getAttribute("data-cat")] = true; }
        });
        self.applyFilters();
      });
    }

    // ---- saving the current view ------------------------------------------------------------------------
    function xmlText(s) {
      return String(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    }
    self.svg = function () {
      var size = R.size(), out = [];
      out.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + size.w + '" height="' + size.h +
               '" viewBox="0 0 ' + size.w + " " + size.h + '" font-family="system-ui, sans-serif">');
      out.push("<title>" + xmlText(document.getElementById("title").textContent) + "</title>");
      out.push('<rect width="100%" height="100%" fill="#ffffff"/>');
      function inView(p) { return p.x > -40 && p.y > -40 && p.x < size.w + 40 && p.y < size.h + 40; }
      edges.forEach(function (e) {
        if (!edgeVisible[e.id]) { return; }
        var a = R.pos(e.from), b = R.pos(e.to);
        if (!inView(a) && !inView(b)) { return; }
        var c = (e.color && e.color.color) || "#999999", op = (e.color && e.color.opacity) || 1;
        out.push('<line x1="' + a.x.toFixed(1) + '" y1="' + a.y.toFixed(1) + '" x2="' + b.x.toFixed(1) + '" y2="' + b.y.toFixed(1) +
                 '" stroke="' + xmlText(c) + '" stroke-opacity="' + op + '" stroke-width="' + (e.width || 1) + '"' +
                 (e.dashes ? ' stroke-dasharray="' + (Array.isArray(e.dashes) ? e.dashes.join(" ") : "5 5") + '"' : "") + "/>");
      });
      nodes.forEach(function (n) {
        if (!visible[n.id]) { return; }
        var p = R.pos(n.id);
        if (!inView(p)) { return; }
        var bg = (n.color && n.color.background) || "#999999", bd = (n.color && n.color.border) || "#333333";
        var attrs = ' fill="' + xmlText(bg) + '" stroke="' + xmlText(n.id === selected ? "#000000" : bd) + '" stroke-width="' +
          (n.id === selected ? 3 : (n.borderWidth || 1)) + '"' + (n.dashedBorder ? ' stroke-dasharray="2 2"' : "") +
          ' data-node="' + xmlText(n.id) + '"';
        out.push(svgShape(n.pgShape || "dot", p.x, p.y, Math.max(R.radius(n.id), 1.5), attrs));
      });
      self.layoutLabels().forEach(function (b) {
        out.push('<text x="' + b.x.toFixed(1) + '" y="' + b.y.toFixed(1) + '" dominant-baseline="middle" font-size="' + b.px +
                 '" fill="#1a1a1a" stroke="#ffffff" stroke-width="3" paint-order="stroke">' + xmlText(b.text) + "</text>");
      });
      out.push("</svg>");
      return out.join("\n");
    };
    function crc32(bytes) {
      var c, crc = 0xFFFFFFFF;
      for (var i = 0; i < bytes.length; i++) {
        c = (crc ^ bytes[i]) & 0xFF;
        for (var k = 0; k < 8; k++) { c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; }
        crc = (crc >>> 8) ^ c;
      }
      return (crc ^ 0xFFFFFFFF) >>> 0;
    }
    function withDpi(png, dpi) {  // add a pHYs chunk after IHDR so the picture prints at its size
      var ppm = Math.round(dpi / 0.0254), chunk = new Uint8Array(21), dv = new DataView(chunk.buffer);
      dv.setUint32(0, 9);
      chunk.set([0x70, 0x48, 0x59, 0x73], 4);
      dv.setUint32(8, ppm); dv.setUint32(12, ppm); chunk[16] = 1;
      dv.setUint32(17, crc32(chunk.subarray(4, 17)));
      var out = new Uint8Array(png.length + 21);
      out.set(png.subarray(0, 33)); out.set(chunk, 33); out.set(png.subarray(33), 54);
      return out;
    }
    self.dpi = 300;
    self.png = function (callback) {
      var svg = self.svg(), size = R.size(), k = self.dpi / 96;
      var img = new Image();
      img.onload = function () {
        var c = document.createElement("canvas");
        c.width = Math.round(size.w * k); c.height = Math.round(size.h * k);
        var ctx = c.getContext("2d");
        ctx.drawImage(img, 0, 0, c.width, c.height);
        c.toBlob(function (blob) {
          blob.arrayBuffer().then(function (buf) { callback(new Blob([withDpi(new Uint8Array(buf), self.dpi)], {type: "image/png"})); });
        }, "image/png");
      };
      img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
    };
    function download(blob, name) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }
    var stem = data.fileStem || "evidence-map";
    var bsvg = document.getElementById("save-svg"), bpng = document.getElementById("save-png");
    if (bsvg) { bsvg.addEventListener("click", function () { download(new Blob([self.svg()], {type: "image/svg+xml"}), stem + ".svg"); }); }
    if (bpng) { bpng.addEventListener("click", function () { self.png(function (b) { download(b, stem + ".png"); }); }); }

    // ---- keyboard on the drawing: arrows pan, + and - zoom, Escape clears -----------------------------------
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && selected && document.activeElement !== input) { self.choose(null); }
    });
  }
  // Legend swatches are drawn by the same painter as the nodes.
  function legendSwatches() {
    var ns = "http://www.w3.org/2000/svg";
    document.querySelectorAll(".swatch[data-shape]").forEach(function (s) {
      var svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", "18"); svg.setAttribute("height", "18"); svg.setAttribute("aria-hidden", "true");
      var pts = shapePoints(s.getAttribute("data-shape"), 9, 9, 6), e;
      if (!pts) {
        e = document.createElementNS(ns, "circle");
        e.setAttribute("cx", "9"); e.setAttribute("cy", "9"); e.setAttribute("r", "6.5");
      } else {
        e = document.createElementNS(ns, "polygon");
        e.setAttribute("points", pts.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "));
      }
      e.setAttribute("fill", s.getAttribute("data-color"));
      e.setAttribute("stroke", "#333333");
      if (s.getAttribute("data-dashed")) { e.setAttribute("stroke-dasharray", "2 1.5"); }
      svg.appendChild(e);
      s.replaceWith(svg);
    });
  }
