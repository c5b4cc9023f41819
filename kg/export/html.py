"""The interactive HTML explorer: one self-contained page, no network requests.

The page is our own autoescaped jinja2 template with vis-network (from the
pyvis wheel) inlined; pyvis's stock template is not used because it loads
Bootstrap from a CDN and renders node titles as HTML. Node and edge data go
into a ``<script type="application/json">`` block with ``<``, ``>``, ``&`` and
U+2028/U+2029 escaped, and the page script builds every tooltip with
``textContent``. A Content-Security-Policy allows only the page's own two
scripts (by hash), so an injected ``onerror=`` attribute could not run either.
The evidence sentences shown in tooltips sit in a second JSON block, escaped the
same way and parsed by the page on first use (``_page_evidence``); the highlighted
mention is a ``<mark>`` the script creates, its text set with ``textContent``.

Test hook: the page sets ``window.kg = {ready, nodes, edges, network, data, select, evidence, ...}``;
``nodes``/``edges`` are **counts** (numbers) of what was drawn, ``data`` holds the
vis ``DataSet``s, ``ready`` turns true once the graph is drawn and no longer moving.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import importlib.util
import json
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup
import networkx as nx

from kg import graph as kgraph
from kg.errors import ExportError
from kg.export.select import Scope, gc_paused, select_scope
from kg.model import EntityType, Graph
from kg.store.base import Store
from kg.why import mark

__all__ = [
    "ExportOptions",
    "ExportReport",
    "export_html",
    "export_scope",
    "export_store",
    "render_html",
    "render_scope",
    "json_for_script",
    "safe_url",
    "VIEWS",
    "COLOR_BY",
    "PHYSICS_MAX_NODES",
    "EVIDENCE_MAX_CHARS",
    "mention_spans",
]

VIEWS = ("papers", "bipartite")
COLOR_BY = ("community", "type")
#: Up to this many nodes vis-network's physics runs (bounded), then stops; above, positions come from networkx.
PHYSICS_MAX_NODES = 300
#: Stabilisation iterations for small graphs: bounded so the page is ready in about a second.
STABILIZATION_ITERATIONS = 150
#: When a graph has more than EDGES_PER_NODE × nodes + 100 edges, each node keeps its strongest EDGES_PER_NODE.
EDGES_PER_NODE = 6
#: Communities are found on each node's strongest COMMUNITY_EDGES_PER_NODE edges when there are more.
COMMUNITY_EDGES_PER_NODE = 25
#: Drawings of more nodes than this read only what they draw, find their communities on the
#: links drawn (each node's EDGES_PER_NODE strongest) with ``kg.graph.quick_louvain`` and lay
#: communities out in batches: networkx's Louvain takes 0.4 s on 2,000 nodes and ~45 s on
#: 20,000, and found no better partition (the same modularity on a 2,000-paper drawing of the
#: synthetic 100k corpus). A 2,000-paper export of that graph: 2.7 s -> 2.0 s.
QUICK_COMMUNITIES_NODES = 1000
#: Evidence sentences longer than this many characters are cut to a window around the mentions
#: for the tooltips (the store keeps them up to ~600): the page carries one per drawn paper's mention.
EVIDENCE_MAX_CHARS = 300

# Colour-blind-friendly categorical palette (Tableau 10 + extras); later communities are grey.
PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#2f6690", "#d37295", "#86bcb6", "#8cd17d", "#b6992d", "#499894", "#e49444",
]  # fmt: skip
OTHER_COLOUR = "#9aa5b1"
UNLINKED_COLOUR = "#d0d5db"
PAPER_COLOUR = "#8a94a6"
TYPE_COLOURS = {
    EntityType.MODEL.value: "#4e79a7",
    EntityType.METHOD.value: "#f28e2b",
    EntityType.DATASET.value: "#59a14f",
    EntityType.BENCHMARK.value: "#e15759",
    EntityType.GITHUB.value: "#24292f",
    EntityType.URL.value: "#b07aa1",
}
TYPE_LABELS = {
    "model": "Models",
    "method": "Methods",
    "dataset": "Datasets",
    "benchmark": "Benchmarks",
    "github": "Code",
    "url": "Links",
}

_TEMPLATES = importlib.resources.files("kg.export") / "templates"
_STATIC = importlib.resources.files("kg.export") / "static"
#: Characters that never stand in a URL we link: controls, space, quotes, angle brackets, backslash.
_URL_UNSAFE = re.compile(r"[\x00-\x20\"'<>`\\]")
#: Characters outside the Basic Multilingual Plane: two UTF-16 code units (two JavaScript string positions).
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_ARXIV_ID = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.I)
_GITHUB_REPO = re.compile(r"^(?:https?://)?(?:www\.)?github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$|^([\w.-]+/[\w.-]+)$", re.I)


@dataclass
class ExportOptions:
    """What to draw and how; every field has the CLI flag of the same name."""

    view: str = "papers"  # "papers" | "bipartite"
    types: list[str] | None = None  # entity types that count as links (default: all)
    entity: str | None = None  # papers around one entity (name or alias)
    ego: str | None = None  # a paper id/title or entity: draw its neighbourhood
    depth: int | None = None  # hops around --ego/--entity (default 1 for papers, 2 for bipartite)
    min_shared: int = 1  # papers view: minimum number of shared entities for an edge
    max_nodes: int | None = None  # keep the strongest N nodes (by weighted degree), report the rest
    since: str | None = None  # papers dated on or after (YYYY[-MM[-DD]])
    until: str | None = None  # papers dated on or before (YYYY[-MM[-DD]]; a month or year to its end)
    color_by: str | None = None  # "community" | "type"; default: community for papers, type for bipartite
    title: str | None = None  # page heading


@dataclass
class ExportReport:
    """What an export drew, and what it left out."""

    nodes: int
    edges: int
    cut_nodes: int
    cut_message: str  # "" when nothing was cut
    path: Path | None
    cut_edges: int = 0
    communities: int = 0
    physics: bool = False  # True: bounded vis-network stabilisation; False: positions from networkx
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-able values."""
        d = asdict(self)
        d["path"] = str(self.path) if self.path else None
        return d


