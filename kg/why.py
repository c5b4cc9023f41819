"""Provenance: why a paper is linked to an entity, and why two papers are linked.

``why_entity(store, paper, entity)`` reads the paper's ``MENTIONS`` of the entity
(and of its variants): role, count, the evidence sentence with the entity marked
``[[like this]]``, and every other property the store keeps on the link (character
offsets, the rule that found it) whenever one is there.

``why_papers(store, a, b)`` reads what two papers share and the weight of the
link the explorer draws between them. The weight is computed by
``kg.graph.paper_graph`` itself, on the two papers with the whole graph's
mention counts, so it is the explorer's number (very common entities that the
papers view leaves out link nothing here either).

Both read only the papers named (keyed lookups), plus, for the weight, one
aggregate of every entity's mention count.

>>> mark("On GSM8K, we beat gsm-8k baselines.", ["GSM8K", "GSM-8K"])[0]
'On [[GSM8K]], we beat [[gsm-8k]] baselines.'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from kg import graph as kgraph
from kg.errors import KgError
from kg.model import Entity, EntityType, Graph, Link, Paper, Role
from kg.store.base import Store, span_pairs

__all__ = [
    "PaperRef",
    "MentionWhy",
    "EntityWhy",
    "SharedEntity",
    "PairWhy",
    "find_paper",
    "mark",
    "why",
    "why_entity",
    "why_papers",
    "LINK_FIELDS",
    "PROVENANCE_ORDER",
]

#: Properties of a MENTIONS link every store has; any other one is provenance, shown when set.
LINK_FIELDS = ("role", "count", "evidence")
#: Provenance properties listed first, in this order; others follow alphabetically.
PROVENANCE_ORDER = ("start", "stop", "spans", "title_spans", "rule")
_SPAN_FIELDS = frozenset(("spans", "title_spans"))


def _flat(stored: Any) -> list[int]:
    """Stored occurrences (text, or a list in older graphs) as the flat ``[start0, stop0, ...]``."""
    return [x for pair in span_pairs(stored) for x in pair]
#: Candidates listed when a paper prefix is ambiguous.
MAX_CANDIDATES = 5
_ROLES = {role.value: role for role in Role}
# What match_key ignores inside a name: spaces, hyphens, underscores, dashes.
_SEPARATORS = r"[\s\-_\u2010-\u2015]*"


@dataclass(frozen=True)
class PaperRef:
    """A paper as ``kg why`` names it."""

    id: str
    title: str


@dataclass
class MentionWhy:
    """One ``MENTIONS`` link: what the paper does with the entity, and the sentence that shows it."""

    entity_key: str
    name: str
    type: str
    role: str
    count: int
    evidence: str
    marked: str  # the evidence with each mention of the entity as [[...]]
    spans: list[tuple[int, int]]  # character offsets of those mentions in ``evidence``
    via: str | None = None  # the family asked for, when the paper names this variant of it
    # e.g. {"start": 120, "stop": 129, "spans": [120, 129, 300, 309], "rule": "..."} (kg.store.base.where_fields)
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class EntityWhy:
    """``kg why PAPER ENTITY``."""

    paper: PaperRef
    entity: str  # as the user wrote it
    mentions: list[MentionWhy]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return {"kind": "entity", **asdict(self)}


@dataclass
class SharedEntity:
    """An entity two papers both mention."""

    key: str
    name: str
    type: str
    role_a: str
    role_b: str
    papers: int  # papers mentioning it in the whole graph
    weight: float  # its rarity, 1/log2(1 + papers)
    links: bool  # False: of a type left out, or too common to link papers in the explorer


@dataclass
class PairWhy:
    """``kg why PAPER PAPER``."""

    a: PaperRef
    b: PaperRef
    shared: list[SharedEntity]
    weight: float  # the explorer's edge weight (0.0: no edge)
    n_shared: int  # shared entities that link them
    types: list[str] | None = None  # the entity types that count (None: all)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return {"kind": "papers", **asdict(self)}


# -- finding a paper ----------------------------------------------------------------------


def find_paper(store: Store, text: str) -> PaperRef:
    """The paper whose id is ``text``, else whose title equals, starts with or contains it (case-blind).

    Raises ``KgError`` when none matches, or when several do at the first of
    those steps that matches any (the message lists some).
    """
    ref = _find_paper(store, text)
    if ref is None:
        raise KgError(f"no paper has the id or a title containing {text.strip()!r}; list ids with `kg query 'MATCH (p:Paper) RETURN p.id, p.title'`")
    return ref


def _find_paper(store: Store, text: str) -> PaperRef | None:
    text = text.strip()
    if not text:
        raise KgError("the paper is empty; give its id or part of its title")
    rows = store.query("MATCH (p:Paper {id: $id}) RETURN p.id, p.title", {"id": text}).rows
    if rows:
        return PaperRef(rows[0][0], rows[0][1] or "")
    folded = " ".join(text.split()).lower()
    for op in ("=", "STARTS WITH", "CONTAINS"):
        rows = store.query(
            f"MATCH (p:Paper) WHERE toLower(p.title) {op} $t RETURN p.id, p.title ORDER BY p.id LIMIT $n",
            {"t": folded, "n": MAX_CANDIDATES + 1},
        ).rows
        if len(rows) == 1:
            return PaperRef(rows[0][0], rows[0][1] or "")
        if rows:
            how = {"=": "have the title", "STARTS WITH": "have titles starting with", "CONTAINS": "have titles containing"}[op]
            listed = "; ".join(f"{pid} {_short(title or '')!r}" for pid, title in rows[:MAX_CANDIDATES])
            more = ", ..." if len(rows) > MAX_CANDIDATES else ""
            raise KgError(f"{len(rows) if not more else 'more than ' + str(MAX_CANDIDATES)} papers {how} {text!r}: {listed}{more}; give the id")
    return None


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# -- marking ------------------------------------------------------------------------------


def mark(text: str, forms: list[str], left: str = "[[", right: str = "]]") -> tuple[str, list[tuple[int, int]]]:
    """``text`` with every occurrence of any of ``forms`` wrapped in ``left``/``right``, and their spans.

    Case-blind, and blind to the spaces, hyphens and underscores inside a name
    (as entity lookups are: "GSM-8K" marks "GSM8K"); a form starting or ending
    with a letter or digit only matches a whole word there. Longest match wins.
    """
    patterns = []
    for form in sorted({f.strip() for f in forms if f and f.strip()}, key=lambda f: (-len(f), f)):
        pieces = [re.escape(ch) for ch in re.sub(_SEPARATORS, "", form)] if re.search(r"\w", form) else []
        if not pieces:
            continue
        body = _SEPARATORS.join(pieces)
        start = r"(?<!\w)" if re.match(r"\w", form) else ""
        end = r"(?!\w)" if re.search(r"\w$", form) else ""
        patterns.append(start + body + end)
    if not patterns or not text:
        return text, []
    spans = [m.span() for m in re.finditer("|".join(f"(?:{p})" for p in patterns), text, re.IGNORECASE)]
    spans = [(a, b) for a, b in spans if b > a]
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], left, text[a:b], right]
        last = b
    out.append(text[last:])
    return "".join(out), spans


# -- why PAPER ENTITY ---------------------------------------------------------------------


def _paper_links(store: Store, pid: str) -> list[tuple[str, str, str, list[str], dict[str, Any]]]:
    """Every MENTIONS link of a paper: entity key, name, type, aliases, the link's properties."""
    res = store.query(
        "MATCH (p:Paper {id: $id}) OPTIONAL MATCH (p)-[m:MENTIONS]->(e:Entity) "
        "RETURN e.key, e.name, e.type, e.aliases, m ORDER BY e.key",
        {"id": pid},
    )
    return [(k, n, t, list(a or []), dict(m or {})) for k, n, t, a, m in res.rows if k is not None]


