/* strikewatch: the incident map.
 *
 * Plain ES2017, no build step, no modules: the page loads, in this order,
 *   /static/vendor/leaflet/leaflet.js                  (defines L)
 *   /static/vendor/topojson-client/topojson-client.min.js (defines topojson)
 *   /static/map.js
 * and provides
 *   <div id="map" data-src="/api/v1/incidents/map?..."></div>
 *   <p id="map-status"></p>
 * Optional attributes of #map: data-tile-url and data-tile-attribution (a
 * tile server the user runs, drawn over the offline basemap), data-basemap-url
 * (default: the vendored Natural Earth 1:50m countries).
 *
 * Everything is loaded from the same origin; incident data only ever reaches
 * the page through textContent and attributes, never as HTML (the pages run
 * under a strict Content-Security-Policy).
 */
(function () {
  'use strict';

  var DEFAULT_BASEMAP = '/static/vendor/world-atlas/countries-50m.json';
  var LEAFLET_IMAGES = '/static/vendor/leaflet/images/';
  var DEFAULT_CENTER = [32.5, 41.0]; // the Middle East: Syria, Iraq, Yemen, Gaza
  var DEFAULT_ZOOM = 5;

  // One colour per event type of the format (spec/formats.md, vocab.EVENT_TYPES).
  var EVENT_COLOURS = {
    air_strike: '#c62828',
    drone_strike: '#6a1b9a',
    shelling: '#ef6c00',
    missile_strike: '#ad1457',
    ground_attack: '#2e7d32',
    explosive_device: '#5d4037',
    chemical_attack: '#9e9d24',
    abduction: '#1565c0',
    other: '#546e7a'
  };
  var UNKNOWN_COLOUR = '#546e7a';
  var HEALTH_OUTLINE = '#0b3d91';

  function colourFor(eventType) {
    return Object.prototype.hasOwnProperty.call(EVENT_COLOURS, eventType)
      ? EVENT_COLOURS[eventType]
      : UNKNOWN_COLOUR;
  }

  function label(value) {
    return String(value).replace(/_/g, ' ');
  }

  function formatCount(n) {
    return Number(n).toLocaleString('en-GB');
  }

  function killedOf(props) {
    var k = Number(props.killed);
    return isFinite(k) && k > 0 ? k : 0;
  }

  function radiusFor(killed) {
    return Math.min(3 + 1.5 * Math.sqrt(killed), 24);
  }

  // Leaflet writes attribution strings as HTML: keep a configured attribution
  // to text plus character references (so "&copy; …" still reads right).
  function attributionText(value) {
    return String(value).replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setStatus(node, text, isError) {
    if (!node) return;
    node.textContent = text;
    node.classList.toggle('error', Boolean(isError));
  }

  function fetchJSON(url) {
    return fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/geo+json, application/json' }
    }).then(function (response) {
      if (!response.ok) {
        var err = new Error('HTTP ' + response.status);
        err.status = response.status;
        throw err;
      }
      return response.json();
    });
  }

  function popupFor(props) {
    var box = el('div', 'map-popup');
    box.appendChild(el('strong', 'map-popup-place', props.place || 'unnamed place'));

    var meta = el('div', 'map-popup-meta');
    meta.appendChild(el('span', null, props.date || 'date unknown'));
    meta.appendChild(document.createTextNode(' \u00b7 '));
    meta.appendChild(el('span', null, label(props.event_type || 'other')));
    box.appendChild(meta);

    var facts = el('div', 'map-popup-facts');
    var killed = props.killed;
    facts.appendChild(
      el('span', null, killed === null || killed === undefined
        ? 'killed: not reported'
        : 'killed: ' + formatCount(killed))
    );
    if (props.grade) {
      facts.appendChild(document.createTextNode(' '));
      facts.appendChild(el('span', 'grade grade-' + String(props.grade), props.grade));
    }
    if (props.health) {
      facts.appendChild(document.createTextNode(' '));
      facts.appendChild(el('span', 'badge health', 'health care'));
    }
    box.appendChild(facts);

    if (props.incident_id) {
      var link = el('a', 'map-popup-link', 'Open incident ' + props.incident_id);
      link.href = '/incidents/' + encodeURIComponent(props.incident_id);
      box.appendChild(link);
    }
    return box;
  }

  function addLegend(map, eventTypes) {
    if (!eventTypes.length) return;
    var legend = L.control({ position: 'bottomleft' });
    legend.onAdd = function () {
      var box = el('div', 'map-legend');
      eventTypes.forEach(function (type) {
        var row = el('div', 'map-legend-row');
        var swatch = el('span', 'map-legend-swatch');
        swatch.style.backgroundColor = colourFor(type);
        row.appendChild(swatch);
        row.appendChild(el('span', null, label(type)));
        box.appendChild(row);
      });
      var health = el('div', 'map-legend-row');
      var ring = el('span', 'map-legend-swatch map-legend-health');
      ring.style.borderColor = HEALTH_OUTLINE;
      health.appendChild(ring);
      health.appendChild(el('span', null, 'health care hit'));
      box.appendChild(health);
      box.appendChild(el('div', 'map-legend-note', 'circle size grows with the number killed'));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  function drawBasemap(map, container, statusNode) {
    if (typeof topojson === 'undefined') {
      setStatus(statusNode, 'basemap library missing: run make assets', true);
      return Promise.resolve();
    }
    var url = container.getAttribute('data-basemap-url') || DEFAULT_BASEMAP;
    return fetchJSON(url).then(function (topo) {
      var countries = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(countries, {
        pane: 'basemap',
        interactive: false,
        style: {
          color: '#9e9e9e',
          weight: 0.7,
          fillColor: '#f4f1ea',
          fillOpacity: 1
        }
      }).addTo(map);
    });
  }

  function drawIncidents(map, data) {
    var features = (data && Array.isArray(data.features)) ? data.features : [];
    var points = features.filter(function (f) {
      var g = f && f.geometry;
      return g && g.type === 'Point' && Array.isArray(g.coordinates) &&
        isFinite(g.coordinates[0]) && isFinite(g.coordinates[1]);
    });
    // The biggest circles first, so the small ones stay on top and clickable.
    points.sort(function (a, b) {
      return killedOf(b.properties || {}) - killedOf(a.properties || {});
    });

    var layer = L.featureGroup();
    var types = {};
    points.forEach(function (f) {
      var props = f.properties || {};
      var lon = Number(f.geometry.coordinates[0]);
      var lat = Number(f.geometry.coordinates[1]);
      var type = props.event_type || 'other';
      types[type] = true;
      var marker = L.circleMarker([lat, lon], {
        radius: radiusFor(killedOf(props)),
        fillColor: colourFor(type),
        fillOpacity: 0.65,
        color: props.health ? HEALTH_OUTLINE : '#ffffff',
        weight: props.health ? 3 : 1,
        opacity: 1,
        className: props.health ? 'incident-marker health' : 'incident-marker'
      });
      marker.bindPopup(function () { return popupFor(props); }, { maxWidth: 280 });
      layer.addLayer(marker);
    });
    layer.addTo(map);

    var order = Object.keys(EVENT_COLOURS);
    var present = Object.keys(types).sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    });
    addLegend(map, present);

    if (points.length) {
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 9 });
    }
    return points.length;
  }

  function incidentStatus(data, shown) {
    if (data && data.truncated) {
      var total = data.total !== undefined ? data.total : data.matched;
      if (total !== undefined && total !== null) {
        return 'map shows the newest ' + formatCount(shown) + ' of ' +
          formatCount(total) + ' incidents; narrow the filters to see the rest';
      }
      return 'map shows the newest ' + formatCount(shown) +
        ' incidents; narrow the filters to see the rest';
    }
    if (shown === 0) return 'no incidents with a location match these filters';
    return formatCount(shown) + (shown === 1 ? ' incident' : ' incidents') + ' on the map';
  }

  function init() {
    var container = document.getElementById('map');
    if (!container) return;
    var statusNode = document.getElementById('map-status');
    if (statusNode && !statusNode.hasAttribute('role')) {
      statusNode.setAttribute('role', 'status');
    }
    if (typeof L === 'undefined') {
      setStatus(statusNode, 'map library missing: run make assets', true);
      return;
    }

    L.Icon.Default.imagePath = LEAFLET_IMAGES;
    var tileUrl = (container.getAttribute('data-tile-url') || '').trim();

    var map = L.map(container, {
      center: DEFAULT_CENTER,
      zoom: DEFAULT_ZOOM,
      minZoom: 2,
      maxZoom: tileUrl ? 18 : 11,
      worldCopyJump: false
    });
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com/" rel="noopener noreferrer">Leaflet</a>'
    );
    map.attributionControl.addAttribution(
      'Boundaries: <a href="https://www.naturalearthdata.com/" rel="noopener noreferrer">' +
      'Natural Earth</a> via world-atlas'
    );

    // The offline basemap sits below Leaflet's tile pane (z-index 200), so a
    // configured tile server draws over it and it shows wherever tiles fail.
    map.createPane('basemap');
    map.getPane('basemap').style.zIndex = '150';
    map.getPane('basemap').style.pointerEvents = 'none';

    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: attributionText(container.getAttribute('data-tile-attribution') || ''),
        maxZoom: 18
      }).addTo(map);
    }

    var src = container.getAttribute('data-src');
    setStatus(statusNode, 'loading incidents\u2026', false);

    var basemap = drawBasemap(map, container, statusNode).then(
      function () { return null; },
      function (err) { return 'basemap could not be loaded (' + err.message + ')'; }
    );

    var incidents = src
      ? fetchJSON(src).then(
        function (data) { return { data: data, shown: drawIncidents(map, data) }; },
        function (err) { return { error: err }; })
      : Promise.resolve({ error: new Error('no data source') });

    Promise.all([basemap, incidents]).then(function (results) {
      var basemapProblem = results[0];
      var result = results[1];
      if (result.error) {
        var err = result.error;
        var text = err.status === 401 || err.status === 403
          ? 'incidents could not be loaded: sign in again'
          : 'incidents could not be loaded (' + err.message + ')';
        setStatus(statusNode, text, true);
        return;
      }
      var text2 = incidentStatus(result.data, result.shown);
      if (basemapProblem) text2 += '; ' + basemapProblem;
      setStatus(statusNode, text2, Boolean(basemapProblem));
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
