"""Choose in the store what ``kg export`` draws, so a big graph is never projected whole.

``select_scope(store, options)`` first counts, with aggregates in the store, the
nodes the view has: the papers (dated in the ``--since``/``--until`` window), and for
``--view bipartite`` also the entities of ``--type`` they mention. When that
count fits under ``--max-nodes`` every paper is read and the page is drawn
exactly as ``render_html`` draws a ``Graph``. When it does not, the nodes to
draw are chosen in the store and only those papers, their links and the
entities they mention are read; the projection then uses the whole graph's
mention counts (``df``), so what is drawn is the whole view's subgraph induced
on the chosen nodes, with the same weights, tooltips and left-out common entities.

**The rule for "most connected"** (only used when the view exceeds the cap):

* papers view: a paper's *strength* is the sum, over the entities it mentions
  that link papers (of ``--type``, not the very common ones the view leaves
  out, not the ``--entity`` itself), of ``(df - 1) * rarity(df)``. That is the
  paper's weighted degree in the whole papers view when ``--min-shared`` is 1,
  so the same papers are kept as when the whole graph is projected and cut by
  ``kg.graph.limit_nodes``, up to near-ties (terms are rounded to millionths).
  With ``--min-shared`` above 1 links need more shared entities, but the
  strength still counts every shared entity;
* bipartite view: a paper's strength is the sum of ``rarity(df)`` over its
  entities of ``--type``, an entity's is ``df * rarity(df)``: their weighted
  degrees, ranked together;
* ``--ego``/``--entity``: the neighbourhood is found hop by hop in the store.
  When it has more nodes than the cap, nearer nodes go first, and the ring
  that does not fit whole keeps its strongest nodes (strength in the whole
  graph, as above; under the cap the cut would use the weighted degree inside
  the neighbourhood);
* ties go to the smaller node id.

Every statement is in the dialect both stores run (see ``kg.store.base``), and
every lookup by paper or entity is keyed (``UNWIND`` + a primary-key ``MATCH``,
then ``OPTIONAL MATCH`` along that node's own links: LadybugDB joins the whole
relationship table for a plain ``MATCH`` there, 1.4 s against 0.2 s for 2,000
papers); only the counts and the strength ranking read whole tables, once each. An
``--ego`` is looked up by id, by title key (``tkey``) and by entity name; only when
none of those matches are the titles scanned in the store (a prefix, then a part of
one: ``kg.graph.name_center``).
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kg import graph as kgraph
from kg.errors import ExportError
from kg.model import Entity, EntityType, Graph, Link, Paper, Role
from kg.store.base import batched
from kg.text import match_key

if TYPE_CHECKING:
    from kg.export.html import ExportOptions
    from kg.store.base import Store

__all__ = ["DEFAULT_MAX_NODES", "Scope", "select_scope", "parse_until", "link_units", "mention_units", "gc_paused"]

#: Nodes ``kg export`` draws when ``--max-nodes`` is not given: a page that is ready in about a second.
DEFAULT_MAX_NODES = 5000
#: Strengths are summed in millionths, as whole numbers: the same sum in any order, on either store.
#: The same arithmetic in Cypher and in Python (``link_units``, ``mention_units``).
_LINK_UNITS = "round((df - 1) * 1000000.0 * log10(2.0) / log10(df + 1.0), 0)"
_MENTION_UNITS = "round(1000000.0 * log10(2.0) / log10(df + 1.0), 0)"
#: Past every mention count: "no entity is too common".
_NO_LIMIT = 1 << 62
#: Ids or keys per keyed lookup.
_CHUNK = 5000
_ROLES = {role.value: role for role in Role}


@dataclass(frozen=True)
class Scope:
    """What ``kg export`` draws, as read from a store.

    ``complete``: ``graph`` holds every paper and link, and is drawn as
    ``render_html`` draws a graph. Otherwise ``graph`` holds the chosen papers
    (already filtered by ``--since``) with all their links and entities, ``keep``
    the node ids to draw, ``df`` every entity's mention count in the filtered
    graph, and ``total_nodes`` the nodes the view has before the cut.
    """

    graph: Graph
    complete: bool = True
    df: dict[str, int] | None = None
    keep: frozenset[str] | None = None
    focus: kgraph.Center | None = None  # what --entity named
    center: kgraph.Center | None = None  # what --ego named
    total_nodes: int = 0
    notes: tuple[str, ...] = ()  # the --since note
    rule: str = ""  # how the kept nodes were chosen, for the cut message
    default_cap: bool = False  # the cap is the default, not --max-nodes
    stats: dict[str, Any] = field(default_factory=dict)  # what was read, for benchmarks


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off inside (as it was after).

    An export makes millions of small objects (links, node and edge dicts) and keeps them:
    each full collection walks them all, a quarter of the time at 20,000 nodes. They hold
    no cycles; reference counting frees what is dropped either way.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def link_units(df: int) -> int:
    """Papers view: what an entity in ``df`` papers adds to each one's strength, ``(df - 1) * rarity(df)``, in millionths."""
    return int(round((df - 1) * 1000000.0 * math.log10(2.0) / math.log10(df + 1.0)))


