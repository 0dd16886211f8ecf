// Savoirs: the network map ("carte"). The server renders the whole graph as an
// SVG that works without this script; this only adds zoom, panning, neighbour
// highlighting, a search box and a PNG export. No dependency, no inline style
// attribute (the Content-Security-Policy forbids them): state is shown through
// classes, and through data-* attributes that tests can read:
//   svg.dataset.zoom     zoom factor relative to the original viewBox, "1.00"
//   svg.dataset.focused  id of the node found with the search box
(function () {
  "use strict";

  const ZOOM_STEP = 1.5;
  const ZOOM_MIN = 0.5;
  const ZOOM_MAX = 20;
  const SEARCH_ZOOM = 3;
  const DRAG_THRESHOLD = 4; // pixels before a press becomes a pan
  const SVG_NS = "http://www.w3.org/2000/svg";

  // Case- and accent-insensitive form of a label.
  function fold(text) {
    return String(text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[\s\u00a0]+/g, " ")
      .trim();
  }

  function parseViewBox(svg) {
    const base = svg.viewBox && svg.viewBox.baseVal;
    if (base && base.width > 0 && base.height > 0) {
      return { x: base.x, y: base.y, w: base.width, h: base.height };
    }
    const box = svg.getBoundingClientRect();
    return { x: 0, y: 0, w: box.width || 1, h: box.height || 1 };
  }

  function enhance(figure) {
    const svg = figure.querySelector("svg.graph");
    if (!svg) return;
    const tools = figure.querySelector(".graph-tools");
    const original = parseViewBox(svg);
    let view = Object.assign({}, original);
    let press = null; // pointer pressed on the svg: {id, x, y, view, k}
    let dragging = false; // that press has moved enough to be a pan
    let swallowClick = false; // the click ending a pan must not follow a link

    // ---- view box ---------------------------------------------------------

    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(round).join(" "));
      svg.dataset.zoom = (original.w / view.w).toFixed(2);
    }
    function round(n) {
      return Math.round(n * 1000) / 1000;
    }

    // Zoom by `factor` keeping the SVG point (px, py) where it is.
    function zoomAt(factor, px, py) {
      const current = original.w / view.w;
      const target = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, current * factor));
      const f = target / current;
      if (!isFinite(f) || f === 1) return;
      view = {
        x: px - (px - view.x) / f,
        y: py - (py - view.y) / f,
        w: view.w / f,
        h: view.h / f
      };
      apply();
    }
    function zoomCentre(factor) {
      zoomAt(factor, view.x + view.w / 2, view.y + view.h / 2);
    }
    function centreOn(px, py, zoom) {
      const w = original.w / zoom;
      const h = original.h / zoom;
      view = { x: px - w / 2, y: py - h / 2, w: w, h: h };
      apply();
    }
    function reset() {
      view = Object.assign({}, original);
      apply();
    }

    // Client (screen) coordinates to SVG user units, honouring
    // preserveAspectRatio through the screen CTM.
    function toSvg(clientX, clientY) {
      const ctm = svg.getScreenCTM();
      if (!ctm) return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
      const pt = svg.createSVGPoint();
      pt.x = clientX;
      pt.y = clientY;
      const p = pt.matrixTransform(ctm.inverse());
      return { x: p.x, y: p.y };
    }
    // SVG units per screen pixel.
    function unitsPerPixel() {
      const ctm = svg.getScreenCTM();
      return ctm && ctm.a ? 1 / ctm.a : view.w / (svg.getBoundingClientRect().width || 1);
    }

    // ---- graph ------------------------------------------------------------

    const nodes = Array.from(svg.querySelectorAll(".node"));
    const byId = new Map();
    nodes.forEach(function (node) {
      if (node.id) byId.set(node.id, { node: node, edges: [], neighbours: new Set() });
    });
    svg.querySelectorAll(".edge").forEach(function (edge) {
      const a = byId.get(edge.getAttribute("data-source"));
      const b = byId.get(edge.getAttribute("data-target"));
      if (a) a.edges.push(edge);
      if (b && b !== a) b.edges.push(edge);
      if (a && b) {
        a.neighbours.add(b.node);
        b.neighbours.add(a.node);
      }
    });

    let lit = []; // elements currently carrying .highlight
    let litNode = null;
    function highlight(node) {
      if (node === litNode) return;
      clearHighlight();
      const entry = node && byId.get(node.id);
      if (!entry) return;
      litNode = node;
      lit = [node].concat(Array.from(entry.neighbours), entry.edges);
      lit.forEach(function (el) {
        el.classList.add("highlight");
      });
      svg.classList.add("dimmed");
    }
    function clearHighlight() {
      lit.forEach(function (el) {
        el.classList.remove("highlight");
      });
      lit = [];
      litNode = null;
      svg.classList.remove("dimmed");
    }
    function nodeOf(target) {
      return target && target.closest ? target.closest(".node") : null;
    }

    svg.addEventListener("mouseover", function (event) {
      if (dragging) return;
      const node = nodeOf(event.target);
      if (node) highlight(node);
    });
    svg.addEventListener("mouseout", function (event) {
      if (dragging) return;
      const from = nodeOf(event.target);
      const to = nodeOf(event.relatedTarget);
      if (from && from !== to) {
        const focused = nodeOf(document.activeElement);
        if (focused && svg.contains(focused)) highlight(focused);
        else clearHighlight();
      }
    });
    svg.addEventListener("focusin", function (event) {
      const node = nodeOf(event.target);
      if (node) highlight(node);
    });
    svg.addEventListener("focusout", function (event) {
      const to = nodeOf(event.relatedTarget);
      if (to && svg.contains(to)) highlight(to);
      else clearHighlight();
    });

    // ---- pan (drag) and wheel zoom ----------------------------------------

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || !event.isPrimary) return;
      press = { id: event.pointerId, x: event.clientX, y: event.clientY, view: Object.assign({}, view), k: unitsPerPixel() };
      dragging = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!press || event.pointerId !== press.id) return;
      const dx = event.clientX - press.x;
      const dy = event.clientY - press.y;
      if (!dragging) {
        if (Math.abs(dx) < DRAG_THRESHOLD && Math.abs(dy) < DRAG_THRESHOLD) return;
        dragging = true;
        clearHighlight();
        svg.classList.add("panning");
        try {
          svg.setPointerCapture(event.pointerId);
        } catch (e) {
          /* pointer already gone */
        }
      }
      event.preventDefault();
      view = {
        x: press.view.x - dx * press.k,
        y: press.view.y - dy * press.k,
        w: press.view.w,
        h: press.view.h
      };
      apply();
    });
    function endPress(event) {
      if (!press || event.pointerId !== press.id) return;
      if (dragging) {
        swallowClick = true;
        // If no click follows (pointer released outside), forget it soon.
        setTimeout(function () {
          swallowClick = false;
        }, 0);
      }
      press = null;
      dragging = false;
      svg.classList.remove("panning");
    }
    svg.addEventListener("pointerup", endPress);
    svg.addEventListener("pointercancel", endPress);
    // A drag that ends on a node must not follow its link; a plain click does.
    svg.addEventListener(
      "click",
      function (event) {
        if (swallowClick) {
          swallowClick = false;
          event.preventDefault();
          event.stopPropagation();
        }
      },
      true
    );
    // Links inside an SVG are draggable images in some browsers.
    svg.addEventListener("dragstart", function (event) {
      event.preventDefault();
    });

    svg.addEventListener(
      "wheel",
      function (event) {
        if (!event.deltaY) return;
        event.preventDefault();
        // deltaMode 1 = lines, 2 = pages
        const delta = event.deltaY * (event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1);
        const factor = Math.exp(-Math.max(-300, Math.min(300, delta)) * 0.002);
        const p = toSvg(event.clientX, event.clientY);
        zoomAt(factor, p.x, p.y);
      },
      { passive: false }
    );

    // ---- search -----------------------------------------------------------

    const labelled = nodes
      .filter(function (node) {
        return node.id;
      })
      .map(function (node) {
        const label = node.getAttribute("data-label") || (node.querySelector("text") || {}).textContent || "";
        return { node: node, key: fold(label) };
      });

    function find(query) {
      const q = fold(query);
      if (!q) return null;
      const tests = [
        function (k) {
          return k === q;
        },
        function (k) {
          return k.startsWith(q);
        },
        function (k) {
          return k.indexOf(q) !== -1;
        }
      ];
      for (const test of tests) {
        const hit = labelled.find(function (item) {
          return test(item.key);
        });
        if (hit) return hit.node;
      }
      return null;
    }

    function nodeCentre(node) {
      const circle = node.querySelector("circle");
      if (circle) {
        return { x: circle.cx.baseVal.value, y: circle.cy.baseVal.value };
      }
      try {
        const box = node.getBBox();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      } catch (e) {
        return null;
      }
    }

    function focusNode(node) {
      nodes.forEach(function (other) {
        if (other !== node) other.classList.remove("focused");
      });
      node.classList.add("focused");
      svg.dataset.focused = node.id;
      const c = nodeCentre(node);
      if (c) centreOn(c.x, c.y, SEARCH_ZOOM);
      if (typeof node.focus === "function") node.focus();
    }

    const input = tools && tools.querySelector('input[type="search"]');
    if (input) {
      const run = function () {
        const node = find(input.value);
        if (node) {
          input.removeAttribute("aria-invalid");
          focusNode(node);
        } else if (fold(input.value)) {
          input.setAttribute("aria-invalid", "true");
        }
      };
      input.addEventListener("change", run);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          run();
        }
      });
      input.addEventListener("input", function (event) {
        input.removeAttribute("aria-invalid");
        // Picking an entry of the datalist: go there at once.
        if (event.inputType === "insertReplacementText" || event.inputType === undefined) {
          const q = fold(input.value);
          if (q && labelled.some(function (item) { return item.key === q; })) run();
        }
      });
    }

    // ---- buttons ----------------------------------------------------------

    if (tools) {
      tools.addEventListener("click", function (event) {
        const button = event.target.closest ? event.target.closest("button") : null;
        if (!button || !tools.contains(button)) return;
        const zoom = button.getAttribute("data-zoom");
        if (zoom === "in") zoomCentre(ZOOM_STEP);
        else if (zoom === "out") zoomCentre(1 / ZOOM_STEP);
        else if (zoom === "reset") reset();
        else if (button.hasAttribute("data-png")) exportPng(button);
      });
    }

    // ---- PNG export -------------------------------------------------------

    // Computed styles copied as presentation attributes (not style="…": those
    // are fine inside the image, but attributes need no CSP thought at all).
    // Opacity is left out on purpose: it only carries the passing hover state
    // (.dimmed, and its transition), which the export must not freeze.
    const PAINT = [
      "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity",
      "stroke-dasharray", "stroke-linecap", "stroke-linejoin"
    ];
    const TEXT = ["font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order"];

    function inlinePaint(source, copy) {
      const live = source.querySelectorAll("*");
      const cloned = copy.querySelectorAll("*");
      for (let i = 0; i < live.length && i < cloned.length; i++) {
        const el = live[i];
        const out = cloned[i];
        if (!(el instanceof SVGElement)) continue;
        const cs = getComputedStyle(el);
        if (cs.display === "none") {
          out.setAttribute("display", "none");
          continue;
        }
        if (cs.visibility === "hidden") out.setAttribute("visibility", "hidden");
        const tag = el.localName;
        if (tag === "g" || tag === "a" || tag === "title" || tag === "desc") continue;
        PAINT.forEach(function (prop) {
          const v = cs.getPropertyValue(prop);
          if (v) out.setAttribute(prop, v);
        });
        if (tag === "text" || tag === "tspan") {
          TEXT.forEach(function (prop) {
            const v = cs.getPropertyValue(prop);
            if (v && v !== "normal" && v !== "auto") out.setAttribute(prop, v);
          });
        }
      }
    }

    function exportPng(button) {
      const name = button.getAttribute("data-png") || "carte.png";
      const scale = Math.max(1, Math.min(4, 2400 / original.w));
      const width = Math.round(original.w * scale);
      const height = Math.round(original.h * scale);

      const copy = svg.cloneNode(true);
      inlinePaint(svg, copy);
      copy.classList.remove("dimmed", "panning");
      copy.querySelectorAll(".highlight").forEach(function (el) {
        el.classList.remove("highlight");
      });
      copy.setAttribute("viewBox", [original.x, original.y, original.w, original.h].join(" "));
      copy.setAttribute("width", String(width));
      copy.setAttribute("height", String(height));
      const bg = document.createElementNS(SVG_NS, "rect");
      bg.setAttribute("x", String(original.x));
      bg.setAttribute("y", String(original.y));
      bg.setAttribute("width", String(original.w));
      bg.setAttribute("height", String(original.h));
      bg.setAttribute("fill", "#ffffff");
      copy.insertBefore(bg, copy.firstChild);

      const source = new XMLSerializer().serializeToString(copy);
      const image = new Image();
      button.dataset.state = "busy";
      image.onload = function () {
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, width, height);
        ctx.drawImage(image, 0, 0, width, height);
        canvas.toBlob(function (blob) {
          if (!blob) {
            button.dataset.state = "error";
            return;
          }
          const url = URL.createObjectURL(blob);
          const link = document.createElement("a");
          link.href = url;
          link.download = name;
          link.hidden = true;
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 10000);
          button.dataset.state = "done";
          button.dataset.bytes = String(blob.size);
        }, "image/png");
      };
      image.onerror = function () {
        button.dataset.state = "error";
      };
      image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
    }

    // ---- go ---------------------------------------------------------------

    figure.classList.add("is-interactive");
    if (tools) tools.hidden = false;
    apply();
  }

  function init() {
    document.querySelectorAll(".graph-view").forEach(function (figure) {
      try {
        enhance(figure);
      } catch (e) {
        // Leave the static SVG as it is.
        if (window.console) console.error(e);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
