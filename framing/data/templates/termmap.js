/* framing term map: one canvas, one set of listeners, data from a JSON script tag. No network. */
function framingTermMap(uid) {
  "use strict";
  var root = document.getElementById(uid);
  var D = JSON.parse(document.getElementById(uid + "-data").textContent);
  var COLORS = ["#b9c4cf", "#D55E00", "#8C8C8C", "#0072B2", "#CC79A7", "#000000"];
  var NAMES = ["other word", "delegitimizing label", "neutral label", "legitimizing label", "label of several stances", "alias"];
  var T = D.terms.length, K = D.outlets.length;
  var total = new Float64Array(T);
  for (var o = 0; o < K; o++) for (var t = 0; t < T; t++) total[t] += D.counts[o][t];
  var termIndex = {};
  for (var t2 = 0; t2 < T; t2++) termIndex[D.terms[t2]] = t2;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // controls
  var bar = el("div", "tm-bar");
  var sel = el("select", "tm-select");
  D.comparisons.forEach(function (c, i) { var op = el("option", null, c.name); op.value = i; op.dir = "auto"; sel.appendChild(op); });
  var search = el("input", "tm-search"); search.type = "search"; search.placeholder = "find a word…"; search.dir = "rtl";
  bar.appendChild(el("label", null, "compare: ")); bar.appendChild(sel); bar.appendChild(search);
  var legend = el("div", "tm-legend");
  [1, 2, 3, 4, 5, 0].forEach(function (s) {
    var item = el("span", "tm-legend-item"); var dot = el("span", "tm-dot"); dot.style.background = COLORS[s];
    item.appendChild(dot); item.appendChild(document.createTextNode(NAMES[s])); legend.appendChild(item);
  });
  var wrap = el("div", "tm-wrap");
  var canvas = el("canvas", "tm-canvas");
  var tip = el("div", "tm-tip"); tip.style.display = "none";
  wrap.appendChild(canvas); wrap.appendChild(tip);
  var panel = el("div", "tm-panel");
  panel.appendChild(el("p", "tm-hint", "Click a point to read its lines."));
  root.appendChild(bar); root.appendChild(legend); root.appendChild(wrap); root.appendChild(panel);

  var ctx = canvas.getContext("2d");
  var W = 0, H = 0, M = {l: 56, r: 16, t: 16, b: 44};
  var comp = 0, px = new Float32Array(T), py = new Float32Array(T), shown = new Uint8Array(T);
  var grid = null, GS = 12, gw = 0, gh = 0, selected = -1, hover = -1;
  var xmax = 1, ymax = 3;

  function sides(t) {
    var c = D.comparisons[comp], a = D.counts[c.outlet][t];
    var b = c.ref === "rest" ? total[t] - a : D.counts[c.ref][t];
    return [a, b];
  }
  function refName() { var c = D.comparisons[comp]; return c.ref === "rest" ? "rest" : D.outlets[c.ref]; }
  function refWords() {
    var c = D.comparisons[comp];
    if (c.ref !== "rest") return D.words[c.ref];
    var s = 0; for (var o = 0; o < K; o++) if (o !== c.outlet) s += D.words[o]; return s;
  }
  function layout() {
    var w = Math.max(320, Math.min(root.clientWidth || 900, 1100)), h = Math.round(Math.min(620, w * 0.6));
    var r = window.devicePixelRatio || 1;
    canvas.width = Math.round(w * r); canvas.height = Math.round(h * r);
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
    ctx.setTransform(r, 0, 0, r, 0, 0); W = w; H = h;
  }
  function X(v) { return M.l + (v / xmax) * (W - M.l - M.r); }
  function Y(v) { return M.t + (1 - (v + ymax) / (2 * ymax)) * (H - M.t - M.b); }
  function compute() {
    var z = D.z[comp], mx = 0, az = [];
    for (var t = 0; t < T; t++) {
      var s = sides(t), f = s[0] + s[1];
      shown[t] = (f > 0 && z[t] !== null) ? 1 : 0;
      if (shown[t]) { mx = Math.max(mx, Math.log10(f)); az.push(Math.abs(z[t])); }
    }
    // the y range holds 99.5% of the terms; the few beyond (an outlet's own boilerplate) sit on the edge
    az.sort(function (a, b) { return a - b; });
    var q = az.length ? az[Math.min(az.length - 1, Math.floor(0.995 * az.length))] : 3;
    xmax = Math.max(1, mx * 1.04 + 0.05); ymax = Math.max(3, q) * 1.06;
    gw = Math.ceil(W / GS) + 1; gh = Math.ceil(H / GS) + 1; grid = new Array(gw * gh);
    for (var t3 = 0; t3 < T; t3++) {
      if (!shown[t3]) continue;
      var s3 = sides(t3);
      px[t3] = X(Math.log10(s3[0] + s3[1])); py[t3] = Y(Math.max(-ymax, Math.min(ymax, z[t3])));
      var k = Math.floor(py[t3] / GS) * gw + Math.floor(px[t3] / GS);
      (grid[k] || (grid[k] = [])).push(t3);
    }
  }
  function nearest(x, y, radius) {
    var best = -1, bd = radius * radius, gx = Math.floor(x / GS), gy = Math.floor(y / GS), R = Math.ceil(radius / GS);
    for (var j = gy - R; j <= gy + R; j++) for (var i = gx - R; i <= gx + R; i++) {
      if (i < 0 || j < 0 || i >= gw || j >= gh) continue;
      var cell = grid[j * gw + i]; if (!cell) continue;
      for (var n = 0; n < cell.length; n++) {
        // lexicon terms (drawn larger) win within 3 px of a plain word
        var t = cell[n], dx = px[t] - x, dy = py[t] - y, d = dx * dx + dy * dy - (D.stance[t] > 0 ? 9 : 0);
        if (d < bd) { bd = d; best = t; }
      }
    }
    return best;
  }
  function draw() {
    var z = D.z[comp];
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#f2f2f2"; ctx.fillRect(M.l, Y(1.96), W - M.l - M.r, Y(-1.96) - Y(1.96));
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(M.l, Y(0)); ctx.lineTo(W - M.r, Y(0)); ctx.stroke();
    ctx.strokeStyle = "#333"; ctx.strokeRect(M.l, M.t, W - M.l - M.r, H - M.t - M.b);
    ctx.fillStyle = "#333"; ctx.font = "11px sans-serif"; ctx.textAlign = "center"; ctx.direction = "ltr";
    for (var p = 0; p <= Math.floor(xmax); p++) { var xx = X(p); ctx.fillText(String(Math.pow(10, p)), xx, H - M.b + 14); ctx.fillRect(xx, H - M.b, 1, 4); }
    ctx.fillText("occurrences on the two sides (log scale)", (M.l + W - M.r) / 2, H - 8);
    ctx.textAlign = "right";
    var step = ymax > 20 ? 10 : ymax > 8 ? 5 : 2;
    for (var v = -Math.floor(ymax / step) * step; v <= ymax; v += step) ctx.fillText(String(v), M.l - 6, Y(v) + 4);
    ctx.save(); ctx.translate(14, (M.t + H - M.b) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center";
    var c = D.comparisons[comp];
    ctx.fillText("log-odds z: ↑ more in " + D.outlets[c.outlet] + ", ↓ more in " + refName(), 0, 0); ctx.restore();
    for (var pass = 0; pass < 2; pass++) {
      for (var t = 0; t < T; t++) {
        if (!shown[t] || (D.stance[t] > 0) !== (pass === 1)) continue;
        ctx.fillStyle = COLORS[D.stance[t]];
        ctx.globalAlpha = pass ? 0.95 : 0.55;
        var r = pass ? 4 : 2.2;
        ctx.beginPath(); ctx.arc(px[t], py[t], r, 0, 6.2832); ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    labels(z);
    [selected, hover].forEach(function (t, i) {
      if (t < 0 || !shown[t]) return;
      ctx.strokeStyle = i ? "#E69F00" : "#000"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(px[t], py[t], 7, 0, 6.2832); ctx.stroke();
    });
  }
  function labels(z) {
    var cand = [];
    for (var t = 0; t < T; t++) if (shown[t]) cand.push(t);
    cand.sort(function (a, b) { return Math.abs(z[b]) - Math.abs(z[a]); });
    var pick = cand.slice(0, 24);
    for (var t2 = 0; t2 < T; t2++) if (shown[t2] && D.stance[t2] > 0 && pick.indexOf(t2) < 0) pick.push(t2);
    if (selected >= 0 && shown[selected] && pick.indexOf(selected) < 0) pick.unshift(selected);
    var boxes = [];
    ctx.font = "12px 'DejaVu Sans','Noto Naskh Arabic',sans-serif"; ctx.direction = "rtl"; ctx.textAlign = "left";
    pick.forEach(function (t) {
      var w = ctx.measureText(D.terms[t]).width, x = px[t] + 6, y = py[t] - 4;
      if (x + w > W - M.r) x = px[t] - 6 - w;
      var b = [x - 1, y - 11, x + w + 1, y + 3];
      if (b[1] < M.t || b[3] > H - M.b) return;
      for (var i = 0; i < boxes.length; i++) { var o = boxes[i]; if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return; }
      boxes.push(b);
      ctx.fillStyle = "rgba(255,255,255,0.75)"; ctx.fillRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
      ctx.fillStyle = D.stance[t] ? COLORS[D.stance[t]] : "#333";
      ctx.textAlign = "right"; ctx.fillText(D.terms[t], x + w, y);
    });
    ctx.direction = "ltr";
  }
  function rate(n, words) { return words > 0 ? (1e4 * n / words).toFixed(2) : "–"; }
  function describe(t) {
    var s = sides(t), c = D.comparisons[comp];
    return D.outlets[c.outlet] + ": " + s[0] + " (" + rate(s[0], D.words[c.outlet]) + " per 10k words) · " +
      refName() + ": " + s[1] + " (" + rate(s[1], refWords()) + ") · z = " + (D.z[comp][t] === null ? "–" : D.z[comp][t].toFixed(2));
  }
  function showTip(t, x, y) {
    if (t < 0) { tip.style.display = "none"; return; }
    tip.textContent = "";
    var term = el("div", "tm-tip-term", D.terms[t]); term.dir = "rtl";
    var counts = el("div", "tm-tip-counts", describe(t)); counts.dir = "ltr";
    tip.appendChild(term); tip.appendChild(counts);
    tip.style.display = "block";
    var tw = tip.offsetWidth, th = tip.offsetHeight;
    tip.style.left = Math.max(0, Math.min(x + 12, W - tw - 4)) + "px";
    tip.style.top = (y + 12 + th > H ? Math.max(0, y - th - 8) : y + 12) + "px";
  }
  function showLines(t) {
    panel.textContent = "";
    var head = el("div", "tm-panel-head");
    var term = el("span", "tm-panel-term", D.terms[t]); term.dir = "rtl";
    head.appendChild(term); head.appendChild(el("span", "tm-panel-counts", " " + describe(t)));
    panel.appendChild(head);
    var c = D.comparisons[comp], ls = (D.lines[t] || []).slice();
    ls.sort(function (a, b) { return (b[0] === c.outlet) - (a[0] === c.outlet); });
    if (!ls.length) { panel.appendChild(el("p", "tm-hint", "No line was sampled for this word.")); return; }
    var list = el("div", "tm-lines");
    ls.forEach(function (L) {
      var row = el("div", "tm-line"); row.dir = "rtl";
      row.appendChild(el("span", "tm-left", L[1] + " "));
      row.appendChild(el("mark", "tm-key", L[2]));
      row.appendChild(el("span", "tm-right", " " + L[3]));
      var src = el("span", "tm-src", L[0] >= 0 ? D.outlets[L[0]] : ""); src.dir = "auto";
      row.appendChild(src);
      list.appendChild(row);
    });
    panel.appendChild(list);
  }
  function select(t) { selected = t; draw(); if (t >= 0) showLines(t); }
  function pos(ev) { var r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
  canvas.addEventListener("mousemove", function (ev) {
    var p = pos(ev), t = nearest(p[0], p[1], 8);
    if (t !== hover) { hover = t; draw(); }
    showTip(t, p[0], p[1]);
    canvas.style.cursor = t >= 0 ? "pointer" : "default";
  });
  canvas.addEventListener("mouseleave", function () { hover = -1; tip.style.display = "none"; draw(); });
  canvas.addEventListener("click", function (ev) { var p = pos(ev), t = nearest(p[0], p[1], 8); if (t >= 0) select(t); });
  sel.addEventListener("change", function () { comp = +sel.value; hover = -1; compute(); draw(); if (selected >= 0) showLines(selected); });
  // a light version of the search profile (the terms are normalized and stripped of proclitics)
  function fold(w) {
    return w.replace(/[\u064B-\u065F\u0670\u0640\u200B-\u200F]/g, "").replace(/[\u0623\u0625\u0622\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A").replace(/\u0629/g, "\u0647");
  }
  function find(q) {
    var w = q.trim(), f = fold(w);
    if (termIndex[w] !== undefined) return termIndex[w];
    if (termIndex[f] !== undefined) return termIndex[f];
    var pre = ["\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0641\u0627\u0644", "\u0643\u0627\u0644", "\u0644\u0644", "\u0627\u0644",
               "\u0648", "\u0641", "\u0628", "\u0644", "\u0643"];
    for (var i = 0; i < pre.length; i++)
      if (f.indexOf(pre[i]) === 0 && f.length - pre[i].length >= 2 && termIndex[f.slice(pre[i].length)] !== undefined)
        return termIndex[f.slice(pre[i].length)];
    return undefined;
  }
  search.addEventListener("change", function () {
    var t = find(search.value);
    if (t === undefined) { search.setCustomValidity("not on the map"); search.reportValidity(); return; }
    search.setCustomValidity(""); select(t);
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { layout(); compute(); draw(); }, 150);
  });
  layout(); compute(); draw();
  var api = {
    find: function (q) { var t = find(q); return t === undefined ? null : D.terms[t]; },
    positionOf: function (term) { var t = termIndex[term]; return (t === undefined || !shown[t]) ? null : {x: px[t], y: py[t]}; },
    nearest: function (x, y) { var t = nearest(x, y, 8); return t < 0 ? null : D.terms[t]; },
    compare: function (i) { sel.value = String(i); sel.dispatchEvent(new Event("change")); },
    terms: T
  };
  (window.framingTermMaps = window.framingTermMaps || {})[uid] = api;
  return api;
}