def mention_units(df: int) -> int:
    """Bipartite view: the weight of one mention of an entity mentioned by ``df`` papers, ``rarity(df)``, in millionths."""
    return int(round(1000000.0 * math.log10(2.0) / math.log10(df + 1.0)))


class _Filter:
    """The ``--since`` / ``--until`` window on a paper, as Cypher text with parameters."""

    def __init__(self, since: str | None, until: str | None = None) -> None:
        self.since = since
        self.until = until

    def on(self, alias: str) -> str:
        """`` AND <condition>`` for the paper ``alias``, or nothing without a window."""
        if not (self.since or self.until):
            return ""
        # kg.graph.filter_since: undated papers go; a partial date compares with as much of the bound.
        d = f"{alias}.date"
        out = f" AND {d} <> ''"
        if self.since:
            out += f" AND left({d}, 10) >= left($since, size(left({d}, 10)))"
        if self.until:
            out += f" AND left({d}, 10) <= left($until, size(left({d}, 10)))"
        return out

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in (("since", self.since), ("until", self.until)) if v}

    def note(self, kept: int, papers: int) -> str:
        """What the window kept, for the page and the report."""
        if self.since and self.until:
            return f"{kept} of {papers} papers dated from {self.since} to {self.until}"
        if self.until:
            return f"{kept} of {papers} papers dated on or before {self.until}"
        return f"{kept} of {papers} papers dated on or after {self.since}"


def parse_until(until: str) -> str:
    """An ``--until`` value (YYYY, YYYY-MM or YYYY-MM-DD) as the last day it covers, YYYY-MM-DD;
    raises ``ExportError`` if invalid."""
    import calendar

    try:
        first = kgraph.parse_since(until)
    except ExportError as exc:
        raise ExportError(str(exc).replace("--since", "--until", 1)) from None
    year, month, _ = map(int, first.split("-"))
    text = until.strip()
    if len(text) == 4:
        return f"{year:04d}-12-31"
    if len(text) == 7:
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return first


def select_scope(store: Store, options: ExportOptions, *, default_cap: bool = False, until: str | None = None) -> Scope:
    """Read what ``options`` draws from ``store``: everything under the cap, else the chosen nodes only.

    ``default_cap``: ``options.max_nodes`` is the default cap, not the user's
    (the cut message says so). ``until`` (or ``options.until``): only papers dated on or
    before it; that window is always cut in the store (the chosen nodes are then every node
    of the windowed view that fits). Raises ``ExportError`` when ``--entity`` or ``--ego``
    names nothing, as ``render_html`` does.
    """
    with gc_paused():
        return _select_scope(store, options, default_cap=default_cap, until=until)