def why_entity(store: Store, paper: str | PaperRef, entity: str) -> EntityWhy:
    """How ``paper`` (id or title) mentions ``entity`` (name or alias), directly or through a variant.

    Raises ``KgError`` when the paper or the entity is unknown, or the paper does not mention it.
    """
    ref = paper if isinstance(paper, PaperRef) else find_paper(store, paper)
    hits = store.lookup(entity, limit=1)
    if not hits:
        close = store.suggest(entity)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KgError(f"no entity named {entity!r}{hint}")
    return _why_hits(store, ref, entity, hits)


def _why_hits(store: Store, ref: PaperRef, entity: str, hits: list[Any]) -> EntityWhy:
    wanted = {h.key: None for h in hits}
    # A family (Qwen2.5) is mentioned through its variants (Qwen2.5-7B), as `kg lookup` lists them.
    families = [h.key for h in hits if h.variants]
    if families:
        for vkey, family in store.query(
            "UNWIND $keys AS k MATCH (f:Entity {key: k}) MATCH (v:Entity)-[:VARIANT_OF]->(f) RETURN v.key, f.name",
            {"keys": families},
        ).rows:
            wanted.setdefault(vkey, family)
    links = _paper_links(store, ref.id)
    mentions = []
    for key, name, etype, aliases, props in links:
        if key not in wanted:
            continue
        evidence = props.get("evidence") or ""
        marked, spans = mark(evidence, [name, *aliases])
        props = {k: _flat(v) if k in _SPAN_FIELDS else v for k, v in props.items()}
        provenance = {k: v for k, v in props.items() if k not in LINK_FIELDS and v is not None and v != "" and v != []}
        order = {k: i for i, k in enumerate(PROVENANCE_ORDER)}
        provenance = dict(sorted(provenance.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
        mentions.append(
            MentionWhy(
                entity_key=key,
                name=name,
                type=etype,
                role=props.get("role") or "",
                count=int(props.get("count") or 1),
                evidence=evidence,
                marked=marked,
                spans=spans,
                via=wanted[key],
                provenance=provenance,
            )
        )
    if not mentions:
        names = ", ".join(f"{h.name} ({h.type})" for h in hits)
        named = ", ".join(n for _, n, *_ in links[:8]) + (", ..." if len(links) > 8 else "")
        what = f"it mentions: {named}" if links else "it mentions no entity"
        raise KgError(f"paper {ref.id} does not mention {names}; {what}")
    mentions.sort(key=lambda m: (m.via is not None, m.via or "", m.name, m.entity_key))
    return EntityWhy(paper=ref, entity=entity, mentions=mentions)


# -- why PAPER PAPER ----------------------------------------------------------------------


def why_papers(store: Store, a: str | PaperRef, b: str | PaperRef, *, types: list[str] | None = None) -> PairWhy:
    """What papers ``a`` and ``b`` share, and the weight of their link in the explorer's papers view.

    ``types``: only entities of these types link papers (``kg export --type``).
    Raises ``KgError`` when a paper is unknown, both are the same, or they share nothing.
    """
    ra = a if isinstance(a, PaperRef) else find_paper(store, a)
    rb = b if isinstance(b, PaperRef) else find_paper(store, b)
    if ra.id == rb.id:
        raise KgError(f"both name paper {ra.id}; give two different papers")
    type_values = sorted({t.value for t in kgraph.parse_types(types)}) if types else None
    la = {k: (n, t, a_, p) for k, n, t, a_, p in _paper_links(store, ra.id)}
    lb = {k: (n, t, a_, p) for k, n, t, a_, p in _paper_links(store, rb.id)}
    common = sorted(set(la) & set(lb))
    if not common:
        raise KgError(f"papers {ra.id} and {rb.id} share no entity")
    # The whole graph's mention counts, as kg.export.select reads them for a drawing.
    from kg.export.select import _Filter, _mention_counts

    df = _mention_counts(store, _Filter(None), type_values)
    papers_of = df if type_values is None else _mention_counts(store, _Filter(None), None)
    both = {**lb, **la}
    entities = [Entity(key=k, name=v[0], type=EntityType(v[1]), aliases=tuple(v[2])) for k, v in sorted(both.items())]
    links = [Link(paper_id=ra.id, entity_key=k, role=_ROLES[la[k][3]["role"]]) for k in la]
    links += [Link(paper_id=rb.id, entity_key=k, role=_ROLES[lb[k][3]["role"]]) for k in lb]
    pair = Graph(papers=[Paper(id=ra.id, title=ra.title, abstract=""), Paper(id=rb.id, title=rb.title, abstract="")],
                 entities=entities, links=links)  # fmt: skip
    g = kgraph.paper_graph(pair, types=type_values, df=df)
    edge = g.get_edge_data(ra.id, rb.id) or {}
    linking = {(t, name) for t, names in (edge.get("shared") or {}).items() for name in names}
    shared = []
    for k in common:
        name, etype = la[k][0], la[k][1]
        n = papers_of.get(k, 0)
        shared.append(
            SharedEntity(
                key=k,
                name=name,
                type=etype,
                role_a=la[k][3].get("role") or "",
                role_b=lb[k][3].get("role") or "",
                papers=n,
                weight=round(kgraph.rarity(n), 6) if n else 0.0,
                links=(etype, name) in linking,
            )
        )
    shared.sort(key=lambda s: (not s.links, -s.weight, s.name.lower(), s.key))
    return PairWhy(
        a=ra,
        b=rb,
        shared=shared,
        weight=float(edge.get("weight") or 0.0),
        n_shared=int(edge.get("n_shared") or 0),
        types=type_values,
    )


def why(store: Store, paper: str, other: str, *, types: list[str] | None = None) -> EntityWhy | PairWhy:
    """``kg why PAPER OTHER``: OTHER is an entity when a name or alias matches it, else a paper.

    An OTHER that is both an entity name and part of a paper title means the
    entity; give the paper's id to compare two papers.
    """
    ref = find_paper(store, paper)
    if not other.strip():
        raise KgError("the second argument is empty; give an entity name or a paper id")
    hits = store.lookup(other, limit=1)
    if hits:
        return _why_hits(store, ref, other, hits)
    second = _find_paper(store, other)
    if second is not None:
        return why_papers(store, ref, second, types=types)
    close = store.suggest(other)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise KgError(f"no entity or paper matches {other!r}{hint}")
