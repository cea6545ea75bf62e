  // One painter for every node shape, used by the canvas renderer and by the SVG export alike, so a saved
  // picture looks like the map. Shapes carry meaning besides colour (claim kinds differ by shape).
  function shapePoints(shape, x, y, r) {
    var pts = [], i, a, n;
    function poly(k, rot, rr) {
      for (i = 0; i < k; i++) {
        a = rot + i * 2 * Math.PI / k;
        pts.push([x + rr * Math.cos(a), y + rr * Math.sin(a)]);
      }
    }
    switch (shape) {
      case "square": r *= 0.9; return [[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]];
      case "diamond": poly(4, -Math.PI / 2, r * 1.15); return pts;
      case "triangle": poly(3, -Math.PI / 2, r * 1.2); pts.forEach(function (p) { p[1] += r * 0.2; }); return pts;
      case "triangleDown": poly(3, Math.PI / 2, r * 1.2); pts.forEach(function (p) { p[1] -= r * 0.2; }); return pts;
      case "hexagon": poly(6, 0, r * 1.05); return pts;
      case "pentagon": poly(5, -Math.PI / 2, r * 1.1); return pts;
      case "star":
        n = 10;
        for (i = 0; i < n; i++) {
          a = -Math.PI / 2 + i * Math.PI / 5;
          var rr = i % 2 ? r * 0.5 : r * 1.25;
          pts.push([x + rr * Math.cos(a), y + rr * Math.sin(a)]);
        }
        return pts;
      default: return null;  // a circle
    }
  }
  function paintShape(ctx, shape, x, y, r) {
    var pts = shapePoints(shape, x, y, r);
    ctx.beginPath();
    if (!pts) { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
    ctx.moveTo(pts[0][0], pts[0][1]);
    for (var i = 1; i < pts.length; i++) { ctx.lineTo(pts[i][0], pts[i][1]); }
    ctx.closePath();
  }
  function svgShape(shape, x, y, r, attrs) {
    var pts = shapePoints(shape, x, y, r);
    if (!pts) { return '<circle cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="' + r.toFixed(1) + '"' + attrs + "/>"; }
    return '<polygon points="' + pts.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" ") +
      '"' + attrs + "/>";
  }
