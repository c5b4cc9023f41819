"""Networkx projections of a ``Graph``: the paper graph, the bipartite graph, filters, communities, layout.

Everything here is a pure function of its arguments; randomness (Louvain,
spring layout) is seeded, so the same input gives the same communities,
colours and positions.

Node ids: ``paper_graph`` uses paper ids; ``bipartite_graph`` uses
``"p:" + paper id`` and ``"e:" + entity key`` (see ``paper_node``/``entity_node``).
"""

from __future__ import annotations

import difflib
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date as _date

import networkx as nx

from kg.errors import ExportError
from kg.model import ROLE_PRIORITY, Entity, EntityType, Graph, Link
from kg.text import match_key, title_id

__all__ = [
    "SEED",
    "rarity",
    "entity_rarity",
    "paper_node",
    "entity_node",
    "paper_graph",
    "bipartite_graph",
    "parse_types",
    "parse_since",
    "filter_since",
    "find_entities",
    "resolve_center",
    "name_center",
    "fold_title",
    "title_key",
    "graph_paper_finder",
    "PaperFinder",
    "MAX_CANDIDATES",
    "ego_subgraph",
    "limit_nodes",
    "induced_subgraph",
    "most_common",
    "thin_edges",
    "communities",
    "community_labels",
    "layout",
    "Center",
]

#: Seed of every random choice (Louvain, layouts): same input, same picture.
SEED = 42
#: Paper pairs the papers view links at most; past it the most common entities link none.
MAX_PAIRS = 1_000_000


def rarity(df: int) -> float:
    """Weight of an entity mentioned by ``df`` papers: 1/log2(1+df), so rare entities link strongly."""
    return 1.0 / math.log2(1 + max(1, df))


def paper_node(paper_id: str) -> str:
    """Node id of a paper in the bipartite graph."""
    return "p:" + paper_id


def entity_node(entity_key: str) -> str:
    """Node id of an entity in the bipartite graph."""
    return "e:" + entity_key


def _type_set(types: Iterable[EntityType | str] | None) -> set[EntityType] | None:
    return None if types is None else set(parse_types(types))


def parse_types(types: Iterable[EntityType | str]) -> list[EntityType]:
    """Entity types from names such as ``"model"`` or ``"Dataset"``; raises ``ExportError`` on an unknown one."""
    out: list[EntityType] = []
    for t in types:
        if isinstance(t, EntityType):
            out.append(t)
            continue
        try:
            out.append(EntityType(str(t).strip().lower()))
        except ValueError:
            known = ", ".join(e.value for e in EntityType)
            raise ExportError(f"unknown entity type {t!r}; use one of: {known}") from None
    return out


