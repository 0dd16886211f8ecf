// Savoirs: the places map ("lieux"). The server renders the places on a world
// outline (an SVG that works without any script). When Leaflet is loaded
// (/static/vendor/leaflet/leaflet.js, global L) this replaces the outline with
// a tiled, zoomable map, and falls back to the outline when the tiles do not
// come (offline, blocked by the network or by the CSP).
// No inline style attribute, no innerHTML with data: popups are built node by
// node. The state is readable by tests on the map container:
//   data-state="loading"  map shown, waiting for the first tile
//   data-state="tiles"    tiles arrived, the outline is hidden
//   data-state="outline"  tiles failed: map hidden again, outline shown
(function () {
  "use strict";

  const TILE_ERRORS_MAX = 3;
  const TILE_TIMEOUT_MS = 8000;

  function readPlaces() {
    const script = document.getElementById("places-data");
    if (!script) return [];
    let data;
    try {
      data = JSON.parse(script.textContent || "[]");
    } catch (e) {
      return [];
    }
    if (!Array.isArray(data)) return [];
    return data.filter(function (p) {
      return (
        p &&
        typeof p.lat === "number" && isFinite(p.lat) && Math.abs(p.lat) <= 90 &&
        typeof p.lon === "number" && isFinite(p.lon) && Math.abs(p.lon) <= 180
      );
    });
  }

  // Only same-site paths and http(s) URLs become links.
  function safeHref(url) {
    if (typeof url !== "string") return null;
    if (/^\/(?!\/)/.test(url)) return url;
    if (/^https?:\/\//i.test(url)) return url;
    return null;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function popupContent(place) {
    const box = document.createElement("div");
    box.className = "place-popup";
    const title = document.createElement("p");
    title.className = "place-name";
    const strong = document.createElement("strong");
    strong.textContent = place.name || "";
    title.appendChild(strong);
    box.appendChild(title);
    const records = Array.isArray(place.records) ? place.records : [];
    if (records.length) {
      const list = document.createElement("ul");
      list.className = "place-records";
      records.forEach(function (record) {
        if (!record) return;
        const item = document.createElement("li");
        const href = safeHref(record.url);
        const label = document.createElement(href ? "a" : "span");
        if (href) label.href = href;
        label.textContent = record.title || record.url || "";
        item.appendChild(label);
        if (record.kind) {
          const kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = " " + (record.kind_label || record.kind);
          item.appendChild(kind);
        }
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    return box;
  }

  function init() {
    const container = document.getElementById("places-map");
    if (!container || typeof window.L === "undefined" || !window.L.map) return;
    const L = window.L;
    const outline = document.querySelector(".places-outline");
    const places = readPlaces();

    container.hidden = false;
    container.dataset.state = "loading";

    let map;
    try {
      map = L.map(container, { worldCopyJump: true });
    } catch (e) {
      container.hidden = true;
      container.dataset.state = "outline";
      return;
    }

    let settled = false;
    let errors = 0;
    let timer = null;

    function showTiles() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      container.dataset.state = "tiles";
      if (outline) outline.hidden = true;
    }
    function showOutline() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      container.dataset.state = "outline";
      container.hidden = true;
      if (outline) outline.hidden = false;
      try {
        map.remove(); // stop asking for tiles
      } catch (e) {
        /* already gone */
      }
    }

    let attribution = escapeHtml(container.dataset.attribution || "");
    const attributionUrl = safeHref(container.dataset.attributionUrl);
    if (attribution && attributionUrl) {
      attribution = '<a href="' + escapeHtml(attributionUrl) + '">' + attribution + "</a>";
    }
    const template = container.dataset.tiles;
    if (template) {
      // The site's Referrer-Policy is "same-origin": without this, tile
      // servers get no Referer at all, and OpenStreetMap's policy asks for
      // one. Only the origin is sent, never the page's path.
      const tiles = L.tileLayer(template, {
        attribution: attribution,
        maxZoom: 18,
        referrerPolicy: "strict-origin-when-cross-origin"
      });
      tiles.on("tileload", showTiles);
      tiles.on("tileerror", function () {
        errors += 1;
        if (errors >= TILE_ERRORS_MAX) showOutline();
      });
      tiles.addTo(map);
      timer = setTimeout(showOutline, TILE_TIMEOUT_MS);
    }

    // The view first: Leaflet only draws vector layers on a map that has one,
    // and the markers' SVG elements are needed below.
    const points = places.map(function (place) {
      return [place.lat, place.lon];
    });
    if (points.length === 0) {
      map.setView([20, 0], 2);
    } else if (points.length === 1) {
      map.setView(points[0], 10);
    } else {
      map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 12 });
    }

    places.forEach(function (place) {
      const records = Array.isArray(place.records) ? place.records.length : 0;
      const marker = L.circleMarker([place.lat, place.lon], {
        className: "place-marker",
        radius: Math.min(14, 5 + 2 * Math.sqrt(records)),
        weight: 2
      });
      marker.bindPopup(popupContent(place));
      const tip = document.createElement("span");
      tip.textContent = place.name || "";
      marker.bindTooltip(tip);
      marker.addTo(map);

      // Markers are SVG paths: make them reachable with the keyboard.
      const el = marker.getElement && marker.getElement();
      if (el) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", place.name || "");
        el.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            marker.openPopup();
          }
        });
      }
    });

    if (!template) showOutline();
  }

  function start() {
    try {
      init();
    } catch (e) {
      if (window.console) console.error(e);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
