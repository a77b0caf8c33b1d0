// The canvas layer of large point layers (layers/scale.py, CanvasPoints): every point of a layer stamped into one
// bitmap after each move; a click reports the nearest point's payload index (streamlit-folium's
// last_active_drawing), which the server maps back to the feature id. Defined once per page (guarded); it travels
// inside the layer's own script, as streamlit-folium evaluates dynamic feature groups without the map's header.
(function () {
  if (window.L === undefined || L.AtlasCanvasPoints) { return; }
  function rgb(hex) { var v = parseInt(hex.slice(1), 16); return [(v >> 16) & 255, (v >> 8) & 255, v & 255]; }
  function disc(r) { var o = []; for (var dy = -r; dy <= r; dy++) { for (var dx = -r; dx <= r; dx++) {
      var d = dx * dx + dy * dy; if (d <= r * r + r) { o.push([dx, dy, d >= (r - 1) * (r - 1) + (r - 1)]); } } }
    return o; }
  L.AtlasCanvasPoints = L.Layer.extend({
    initialize: function (p, options) {
      L.setOptions(this, options);
      var n = p.n, mx = new Float64Array(n), my = new Float64Array(n), lon = new Float64Array(n),
          lat = new Float64Array(n), x = p.x0, s = p.scale;
      for (var i = 0; i < n; i++) {
        x += p.dx[i]; lon[i] = x / s; lat[i] = (p.y[i] + p.y0) / s;
        var sin = Math.sin(lat[i] * Math.PI / 180);
        mx[i] = 256 * (lon[i] + 180) / 360;
        my[i] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
      }
      this._p = p; this._n = n; this._mx = mx; this._my = my; this._lon = lon; this._lat = lat;
      this._style = new Uint8Array(p.s);
      // Packed RGBA for a little-endian Uint32 view of the ImageData (ABGR order); approximate positions
      // are lighter and have no white ring, as the vector markers are dashed and lighter.
      function pack(c, a) { return ((a << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0; }
      this._fills = new Uint32Array(p.styles.map(function (st) { return pack(rgb(st.fill), st.approx ? 140 : 235); }));
      this._rings = new Uint32Array(p.styles.map(function (st) {
        return st.approx ? pack(rgb(st.fill), 200) : pack([255, 255, 255], 235); }));
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "atlas-canvas-points leaflet-zoom-hide");
      this._canvas.style.pointerEvents = "none";
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend resize viewreset", this._redraw, this);
      map.on("click", this._click, this);
      this._redraw();
    },
    onRemove: function (map) {
      map.off("moveend resize viewreset", this._redraw, this);
      map.off("click", this._click, this);
      L.DomUtil.remove(this._canvas);
    },
    _redraw: function () {
      var map = this._map; if (!map) { return; }
      var size = map.getSize(), w = size.x, h = size.y, c = this._canvas, r = this.options.radius;
      var tl = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, tl);
      if (c.width !== w || c.height !== h || !this._img) {
        c.width = w; c.height = h; c.style.width = w + "px"; c.style.height = h + "px";
        this._ctx = c.getContext("2d"); this._img = this._ctx.createImageData(w, h);
        this._buf = new Uint32Array(this._img.data.buffer);
        var st = disc(r), off = new Int32Array(st.length), ring = new Uint8Array(st.length);
        for (var q = 0; q < st.length; q++) { off[q] = st[q][1] * w + st[q][0]; ring[q] = st[q][2] ? 1 : 0; }
        this._stampOffsets = off; this._stampRing = ring; this._sdx = st.map(function (v) { return v[0]; });
        this._sdy = st.map(function (v) { return v[1]; });
      }
      var buf = this._buf, off = this._stampOffsets, ring = this._stampRing, sl = off.length;
      var sdx = this._sdx, sdy = this._sdy;
      buf.fill(0);
      var k = Math.pow(2, map.getZoom()), po = map.getPixelOrigin(), ox = po.x + tl.x, oy = po.y + tl.y;
      var mx = this._mx, my = this._my, sty = this._style, fills = this._fills, rings = this._rings, n = this._n;
      var drawn = 0;
      for (var i = 0; i < n; i++) {
        var x = Math.round(mx[i] * k - ox), y = Math.round(my[i] * k - oy);
        if (x < -r || y < -r || x >= w + r || y >= h + r) { continue; }
        drawn++;
        var fc = fills[sty[i]], rc = rings[sty[i]], base = y * w + x, j;
        if (x >= r && y >= r && x < w - r && y < h - r) {
          for (j = 0; j < sl; j++) { buf[base + off[j]] = ring[j] ? rc : fc; }
        } else {
          for (j = 0; j < sl; j++) {
            var xx = x + sdx[j], yy = y + sdy[j];
            if (xx >= 0 && yy >= 0 && xx < w && yy < h) { buf[base + off[j]] = ring[j] ? rc : fc; }
          }
        }
      }
      this._ctx.putImageData(this._img, 0, 0);
      this._drawn = drawn;
      c.setAttribute("data-drawn", String(drawn));
      this.fire("atlasdrawn", {drawn: drawn});
    },
    _click: function (e) {
      var map = this._map, k = Math.pow(2, map.getZoom()), po = map.getPixelOrigin(),
          tl = map.containerPointToLayerPoint([0, 0]), cx = e.containerPoint.x + po.x + tl.x,
          cy = e.containerPoint.y + po.y + tl.y, best = -1, bd = (this.options.radius + 3) * (this.options.radius + 3);
      for (var i = 0; i < this._n; i++) {
        var dx = this._mx[i] * k - cx, dy = this._my[i] * k - cy, d = dx * dx + dy * dy;
        if (d <= bd) { bd = d; best = i; }
      }
      if (best < 0) { return; }
      var feature = {type: "Feature", properties: {atlas_canvas_layer: this._p.layer, atlas_index: best},
                     geometry: {type: "Point", coordinates: [this._lon[best], this._lat[best]]}};
      var proxy = {feature: feature, toGeoJSON: function () { return feature; }};
      this.fire("click", {latlng: L.latLng(this._lat[best], this._lon[best]), layer: proxy, sourceTarget: proxy});
    }
  });
  L.atlasCanvasPoints = function (p, o) { return new L.AtlasCanvasPoints(p, o); };
})();
