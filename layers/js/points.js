// Point features of the atlas (every point layer below the canvas threshold) in one Leaflet.markercluster
// group: points sharing a spot, or a few pixels apart at the current zoom, become one group marker with a count;
// a click fans them out (spiderfy) with legs from the true position, so every point can be hovered and clicked.
// Positions are never moved: the fan is a display state of the group, undone on the next zoom or a click on the
// map elsewhere, kept when a click on a point selects it (the page reruns and draws the groups anew).
// Hovering a point draws where it may really be (geodesic circle of its precision, or its anchor's footprint).
// Strings in the data are HTML-escaped on the server (layers/escape.py); the labels in `t` are ours.
(function () {
  if (window.L === undefined || L.atlasPoints || !L.MarkerClusterGroup) { return; }
  var PANE = "atlasPointsPane";
  var R = 6371008.8;  // mean Earth radius (m): the hover circle; the selection's circle is geodesic (server)

  function circle(ll, metres) {
    var out = [], lat1 = ll.lat * Math.PI / 180, lon1 = ll.lng * Math.PI / 180, d = metres / R;
    for (var i = 0; i < 72; i++) {
      var b = i * 5 * Math.PI / 180,
          lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b)),
          lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
      out.push([lat2 * 180 / Math.PI, lon2 * 180 / Math.PI]);
    }
    return out;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }
  function tip(p, t) {
    var rows = ["<b>" + p.name + "</b>"];
    if (p.name_alt) { rows.push(p.name_alt); }
    if (p.kind_label) { rows.push(p.kind_label); }
    // prec_text: the precision as the server writes distances (ui.i18n.distance); "" when the file gave none
    var where = !p.prec_text ? t.unknown : p.approx ? fill(t.approx_at, {spot: p.spot || "", d: p.prec_text})
                                                    : fill(t.precise, {d: p.prec_text});
    rows.push('<span class="atlas-tip-precision">' + where + "</span>");
    return rows.join("<br>");
  }
  function groupTip(markers, t) {
    var spots = {}, order = [], approx = 0;
    markers.forEach(function (m) {
      var p = m.feature.properties, s = p.spot || p.name;
      if (!(s in spots)) { spots[s] = 0; order.push(s); }
      spots[s] += 1; if (p.approx) { approx += 1; }
    });
    order.sort(function (a, b) { return spots[b] - spots[a] || (a < b ? -1 : a > b ? 1 : 0); });
    var n = markers.length, head;
    if (order.length === 1) {
      head = fill(approx ? t.group_one_approx : t.group_one, {n: n, spot: order[0]});
    } else {
      head = fill(t.group_many, {n: n}) + "<br>" + order.slice(0, 6).map(function (s) {
        return s + " · " + spots[s]; }).join("<br>") + (order.length > 6 ? "<br>…" : "");
    }
    return head + '<br><span class="atlas-tip-hint">' + t.group_hint + "</span>";
  }
  function footprint(map, id) {
    var found = null;
    if (!id) { return null; }
    map.eachLayer(function (l) {
      if (!found && l.feature && l.feature.properties && l.feature.properties.id === id && l.getLatLngs &&
          !(l.options && l.options.className && l.options.className.indexOf("atlas-selected") >= 0)) { found = l; }
    });
    return found;
  }

  L.atlasPoints = function (data, options) {
    var t = options.text, styles = data.styles, hover = L.layerGroup();
    var group = L.markerClusterGroup({
      maxClusterRadius: options.clusterRadius, spiderfyOnEveryZoom: true, spiderfyOnMaxZoom: true,
      zoomToBoundsOnClick: false, showCoverageOnHover: false, removeOutsideVisibleBounds: true,
      spiderfyDistanceMultiplier: 1.5, animate: options.animate,
      spiderLegPolylineOptions: {weight: 1.5, color: "#1f2937", opacity: 0.7, className: "atlas-leg"},
      iconCreateFunction: function (cluster) {
        var ms = cluster.getAllChildMarkers(), n = ms.length, approx = 0;
        ms.forEach(function (m) { if (m.feature.properties.approx) { approx += 1; } });
        var size = n < 10 ? 24 : n < 30 ? 28 : 32;
        return L.divIcon({html: "<div><span>" + n + "</span></div>", iconSize: L.point(size, size),
                          className: "atlas-group" + (approx === n ? " atlas-group-approx" : "")});
      }
    });
    function showUncertainty(e) {
      var p = e.target.feature.properties, map = group._map;
      hover.clearLayers();
      if (!map) { return; }
      var foot = footprint(map, p.foot);
      if (foot) {
        L.polygon(foot.getLatLngs(), {className: "atlas-uncertainty atlas-unc-hover atlas-unc-hover-foot",
                                     color: "#111827", weight: 2,
                                     dashArray: "6 5", fill: true, fillOpacity: 0.06, interactive: false}).addTo(hover);
      }
      if (p.prec > 0) {  // around the true position: a fanned-out marker stands on its leg's end meanwhile
        L.polygon(circle(e.target._preSpiderfyLatlng || e.target.getLatLng(), p.prec),
                  {className: "atlas-uncertainty atlas-unc-hover atlas-unc-hover-circle", color: "#111827",
                   weight: 1.5, dashArray: "4 4",
                   fill: true, fillOpacity: 0.05, interactive: false}).addTo(hover);
      }
      if (!hover._map) { hover.addTo(map); }
    }
    function hideUncertainty() { hover.clearLayers(); }
    // Points get a pane of their own above the group markers (markerPane, 600): a fanned-out point is never
    // hidden under a neighbouring group's icon. Areas stay below in the overlay pane.
    var onAdd = group.onAdd;
    group.onAdd = function (map) {
      if (!map.getPane(PANE)) { map.createPane(PANE).style.zIndex = 620; }
      return onAdd.call(this, map);
    };
    var markers = [];
    data.layers.forEach(function (collection) {
      L.geoJSON(collection, {
        // bubblingMouseEvents false: a click on a point is not also a click on the map, which closes the fan
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, L.extend({pane: PANE, bubblingMouseEvents: false}, styles[f.properties.s]));
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(tip(f.properties, t), {sticky: true, className: "atlas-tip"});
          layer.on("mouseover", showUncertainty).on("mouseout", hideUncertainty);
        }
      }).eachLayer(function (l) { markers.push(l); });
    });
    group.addLayers(markers);
    group.on("clustermouseover", function (e) {
      if (!e.layer.getTooltip()) {
        e.layer.bindTooltip(groupTip(e.layer.getAllChildMarkers(), t), {direction: "top", className: "atlas-tip"});
      }
      e.layer.openTooltip();
    });
    var registry = options.registry || "atlasPoints";  // window.atlasPoints (atlas), window.atlasUploadPoints
    // The fan stays open across the page's reruns (a click selects, the page reruns, the groups are drawn anew):
    // the ids of the fanned group are kept on window until the visitor closes it (a click on the map elsewhere,
    // a zoom, another group), and the new group fans the group holding them out again.
    var FAN = "__atlasFan_" + registry, removing = false;
    group.on("spiderfied", function (e) {
      window[FAN] = e.cluster.getAllChildMarkers().map(function (m) { return m.feature.properties.id; });
    });
    group.on("unspiderfied", function () { if (!removing) { window[FAN] = null; } });
    var onRemove = group.onRemove;
    group.onRemove = function (map) {
      removing = true;
      try { return onRemove.call(this, map); } finally { removing = false; }
    };
    function refan() {
      var ids = window[FAN], map = group._map;
      if (!ids || !map) { return; }
      var wanted = {};
      ids.forEach(function (id) { wanted[id] = true; });
      var marker = markers.filter(function (m) { return wanted[m.feature.properties.id]; })[0];
      var parent = marker && group.getVisibleParent(marker);
      if (parent && parent !== marker && parent.spiderfy) { parent.spiderfy(); }
    }
    group.on("add", function () {
      window[registry] = group;  // for tests and the page's own scripts
      setTimeout(refan, 0);
    });
    group.on("remove", function () { hover.remove(); if (window[registry] === group) { window[registry] = null; } });
    group.atlasMarkers = markers;
    return group;
  };
})();