def _links_by_paper(graph: Graph, types: set[EntityType] | None) -> tuple[dict[str, list[Link]], dict[str, Entity]]:
    """Links of each paper restricted to ``types`` (and to entities that exist), with the entity index."""
    entities = {e.key: e for e in graph.entities if types is None or e.type in types}
    papers = {p.id for p in graph.papers}
    by_paper: dict[str, list[Link]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for link in graph.links:
        pair = (link.paper_id, link.entity_key)
        if link.entity_key in entities and link.paper_id in papers and pair not in seen:
            seen.add(pair)
            by_paper[link.paper_id].append(link)
    return by_paper, entities


def entity_rarity(graph: Graph, *, types: Iterable[EntityType | str] | None = None) -> dict[str, float]:
    """Rarity weight of every mentioned entity (of ``types``), keyed by entity key."""
    by_paper, _ = _links_by_paper(graph, _type_set(types))
    df = Counter(link.entity_key for links in by_paper.values() for link in links)
    return {key: rarity(n) for key, n in df.items()}


def _paper_entities(graph: Graph, by_paper: dict[str, list[Link]] | None = None) -> dict[str, dict[str, list[str]]]:
    """Each paper's entity names grouped by type value, strongest role first (all types: for tooltips).

    ``by_paper``: ``_links_by_paper(graph, None)``'s links, when the caller has them.
    """
    if by_paper is None:
        by_paper, entities = _links_by_paper(graph, None)
    else:
        entities = {e.key: e for e in graph.entities}
    type_of = {key: e.type.value for key, e in entities.items()}  # Enum.value is slow in a hot loop
    rank = {role: -n for role, n in ROLE_PRIORITY.items()}
    out: dict[str, dict[str, list[str]]] = {}
    for pid, links in by_paper.items():
        groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for link in links:
            key = link.entity_key
            groups[type_of[key]].append((rank.get(link.role, 0), entities[key].name))
        out[pid] = {t: [name for _, name in sorted(v)] for t, v in sorted(groups.items())}
    return out


def _add_paper_nodes(g: nx.Graph, graph: Graph, node_id=lambda pid: pid, by_paper=None) -> None:
    ents = _paper_entities(graph, by_paper)
    for paper in sorted(graph.papers, key=lambda p: p.id):
        g.add_node(
            node_id(paper.id),
            kind="paper",
            paper_id=paper.id,
            title=paper.title,
            date=paper.date or "",
            url=paper.url or "",
            github=paper.github or "",
            entities=ents.get(paper.id, {}),
        )


def paper_graph(
    graph: Graph,
    *,
    types: Iterable[EntityType | str] | None = None,
    min_shared: int = 1,
    exclude: Collection[str] = (),
    max_pairs: int | None = MAX_PAIRS,
    df: Mapping[str, int] | None = None,
    strongest: int | None = None,
) -> nx.Graph:
    """Papers linked when they share entities; weight = sum of the shared entities' rarity.

    Edge attributes: ``weight`` (float), ``n_shared`` (int) and ``shared``
    (entity names grouped by type value). Only entities of ``types`` count;
    entity keys in ``exclude`` never link. Pairs sharing fewer than
    ``min_shared`` entities get no edge. Papers without edges stay as nodes.
    When the entities would link more than ``max_pairs`` paper pairs, the most
    common ones (the least informative) link none; ``g.graph["dropped_common"]``
    lists them as ``(name, papers)``.

    ``df`` is for a ``graph`` that holds only some papers of a larger one (what
    ``kg.export.select`` read from a store): the number of papers of the larger
    graph that mention each entity of ``types``. Weights and the common entities
    left out are then those of the larger graph, so the result is its subgraph
    induced on these papers.

    ``strongest``: when there are more than ``strongest`` x papers + 100 edges,
    only each paper's ``strongest`` strongest are made, the same graph as
    ``thin_edges(paper_graph(...), strongest)`` without building the others
    first; ``g.graph["thinned"]`` counts the edges left out.
    """
    if min_shared < 1:
        raise ExportError(f"--min-shared must be at least 1 (got {min_shared})")
    by_paper, entities = _links_by_paper(graph, _type_set(types))
    papers_of: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(by_paper):
        for link in by_paper[pid]:
            if link.entity_key not in exclude:
                papers_of[link.entity_key].append(pid)
    if df is None:
        counts = {key: len(pids) for key, pids in papers_of.items()}
    else:
        counts = {key: n for key, n in df.items() if key not in exclude}
    dropped = most_common(counts, max_pairs)
    for key, _ in dropped:
        papers_of.pop(key, None)
    g = nx.Graph(
        view="papers", dropped_common=[(entities[k].name if k in entities else k, n) for k, n in dropped]
    )
    _add_paper_nodes(g, graph, by_paper=by_paper if types is None else None)
    keys = sorted(key for key, pids in papers_of.items() if len(pids) > 1)
    weight_of = [rarity(len(papers_of[key]) if df is None else df[key]) for key in keys]
    papers = sorted(by_paper)
    pairs = _Pairs(keys, papers_of, {pid: i for i, pid in enumerate(papers)}, weight_of, min_shared)
    if strongest is not None and len(pairs) > strongest * g.number_of_nodes() + 100:
        made = pairs.strongest(strongest)
        g.graph["thinned"] = len(pairs) - len(made)
    else:
        made = pairs.in_meeting_order()
    # Edges of a big graph share a few thousand sets of entities: one (read-only) ``shared`` dict per set.
    type_of = [entities[key].type.value for key in keys]
    name_of = [entities[key].name for key in keys]
    shared_of: dict[tuple[int, ...], dict[str, list[str]]] = {}
    edges = []
    for a, b, weight, shares in pairs.edges(made):
        shared = shared_of.get(shares)
        if shared is None:
            groups: dict[str, list[str]] = defaultdict(list)
            for k in shares:
                groups[type_of[k]].append(name_of[k])
            shared = shared_of[shares] = {t: sorted(v) for t, v in sorted(groups.items())}
        edges.append((papers[a], papers[b], {"weight": weight, "n_shared": len(shares), "shared": shared}))
    g.add_edges_from(edges)
    return g


class _Pairs:
    """The paper pairs that share at least ``min_shared`` entities, found with numpy.

    The result of the plain loops (for each entity, in key order, every pair of its papers,
    in paper order; a pair's entities in key order), without building each pair's key list
    in Python: at 20,000 papers there are a few hundred thousand pairs. Papers and entities
    are numbered in sorted order, so comparing numbers compares ids.
    """

    def __init__(
        self,
        keys: list[str],
        papers_of: Mapping[str, list[str]],
        index: Mapping[str, int],
        weight_of: list[float],
        min_shared: int,
    ) -> None:
        import numpy as np

        sizes = np.array([len(papers_of[k]) for k in keys], dtype=np.int64)
        flat = np.fromiter((index[p] for k in keys for p in papers_of[k]), dtype=np.int64, count=int(sizes.sum()))
        ent = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
        # Each paper of an entity pairs with the papers after it in that entity's list.
        after = np.repeat(np.cumsum(sizes), sizes) - np.arange(len(flat)) - 1
        src = np.repeat(np.arange(len(flat)), after)
        dst = src + 1 + np.arange(int(after.sum())) - np.repeat(np.cumsum(after) - after, after)
        n = max(len(index), 1)
        code, ent = flat[src] * n + flat[dst], ent[src]
        met = np.argsort(code, kind="stable")  # by pair; within one, in the order the loops meet it
        code, ent = code[met], ent[met]
        start = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.zeros(0, dtype=np.int64)
        count = np.diff(np.r_[start, len(code)])
        keep = count >= min_shared
        self.start, self.count = start[keep], count[keep]
        self.first = met[self.start]  # when the loops first meet each pair
        self.a, self.b = code[self.start] // n, code[self.start] % n
        self.ent = ent
        # Summed in key order from 0, as sum() adds them, then rounded as edges show them.
        w = np.asarray(weight_of, dtype=float)[ent]
        total = np.zeros(len(self.start))
        for r in range(int(self.count.max()) if len(self.count) else 0):
            more = self.count > r
            total[more] += w[self.start[more] + r]
        rounded: dict[float, float] = {}  # a few thousand distinct sums among hundreds of thousands
        weight = []
        for x in total.tolist():
            r = rounded.get(x)
            if r is None:
                r = rounded[x] = round(x, 6)
            weight.append(r)
        self.weight = np.array(weight)

    def __len__(self) -> int:
        return len(self.start)

    def in_meeting_order(self):
        """Every pair, in the order the loops first meet them (networkx keeps edges in insertion order)."""
        import numpy as np

        return np.argsort(self.first, kind="stable")

    def strongest(self, per_node: int):
        """Each paper's ``per_node`` strongest pairs (ties: the other paper's id), their union in
        ``(a, b)`` order: the edges ``thin_edges`` keeps, in its order."""
        import numpy as np

        m = len(self)
        node = np.concatenate([self.a, self.b])
        other = np.concatenate([self.b, self.a])
        ranked = np.lexsort((other, -np.concatenate([self.weight, self.weight]), node))
        node = node[ranked]
        group = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
        rank = np.arange(2 * m) - np.repeat(group, np.diff(np.r_[group, 2 * m]))
        return np.unique(ranked[rank < per_node] % m)

    def edges(self, which):
        """``(a, b, weight, entity numbers)`` of the pairs ``which``, in that order."""
        ent = self.ent.tolist()
        a, b, weight = self.a.tolist(), self.b.tolist(), self.weight.tolist()
        start, count = self.start.tolist(), self.count.tolist()
        for p in which.tolist():
            s = start[p]
            yield a[p], b[p], weight[p], tuple(ent[s : s + count[p]])


def most_common(counts: Mapping[str, int], max_pairs: int | None) -> list[tuple[str, int]]:
    """The most common entities (key, papers), most first, whose removal leaves at most ``max_pairs`` paper pairs.

    ``counts`` maps each entity to the number of papers mentioning it. An
    entity in df papers links df*(df-1)/2 pairs while weighing least
    (``rarity``), so a few very common ones would cost most of the time.
    """
    if max_pairs is None:
        return []
    total = sum(n * (n - 1) // 2 for n in counts.values())
    dropped: list[tuple[str, int]] = []
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        if total <= max_pairs:
            break
        df = counts[key]
        total -= df * (df - 1) // 2
        dropped.append((key, df))
    return dropped


def bipartite_graph(
    graph: Graph, *, types: Iterable[EntityType | str] | None = None, df: Mapping[str, int] | None = None
) -> nx.Graph:
    """Papers and entities (of ``types``); an edge per mention, weight = the entity's rarity.

    ``df``, as for ``paper_graph``: mention counts in a larger graph of which
    ``graph`` holds some papers; every entity of ``graph`` it counts is then a
    node, linked or not, with the larger graph's ``df`` and weights.
    """
    by_paper, entities = _links_by_paper(graph, _type_set(types))
    if df is None:
        df = Counter(link.entity_key for links in by_paper.values() for link in links)
        keys = sorted(df)
    else:
        keys = sorted(key for key in entities if df.get(key, 0) > 0)
    g = nx.Graph(view="bipartite")
    _add_paper_nodes(g, graph, paper_node)
    for key in keys:
        ent = entities[key]
        g.add_node(
            entity_node(key),
            kind="entity",
            entity_key=key,
            name=ent.name,
            type=ent.type.value,
            aliases=list(ent.aliases),
            df=df[key],
        )
    weight: dict[str, float] = {}  # each entity's rarity, rounded once

    def edge(link: Link) -> tuple[str, str, dict[str, object]]:
        key = link.entity_key
        w = weight.get(key)
        if w is None:
            w = weight[key] = round(rarity(df[key]), 6)
        return paper_node(link.paper_id), entity_node(key), {"weight": w, "role": link.role.value}

    g.add_edges_from(edge(link) for pid in sorted(by_paper) for link in sorted(by_paper[pid], key=lambda l: l.entity_key))
    return g


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_since(since: str) -> str:
    """A ``--since`` value (YYYY, YYYY-MM or YYYY-MM-DD) as YYYY-MM-DD; raises ``ExportError`` if invalid."""
    text = since.strip()
    if not _DATE.match(text):
        raise ExportError(f"--since {since!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)")
    full = text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text
    try:
        _date.fromisoformat(full)
    except ValueError:
        raise ExportError(f"--since {since!r} is not a valid date; use YYYY-MM-DD") from None
    return full


def filter_since(graph: Graph, since: str) -> Graph:
    """The papers dated on or after ``since`` (undated papers are dropped), with their links."""
    start = parse_since(since)
    papers = [p for p in graph.papers if p.date and p.date[:10] >= start[: len(p.date[:10])]]
    keep = {p.id for p in papers}
    links = [link for link in graph.links if link.paper_id in keep]
    used = {link.entity_key for link in links}
    return Graph(
        papers=papers,
        entities=[e for e in graph.entities if e.key in used],
        links=links,
        variants=[v for v in graph.variants if v.variant_key in used and v.family_key in used],
        extractor_version=graph.extractor_version,
    )


def find_entities(graph: Graph, name: str) -> list[Entity]:
    """Entities whose name or an alias matches ``name`` (case, space and hyphen blind), or whose key is ``name``."""
    key = match_key(name)
    return [
        e
        for e in graph.entities
        if e.key == name or match_key(e.name) == key or any(match_key(a) == key for a in e.aliases)
    ]


@dataclass(frozen=True)
class Center:
    """What ``--ego`` or ``--entity`` named: seed nodes at distance 0, and entities at distance -1."""

    label: str
    papers: frozenset[str]  # paper ids named directly
    entities: frozenset[str]  # entity keys named


#: Papers listed when a paper name is ambiguous (title and id), and close names suggested.
MAX_CANDIDATES = 5

PaperFinder = Callable[[str, str, int | None], list[tuple[str, str]]]
"""``find(how, text, limit)``: up to ``limit`` (all when None) ``(id, title)`` of papers, by id.

``how`` is ``"id"`` (the id is ``text``), ``"title"`` (the title is ``text`` up to case,
spacing and punctuation: equal ``kg.text.title_id``, which stores keep as ``tkey``),
``"prefix"`` or ``"substring"`` (the lower-cased title starts with or contains ``text``,
which comes lower-cased with its spaces normalised). ``name_center`` asks for the last
two only when the first two (and the entity names) found nothing.
"""


def fold_title(text: str) -> str:
    """``text`` lower-cased with runs of white space as one space: how title prefixes are compared."""
    return " ".join(text.split()).lower()


def title_key(title: str) -> str | None:
    """``kg.text.title_id(title)`` (the ``tkey`` stores keep), or None for a blank title."""
    try:
        return title_id(title)
    except ValueError:  # a blank title
        return None


def graph_paper_finder(graph: Graph) -> PaperFinder:
    """A ``PaperFinder`` over the papers of ``graph`` (a scan: graphs in memory are small)."""

    def find(how: str, text: str, limit: int | None) -> list[tuple[str, str]]:
        if how == "id":
            hits = [p for p in graph.papers if p.id == text]
        elif how == "title":
            key = title_key(text)
            hits = [p for p in graph.papers if key is not None and title_key(p.title) == key]
        elif how == "prefix":
            hits = [p for p in graph.papers if fold_title(p.title).startswith(text)]
        else:
            hits = [p for p in graph.papers if text in fold_title(p.title)]
        return [(p.id, p.title) for p in sorted(hits, key=lambda p: p.id)[:limit]]

    return find


def _close_entity_names(graph: Graph) -> Callable[[str], list[str]]:
    def close(text: str) -> list[str]:
        names: dict[str, str] = {}
        for e in graph.entities:
            for form in (e.name, *e.aliases):
                names.setdefault(match_key(form), e.name)
        hits = difflib.get_close_matches(match_key(text), list(names), n=3, cutoff=0.6)
        return list(dict.fromkeys(names[k] for k in hits))

    return close


def _short_title(title: str, n: int = 60) -> str:
    title = " ".join(title.split())
    return title if len(title) <= n else title[: n - 1].rstrip() + "…"


def _listed(rows: list[tuple[str, str]]) -> str:
    return "; ".join(f"{_short_title(title or '')!r} ({pid})" for pid, title in rows[:MAX_CANDIDATES])


def _close_titles(find: PaperFinder, folded: str) -> list[tuple[str, str]]:
    """Papers whose title holds something close to ``folded``, among the (at most 100) whose title
    shares the start of one of its two longest words: a few bounded lookups, for "did you mean"."""
    words = sorted({w for w in re.findall(r"\w+", folded) if len(w) >= 4}, key=lambda w: (-len(w), w))[:2]
    seen: dict[str, str] = {}
    for word in words:
        seen.update(find("substring", word[: max(4, len(word) // 2)], 50))

    def score(title: str) -> float:
        # The best match of ``folded`` against a stretch of the title starting at a word.
        t = fold_title(title)
        starts = [0] + [m.end() for m in re.finditer(r" ", t)]
        return max(difflib.SequenceMatcher(None, folded, t[i : i + len(folded)]).ratio() for i in starts)

    ranked = sorted(((score(t), pid, t) for pid, t in seen.items()), key=lambda x: (-x[0], x[1]))
    return [(pid, t) for r, pid, t in ranked if r >= 0.8][:3]


def name_center(
    text: str,
    find_papers: PaperFinder,
    find_entities: Callable[[str], Iterable[str]],
    *,
    entities_only: bool = False,
    close_entities: Callable[[str], list[str]] | None = None,
) -> Center:
    """What ``--ego``/``--entity`` ``text`` names, on any graph: the one place the rules live.

    A paper id, an exact title (case, spacing and punctuation aside) and an entity name or
    alias (``find_entities`` gives their keys) all count at once. Only when none of those
    matches is ``text`` tried as the start of a title, then as a part of one (case-blind,
    spaces normalised): that must name one paper. Raises ``ExportError`` in one line when
    several papers match (up to ``MAX_CANDIDATES`` listed, title and id) or nothing does
    (with close titles and entity names, when some are).
    """
    papers: set[str] = set()
    if not entities_only:
        papers = {pid for pid, _ in find_papers("id", text.strip(), None)}
        papers |= {pid for pid, _ in find_papers("title", text, None)}
    ents = set(find_entities(text))
    if papers or ents:
        return Center(label=text, papers=frozenset(papers), entities=frozenset(ents))
    folded = fold_title(text)
    if not entities_only and folded:
        for how, words in (("prefix", "starting with"), ("substring", "containing")):
            rows = find_papers(how, folded, MAX_CANDIDATES + 1)
            if len(rows) == 1:
                return Center(label=text, papers=frozenset({rows[0][0]}), entities=frozenset())
            if rows:
                count = f"more than {MAX_CANDIDATES}" if len(rows) > MAX_CANDIDATES else str(len(rows))
                raise ExportError(
                    f"{count} papers have titles {words} {text!r}: {_listed(rows)}; give the id or more of the title"
                )
    close = [repr(name) for name in (close_entities(text) if close_entities else [])]
    if not entities_only and folded:
        close = [f"{_short_title(t)!r} ({pid})" for pid, t in _close_titles(find_papers, folded)] + close
    hint = f" (did you mean {', '.join(close[:MAX_CANDIDATES])}?)" if close else ""
    what = "entity" if entities_only else "paper id, paper title or entity"
    raise ExportError(f"no {what} matches {text!r}{hint}; check the spelling with `kg lookup`")


def resolve_center(graph: Graph, text: str, *, entities_only: bool = False) -> Center:
    """Resolve a paper id, paper title (or a unique title prefix or part) or entity name/alias; see ``name_center``."""
    return name_center(
        text,
        graph_paper_finder(graph),
        lambda t: [e.key for e in find_entities(graph, t)],
        entities_only=entities_only,
        close_entities=_close_entity_names(graph),
    )


def ego_subgraph(g: nx.Graph, graph: Graph, center: Center, depth: int = 1) -> nx.Graph:
    """The nodes within ``depth`` hops of ``center`` in ``g`` (paper or bipartite graph).

    In the paper graph an entity is not a node: its papers are 1 hop away. In
    the bipartite graph hops are counted along paper–entity edges.
    """
    if depth < 0:
        raise ExportError(f"--depth must be 0 or more (got {depth})")
    bipartite = g.graph.get("view") == "bipartite"
    dist: dict[Hashable, int] = {}
    if bipartite:
        for pid in center.papers:
            dist[paper_node(pid)] = 0
        for key in center.entities:
            dist[entity_node(key)] = 0
    else:
        for pid in center.papers:
            dist[pid] = 0
        for link in graph.links:
            if link.entity_key in center.entities and link.paper_id not in dist:
                dist[link.paper_id] = 1
    frontier = sorted((n for n in dist if n in g), key=lambda n: (dist[n], str(n)))
    dist = {n: dist[n] for n in frontier}
    # Multi-source BFS where sources start at different distances.
    queue = list(frontier)
    head = 0
    while head < len(queue):
        node = queue[head]
        head += 1
        if dist[node] >= depth:
            continue
        for nb in g.neighbors(node):
            if nb not in dist:
                dist[nb] = dist[node] + 1
                queue.append(nb)
    keep = [n for n, d in dist.items() if d <= depth]
    return induced_subgraph(g, keep)


def induced_subgraph(g: nx.Graph, nodes: Iterable[Hashable]) -> nx.Graph:
    """A copy of ``g`` restricted to ``nodes``, in ``g``'s node and edge order.

    ``g.subgraph(nodes)`` iterates a small node set in set order, which follows
    the process's string hash seed; Louvain depends on node order, so the same
    input would not always give the same communities.
    """
    keep = set(nodes)
    if g.is_multigraph() or g.is_directed():
        return nx.subgraph_view(g, filter_node=keep.__contains__).copy()
    # What that copy makes (nodes in order, each edge added when first met, attributes copied),
    # adding each edge once instead of from both ends.
    h = g.__class__()
    h.graph.update(g.graph)
    h.add_nodes_from((n, d.copy()) for n, d in g.nodes(data=True) if n in keep)
    h.add_edges_from((a, b, d.copy()) for a, b, d in g.edges(data=True) if a in keep and b in keep)
    return h


def limit_nodes(g: nx.Graph, max_nodes: int | None) -> tuple[nx.Graph, list[Hashable]]:
    """Keep the ``max_nodes`` nodes of highest weighted degree; also return the nodes cut (strongest first)."""
    if max_nodes is None or g.number_of_nodes() <= max_nodes:
        return g, []
    if max_nodes < 1:
        raise ExportError(f"--max-nodes must be at least 1 (got {max_nodes})")
    strength = dict(g.degree(weight="weight"))
    ranked = sorted(g.nodes, key=lambda n: (-strength[n], str(n)))
    return induced_subgraph(g, ranked[:max_nodes]), ranked[max_nodes:]


def thin_edges(g: nx.Graph, per_node: int) -> tuple[nx.Graph, int]:
    """Keep, for every node, its ``per_node`` strongest edges (their union); return the graph and edges cut."""
    keep: set[tuple[Hashable, Hashable]] = set()
    for node, nbrs in g.adj.items():
        if len(nbrs) <= per_node:
            best = list(nbrs)
        else:
            best = heapq.nsmallest(per_node, nbrs, key=lambda nb: (-(nbrs[nb].get("weight") or 0), str(nb)))
        for nb in best:
            keep.add((node, nb) if str(node) <= str(nb) else (nb, node))
    total = g.number_of_edges()
    if len(keep) == total:
        return g, 0
    h = nx.Graph(**g.graph)
    h.add_nodes_from(g.nodes(data=True))
    h.add_edges_from((a, b, g.adj[a][b]) for a, b in sorted(keep, key=lambda e: (str(e[0]), str(e[1]))))
    return h, total - h.number_of_edges()


def communities(g: nx.Graph, *, seed: int = SEED, fast: bool = False) -> list[list[Hashable]]:
    """Louvain communities (seeded), largest first, each sorted; isolated nodes are singletons.

    ``fast``: ``quick_louvain`` instead of networkx's Louvain, for drawings of
    many thousand nodes (networkx takes ~45 s on 20,000 nodes and 220,000 edges).
    """
    if g.number_of_nodes() == 0:
        return []
    if g.number_of_edges() == 0:
        parts: list[set[Hashable]] = [{n} for n in g.nodes]
    elif fast:
        parts = quick_louvain(g, seed=seed)
    else:
        parts = nx.community.louvain_communities(g, weight="weight", seed=seed)
    out = [sorted(p, key=str) for p in parts]
    out.sort(key=lambda c: (-len(c), str(c[0])))
    return out


#: quick_louvain: local-moving passes per level at most (networkx's Louvain runs until no node moves).
QUICK_LOUVAIN_PASSES = 4


def quick_louvain(g: nx.Graph, *, seed: int = SEED, max_passes: int = QUICK_LOUVAIN_PASSES) -> list[set[Hashable]]:
    """Louvain communities (modularity, resolution 1) on plain lists, with at most ``max_passes`` per level.

    The same method as ``networkx.community.louvain_communities`` (move each
    node, in a seeded random order, to the neighbouring community that gains
    most modularity; merge communities into nodes; repeat while it gains), five
    to ten times faster: index arrays instead of graph objects, and a level
    stops after ``max_passes`` passes even if a few nodes still move. The
    result is not the same partition as networkx's.
    """
    import random

    rng = random.Random(seed)
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    adj: list[dict[int, float]] = [{} for _ in nodes]
    loops = [0.0] * len(nodes)  # weight of the edges inside a (merged) node
    for a, b, w in g.edges(data="weight"):
        w = 1.0 if w is None else float(w)
        i, j = index[a], index[b]
        if i == j:
            loops[i] += w
        else:
            adj[i][j] = adj[i].get(j, 0.0) + w
            adj[j][i] = adj[j].get(i, 0.0) + w
    members: list[list[int]] = [[i] for i in range(len(nodes))]
    m2 = sum(sum(a.values()) for a in adj) + 2 * sum(loops)  # twice the total weight
    if m2 <= 0:
        return [{n} for n in nodes]
    while True:
        k = [sum(a.values()) + 2 * loops[i] for i, a in enumerate(adj)]
        comm = list(range(len(adj)))
        tot = k[:]
        order = list(range(len(adj)))
        rng.shuffle(order)
        moved_any = False
        for _ in range(max_passes):
            moves = 0
            for i in order:
                ci, ki = comm[i], k[i]
                links: dict[int, float] = {}
                for j, w in adj[i].items():
                    cj = comm[j]
                    links[cj] = links.get(cj, 0.0) + w
                tot[ci] -= ki
                best, best_gain = ci, links.get(ci, 0.0) - tot[ci] * ki / m2
                for c, w in links.items():
                    gain = w - tot[c] * ki / m2
                    if gain > best_gain:
                        best, best_gain = c, gain
                tot[best] += ki
                if best != ci:
                    comm[i] = best
                    moves += 1
            if not moves:
                break
            moved_any = True
        if not moved_any:
            break
        # Merge each community into one node; edges between them add up.
        label: dict[int, int] = {}
        for c in comm:
            label.setdefault(c, len(label))
        new_adj: list[dict[int, float]] = [{} for _ in label]
        new_loops = [0.0] * len(label)
        new_members: list[list[int]] = [[] for _ in label]
        for i, a in enumerate(adj):
            ci = label[comm[i]]
            new_loops[ci] += loops[i]
            new_members[ci].extend(members[i])
            row = new_adj[ci]
            for j, w in a.items():
                cj = label[comm[j]]
                if cj == ci:
                    new_loops[ci] += w / 2  # seen from both ends
                else:
                    row[cj] = row.get(cj, 0.0) + w
        adj, loops, members = new_adj, new_loops, new_members
    return [{nodes[i] for i in group} for group in members]


def community_labels(
    g: nx.Graph, parts: list[list[Hashable]], *, top: int = 2
) -> list[str]:
    """A short label per community: its most characteristic entity names (count in it × rarity overall)."""
    df: Counter[str] = Counter()
    names_of: dict[Hashable, list[str]] = {}
    for node, data in g.nodes(data=True):
        if data.get("kind") == "entity":
            names = [data["name"]]
        else:
            names = sorted({n for group in data.get("entities", {}).values() for n in group})
        names_of[node] = names
        df.update(names)
    labels = []
    for part in parts:
        counts = Counter(n for node in part for n in names_of.get(node, []))
        # count × share of the entity's papers that are in this community: favours the
        # entities that characterise it over ones common everywhere.
        scored = sorted(
            ((c * c / df[name], name) for name, c in counts.items() if c >= 2 or len(part) == 1),
            key=lambda t: (-t[0], t[1]),
        )
        labels.append(", ".join(name for _, name in scored[:top]))
    return labels


def _spiral(n: int) -> list[tuple[float, float]]:
    """Sunflower (phyllotaxis) points in a unit-ish disc, first point at the centre."""
    golden = math.pi * (3 - math.sqrt(5))
    return [(math.sqrt(i / max(1, n)) * math.cos(i * golden), math.sqrt(i / max(1, n)) * math.sin(i * golden)) for i in range(n)]


def _spring(adj, seed: int, iterations: int):
    """Fruchterman-Reingold positions, scaled into [-1, 1], for each of a stack of weighted adjacency
    matrices of one size (``adj``: graphs x nodes x nodes; returns graphs x nodes x 2).

    The steps of ``networkx.spring_layout(method="force", seed=seed)`` on a graph whose
    ``to_numpy_array`` is one of ``adj`` (so the same positions, to the bit), without
    building the graph and for many graphs at once: a drawing of 20,000 nodes lays out
    about a thousand communities, most of a few dozen nodes.
    """
    import numpy as np

    graphs, n = adj.shape[0], adj.shape[1]
    start = np.asarray(np.random.RandomState(seed).rand(n, 2), dtype=adj.dtype)
    pos = np.repeat(start[np.newaxis], graphs, axis=0)
    k = np.sqrt(1.0 / n)
    t = max(start[:, 0].max() - start[:, 0].min(), start[:, 1].max() - start[:, 1].min()) * 0.1
    dt = t / (iterations + 1)
    moving = np.ones(graphs, dtype=bool)  # networkx stops a graph once its nodes barely move
    across = adj.transpose(0, 2, 1)  # [g, j, i]: the weight between i and j
    for _ in range(iterations):
        # networkx's arithmetic, term by term, with x and y apart and the pairs laid out as
        # [g, j, i], so that summing over j (axis 1) adds the terms in the same order as its
        # einsum: a few times faster than its arrays of (x, y) pairs.
        x, y = pos[:, :, 0], pos[:, :, 1]
        dx = x[:, np.newaxis, :] - x[:, :, np.newaxis]
        dy = y[:, np.newaxis, :] - y[:, :, np.newaxis]
        distance = np.sqrt(dx * dx + dy * dy)
        np.maximum(distance, 0.01, out=distance)
        force = k * k / (distance * distance) - across * distance / k
        fx, fy = (dx * force).sum(axis=1), (dy * force).sum(axis=1)
        length = np.sqrt(fx * fx + fy * fy)
        np.maximum(length, 0.01, out=length)
        step = t / length
        delta_pos = np.stack([fx * step, fy * step], axis=-1)
        delta_pos[~moving] = 0.0
        pos += delta_pos
        t -= dt
        # networkx's test, to the bit, where a rough norm says it may pass.
        rough = np.sqrt(np.einsum("gij,gij->g", delta_pos, delta_pos)) / n
        for one in np.flatnonzero(moving & (rough < 1.001e-4)):
            if np.linalg.norm(delta_pos[one]) / n < 1e-4:
                moving[one] = False
        if not moving.any():
            break
    for p in pos:
        p -= p.mean(axis=0)
        lim = np.abs(p).max()
        if lim > 0:
            p *= 1 / lim
    return pos + np.zeros(2)


def _local_layouts(
    parts: list[list[Hashable]],
    edges: list[list[tuple[Hashable, Hashable, float]]],
    seed: int,
    quick: bool = False,
    strength: Callable[[int], Mapping[Hashable, float]] | None = None,
) -> list[dict[Hashable, tuple[float, float]]]:
    """Positions of each community in the unit disc: spring layout, or a spiral by strength when huge.

    ``edges[i]``: community ``i``'s own edges as ``(a, b, weight)``; ``strength(i)``: each of
    its nodes' weighted degree in it (default: summed over ``edges[i]`` in their order).
    ``quick``: the spiral above 100 nodes and fewer spring iterations below (``_even_out``
    spreads the nodes anyway), for drawings of many thousand nodes. Communities of one
    size are laid out together (``_spring``).
    """
    import numpy as np

    out: list[dict[Hashable, tuple[float, float]]] = [{} for _ in parts]
    by_size: dict[int, list[int]] = defaultdict(list)
    for i, part in enumerate(parts):
        n = len(part)
        nodes = sorted(part, key=str)
        if n == 1:
            out[i] = {nodes[0]: (0.0, 0.0)}
        elif n > (100 if quick else 400) or not edges[i]:
            # networkx's sparse spring layout (n >= 500) needs scipy; a spiral, strongest in the middle, reads fine.
            if strength is not None:
                weighted = strength(i)
            else:
                weighted = dict.fromkeys(nodes, 0.0)
                for a, b, w in edges[i]:
                    weighted[a] += w
                    weighted[b] += w
            ranked = sorted(nodes, key=lambda x: (-weighted[x], str(x)))
            out[i] = dict(zip(ranked, _spiral(n)))
        else:
            by_size[n].append(i)
    for size, same in sorted(by_size.items()):
        iterations = 15 if quick else (50 if size <= 150 else 30)
        step = max(1, 2_000_000 // (size * size))  # graphs per stack: arrays of a few tens of MB at most
        for first in range(0, len(same), step):
            batch = same[first : first + step]
            adj = np.zeros((len(batch), size, size))
            order = [sorted(parts[i], key=str) for i in batch]
            for slot, i in enumerate(batch):
                index = {node: j for j, node in enumerate(order[slot])}
                for a, b, w in edges[i]:
                    adj[slot, index[a], index[b]] = adj[slot, index[b], index[a]] = w
            for slot, pos in enumerate(_spring(adj, seed, iterations)):
                out[batch[slot]] = _even_out({node: (float(x), float(y)) for node, (x, y) in zip(order[slot], pos)})
    return out


def _strength_within(g: nx.Graph, part: list[Hashable]) -> dict[Hashable, float]:
    """Weighted degree of each node of ``part`` counting only the edges inside it (``g.subgraph(part)``'s)."""
    return dict(g.subgraph(part).degree(weight="weight"))


def _close_pairs(x, reach: float):
    """Index pairs ``(i, j)``, ``i != j``, whose ``x`` differ by less than ``reach`` (in no order)."""
    import numpy as np

    order = np.argsort(x, kind="stable")
    xs = x[order]
    lo = np.searchsorted(xs, xs - reach, side="left")
    hi = np.searchsorted(xs, xs + reach, side="right")
    counts = hi - lo
    first = np.repeat(np.arange(len(x)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    i, j = order[first], order[np.repeat(lo, counts) + offset]
    keep = i != j
    return i[keep], j[keep]


def _push_apart(centres, radii, gap: float, steps: int, pushes: int):
    """Alternate a pull to the middle with pushing apart discs (``radii``, ``gap`` between) that overlap.

    Each push moves a disc by half of each overlap, away from the other disc, the pushes on
    a disc summed in the order of the other discs. Up to a few hundred discs every pair is
    measured, x and y apart; past that only the pairs close enough along x (sorting by x):
    the same sums, term by term, as over every pair (less the zeros), in a fraction of the time.
    """
    import numpy as np

    k = len(centres)
    if k <= 300:
        # Pairs as [j, i] (disc i pushed by disc j), so that summing over j (axis 0) adds in order.
        off = 1 - np.eye(k)
        need = radii[np.newaxis, :] + radii[:, np.newaxis] + gap
    reach = (2 * float(radii.max()) + gap) * (1 + 1e-9) + 1e-6  # no two discs farther apart along x overlap
    for step in range(steps):
        if step < steps * 2 // 3:
            centres = centres - 0.08 * (centres - centres.mean(0))
        for _ in range(pushes):
            if k <= 300:
                x, y = centres[:, 0], centres[:, 1]
                dx = x[np.newaxis, :] - x[:, np.newaxis]
                dy = y[np.newaxis, :] - y[:, np.newaxis]
                dist = np.sqrt(dx * dx + dy * dy) + (1 - off)
                overlap = np.clip(need - dist, 0, None) * off
                if not overlap.any():
                    break
                half = overlap / 2
                push = np.stack([((dx / dist) * half).sum(axis=0), ((dy / dist) * half).sum(axis=0)], axis=1)
            else:
                i, j = _close_pairs(centres[:, 0], reach)
                dx = centres[i, 0] - centres[j, 0]
                dy = centres[i, 1] - centres[j, 1]
                dist = np.sqrt(dx**2 + dy**2)
                overlap = np.clip((radii[i] + radii[j] + gap) - dist, 0, None)
                hit = np.flatnonzero(overlap > 0)
                if not len(hit):
                    break
                hit = hit[np.lexsort((j[hit], i[hit]))]
                i, dx, dy, dist, half = i[hit], dx[hit], dy[hit], dist[hit], overlap[hit] / 2
                push = np.stack(
                    [np.bincount(i, (dx / dist) * half, minlength=k), np.bincount(i, (dy / dist) * half, minlength=k)],
                    axis=1,
                )
            centres = centres + push
    return centres


def _even_out(pos: dict[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
    """Keep each node's direction from the centre and its rank in distance, spread evenly over the disc.

    A spring layout packs a community's core into a blob with a few outliers;
    this keeps who is central and who is beside whom, but gives every node room.
    """
    n = len(pos)
    cx = sum(x for x, _ in pos.values()) / n
    cy = sum(y for _, y in pos.values()) / n
    ranked = sorted(pos, key=lambda k: (math.hypot(pos[k][0] - cx, pos[k][1] - cy), str(k)))
    out = {}
    for i, k in enumerate(ranked):
        dx, dy = pos[k][0] - cx, pos[k][1] - cy
        d = math.hypot(dx, dy) or 1.0
        r = math.sqrt((i + 0.5) / n)
        out[k] = (dx / d * r, dy / d * r)
    return out


def layout(
    g: nx.Graph, parts: list[list[Hashable]], *, spacing: float = 60.0, seed: int = SEED, quick: bool = False
) -> dict[Hashable, tuple[float, float]]:
    """Positions in pixels: communities laid out apart (super-graph spring layout), each laid out inside.

    ``quick``: fewer spring iterations inside communities, for drawings of many thousand nodes.

    Singletons (papers linked to nothing) go in a grid below the drawing.
    """
    import numpy as np

    groups = [p for p in parts if len(p) > 1]
    singles = [p[0] for p in parts if len(p) == 1]
    pos: dict[Hashable, tuple[float, float]] = {}
    if groups:
        index = {node: i for i, part in enumerate(groups) for node in part}
        radii = np.array([spacing * 0.62 * math.sqrt(len(p)) + spacing * 0.5 for p in groups])
        k = len(groups)
        # One pass over the edges: each community's own, and the weight between communities
        # (summed in edge order, as a networkx super-graph summed them).
        inner: list[list[tuple[Hashable, Hashable, float]]] = [[] for _ in groups]
        between: dict[tuple[int, int], float] = {}
        for a, b, w in g.edges(data="weight"):
            ia, ib = index.get(a), index.get(b)
            if ia is None or ib is None:
                continue
            if ia == ib:
                inner[ia].append((a, b, 1 if w is None else w))
            elif 1 < k <= 400:
                pair = (ia, ib) if ia < ib else (ib, ia)
                between[pair] = between.get(pair, 0.0) + (w or 1.0)
        if k == 1:
            centres = np.zeros((1, 2))
        elif k <= 400:
            sup = np.zeros((k, k))
            for (ia, ib), w in between.items():
                sup[ia, ib] = sup[ib, ia] = w
            centres = _spring(sup[np.newaxis], seed, 50)[0]
        else:
            centres = np.array(_spiral(k), dtype=float)
        # Scale so the discs roughly fit, then alternate a pull to the middle (so separate
        # components do not drift far away) with pushing overlapping discs apart.
        centres = centres * radii.sum() * 0.6
        # Many communities get fewer rounds.
        steps, pushes = (120, 8) if k <= 150 and not quick else (40, 4)
        centres = _push_apart(centres, radii, spacing * 0.5, steps, pushes)
        if quick:
            strength = None  # the community's edges in g's order: as a graph of them would sum
        else:
            strength = lambda i: _strength_within(g, groups[i])  # noqa: E731
        for i, local in enumerate(_local_layouts(groups, inner, seed, quick, strength)):
            cx, cy = centres[i]
            for node, (x, y) in local.items():
                pos[node] = (float(cx + x * radii[i]), float(cy + y * radii[i]))
    if singles:
        ys = [y for _, y in pos.values()] or [0.0]
        xs = [x for x, _ in pos.values()] or [0.0]
        cols = max(1, int(math.ceil(math.sqrt(len(singles) * 2))))
        left = (min(xs) + max(xs)) / 2 - (cols - 1) * spacing / 2
        top = max(ys) + spacing * 2 if pos else 0.0
        for i, node in enumerate(sorted(singles, key=str)):
            pos[node] = (left + (i % cols) * spacing, top + (i // cols) * spacing)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}