# -- safety helpers -----------------------------------------------------------------------


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, ``<!--``, or JS line terminators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host and no whitespace or control characters."""
    checked = _url_and_host(url) if url else None
    return checked[0] if checked else None


@functools.lru_cache(maxsize=1 << 12)
def _url_and_host(url: str) -> tuple[str, str] | None:
    """``(safe_url(url), its host in lower case)``, or None: one parse for both (a node's links need both)."""
    url = url.strip()
    if _URL_UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url, host


@functools.lru_cache(maxsize=1 << 12)
def _github_url(text: str) -> str | None:
    m = _GITHUB_REPO.match(text.strip())
    if not m:
        return safe_url(text) if "github" in text.lower() else None
    return safe_url("https://github.com/" + (m.group(1) or m.group(2)))


def _script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _read_static(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    try:
        # the package's folder, found without importing it (pyvis imports IPython: 60 ms)
        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("no module named 'pyvis'")
        lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / "vis-9.1.2"
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ExportError(f"vis-network not found in the pyvis package ({exc}); reinstall with pip install pyvis==0.3.2") from None
    return js, css


# -- the projection ----------------------------------------------------------------------


@dataclass
class _View:
    g: nx.Graph  # what is drawn
    parts: list[list[Hashable]]
    cut_nodes: int  # nodes of the view not drawn
    total_nodes: int
    cut_edges: int
    notes: list[str]
    rule: str = "with the highest weighted degree"  # how the drawn nodes were chosen
    default_cap: bool = False  # the cap was the CLI's default, not --max-nodes


def _validate(options: ExportOptions) -> None:
    if options.view not in VIEWS:
        raise ExportError(f"unknown view {options.view!r}; use one of: {', '.join(VIEWS)}")
    if options.color_by not in COLOR_BY:
        raise ExportError(f"unknown --color-by {options.color_by!r}; use one of: {', '.join(COLOR_BY)}")
    if options.types is not None:
        kgraph.parse_types(options.types)
    if options.since:
        kgraph.parse_since(options.since)
    if options.depth is not None and options.depth < 0:
        raise ExportError(f"--depth must be 0 or more (got {options.depth})")
    if options.depth is not None and not (options.ego or options.entity):
        raise ExportError("--depth needs --ego or --entity (the node to count hops from)")
    if options.max_nodes is not None and options.max_nodes < 1:
        raise ExportError(f"--max-nodes must be at least 1 (got {options.max_nodes})")
    if options.min_shared < 1:
        raise ExportError(f"--min-shared must be at least 1 (got {options.min_shared})")


def _project(graph: Graph, options: ExportOptions, scope: Scope | None = None, *, draw: bool = True) -> _View:
    """The view to draw: of the whole ``graph``, or (``scope`` not complete) of what the store chose.

    ``draw=False`` (data exports, ``kg.export.formats``): every link kept, no communities.
    """
    chosen = scope is not None and not scope.complete
    notes: list[str] = list(scope.notes) if chosen else []  # the store applied --since
    if options.since and not chosen:
        before = len(graph.papers)
        graph = kgraph.filter_since(graph, options.since)
        notes.append(f"{len(graph.papers)} of {before} papers dated on or after {kgraph.parse_since(options.since)}")
    types = options.types or None
    bipartite = options.view == "bipartite"
    if chosen:
        focus = scope.focus
    else:
        focus = kgraph.resolve_center(graph, options.entity, entities_only=True) if options.entity else None
    df = scope.df if chosen else None
    if bipartite:
        if focus and types:
            # The entity the page is about is drawn even when its type is not among --type.
            focus_types = {e.type.value for e in graph.entities if e.key in focus.entities}
            types = sorted({t.value for t in kgraph.parse_types(types)} | focus_types)
        g = kgraph.bipartite_graph(graph, types=types, df=df)
    else:
        # A big drawing of every paper read (the store chose them, or nothing is cut) keeps only
        # each paper's strongest links, as below, without making the others first.
        everything = not (focus or options.ego) and (options.max_nodes is None or len(graph.papers) <= options.max_nodes)
        lean = draw and (chosen or everything) and len(graph.papers) > QUICK_COMMUNITIES_NODES
        # Around one entity every paper shares it: links show what else they share.
        g = kgraph.paper_graph(
            graph,
            types=types,
            min_shared=options.min_shared,
            exclude=focus.entities if focus else (),
            max_pairs=kgraph.MAX_PAIRS,
            df=df,
            strongest=EDGES_PER_NODE if lean else None,
        )
    if g.graph.get("dropped_common"):
        dropped = g.graph["dropped_common"]
        examples = ", ".join(f"{name} ({n} papers)" for name, n in dropped[:3])
        notes.append(
            f"{len(dropped)} very common entit{'y' if len(dropped) == 1 else 'ies'} not drawn as links: {examples}"
            f"{', ...' if len(dropped) > 3 else ''}"
        )
    big = chosen and len(scope.keep or ()) > QUICK_COMMUNITIES_NODES
    if chosen and not (big and all(n in scope.keep for n in g)):
        # The store chose the nodes (neighbourhoods included): the same subgraph, induced. (A
        # copy even when it keeps every node, as limit_nodes makes: Louvain follows edge order.)
        g = kgraph.induced_subgraph(g, scope.keep or ())
    if focus:
        depth = options.depth if options.depth is not None and not options.ego else (2 if bipartite else 1)
        if not chosen:
            g = kgraph.ego_subgraph(g, graph, focus, depth)
        notes.append(f"around entity {options.entity!r}")
    if options.ego:
        depth = options.depth if options.depth is not None else 1
        if not chosen:
            center = kgraph.resolve_center(graph, options.ego)
            g = kgraph.ego_subgraph(g, graph, center, depth)
        notes.append(f"within {depth} hop{'s' if depth != 1 else ''} of {options.ego!r}")
    total = scope.total_nodes if chosen else g.number_of_nodes()
    g, _ = kgraph.limit_nodes(g, options.max_nodes)
    cut = total - g.number_of_nodes()
    if not draw:
        return _View(g=g, parts=[], cut_nodes=cut, total_nodes=total, cut_edges=0, notes=notes,
                     rule=scope.rule if chosen and scope.rule else _View.rule, default_cap=scope is not None and scope.default_cap)
    full_edges = g.number_of_edges() + g.graph.get("thinned", 0)
    if g.number_of_nodes() > QUICK_COMMUNITIES_NODES:
        if "thinned" not in g.graph and full_edges > EDGES_PER_NODE * g.number_of_nodes() + 100:
            g, _ = kgraph.thin_edges(g, EDGES_PER_NODE)
        parts = kgraph.communities(g, fast=True)
    else:
        # Louvain on ~1M weak edges takes many seconds; each node's 25 strongest carry the structure.
        if full_edges > COMMUNITY_EDGES_PER_NODE * g.number_of_nodes():
            g, _ = kgraph.thin_edges(g, COMMUNITY_EDGES_PER_NODE)
        parts = kgraph.communities(g)
        if g.number_of_edges() > EDGES_PER_NODE * g.number_of_nodes() + 100:
            # Same result as thinning the full graph: a node's 6 strongest are among its 25 strongest.
            g, _ = kgraph.thin_edges(g, EDGES_PER_NODE)
    cut_edges = full_edges - g.number_of_edges()
    view = _View(g=g, parts=parts, cut_nodes=cut, total_nodes=total, cut_edges=cut_edges, notes=notes)
    if chosen and scope.rule:
        view.rule = scope.rule
    view.default_cap = scope is not None and scope.default_cap
    return view


def _cut_message(view: _View, options: ExportOptions) -> str:
    what = "papers" if options.view == "papers" else "nodes"
    msgs = []
    if view.cut_nodes:
        kept = view.g.number_of_nodes()
        why = f"at most {options.max_nodes:,} {what} are drawn by default: " if view.default_cap else ""
        msgs.append(
            f"kept the {kept:,} {what} {view.rule} of {view.total_nodes:,} "
            f"(cut {view.cut_nodes:,}; {why}raise --max-nodes to see more)"
        )
    if view.cut_edges:
        msgs.append(
            f"hid {view.cut_edges:,} weaker links (each node keeps its {EDGES_PER_NODE} strongest; "
            f"narrow with --type, --min-shared or --entity to see all)"
        )
    return "; ".join(msgs)


# -- page data ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _darker(hex_colour: str, factor: float = 0.72) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * factor), int(g * factor), int(b * factor))


def _short(text: str, n: int = 42) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _paper_links(data: dict[str, Any]) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    pid = data.get("paper_id", "")
    url = data.get("url")
    m = _ARXIV_ID.match(pid or "")
    if m:
        links.append({"label": "arXiv", "href": f"https://arxiv.org/abs/{m.group(1)}"})
        if url == links[0]["href"]:
            url = None  # the same link again, dropped below anyway: no need to check it
    checked = _url_and_host(url) if url else None
    if checked:
        url, host = checked
        label = "arXiv" if host.endswith("arxiv.org") else "Hugging Face" if "huggingface" in host else host
        links.append({"label": label, "href": url})
    entities = data.get("entities", {})
    code = [data.get("github") or ""] + list(entities.get(EntityType.GITHUB.value, []))
    for c in code:
        gh = _github_url(c) if c else None
        if gh:
            links.append({"label": "GitHub " + gh.split("github.com/", 1)[-1], "href": gh})
    for u in entities.get(EntityType.URL.value, []):
        checked = _url_and_host(u)
        if checked:
            links.append({"label": checked[1] or checked[0], "href": checked[0]})
    seen: set[str] = set()
    return [x for x in links if not (x["href"] in seen or seen.add(x["href"]))]


def _entity_links(data: dict[str, Any]) -> list[dict[str, str]]:
    name = data.get("name", "")
    if data.get("type") == EntityType.GITHUB.value:
        gh = _github_url(name)
        return [{"label": "GitHub", "href": gh}] if gh else []
    su = safe_url(name)
    return [{"label": urlsplit(su).hostname or su, "href": su}] if su else []


def _dominant_type(data: dict[str, Any], types: set[str] | None) -> str | None:
    counts = {t: len(v) for t, v in data.get("entities", {}).items() if types is None or t in types}
    if not counts:
        return None
    order = [t.value for t in EntityType]
    return max(counts, key=lambda t: (counts[t], -order.index(t)))


def _page_data(view: _View, options: ExportOptions, title: str, cut_message: str) -> tuple[dict[str, Any], bool]:
    g = view.g
    n = g.number_of_nodes()
    physics = 0 < n <= PHYSICS_MAX_NODES and g.number_of_edges() > 0
    pos = kgraph.layout(g, view.parts, quick=n > QUICK_COMMUNITIES_NODES) if n else {}
    degree = dict(g.degree())
    max_deg = max(degree.values(), default=0) or 1
    types = set(kgraph.parse_types(options.types)) if options.types else None
    type_values = {t.value for t in types} if types else None

    # Legend groups and each node's colour.
    legend: list[dict[str, Any]] = []
    group_of: dict[Hashable, int] = {}
    colour_of: dict[Hashable, str] = {}
    if options.color_by == "community":
        labels = kgraph.community_labels(g, view.parts)
        multi = [i for i, p in enumerate(view.parts) if len(p) > 1]
        other_idx = unlinked_idx = None
        for rank, i in enumerate(multi):
            part = view.parts[i]
            if rank < len(PALETTE):
                legend.append({"label": labels[i] or f"Community {rank + 1}", "color": PALETTE[rank], "count": len(part)})
                idx = len(legend) - 1
            else:
                if other_idx is None:
                    legend.append({"label": "Smaller communities", "color": OTHER_COLOUR, "count": 0})
                    other_idx = len(legend) - 1
                idx = other_idx
                legend[idx]["count"] += len(part)
            for node in part:
                group_of[node] = idx
        singles = [p[0] for p in view.parts if len(p) == 1]
        if singles:
            legend.append({"label": "Not linked", "color": UNLINKED_COLOUR, "count": len(singles)})
            unlinked_idx = len(legend) - 1
            for node in singles:
                group_of[node] = unlinked_idx
        for node, idx in group_of.items():
            colour_of[node] = legend[idx]["color"]
    else:
        key_of: dict[Hashable, str] = {}
        for node, data in g.nodes(data=True):
            if data["kind"] == "entity":
                key_of[node] = data["type"]
            elif options.view == "bipartite":
                key_of[node] = "paper"
            else:
                key_of[node] = _dominant_type(data, type_values) or "none"
        counts = Counter(key_of.values())
        order = ["paper"] + [t.value for t in EntityType] + ["none"]
        for key in sorted(counts, key=order.index):
            if key == "paper":
                label, colour = "Papers", PAPER_COLOUR
            elif key == "none":
                label, colour = "No entities", UNLINKED_COLOUR
            else:
                label = TYPE_LABELS.get(key, key) if options.view == "bipartite" else f"Mostly {TYPE_LABELS.get(key, key).lower()}"
                colour = TYPE_COLOURS.get(key, OTHER_COLOUR)
            legend.append({"label": label, "color": colour, "count": counts[key]})
            for node, k in key_of.items():
                if k == key:
                    group_of[node] = len(legend) - 1
                    colour_of[node] = colour

    nodes: list[dict[str, Any]] = []
    ids: dict[Hashable, str] = {}
    for node in sorted(g.nodes, key=str):
        data = g.nodes[node]
        nid = str(node)
        ids[node] = nid
        colour = colour_of.get(node, OTHER_COLOUR)
        x, y = pos.get(node, (0.0, 0.0))
        item: dict[str, Any] = {
            "id": nid,
            "kind": data["kind"],
            "x": x,
            "y": y,
            "size": round(8 + 20 * math.sqrt(degree[node] / max_deg), 1),
            "color": colour,
            "border": _darker(colour),
            "group": group_of.get(node, -1),
        }
        if data["kind"] == "paper":
            item.update(
                label=_short(data["title"]),
                title=data["title"],
                paper_id=data["paper_id"],
                date=data.get("date") or "",
                entities=data.get("entities", {}),
                links=_paper_links(data),
            )
        else:
            item.update(
                label=_short(data["name"], 30),
                title=data["name"],
                type=data["type"],
                aliases=list(data.get("aliases", [])),
                df=data.get("df", 0),
                links=_entity_links(data),
                shape="diamond",
            )
        nodes.append(item)

    # By (str(a), str(b)); node ids are strings here, so without calling str 200,000 times.
    by_ids = operator.itemgetter(0, 1) if all(type(x) is str for x in g) else lambda e: (str(e[0]), str(e[1]))
    edge_list = sorted(g.edges(data=True), key=by_ids)
    max_w = max((data.get("weight") or 0 for _, _, data in edge_list), default=0) or 1
    edges: list[dict[str, Any]] = []
    shown: dict[float, tuple[float, float]] = {}  # weight -> (weight, width) as drawn: few distinct weights
    for a, b, data in edge_list:
        w = float(data.get("weight") or 0)
        drawn = shown.get(w)
        if drawn is None:
            drawn = shown[w] = (round(w, 3), round(1 + 4 * w / max_w, 2))
        edge: dict[str, Any] = {"from": ids[a], "to": ids[b], "weight": drawn[0], "width": drawn[1]}
        if "shared" in data:
            edge["shared"] = data["shared"]
        if "role" in data:
            edge["role"] = data["role"]
        edges.append(edge)

    what = "papers" if options.view == "papers" else "nodes"
    if n == 0:
        message = "No papers to show. Build the graph first (kg build FILES), or loosen the filters."
    elif not edges:
        message = "No links to show: no two papers share an entity under these filters."
    else:
        message = ""
    summary = f"{n:,} {what}, {len(edges):,} links"
    if options.color_by == "community" and view.parts:
        summary += f", {sum(1 for p in view.parts if len(p) > 1):,} communities"
    data = {
        "title": title,
        "view": options.view,
        "colorBy": options.color_by,
        "physics": physics,
        "iterations": STABILIZATION_ITERATIONS,
        "message": message,
        "summary": summary,
        "notes": view.notes + ([cut_message] if cut_message else []),
        "legend": legend,
        "typeColors": TYPE_COLOURS,
        "typeLabels": TYPE_LABELS,
        "nodes": nodes,
        "edges": edges,
    }
    return data, physics


def _entity_aliases(graph: Graph, data: dict[str, Any]) -> list[list[Any]]:
    """``[type, name, aliases]`` of the drawn papers' entities that have aliases, once each.

    The papers view's search finds entities by name or alias: the names are in each paper's
    ``entities`` already, so only the aliases are added, one entry per entity, not per paper.
    """
    drawn = {(t, name) for n in data["nodes"] if n["kind"] == "paper" for t, names in n["entities"].items() for name in names}
    rows = {
        (e.type.value, e.name): sorted(set(e.aliases)) for e in graph.entities if e.aliases and (e.type.value, e.name) in drawn
    }
    return [[t, name, aliases] for (t, name), aliases in sorted(rows.items())]


@functools.lru_cache(maxsize=1 << 14)
def _literal_forms(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    """The forms as they are, case-blind, whole words where they start or end with a word character."""
    parts = []
    for form in sorted({f.strip() for f in forms if f.strip()}, key=lambda f: (-len(f), f)):
        start = r"(?<!\w)" if re.match(r"\w", form) else ""
        end = r"(?!\w)" if re.search(r"\w$", form) else ""
        parts.append(start + re.escape(form) + end)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


#: What ``\w`` matches among ASCII characters.
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@functools.lru_cache(maxsize=1 << 14)
def _ascii_forms(forms: tuple[str, ...]) -> tuple[tuple[str, bool, bool], ...] | None:
    """``_literal_forms``' alternatives in its order, lower-cased, with whether each must start and
    end a word; None unless every form is ASCII."""
    out = []
    for form in sorted({f.strip() for f in forms if f.strip()}, key=lambda f: (-len(f), f)):
        if not form.isascii():
            return None
        out.append((form.lower(), form[0] in _ASCII_WORD, form[-1] in _ASCII_WORD))
    return tuple(out)


def _ascii_spans(text: str, forms: tuple[tuple[str, bool, bool], ...]) -> list[tuple[int, int]]:
    """``_literal_forms(forms).finditer(text)``'s spans for ASCII ``text`` and forms, by ``str.find``.

    In ASCII, case-blind matching is comparing lower-cased text, and ``\\w`` is a letter, a
    digit or ``_``; the regular expression takes, left to right, the first alternative that
    matches at the leftmost place, then goes on after it: so do the sorted candidates here.
    The page needs this for every drawn mention (a hundred and fifty thousand at 20,000 papers).
    """
    lower = text.lower()
    n = len(text)
    found = []
    for order, (form, starts_word, ends_word) in enumerate(forms):
        size = len(form)
        i = lower.find(form)
        while i >= 0:
            j = i + size
            if not (starts_word and i and text[i - 1] in _ASCII_WORD) and not (ends_word and j < n and text[j] in _ASCII_WORD):
                found.append((i, order, j))
            i = lower.find(form, i + 1)
    if len(found) > 1:
        found.sort()
    spans: list[tuple[int, int]] = []
    last = 0
    for i, _, j in found:
        if i >= last:
            spans.append((i, j))
            last = j
    return spans


def mention_spans(text: str, forms: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``text`` names the entity of ``forms`` (its name and aliases), as character offsets.

    Each form as written, case-blind, longest first; when none occurs so, as ``kg why``
    marks them (``kg.why.mark``: also blind to spaces and hyphens inside a name). The
    first is a cached literal pattern per entity (string search when all is ASCII); ``mark``
    builds a costlier one per call.
    """
    forms = tuple(forms)
    plain = _ascii_forms(forms) if text.isascii() else None
    if plain is not None:
        spans = _ascii_spans(text, plain)
    else:
        pattern = _literal_forms(forms)
        spans = [s for s in (m.span() for m in pattern.finditer(text)) if s[1] > s[0]] if pattern else []
    return spans or mark(text, list(forms))[1]


def _utf16_offsets(text: str) -> list[int] | None:
    """JavaScript string offsets (UTF-16 code units) of each character of ``text``; None when they are the same."""
    if text.isascii() or not _ASTRAL.search(text):
        return None
    out, n = [], 0
    for ch in text:
        out.append(n)
        n += 2 if ord(ch) >= 0x10000 else 1
    out.append(n)
    return out


def _window(text: str, spans: list[tuple[int, int]], cap: int = EVIDENCE_MAX_CHARS) -> tuple[str, int, int, int]:
    """``text`` cut to about ``cap`` characters around ``spans`` ("…" where cut): the text, the kept
    range ``[lo, hi)`` of the original, and what to add to an original offset inside it."""
    if len(text) <= cap:
        return text, 0, len(text), 0
    room = cap - 2  # the two ellipses
    first = min((a for a, _ in spans), default=0)
    last = max((b for _, b in spans), default=0)
    # Centre the mentions; when they do not all fit, start just before the first.
    lo = first - 10 if last - first >= room else first - (room - (last - first)) // 2
    lo = max(0, min(lo, len(text) - room))
    hi = min(len(text), lo + room)
    pre = "…" if lo else ""
    return pre + text[lo:hi] + ("…" if hi < len(text) else ""), lo, hi, len(pre) - lo


def _page_evidence(graph: Graph, nodes: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The evidence of each drawn paper's mentions, for the tooltips, with the mentions located.

    ``{paper id: [texts, {type: [entry, ...]}]}``: the entries line up with the paper
    node's ``entities[type]``; an entry is ``None`` (no evidence stored) or ``[i, a1, b1,
    a2, b2, ...]``: ``texts[i]`` with the entity's name or an alias at ``[a, b)`` (as
    ``mention_spans`` finds them), in UTF-16 code units, JavaScript's string offsets. A sentence that is the evidence of several
    of a paper's entities is stored once; one longer than ``EVIDENCE_MAX_CHARS`` is cut to
    a window around its mentions. The page parses this block on the first tooltip.
    """
    papers = {n["paper_id"]: n for n in nodes if n["kind"] == "paper"}
    # (type, name) and the forms of each entity, looked up once (Enum.value is slow in a hot loop).
    entities = {e.key: ((e.type.value, e.name), (e.name, *e.aliases)) for e in graph.entities}
    found: dict[str, dict[tuple[str, str], tuple[str, list[tuple[int, int]]]]] = defaultdict(dict)
    for link in graph.links:
        e = entities.get(link.entity_key)
        if e is not None and link.evidence and link.paper_id in papers:
            key, forms = e
            mentions = found[link.paper_id]
            if key not in mentions:
                mentions[key] = (link.evidence, mention_spans(link.evidence, forms))
    out: dict[str, list[Any]] = {}
    for pid in sorted(found):
        mentions = found[pid]
        texts: list[str] = []
        placed: dict[str, tuple[int, int, int, int, list[int] | None]] = {}
        groups: dict[str, list[Any]] = {}
        for etype, names in papers[pid].get("entities", {}).items():
            row: list[Any] = []
            for name in names:
                mention = mentions.get((etype, name))
                if mention is None:
                    row.append(None)
                    continue
                sentence, spans = mention
                where = placed.get(sentence)
                if where is None:
                    if len(sentence) <= EVIDENCE_MAX_CHARS:
                        text, lo, hi, shift = sentence, 0, len(sentence), 0
                    else:  # cut around every mention the paper's entities have in it
                        around = [s for sent, ss in mentions.values() if sent == sentence for s in ss]
                        text, lo, hi, shift = _window(sentence, around)
                    where = placed[sentence] = (len(texts), lo, hi, shift, _utf16_offsets(text))
                    texts.append(text)
                i, lo, hi, shift, units = where
                if not (shift or units) and hi == len(sentence):  # the whole sentence, ASCII or BMP
                    row.append([i, *(x for span in spans for x in span)])
                    continue
                entry = [i]
                for a, b in spans:
                    if lo <= a and b <= hi:
                        a, b = a + shift, b + shift
                        entry += [units[a], units[b]] if units else [a, b]
                row.append(entry)
            if any(entry is not None for entry in row):
                groups[etype] = row
        out[pid] = [texts, groups]
    return out


def _default_title(options: ExportOptions) -> str:
    base = "ML papers knowledge graph" if options.view == "papers" else "ML papers and their entities"
    if options.entity:
        base += f" around {options.entity}"
    if options.ego:
        base += f" near {options.ego}"
    return base


def _checked(options: ExportOptions | None) -> ExportOptions:
    options = options or ExportOptions()
    if options.color_by is None:
        options = replace(options, color_by="community" if options.view == "papers" else "type")
    _validate(options)
    return options


def render_html(graph: Graph, options: ExportOptions | None = None) -> tuple[str, ExportReport]:
    """The explorer page for ``graph`` as text, and the report (its ``path`` is None)."""
    return render_scope(Scope(graph=graph), options)


def render_scope(scope: Scope, options: ExportOptions | None = None) -> tuple[str, ExportReport]:
    """The explorer page for what ``kg.export.select.select_scope`` read, and the report."""
    with gc_paused():
        return _render_scope(scope, _checked(options))


def _render_scope(scope: Scope, options: ExportOptions) -> tuple[str, ExportReport]:
    view = _project(scope.graph, options, scope)
    title = options.title or _default_title(options)
    cut_message = _cut_message(view, options)
    data, physics = _page_data(view, options, title, cut_message)
    data["aliases"] = _entity_aliases(scope.graph, data) if options.view == "papers" else []
    evidence = _page_evidence(scope.graph, data["nodes"])

    vis_js, vis_css = _vis_assets()
    js = _read_static("explorer.js")
    css = _read_static("explorer.css")
    for name, code in (("vis-network.min.js", vis_js), ("explorer.js", js)):
        if "</script" in code.lower():  # would end the inline <script> early
            raise ExportError(f"{name} contains '</script' and cannot be inlined")
    for name, code in (("vis-network.css", vis_css), ("explorer.css", css)):
        if "</style" in code.lower():
            raise ExportError(f"{name} contains '</style' and cannot be inlined")
    csp = (
        "default-src 'none'; "
        f"script-src {_script_hash(vis_js)} {_script_hash(js)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    page = env.get_template("explorer.html.j2").render(
        title=title,
        summary=data["summary"],
        notes=data["notes"],
        message=data["message"],
        csp=csp,
        # Trusted code and pre-escaped JSON go in raw; everything else is autoescaped.
        vis_css=Markup(vis_css),
        css=Markup(css),
        vis_js=Markup(vis_js),
        js=Markup(js),
        data_json=Markup(json_for_script(data)),
        evidence_json=Markup(json_for_script(evidence)),
    )
    report = ExportReport(
        nodes=len(data["nodes"]),
        edges=len(data["edges"]),
        cut_nodes=view.cut_nodes,
        cut_message=cut_message,
        path=None,
        cut_edges=view.cut_edges,
        communities=sum(1 for p in view.parts if len(p) > 1),
        physics=physics,
        notes=list(view.notes),
    )
    return page, report


def export_html(graph: Graph, out: Path, options: ExportOptions | None = None) -> ExportReport:
    """Write the interactive explorer for ``graph`` to ``out``; return what was drawn and cut."""
    return export_scope(Scope(graph=graph), out, options)


def export_store(
    store: Store, out: Path, options: ExportOptions | None = None, *, default_cap: bool = False
) -> ExportReport:
    """Write the explorer for the graph in ``store`` to ``out``, reading only what is drawn (see ``kg.export.select``).

    ``default_cap``: ``options.max_nodes`` is a default, not the user's choice (the cut message says so).
    """
    options = _checked(options)
    return export_scope(select_scope(store, options, default_cap=default_cap), out, options)


def export_scope(scope: Scope, out: Path, options: ExportOptions | None = None) -> ExportReport:
    """Write the explorer for what ``kg.export.select.select_scope`` read to ``out``."""
    page, report = render_scope(scope, options)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}; choose another --html path") from None
    report.path = out
    return report