def _select_scope(store: Store, options: ExportOptions, *, default_cap: bool, until: str | None) -> Scope:
    since = kgraph.parse_since(options.since) if options.since else None
    until = until or options.until
    until = parse_until(until) if until else None
    flt = _Filter(since, until)
    bipartite = options.view == "bipartite"
    cap = options.max_nodes
    all_papers = _scalar(store, "MATCH (p:Paper) RETURN count(p)")
    kept = all_papers
    if since or until:
        kept = _scalar(store, "MATCH (p:Paper) WHERE true" + flt.on("p") + " RETURN count(p)", flt.params())
    complete = Scope(graph=Graph([], [], []), default_cap=default_cap, stats={"papers_read": all_papers})
    # The projection filters --since itself when it reads everything; --until only the store does.
    if not until and (cap is None or (kept <= cap and not bipartite)):
        return replace(complete, graph=_read_all(store), total_nodes=kept)
    focus = _resolve(store, flt, options.entity, entities_only=True) if options.entity else None
    types = _types(options, focus, store)
    df = _mention_counts(store, flt, types)
    total = kept + (len(df) if bipartite else 0)
    if cap is None:
        cap = total
    if not until and total <= cap:
        return replace(complete, graph=_read_all(store), total_nodes=total)

    notes = (flt.note(kept, all_papers),) if since or until else ()
    center = _resolve(store, flt, options.ego) if options.ego else None
    linking = _linking_weights(df, bipartite, options, focus)
    reader = _Reader(store, flt, types, df, linking)
    if focus or center:
        dist = reader.neighbourhood(focus, center, options, bipartite)
        total = len(dist)
        chosen = reader.nearest(dist, cap, bipartite)
        where = f"{options.ego!r}" if center else f"entity {options.entity!r}"
        rule = f"nearest to {where} (then of highest weighted degree in the whole graph)"
    else:
        chosen = reader.strongest(cap, bipartite)
        rule = "with the highest weighted degree"
        if not bipartite and options.min_shared > 1:
            rule += " (counting every shared entity)"
    papers = sorted(n[2:] if bipartite else n for n in chosen if not bipartite or n.startswith("p:"))
    extra = {n[2:] for n in chosen if bipartite and n.startswith("e:")}
    extra |= {key for key, _ in linking.dropped}
    for c in (focus, center):
        if c:
            extra |= set(c.entities)
    graph = reader.read(papers, extra)
    return Scope(
        graph=graph,
        complete=False,
        df=df,
        keep=frozenset(chosen),
        focus=focus,
        center=center,
        total_nodes=total,
        notes=notes,
        rule=rule if len(chosen) < total else "",
        default_cap=default_cap,
        stats={"papers_read": len(papers), "links_read": len(graph.links)},
    )


# -- counts -------------------------------------------------------------------------------


def _scalar(store: Store, cypher: str, params: dict[str, Any] | None = None) -> int:
    return int(store.query(cypher, params or {}).rows[0][0])


def _types(options: ExportOptions, focus: kgraph.Center | None, store: Store) -> list[str] | None:
    """Entity type values that count (None: all), with --entity's types in the bipartite view."""
    if not options.types:
        return None
    values = {t.value for t in kgraph.parse_types(options.types)}
    if options.view == "bipartite" and focus:
        # As kg.export.html: the entity the page is about is drawn even when its type is not among --type.
        res = store.query("UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.type", {"keys": sorted(focus.entities)})
        values |= {t for (t,) in res.rows}
    return sorted(values)


def _type_clause(types: list[str] | None, alias: str = "e") -> str:
    return "" if types is None else f" AND {alias}.type IN $types"


def _mention_counts(store: Store, flt: _Filter, types: list[str] | None) -> dict[str, int]:
    """Papers (kept by --since) mentioning each entity of ``types``; entities no kept paper mentions are absent."""
    res = store.query(
        "MATCH (p:Paper)-[:MENTIONS]->(e:Entity) WHERE true" + flt.on("p") + _type_clause(types)
        + " RETURN e.key, count(*)",
        {**flt.params(), **({"types": types} if types is not None else {})},
    )  # fmt: skip
    return {key: int(n) for key, n in res.rows}


