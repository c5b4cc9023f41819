/* kg explorer: draws the graph from the JSON block and builds every text node with textContent.
 * Never innerHTML: titles and entity names are data, not markup.
 * Test hook: window.kg = {ready, nodes, edges, network, data, select, selectEntity, entity, readyMs,
 * evidence}; nodes/edges are counts. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var kg = (window.kg = {
    ready: false,
    nodes: DATA.nodes.length,
    edges: DATA.edges.length,
    network: null,
    data: null,
    select: null,
    selected: null,
    selectEntity: null,
    entity: null,
    readyMs: null,
    evidence: null,
  });
  var t0 = performance.now();

  // -- DOM helpers (text only) ----------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeHref(u) {
    if (typeof u !== "string") return null;
    try {
      var url = new URL(u);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  function linkEl(label, href) {
    var h = safeHref(href);
    if (!h) return null;
    var a = el("a", null, label);
    a.href = h;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function chip(colour) {
    var c = el("span", "kg-chip");
    c.style.backgroundColor = colour;
    return c;
  }
  function typeLabel(t) { return DATA.typeLabels[t] || t; }

  // -- indexes ---------------------------------------------------------------------------
  var byId = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); });
  var adj = new Map();
  DATA.nodes.forEach(function (n) { adj.set(n.id, []); });
  DATA.edges.forEach(function (e, i) {
    adj.get(e.from).push({ id: e.to, edge: i, weight: e.weight });
    adj.get(e.to).push({ id: e.from, edge: i, weight: e.weight });
  });
  adj.forEach(function (list) { list.sort(function (a, b) { return b.weight - a.weight; }); });
  var paperNode = new Map();
  DATA.nodes.forEach(function (n) { if (n.kind === "paper") paperNode.set(n.paper_id, n); });

  // -- evidence (the sentence that shows a mention, with the mention marked) -----------------
  // A separate JSON block, parsed on first use: it can be as large as the graph data and is
  // not needed to draw. Per paper: [texts, {type: [null | [text index, a1, b1, ...]]}], the
  // entries in the order of the paper's entities[type]; [a, b) are JavaScript string offsets.
  var evidenceBlock = null;
  var EVIDENCE_TYPES = ["method", "model", "dataset", "benchmark", "github", "url"];
  function evidenceOf(paper, type, name) {
    if (evidenceBlock === null) {
      var src = document.getElementById("kg-evidence");
      evidenceBlock = src ? JSON.parse(src.textContent) : {};
    }
    var rec = paper && evidenceBlock[paper.paper_id];
    if (!rec) return null;
    var i = ((paper.entities || {})[type] || []).indexOf(name);
    var entry = i < 0 ? null : (rec[1][type] || [])[i];
    if (!entry) return null;
    return { text: rec[0][entry[0]], spans: entry.slice(1) };
  }
  // The sentence as text nodes, each mention in a <mark> (built with DOM methods, never markup).
  function evidenceEl(ev, from) {
    var p = el("p", "kg-evidence");
    var text = String(ev.text), last = 0;
    for (var k = 0; k + 1 < ev.spans.length; k += 2) {
      var a = ev.spans[k], b = ev.spans[k + 1];
      if (!(a >= last && b > a && b <= text.length)) continue;
      if (a > last) p.appendChild(document.createTextNode(text.slice(last, a)));
      p.appendChild(el("mark", null, text.slice(a, b)));
      last = b;
    }
    if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
    if (from) p.appendChild(el("span", "kg-evidence-from", "— " + from));
    return p;
  }
  kg.evidence = function (paperId, type, name) {
    var ev = evidenceOf(paperNode.get(paperId), type, name);
    if (!ev) return null;
    var marked = [];
    for (var k = 0; k + 1 < ev.spans.length; k += 2) marked.push(ev.text.slice(ev.spans[k], ev.spans[k + 1]));
    return { text: ev.text, spans: ev.spans.slice(), marked: marked };
  };

  // -- node details (tooltip and side panel) -----------------------------------------------
  function groupsEl(groups, max, paper) {
    var box = el("div");
    Object.keys(groups).forEach(function (t) {
      var names = groups[t];
      if (!names || !names.length) return;
      var g = el("div", "kg-group");
      var head = el("div", "kg-group-name");
      head.appendChild(chip(DATA.typeColors[t] || "#9aa5b1"));
      head.appendChild(el("span", null, typeLabel(t)));
      g.appendChild(head);
      var ul = el("ul", "kg-names");
      names.slice(0, max || names.length).forEach(function (name) {
        var li = el("li", null, name);
        // In the side panel a chip with evidence shows it on hover or keyboard focus.
        var ev = paper ? evidenceOf(paper, t, name) : null;
        if (ev) {
          li.tabIndex = 0;
          explains(li, function () { return mentionCard(name, t, ev, null); });
        }
        ul.appendChild(li);
      });
      if (max && names.length > max) ul.appendChild(el("li", null, "+" + (names.length - max) + " more"));
      g.appendChild(ul);
      box.appendChild(g);
    });
    return box;
  }
  function linksEl(links) {
    var box = el("div", "kg-links");
    (links || []).forEach(function (l) {
      var a = linkEl(l.label, l.href);
      if (a) box.appendChild(a);
    });
    return box.childNodes.length ? box : null;
  }
  function nodeCard(n, full) {
    var box = el("div");
    box.appendChild(el("h3", null, n.title));
    var meta = [];
    if (n.kind === "paper") {
      if (n.date) meta.push(n.date);
      if (n.paper_id) meta.push(n.paper_id);
    } else {
      meta.push(typeLabel(n.type));
      meta.push(n.df + (n.df === 1 ? " paper" : " papers"));
      if (n.aliases && n.aliases.length) meta.push("also " + n.aliases.join(", "));
    }
    box.appendChild(el("p", "kg-meta", meta.join(" · ")));
    var links = linksEl(n.links);
    if (links) box.appendChild(links);
    if (n.kind === "paper") {
      box.appendChild(groupsEl(n.entities || {}, full ? 0 : 6, full ? n : null));
      if (!full) {
        // The hover card shows why the paper names its first entities (strongest role first),
        // methods and models before benchmarks; code and links last.
        var shown = 0;
        EVIDENCE_TYPES.filter(function (t) { return (n.entities || {})[t]; }).forEach(function (t) {
          var first = (n.entities[t] || [])[0];
          var ev = shown < 2 && first !== undefined ? evidenceOf(n, t, first) : null;
          if (!ev) return;
          if (!shown) box.appendChild(el("div", "kg-group-name", "Evidence"));
          box.appendChild(evidenceEl(ev));
          shown += 1;
        });
      }
    }
    return box;
  }
  function mentionCard(name, type, ev, title) {
    var box = el("div");
    var head = el("div", "kg-group-name");
    head.appendChild(chip(DATA.typeColors[type] || "#9aa5b1"));
    head.appendChild(el("span", null, name));
    box.appendChild(head);
    box.appendChild(evidenceEl(ev, title));
    return box;
  }
  // Papers view: up to 3 shared entities, each with the sentence from each paper, then the
  // names of the others.
  function sharedEl(e, a, b) {
    var box = el("div"), shown = 0, rest = {};
    Object.keys(e.shared).forEach(function (t) {
      e.shared[t].forEach(function (name) {
        var evs = shown >= 3 ? [] : [[a, evidenceOf(a, t, name)], [b, evidenceOf(b, t, name)]].filter(function (x) { return x[1]; });
        if (!evs.length) {
          (rest[t] = rest[t] || []).push(name);
          return;
        }
        var head = el("div", "kg-group-name");
        head.appendChild(chip(DATA.typeColors[t] || "#9aa5b1"));
        head.appendChild(el("span", null, name));
        box.appendChild(head);
        evs.forEach(function (x) { box.appendChild(evidenceEl(x[1], x[0].label)); });
        shown += 1;
      });
    });
    if (Object.keys(rest).length) box.appendChild(groupsEl(rest, 8));
    return box;
  }
  function edgeCard(e) {
    var box = el("div");
    var a = byId.get(e.from), b = byId.get(e.to);
    box.appendChild(el("p", "kg-meta", a.title + "  ↔  " + b.title));
    if (e.shared) {
      box.appendChild(el("div", "kg-group-name", "Shared (weight " + e.weight + ")"));
      box.appendChild(sharedEl(e, a, b));
    } else if (e.role) {
      box.appendChild(el("div", "kg-group-name", e.role.replace("_", " ")));
      // Bipartite: one link, one paper mentioning one entity.
      var paper = a.kind === "paper" ? a : b, ent = a.kind === "paper" ? b : a;
      var ev = evidenceOf(paper, ent.type, ent.title);
      if (ev) box.appendChild(evidenceEl(ev));
    }
    return box;
  }

  // -- the page without a graph ------------------------------------------------------------
  var container = document.getElementById("kg-network");
  var legendEl = document.getElementById("kg-legend");
  var details = document.getElementById("kg-details");
  var tooltip = document.getElementById("kg-tooltip");
  var search = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");

  DATA.legend.forEach(function (item, i) {
    var li = el("li");
    li.appendChild(chip(item.color));
    li.appendChild(el("span", null, item.label));
    li.appendChild(el("span", "kg-count", item.count));
    li.title = "Highlight this group";
    li.addEventListener("click", function () { highlightGroup(i); });
    legendEl.appendChild(li);
  });

  if (!DATA.nodes.length || typeof vis === "undefined") {
    kg.ready = true;
    kg.readyMs = performance.now() - t0;
    return;
  }

  // -- the network ---------------------------------------------------------------------------
  var DIM = "rgba(200,205,212,0.35)";
  var EDGE_COLOURS = { color: "#b8c1cc", highlight: "#37474f", hover: "#55616d" };
  var EDGE_OPACITY = 0.55;
  var big = DATA.nodes.length > 300;
  var LABEL_COLOUR = "#1f2933", LABEL_STROKE = 3;
  function visNode(n) {
    return {
      id: n.id,
      label: n.label,
      x: n.x,
      y: n.y,
      size: n.size,
      shape: n.shape || "dot",
      color: {
        background: n.color, border: n.border,
        highlight: { background: n.color, border: "#111" },
        hover: { background: n.color, border: "#111" },
      },
      font: { color: LABEL_COLOUR },
    };
  }
  // Unlinked nodes sit out the physics and are shelved in a grid under the linked part
  // afterwards: left in the simulation they drift apart and push the graph into a corner.
  var unlinked = DATA.physics ? DATA.nodes.filter(function (n) { return !adj.get(n.id).length; }) : [];
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var v = visNode(n);
    if (DATA.physics && !adj.get(n.id).length) v.physics = false;
    return v;
  }));
  function shelveUnlinked() {
    if (!unlinked.length) return;
    var pos = network.getPositions();
    var minX = Infinity, maxX = -Infinity, maxY = -Infinity;
    DATA.nodes.forEach(function (n) {
      if (!adj.get(n.id).length) return;
      var p = pos[n.id];
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
    });
    if (minX === Infinity) return;
    var colW = DATA.view === "papers" ? 300 : 160, rowH = 46;
    var cols = Math.max(1, Math.min(unlinked.length, Math.floor((maxX - minX + colW) / colW)));
    var left = (minX + maxX) / 2 - ((cols - 1) * colW) / 2;
    unlinked.forEach(function (n, i) {
      network.moveNode(n.id, left + (i % cols) * colW, maxY + 110 + Math.floor(i / cols) * rowH);
    });
  }
  var edges = new vis.DataSet(
    DATA.edges.map(function (e, i) { return { id: i, from: e.from, to: e.to, width: e.width }; })
  );
  var options = {
    autoResize: true,
    nodes: {
      borderWidth: 1,
      borderWidthSelected: 3,
      font: { size: 13, face: "system-ui, sans-serif", strokeWidth: LABEL_STROKE, strokeColor: "#ffffff" },
      // Labels only once zoomed in enough to read them: tiny labels are noise and slow to draw.
      scaling: { label: { enabled: true, min: 13, max: 13, drawThreshold: 5, maxVisible: 30 } },
    },
    edges: {
      color: Object.assign({ opacity: EDGE_OPACITY }, EDGE_COLOURS),
      smooth: false,
      selectionWidth: 1.5,
    },
    interaction: {
      hover: true,
      tooltipDelay: 150,
      hideEdgesOnDrag: big,
      hideEdgesOnZoom: big,
      multiselect: false,
      navigationButtons: false,
      keyboard: false,
    },
    layout: { improvedLayout: false, randomSeed: 42 },
    physics: DATA.physics
      ? {
          enabled: true,
          solver: "forceAtlas2Based",
          // Paper labels are long: longer springs keep them from overlapping.
          forceAtlas2Based: {
            gravitationalConstant: DATA.view === "papers" ? -110 : -60,
            springLength: DATA.view === "papers" ? 170 : 90,
            springConstant: 0.05,
            avoidOverlap: 0.6,
          },
          stabilization: { enabled: true, iterations: DATA.iterations, updateInterval: 50, fit: true },
          minVelocity: 1.0,
        }
      : { enabled: false },
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  kg.network = network;
  kg.data = { nodes: nodes, edges: edges };

  function markReady() {
    network.once("afterDrawing", function () {
      kg.ready = true;
      kg.readyMs = performance.now() - t0;
      document.body.setAttribute("data-ready", "1");
    });
    // The frame fit() asked for draws the page; a redraw here as well drew it twice (0.7 s
    // more at 20,000 nodes). Asking again is a no-op when that frame is already due.
    network.body.emitter.emit("_requestRedraw");
  }
  if (DATA.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      shelveUnlinked();
      network.fit({ animation: false });
      markReady();
    });
  } else {
    network.fit({ animation: false });
    markReady();
  }

  // -- highlighting --------------------------------------------------------------------------
  var dimmed = new Set();
  var strongEdges = new Set();
  function applyDim(keep, strong) {
    var updates = [];
    DATA.nodes.forEach(function (n) {
      var dim = keep !== null && !keep.has(n.id);
      if (dim === dimmed.has(n.id)) return;
      if (dim) {
        dimmed.add(n.id);
        // In a big graph the faded labels of everything else are only clutter.
        var font = big ? { color: "rgba(0,0,0,0)", strokeWidth: 0 } : { color: "rgba(31,41,51,0.25)" };
        updates.push({ id: n.id, color: { background: DIM, border: DIM }, font: font });
      } else {
        dimmed.delete(n.id);
        var v = visNode(n);
        v.font = { color: LABEL_COLOUR, strokeWidth: LABEL_STROKE };  // (dimming a big graph took the halo off)
        updates.push(v);
      }
    });
    if (updates.length) nodes.update(updates);
    // Fade the links too while something is highlighted (one option change, not 10,000
    // updates); the selected node's own links get their own, strong colour.
    var opacity = keep === null ? EDGE_OPACITY : 0.15;
    network.setOptions({ edges: { color: { opacity: opacity } } });
    var edgeUpdates = [];
    strongEdges.forEach(function (id) {
      if (!(strong && strong.has(id))) edgeUpdates.push({ id: id, color: Object.assign({ opacity: opacity }, EDGE_COLOURS) });
    });
    strongEdges = strong || new Set();
    strongEdges.forEach(function (id) {
      edgeUpdates.push({ id: id, color: { color: "#3e4c59", highlight: "#1f2933", hover: "#1f2933", opacity: 0.9 } });
    });
    if (edgeUpdates.length) edges.update(edgeUpdates);
  }
  function highlightGroup(i) {
    var keep = new Set();
    DATA.nodes.forEach(function (n) { if (n.group === i) keep.add(n.id); });
    network.unselectAll();
    kg.selected = null;
    kg.entity = null;
    details.hidden = true;
    applyDim(keep);
  }
  function clearSelection() {
    kg.selected = null;
    kg.entity = null;
    details.hidden = true;
    network.unselectAll();
    applyDim(null);
  }

  // -- side panel ----------------------------------------------------------------------------
  function showDetails(id) {
    var n = byId.get(id);
    hideTooltip();  // it may belong to a button of the panel being replaced
    details.replaceChildren();
    var close = el("button", "kg-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", clearSelection);
    details.appendChild(close);
    details.appendChild(el("h2", null, n.kind === "paper" ? "Paper" : "Entity"));
    details.appendChild(nodeCard(n, true));
    var nbs = adj.get(id) || [];
    if (nbs.length) {
      var heading = n.kind !== "paper" ? "Papers" : DATA.view === "papers" ? "Related papers" : "Entities";
      details.appendChild(el("h2", null, heading));
      var ul = el("ul", "kg-related");
      nbs.slice(0, 12).forEach(function (nb) {
        var other = byId.get(nb.id);
        var li = el("li");
        var b = el("button", null, other.title);
        b.type = "button";
        b.addEventListener("click", function () { select(nb.id); });
        li.appendChild(b);
        var e = DATA.edges[nb.edge];
        // Hover or Tab to it: why they are linked, with the evidence.
        explains(b, function () { return edgeCard(e); });
        if (e.shared) {
          var names = [];
          Object.keys(e.shared).forEach(function (t) { names = names.concat(e.shared[t]); });
          li.appendChild(el("div", "kg-why", names.slice(0, 4).join(", ") + (names.length > 4 ? ", …" : "")));
        }
        ul.appendChild(li);
      });
      if (nbs.length > 12) ul.appendChild(el("li", "kg-why", "+" + (nbs.length - 12) + " more"));
      details.appendChild(ul);
    }
    details.hidden = false;
  }

  function select(id, opts) {
    if (!byId.has(id)) return false;
    var keep = new Set([id]);
    var own = new Set();
    (adj.get(id) || []).forEach(function (nb) { keep.add(nb.id); own.add(nb.edge); });
    applyDim(keep, own);
    network.selectNodes([id]);
    kg.selected = id;
    kg.entity = null;
    showDetails(id);
    if (!opts || opts.focus !== false) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    }
    return true;
  }
  kg.select = select;

  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes.length) select(p.nodes[0], { focus: false });
    else if (!p.edges.length) clearSelection();
  });

  // -- tooltip -------------------------------------------------------------------------------
  var hideTimer = null;
  // Beside the hovered thing (never over it, so it can still be clicked): right of it, else left.
  function placeTooltip(domX, domY, gap) {
    var rect = container.getBoundingClientRect();
    tooltip.hidden = false;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    var x = rect.left + domX + gap;
    if (x + w > window.innerWidth - 8) x = Math.max(8, rect.left + domX - gap - w);
    var y = Math.min(Math.max(8, rect.top + domY - 16), window.innerHeight - h - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = Math.max(8, y) + "px";
  }
  function showTooltip(card, domX, domY, gap, interactive) {
    clearTimeout(hideTimer);
    tooltip.replaceChildren(card);
    // An edge tooltip sits at the pointer and has no links: let the pointer pass through it.
    tooltip.style.pointerEvents = interactive ? "auto" : "none";
    placeTooltip(domX, domY, gap);
  }
  function hideTooltip() {
    clearTimeout(hideTimer);
    tooltip.hidden = true;
  }
  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideTooltip, 400);  // time to move the pointer onto a link in it
  }
  // Beside a button or chip of the side panel (on its left: the panel is on the right).
  function showTooltipBeside(card, target) {
    clearTimeout(hideTimer);
    tooltip.replaceChildren(card);
    tooltip.style.pointerEvents = "none";
    tooltip.hidden = false;
    var r = target.getBoundingClientRect(), w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    var x = r.left - w - 10;
    if (x < 8) x = Math.max(8, Math.min(r.right + 10, window.innerWidth - w - 8));
    var y = Math.min(Math.max(8, r.top - 4), window.innerHeight - h - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = Math.max(8, y) + "px";
  }
  // ``target`` shows makeCard() as its tooltip on hover and on keyboard focus.
  function explains(target, makeCard) {
    function show() {
      showTooltipBeside(makeCard(), target);
      target.setAttribute("aria-describedby", "kg-tooltip");
    }
    function hide() {
      target.removeAttribute("aria-describedby");
      hideTooltip();
    }
    target.addEventListener("mouseenter", show);
    target.addEventListener("focus", show);
    target.addEventListener("mouseleave", hide);
    target.addEventListener("blur", hide);
  }
  tooltip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  tooltip.addEventListener("mouseleave", scheduleHide);
  network.on("hoverNode", function (p) {
    var n = byId.get(p.node);
    var at = network.canvasToDOM(network.getPosition(p.node));
    showTooltip(nodeCard(n, false), at.x, at.y, n.size * network.getScale() + 12, true);
  });
  network.on("blurNode", scheduleHide);
  network.on("hoverEdge", function (p) {
    var e = DATA.edges[p.edge];
    if (e) showTooltip(edgeCard(e), p.pointer.DOM.x, p.pointer.DOM.y, 16, false);
  });
  network.on("blurEdge", scheduleHide);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // -- search --------------------------------------------------------------------------------
  // Papers view: entities are not nodes, so they are indexed from the papers' entity lists
  // (names are on each paper already; aliases come once per entity in DATA.aliases). Picking
  // one highlights the papers that mention it.
  var entityIndex = new Map();
  if (DATA.view === "papers") {
    var aliasOf = new Map();
    (DATA.aliases || []).forEach(function (a) { aliasOf.set(a[0] + "\n" + a[1], a[2]); });
    DATA.nodes.forEach(function (n) {
      if (n.kind !== "paper") return;
      Object.keys(n.entities || {}).forEach(function (t) {
        n.entities[t].forEach(function (name) {
          var key = t + "\n" + name;
          var ent = entityIndex.get(key);
          if (!ent) {
            ent = { key: key, name: name, type: t, aliases: aliasOf.get(key) || [], papers: [] };
            entityIndex.set(key, ent);
          }
          ent.papers.push(n.id);
        });
      });
    });
  }
  function lowered(keys) {
    return keys.filter(Boolean).map(function (k) { return String(k).toLowerCase(); });
  }
  var index = DATA.nodes.map(function (n) {
    return { node: n.id, keys: lowered([n.title, n.label, n.paper_id].concat(n.aliases || [])) };
  });
  entityIndex.forEach(function (ent) {
    index.push({ entity: ent, keys: lowered([ent.name].concat(ent.aliases)) });
  });
  var matches = [];
  var active = 0;
  function find(q) {
    var exact = [], starts = [], contains = [];
    index.forEach(function (item) {
      var best = 3;
      item.keys.forEach(function (k) {
        if (k === q) best = Math.min(best, 0);
        else if (k.indexOf(q) === 0) best = Math.min(best, 1);
        else if (k.indexOf(q) >= 0) best = Math.min(best, 2);
      });
      if (best === 0) exact.push(item);
      else if (best === 1) starts.push(item);
      else if (best === 2) contains.push(item);
    });
    return { exact: exact, all: exact.concat(starts, contains).slice(0, 20) };
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function renderResults() {
    results.replaceChildren();
    matches.forEach(function (item, i) {
      var li = el("li");
      li.id = "kg-result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      if (i === active) li.className = "kg-active";
      if (item.entity) {
        li.appendChild(el("span", null, item.entity.name));
        li.appendChild(el("span", "kg-kind", item.entity.type + " · " + plural(item.entity.papers.length, "paper")));
      } else {
        var n = byId.get(item.node);
        li.appendChild(el("span", null, n.title));
        li.appendChild(el("span", "kg-kind", n.kind === "paper" ? n.date || "paper" : typeLabel(n.type)));
      }
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        choose(item);
      });
      results.appendChild(li);
    });
    results.hidden = matches.length === 0;
    search.setAttribute("aria-expanded", results.hidden ? "false" : "true");
    if (!results.hidden && matches.length) {
      search.setAttribute("aria-activedescendant", "kg-result-" + active);
      var current = results.children[active];
      if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }
  function selectEntity(ent) {
    var keep = new Set(ent.papers);
    var own = new Set();
    ent.papers.forEach(function (id) {
      (adj.get(id) || []).forEach(function (nb) { if (keep.has(nb.id)) own.add(nb.edge); });
    });
    applyDim(keep, own);
    network.selectNodes(ent.papers);
    kg.selected = null;
    kg.entity = { name: ent.name, type: ent.type, papers: ent.papers.slice() };
    hideTooltip();
    details.replaceChildren();
    var close = el("button", "kg-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", clearSelection);
    details.appendChild(close);
    details.appendChild(el("h2", null, "Entity · " + ent.type));
    details.appendChild(el("div", "kg-title", ent.name));
    if (ent.aliases.length) details.appendChild(el("div", "kg-why", "also: " + ent.aliases.join(", ")));
    details.appendChild(el("h2", null, "Mentioned by " + plural(ent.papers.length, "paper")));
    var ul = el("ul", "kg-related kg-entity-papers");
    ent.papers.forEach(function (id) {
      var li = el("li");
      var b = el("button", null, byId.get(id).title);
      b.type = "button";
      b.setAttribute("data-id", id);
      b.addEventListener("click", function () { select(id); });
      var ev = evidenceOf(byId.get(id), ent.type, ent.name);
      if (ev) explains(b, function () { return mentionCard(ent.name, ent.type, ev, null); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    details.appendChild(ul);
    details.hidden = false;
    network.fit({ nodes: ent.papers, animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    return true;
  }
  kg.selectEntity = function (name) {
    var q = String(name).toLowerCase();
    var hit = null;
    entityIndex.forEach(function (ent) {
      if (!hit && (ent.name.toLowerCase() === q || ent.aliases.some(function (a) { return a.toLowerCase() === q; }))) hit = ent;
    });
    return hit ? selectEntity(hit) : false;
  };
  function choose(item) {
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    if (item.entity) {
      search.value = item.entity.name;
      selectEntity(item.entity);
    } else {
      search.value = byId.get(item.node).title;
      select(item.node);
    }
  }
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    if (!q) {
      matches = [];
      renderResults();
      return;
    }
    var found = find(q);
    matches = found.all;
    active = 0;
    renderResults();
    // A full title, name, alias or id selects at once.
    if (found.exact.length === 1) {
      var item = found.exact[0];
      if (item.entity) selectEntity(item.entity);
      else select(item.node);
    }
  });
  search.addEventListener("keydown", function (ev) {
    var open = !results.hidden && matches.length;
    if (ev.key === "ArrowDown" && matches.length) {
      active = open ? (active + 1) % matches.length : active;
      renderResults();
      ev.preventDefault();
    } else if (ev.key === "ArrowUp" && matches.length) {
      active = open ? (active - 1 + matches.length) % matches.length : active;
      renderResults();
      ev.preventDefault();
    } else if (ev.key === "Enter" && matches.length) {
      choose(matches[active]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      // First Escape closes the list; the next one clears the search and the highlight.
      if (open) results.hidden = true;
      else { search.value = ""; matches = []; clearSelection(); }
      search.setAttribute("aria-expanded", "false");
      ev.preventDefault();
    }
  });
  // The list closes a moment after the box loses focus (a click on it lands first), unless
  // the box has the focus again by then.
  var closing = null;
  search.addEventListener("blur", function () {
    closing = setTimeout(function () { closing = null; results.hidden = true; }, 100);
  });
  search.addEventListener("focus", function () {
    if (closing !== null) { clearTimeout(closing); closing = null; }
    if (matches.length) results.hidden = false;
  });
  // "/" from anywhere on the page puts the cursor in the search box.
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== search && !/^(INPUT|TEXTAREA)$/.test(ev.target.tagName)) {
      search.focus();
      ev.preventDefault();
    }
  });
})();