def _resolve(store: Store, flt: _Filter, text: str, *, entities_only: bool = False) -> kgraph.Center:
    """``kg.graph.resolve_center`` over the stored graph filtered by --since/--until (``kg.graph.name_center``)."""
    return kgraph.name_center(
        text,
        _paper_finder(store, flt),
        lambda t: _entity_keys(store, flt, t),
        entities_only=entities_only,
        # "Did you mean": a bounded query (``Store.suggest``); a stand-in with only ``query`` has none.
        close_entities=getattr(store, "suggest", None),
    )


def _paper_finder(store: Store, flt: _Filter) -> kgraph.PaperFinder:
    """``kg.graph.PaperFinder`` in the store: papers in the --since/--until window by id, title, or part of one."""

    def find(how: str, text: str, limit: int | None) -> list[tuple[str, str]]:
        params: dict[str, Any] = {"t": text, **flt.params()}
        if how == "id":
            match = "MATCH (p:Paper {id: $t}) WHERE true"
        elif how == "title":
            # Keyed: tkey is kg.text.title_id(title), indexed in Neo4j (a column scan in LadybugDB).
            tkey = kgraph.title_key(text)
            if tkey is None:
                return []
            match, params["t"] = "MATCH (p:Paper) WHERE p.tkey = $t", tkey
        else:
            # A scan of every title: name_center asks only when no id, exact title or entity matched.
            op = "STARTS WITH" if how == "prefix" else "CONTAINS"
            match = f"MATCH (p:Paper) WHERE toLower(p.title) {op} $t"
        cypher = match + flt.on("p") + " RETURN p.id, p.title ORDER BY p.id"
        if limit is not None:
            cypher, params["n"] = cypher + " LIMIT $n", limit
        return [(pid, title or "") for pid, title in store.query(cypher, params).rows]

    return find


def _entity_keys(store: Store, flt: _Filter, text: str) -> set[str]:
    """Keys of the entities named ``text`` (name, alias or key) that a paper in the window mentions."""
    res = store.query(
        "MATCH (e:Entity) WHERE $k IN e.keys OR e.key = $name RETURN e.key", {"k": match_key(text), "name": text}
    )
    ents = {k for (k,) in res.rows}
    if ents and (flt.since or flt.until):
        # filter_since keeps only the entities a kept paper mentions.
        res = store.query(
            "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)<-[:MENTIONS]-(p:Paper) WHERE true"
            + flt.on("p") + " WITH k, count(p) AS n WHERE n > 0 RETURN k",
            {"keys": sorted(ents), **flt.params()},
        )  # fmt: skip
        ents = {k for (k,) in res.rows}
    return ents


@dataclass
class _Linking:
    """Which entities link nodes, and what each adds to a node's strength (integer millionths)."""

    weight: dict[str, int]  # entity key -> what it adds to each paper mentioning it
    dropped: list[tuple[str, int]]  # papers view: the common entities that link nothing, most common first
    exclude: list[str]  # papers view: the --entity itself

    def common_params(self) -> dict[str, Any]:
        """``$t``, ``$tk``: an entity is dropped when ``(-df, key) <= (-t, tk)`` (the order of ``kg.graph.most_common``)."""
        if not self.dropped:
            return {"t": _NO_LIMIT, "tk": ""}
        key, df = self.dropped[-1]
        return {"t": df, "tk": key}


def _linking_weights(df: dict[str, int], bipartite: bool, options: ExportOptions, focus: kgraph.Center | None) -> _Linking:
    if bipartite:
        return _Linking({key: mention_units(n) for key, n in df.items()}, [], [])
    exclude = focus.entities if focus else frozenset()
    counts = {key: n for key, n in df.items() if key not in exclude}
    dropped = kgraph.most_common(counts, kgraph.MAX_PAIRS)
    gone = {key for key, _ in dropped}
    weight = {key: link_units(n) for key, n in counts.items() if key not in gone}
    return _Linking(weight, dropped, sorted(exclude))


# -- choosing and reading -----------------------------------------------------------------


class _Reader:
    """Keyed reads of papers, their entities and entities' papers, with what they link."""

    def __init__(self, store: Store, flt: _Filter, types: list[str] | None, df: dict[str, int], linking: _Linking):
        self.store = store
        self.flt = flt
        self.types = types
        self.df = df
        self.linking = linking
        self._entities_of: dict[str, list[str]] = {}  # paper -> entity keys of types (all of them)
        self._papers_of: dict[str, list[str]] = {}  # entity -> kept papers

    # Neighbours --------------------------------------------------------------------------
    def entities_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Entity keys each paper mentions (of --type, mentioned by a kept paper)."""
        todo = [i for i in dict.fromkeys(ids) if i not in self._entities_of]
        for chunk in batched(todo, _CHUNK):
            found: dict[str, list[str]] = defaultdict(list)
            for pid, key in self.store.query(
                "UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[:MENTIONS]->(e:Entity) RETURN i, e.key",
                {"ids": list(chunk)},
            ).rows:
                if key in self.df:  # of --type (df counts only those)
                    found[pid].append(key)
            for pid in chunk:
                self._entities_of[pid] = sorted(found.get(pid, []))
        return {i: self._entities_of[i] for i in ids}

    def papers_of(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """The kept papers mentioning each entity."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._papers_of]
        for chunk in batched(todo, _CHUNK):
            found: dict[str, list[str]] = defaultdict(list)
            for key, pid in self.store.query(
                "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)<-[:MENTIONS]-(p:Paper) WHERE true"
                + self.flt.on("p") + " RETURN k, p.id",
                {"keys": list(chunk), **self.flt.params()},
            ).rows:  # fmt: skip
                if pid is not None:
                    found[key].append(pid)
            for key in chunk:
                self._papers_of[key] = sorted(found.get(key, []))
        return {k: self._papers_of[k] for k in keys}

    def _paper_neighbours(self, frontier: list[str], min_shared: int) -> dict[str, set[str]]:
        """Papers view: the papers sharing at least ``min_shared`` linking entities with each frontier paper."""
        ents = {pid: [k for k in keys if k in self.linking.weight] for pid, keys in self.entities_of(frontier).items()}
        papers = self.papers_of(sorted({k for keys in ents.values() for k in keys}))
        out: dict[str, set[str]] = {}
        for pid, keys in ents.items():
            shared = Counter(q for k in keys for q in papers[k])
            out[pid] = {q for q, n in shared.items() if n >= min_shared and q != pid}
        return out

    def neighbourhood(
        self, focus: kgraph.Center | None, center: kgraph.Center | None, options: ExportOptions, bipartite: bool
    ) -> dict[str, int]:
        """Node id -> hops from --ego (or --entity), as ``kg.graph.ego_subgraph`` counts them."""
        within: set[str] | None = None
        dist: dict[str, int] = {}
        if focus:
            depth = options.depth if options.depth is not None and not options.ego else (2 if bipartite else 1)
            dist = self._bfs(focus, depth, options.min_shared, bipartite, None)
            within = set(dist)
        if center:
            depth = options.depth if options.depth is not None else 1
            dist = self._bfs(center, depth, options.min_shared, bipartite, within)
        return dist

    def _bfs(
        self, c: kgraph.Center, depth: int, min_shared: int, bipartite: bool, within: set[str] | None
    ) -> dict[str, int]:
        if depth < 0:
            raise ExportError(f"--depth must be 0 or more (got {depth})")
        dist: dict[str, int] = {}
        if bipartite:
            for pid in c.papers:
                dist[kgraph.paper_node(pid)] = 0
            for key in c.entities:
                if key in self.df:  # a node: of --type and mentioned
                    dist[kgraph.entity_node(key)] = 0
        else:
            for pid in c.papers:
                dist[pid] = 0
            for key, pids in self.papers_of(sorted(c.entities)).items():
                for pid in pids:
                    dist.setdefault(pid, 1)
        if within is not None:
            dist = {n: d for n, d in dist.items() if n in within}
        for hop in range(depth):
            # Breadth first, ring by ring; the papers of a centre entity start in ring 1.
            frontier = sorted(n for n, d in dist.items() if d == hop)
            if not frontier:
                if all(d < hop for d in dist.values()):
                    break
                continue
            found: set[str] = set()
            if bipartite:
                pids = [n[2:] for n in frontier if n.startswith("p:")]
                keys = [n[2:] for n in frontier if n.startswith("e:")]
                for ks in self.entities_of(pids).values():
                    found.update(kgraph.entity_node(k) for k in ks)
                for ps in self.papers_of(keys).values():
                    found.update(kgraph.paper_node(p) for p in ps)
            else:
                for nbs in self._paper_neighbours(frontier, min_shared).values():
                    found |= nbs
            for n in sorted(found):
                if n not in dist and (within is None or n in within):
                    dist[n] = hop + 1
        return {n: d for n, d in dist.items() if d <= depth}

    # Strength ----------------------------------------------------------------------------
    def strength(self, nodes: list[str], bipartite: bool) -> dict[str, int]:
        """Strength (integer millionths) of the given node ids."""
        w = self.linking.weight
        out: dict[str, int] = {}
        papers = [n[2:] if bipartite else n for n in nodes if not bipartite or n.startswith("p:")]
        for pid, keys in self.entities_of(papers).items():
            out[kgraph.paper_node(pid) if bipartite else pid] = sum(w.get(k, 0) for k in keys)
        if bipartite:
            for n in nodes:
                if n.startswith("e:"):
                    out[n] = self.df[n[2:]] * w[n[2:]]
        return out

    def nearest(self, dist: dict[str, int], cap: int, bipartite: bool) -> list[str]:
        """Up to ``cap`` nodes of ``dist``: nearest first; the ring that does not fit whole keeps its strongest."""
        if len(dist) <= cap:
            return sorted(dist)
        rings: dict[int, list[str]] = defaultdict(list)
        for n, d in dist.items():
            rings[d].append(n)
        chosen: list[str] = []
        for d in sorted(rings):
            ring = sorted(rings[d])
            room = cap - len(chosen)
            if len(ring) <= room:
                chosen += ring
                continue
            s = self.strength(ring, bipartite)
            chosen += sorted(ring, key=lambda n: (-s[n], n))[:room]
            break
        return sorted(chosen)

    def strongest(self, cap: int, bipartite: bool) -> list[str]:
        """The ``cap`` strongest nodes of the whole view (see the module docstring)."""
        w = self.linking.weight
        # Each entity adds its weight to each kept paper mentioning it; the store counts,
        # sums (whole numbers: the same result in any order) and ranks. The weights are
        # computed there from the counts: a parameter list of weights would be a join
        # LadybugDB runs slowly (8 s against 0.6 s at 100k papers).
        if bipartite:
            linking, units, params = "", _MENTION_UNITS, {}
        else:
            linking = " AND df > 1 AND NOT (df > $t OR (df = $t AND e.key <= $tk)) AND NOT (e.key IN $exclude)"
            units, params = _LINK_UNITS, {**self.linking.common_params(), "exclude": self.linking.exclude}
        res = self.store.query(
            "MATCH (e:Entity)<-[:MENTIONS]-(q:Paper) WHERE true" + self.flt.on("q") + _type_clause(self.types)
            + " WITH e, count(q) AS df WHERE true" + linking
            + " MATCH (e)<-[:MENTIONS]-(p:Paper) WHERE true" + self.flt.on("p")
            + f" RETURN p.id AS id, sum({units}) AS s ORDER BY s DESC, id LIMIT $n",
            {"n": cap, **params, **self.flt.params(), **({"types": self.types} if self.types is not None else {})},
        )  # fmt: skip
        ranked = [(-int(s), kgraph.paper_node(pid) if bipartite else pid) for pid, s in res.rows]
        if bipartite:
            ranked += [(-(self.df[k] * v), kgraph.entity_node(k)) for k, v in w.items()]
        ranked.sort()
        chosen = [n for _, n in ranked[:cap]]
        if len(chosen) < cap:
            # Papers that link nothing (strength 0), smallest id first.
            have = set(chosen)
            res = self.store.query(
                "MATCH (p:Paper) WHERE true" + self.flt.on("p") + " RETURN p.id AS id ORDER BY id LIMIT $n",
                {"n": cap + len(have), **self.flt.params()},
            )
            for (pid,) in res.rows:
                node = kgraph.paper_node(pid) if bipartite else pid
                if len(chosen) >= cap:
                    break
                if node not in have:
                    chosen.append(node)
        return sorted(chosen)

    # Reading -----------------------------------------------------------------------------
    def read(self, ids: list[str], extra_entities: set[str]) -> Graph:
        """The papers ``ids`` with all their links (role, evidence), the entities those name, and ``extra_entities``."""
        papers: list[Paper] = []
        links: list[Link] = []
        for chunk in batched(ids, _CHUNK):
            # One row per paper with its links collected: fewer rows to fetch (a quarter faster
            # at 20,000 papers than a row per link plus one per paper). ``collect`` skips nulls,
            # so roles and evidence are made null-free to stay aligned with the keys (a paper
            # without links has no key and one '' of each, which zip drops).
            for pid, title, date, url, source, entity_keys, roles, evidence in self.store.query(
                "UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[m:MENTIONS]->(e:Entity) "
                "WITH p, collect(e.key) AS entity_keys, collect(coalesce(m.role, '')) AS roles, "
                "collect(coalesce(m.evidence, '')) AS evidence "
                "RETURN p.id, p.title, p.date, p.url, p.source, entity_keys, roles, evidence",
                {"ids": list(chunk)},
            ).rows:
                papers.append(Paper(id=pid, title=title, abstract="", date=date or None, url=url or None, source=source or ""))
                links += [
                    Link(paper_id=pid, entity_key=key, role=_ROLES[role], evidence=text)
                    for key, role, text in zip(entity_keys, roles, evidence)
                ]
        keys = sorted({link.entity_key for link in links} | extra_entities)
        return Graph(papers=papers, entities=_read_entities(self.store, keys), links=links)


def _read_entities(store: Store, keys: list[str]) -> list[Entity]:
    out: list[Entity] = []
    for chunk in batched(keys, _CHUNK):
        out += [
            Entity(key=r[0], name=r[1], type=EntityType(r[2]), aliases=tuple(r[3] or ()))
            for r in store.query(
                "UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.key, e.name, e.type, e.aliases", {"keys": list(chunk)}
            ).rows
        ]
    return out


def _read_all(store: Store) -> Graph:
    """Every paper (without its abstract), entity and link (role and evidence, not count): what an export draws from."""
    papers = [
        Paper(id=r[0], title=r[1], abstract="", date=r[2] or None, url=r[3] or None, source=r[4] or "")
        for r in store.query("MATCH (p:Paper) RETURN p.id, p.title, p.date, p.url, p.source ORDER BY p.id").rows
    ]
    entities = [
        Entity(key=r[0], name=r[1], type=EntityType(r[2]), aliases=tuple(r[3] or ()))
        for r in store.query("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases ORDER BY e.key").rows
    ]
    links = [
        Link(paper_id=r[0], entity_key=r[1], role=_ROLES[r[2]], evidence=r[3] or "")
        for r in store.query(
            "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.evidence ORDER BY p.id, e.key"
        ).rows
    ]
    return Graph(papers=papers, entities=entities, links=links)
