"""The Store interface shared by the embedded store and Neo4j.

Everything above ``write`` and ``query`` is written once here in the Cypher
dialect both stores understand (no map projections, no ``any(x IN ...)`` with
parameters, ``ORDER BY`` inside ``WITH`` only with ``LIMIT``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from kg.errors import InputError
from kg.model import Entity, EntityType, Graph, Link, Naming, Paper, Role, Variant
from kg.store.writer import BATCH_SIZE, Writer, WriteResult
from kg.text import match_key, title_id

__all__ = [
    "QueryResult",
    "WriteResult",
    "Writer",
    "LookupHit",
    "Store",
    "batched",
    "paper_row",
    "entity_row",
    "link_row",
    "where_fields",
    "flat_spans",
    "span_pairs",
    "STATS_KEYS",
    "RemoveResult",
    "UNHELD",
    "MAX_ROUNDS",
    "orphan_rounds",
]

#: Keys of ``Store.stats()``; identical on both stores.
STATS_KEYS = ("papers", "entities", "mentions", "variants", "names", "entities_by_type", "mentions_by_role")


@dataclass(frozen=True)
class QueryResult:
    """Rows of a Cypher query, values as plain Python (str, int, float, list, dict, None)."""

    columns: list[str]
    rows: list[list[Any]]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclass
class LookupHit:
    """An entity found by ``lookup`` with the papers that mention it."""

    key: str
    name: str
    type: str
    aliases: list[str]
    papers: list[dict[str, Any]] = field(default_factory=list)  # {id, title, role, evidence, via}
    family: str | None = None  # the family this entity is a variant of
    variants: list[str] = field(default_factory=list)  # its own variants, by name
    total: int = 0  # papers in all (own and via variants); ``papers`` holds the first page


@dataclass
class RemoveResult:
    """What ``Store.remove_papers`` removed (or, ``dry_run``, would remove)."""

    papers: list[dict[str, Any]]  # {id, title, date, source}, by id
    entities: list[dict[str, Any]]  # {key, name, type}: left with no paper, by key
    links: int  # MENTIONS
    variants: int  # VARIANT_OF edges of the entities that go
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-able values."""
        return {
            "dry_run": self.dry_run,
            "papers": self.papers,
            "entities": self.entities,
            "links": self.links,
            "variants": self.variants,
        }


def batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def paper_row(paper: Paper, extractor_version: str) -> dict[str, Any]:
    """A paper as the parameter row both stores write."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.date or "",
        "url": paper.url or "",
        "source": paper.source,
        "tkey": title_id(paper.title),
        "hash": paper.content_hash,
        "extractor": extractor_version,
        "upvotes": paper.upvotes,
    }


def entity_row(entity: Entity) -> dict[str, Any]:
    """An entity as the parameter row both stores write.

    ``keys`` holds the match keys of the name and every alias, so lookups are
    a plain ``$k IN e.keys`` in both dialects.
    """
    keys = sorted({match_key(entity.name), *(match_key(a) for a in entity.aliases)})
    return {
        "key": entity.key,
        "name": entity.name,
        "type": entity.type.value,
        "aliases": list(entity.aliases),
        "keys": keys,
    }


def link_row(link: Link) -> dict[str, Any]:
    """A MENTIONS link as the parameter row both stores write (offsets as ``where_fields``)."""
    return {
        "paper": link.paper_id,
        "entity": link.entity_key,
        "role": link.role.value,
        "count": link.count,
        "evidence": link.evidence,
        **where_fields(link.spans, link.title_spans),
        "rule": link.rule or None,
    }


def where_fields(spans: Sequence[tuple[int, int]], title_spans: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """Where a paper names an entity, as MENTIONS properties (``end`` is a reserved word in
    LadybugDB):

    ``start``, ``stop``   the first occurrence in the abstract: ``p.abstract[start:stop]``
                          (0-based, in characters; null when only the title names it);
    ``spans``             every occurrence in the abstract, as text: ``"start0 stop0 start1 stop1 ..."``;
    ``title_spans``       the same for the title.

    None where there is none (Neo4j then stores no property at all). The occurrences are
    text, not lists: LadybugDB checkpoints a list column of a relationship table in time
    that grows with the square of its rows (830k links: 2 minutes against 2 seconds), and
    lists of pairs are no property values in Neo4j anyway. ``span_pairs`` reads them back.
    """
    first = spans[0] if spans else (None, None)
    return {
        "start": first[0],
        "stop": first[1],
        "spans": flat_spans(spans),
        "title_spans": flat_spans(title_spans),
    }


def flat_spans(pairs: Sequence[tuple[int, int]]) -> str | None:
    """``[(120, 129), (300, 309)]`` as the stored ``"120 129 300 309"`` (None for none)."""
    if len(pairs) == 1:  # (the usual case: a big build writes this for every link)
        a, b = pairs[0]
        return f"{a} {b}"
    return " ".join(f"{a} {b}" for a, b in pairs) or None


def span_pairs(stored: Any) -> list[tuple[int, int]]:
    """Stored occurrences as (start, stop) pairs: the text ``flat_spans`` writes, or the flat
    integer list graphs built before it hold; None, "" or garbage: none."""
    if isinstance(stored, str):
        try:
            flat = [int(x) for x in stored.split()]
        except ValueError:
            return []
    elif isinstance(stored, (list, tuple)):
        flat = [int(x) for x in stored if isinstance(x, int)]
    else:
        return []
    return list(zip(flat[0::2], flat[1::2]))


# -- which entities a graph keeps ----------------------------------------------------------
# One rule, used by every path that deletes entities (a build's sweep, ``kg remove``, a
# curation) and by every place that decides in Python what a graph would keep: an entity
# stays while
#   (a) a paper MENTIONS it; or
#   (b) it is the family of a variant that stays ("Qwen2.5-VL" of a mentioned
#       "Qwen2.5-VL-7B"; a chain of families made by ``kg family`` holds link by link); or
#   (c) a paper NAMES it: a checkpoint the paper named only beside its system
#       ("MusicGen-Large" beside "MusicGen": the paper's MENTIONS goes to the system, its
#       NAMES to the checkpoint, see ``kg.resolve``, "Variants").
# Deleting whatever the rule does not hold, round after round until a round deletes
# nothing, leaves its fixed point: what a fresh build of the same papers writes (every
# clause is a fact a build of the remaining papers writes again; tests/test_orphan_rule.py).
#
# Graphs built before NAMES existed held a checkpoint by its family's MENTIONS instead. The
# writable open that finds no NAMES (``Store.MARK_UNNAMED_CHECKPOINTS``, run by each store)
# marks the papers that mention the family of such a checkpoint for re-extraction (their
# extractor version is blanked, the input fingerprints forgotten): until the next build reads
# them again the checkpoint is held by nothing (a sweep that reaches it deletes it), and that
# build writes the papers' NAMES again (the checkpoint with them): the graph a fresh build
# writes (tests/test_store_migrate.py). A paper no later build reads keeps its blank version.

#: The rule as a Cypher ``WHERE`` over an entity ``e``: true when nothing holds it. Each
#: clause is one hop from ``e`` (LadybugDB follows ``e``'s own edges; tests/test_orphan_rule.py
#: checks the plans).
UNHELD = "NOT (e)<-[:MENTIONS]-(:Paper) AND NOT (e)<-[:NAMES]-(:Paper) AND NOT (e)<-[:VARIANT_OF]-(:Entity)"

#: Rounds of deletion before a sweep stops (it stops sooner, at the first round that deletes
#: nothing). A round takes one link off the bottom of each family chain, and chains are a few
#: links long (``kg family`` refuses cycles); a longer one loses the rest at the next sweep.
MAX_ROUNDS = 100


def orphan_rounds(
    candidates: Iterable[str], linked: Iterable[str], edges: Iterable[tuple[str, str]]
) -> list[set[str]]:
    """The candidates the rule deletes (see ``UNHELD``), round by round, as the stores delete them.

    ``candidates`` may go (every other entity stays); ``linked`` are keys a paper mentions
    or names (clauses a and c); ``edges`` are VARIANT_OF (variant, family) pairs, at least
    every one whose family is a candidate.

    >>> edges = {("sketchnetlarge", "sketchnet"), ("sketchnet7b", "sketchnet")}
    >>> orphan_rounds({"sketchnetlarge", "sketchnet"}, {"sketchnet", "sketchnetlarge"}, edges)
    []
    >>> orphan_rounds({"sketchnetlarge", "sketchnet"}, {"sketchnet"}, edges)
    [{'sketchnetlarge'}]
    >>> orphan_rounds({"sketchnetlarge", "sketchnet"}, set(), {("sketchnetlarge", "sketchnet")})
    [{'sketchnetlarge'}, {'sketchnet'}]
    """
    variants: dict[str, set[str]] = {}
    for v, f in edges:
        variants.setdefault(f, set()).add(v)
    left = set(candidates) - set(linked)
    gone: set[str] = set()
    rounds: list[set[str]] = []
    while True:
        now = {k for k in left if not (variants.get(k, set()) - gone)}
        if not now:
            return rounds
        rounds.append(now)
        gone |= now
        left -= now


class Store(ABC):
    """A graph store: writes a ``Graph`` idempotently, answers Cypher."""

    #: "embedded" or "neo4j"
    kind: str = ""

    # -- what each store implements -------------------------------------------------
    @abstractmethod
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; read-only unless ``write`` (raises ``QueryRejected``)."""

    @abstractmethod
    def _write_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        """Run one ``UNWIND $rows`` statement in a write transaction."""

    def _write_steps(self, steps: list[tuple[str, list[dict[str, Any]]]]) -> None:
        """Several ``UNWIND $rows`` statements in ONE write transaction: all of them or none."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------
    @contextmanager
    def _write_session(self) -> Iterator[None]:
        """Held around a whole build's writes (the embedded data lock, the Neo4j lease)."""
        yield

    def _is_empty(self) -> bool:
        """Whether the store holds no paper and no entity (a first build may then load in bulk).

        Entities without papers (left by an older ``kg remove``, or a hand-written query) rule
        the bulk path out: COPY into a table holding their keys fails (LadybugDB then crashes).
        """
        return not (
            self.query("MATCH (p:Paper) RETURN p.id LIMIT 1").rows
            or self.query("MATCH (e:Entity) RETURN e.key LIMIT 1").rows
        )

    def _has_names(self) -> bool:
        """Whether NAMES can be read (a graph from before NAMES, opened read-only, has no table)."""
        return True

    # A graph from before NAMES held a checkpoint ("MusicGen-Large": a VARIANT_OF edge, no
    # MENTIONS, no variant of its own) by its family's MENTIONS. The papers that mention such a
    # family are marked to be extracted again (see "which entities a graph keeps"); run once,
    # before the graph has NAMES (so the statement need not name them: an older LadybugDB
    # graph has no such table yet).
    MARK_UNNAMED_CHECKPOINTS = (
        "MATCH (c:Entity)-[:VARIANT_OF]->(f:Entity) WHERE NOT (c)<-[:MENTIONS]-(:Paper) "
        "AND NOT (c)<-[:VARIANT_OF]-(:Entity) "
        "MATCH (p:Paper)-[:MENTIONS]->(f) SET p.extractor = '' RETURN count(p)"
    )

    def _bulk_files(self) -> Any:
        """Files for a bulk first load, or None where the store has no bulk path."""
        return None

    def _bulk_load(self, files: Any, variant_rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    @contextmanager
    def writer(
        self,
        extractor_version: str,
        *,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Writer]:
        """A ``Writer`` for one build, inside the store's write session (see ``kg.store.writer``)."""
        with self._write_session():
            bulk = self._bulk_files() if self._is_empty() else None
            try:
                yield Writer(self, extractor_version, batch_size=batch_size, progress=progress, bulk=bulk)
            finally:
                if bulk is not None:
                    bulk.close()

    def write(
        self,
        graph: Graph,
        *,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> WriteResult:
        """Write ``graph`` idempotently; papers whose text and extractor are unchanged are skipped.

        A changed paper loses its old MENTIONS and NAMES before the new ones are written,
        so no stale link survives; its content hash is stored last, so a build
        that dies half-way is redone by the next one. Aliases merge with those
        already stored; entities the graph no longer holds (``UNHELD``) are removed. A paper
        stored under its title hash and now known by its arXiv id (or the other
        way round) stays one node. ``progress`` gets the number of rows just written.
        """
        with self.writer(graph.extractor_version, batch_size=batch_size, progress=progress) as w:
            changed, renamed = w.triage(graph.papers)
            w.papers(changed)
            changed_ids = {p.id for p in changed}
            links = [
                replace(l, paper_id=renamed[l.paper_id]) if l.paper_id in renamed else l for l in graph.links
            ]
            links = [l for l in links if l.paper_id in changed_ids]
            names = [
                replace(n, paper_id=renamed[n.paper_id]) if n.paper_id in renamed else n for n in graph.names
            ]
            names = [n for n in names if n.paper_id in changed_ids]
            used = {l.entity_key for l in links} | {n.entity_key for n in names}
            used_variants = [v for v in graph.variants if v.variant_key in used or v.family_key in used]
            # A variant's family must exist even when only the variant was mentioned.
            needed = used | {v.family_key for v in used_variants} | {v.variant_key for v in used_variants}
            w.entities([e for e in graph.entities if e.key in needed])
            w.links(links)
            w.names(names)
            return w.finish(used_variants)

    # Every lookup below is keyed (UNWIND + a primary-key MATCH), so its cost follows the
    # batch, not the graph: LadybugDB runs ``WHERE p.id IN $ids`` as a scan of the table.
    def _known_hashes(self, ids: list[str]) -> dict[str, tuple[str, str, bool, int | None]]:
        """Stored papers among ``ids``: (content hash, extractor version, has an abstract, upvotes)."""
        known: dict[str, tuple[str, str, bool, int | None]] = {}
        for chunk in batched(ids, 5000):
            res = self.query(
                "UNWIND $ids AS i MATCH (p:Paper {id: i}) "
                "RETURN p.id, p.hash, p.extractor, size(p.abstract) > 0, p.upvotes",
                {"ids": list(chunk)},
            )
            known.update({pid: (h or "", v or "", bool(a), u) for pid, h, v, a, u in res.rows})
        return known

    def _linked_entities(self, paper_ids: list[str]) -> list[str]:
        """Keys of the entities these papers mention or name, with every entity whose hold may
        hang on those links (``_hold_group``): what may go when the papers lose their links."""
        keys: set[str] = set()
        for chunk in batched(paper_ids, 5000):
            for cypher in (self._MENTIONED_BY_IDS, self._NAMED_BY_IDS):
                res = self.query(cypher, {"ids": list(chunk)})
                keys.update(k for (k,) in res.rows if k)
        return self._hold_group(keys)

    # Keyed reads of the orphan sweep (tests/test_orphan_rule.py profiles them). OPTIONAL from a
    # bound node: LadybugDB follows its own edges (a plain MATCH joins the whole MENTIONS table).
    _MENTIONED_BY_IDS = (
        "UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[:MENTIONS]->(e:Entity) RETURN DISTINCT e.key"
    )
    _NAMED_BY_IDS = (
        "UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[:NAMES]->(e:Entity) RETURN DISTINCT e.key"
    )
    _FAMILIES_OF_KEYS = (
        "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)-[:VARIANT_OF]->(f:Entity) RETURN DISTINCT f.key"
    )

    def _hold_group(self, keys: Iterable[str]) -> list[str]:
        """``keys`` with the entities the rule (``UNHELD``) may drop once these lose a link or go:
        their families, up every chain (a variant's hold never hangs on its family). Keyed
        lookups, as many rounds as the longest chain."""
        group = set(keys)
        todo = sorted(group)
        for _ in range(MAX_ROUNDS):
            if not todo:
                break
            found: set[str] = set()
            for chunk in batched(todo, 5000):
                res = self.query(self._FAMILIES_OF_KEYS, {"keys": list(chunk)})
                found.update(k for (k,) in res.rows if k)
            todo = sorted(found - group)
            group |= found
        return sorted(group)

    def _unheld(self, keys: Sequence[str] | None) -> list[str]:
        """The entities among ``keys`` (None: the whole graph) that nothing holds (``UNHELD``)."""
        if keys is None:
            return [k for (k,) in self.query(self._UNHELD_ALL).rows]
        found: list[str] = []
        for chunk in batched(list(keys), 5000):
            found += [k for (k,) in self.query(self._UNHELD_AMONG, {"keys": list(chunk)}).rows]
        return sorted(found)

    def _sweep_orphans(
        self, keys: Sequence[str] | None, delete: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> None:
        """Delete what the rule (``UNHELD``) does not hold among ``keys`` (None: the whole graph),
        by rounds until nothing is left unheld: a family goes the round after its last variant.

        Each round reads what goes, then deletes it: ``delete`` runs ``DELETE_ORPHANS_AMONG``
        over those rows as its caller writes (by default in batches of 5,000); over the whole
        graph ``DELETE_ORPHANS`` runs instead.
        """
        if keys is not None and not keys:
            return
        for _ in range(MAX_ROUNDS):
            unheld = self._unheld(keys)
            if not unheld:
                return
            if keys is None:
                self.query(self.DELETE_ORPHANS, write=True)
            elif delete is not None:
                delete([{"key": k} for k in unheld])
            else:
                for part in batched([{"key": k} for k in unheld], 1000):
                    self._write_rows(self.DELETE_ORPHANS_AMONG, list(part))

    def _unify_paper_ids(self, papers: list[Paper]) -> tuple[dict[str, str], list[str]]:
        """One node per paper across builds: arXiv id beats title hash, whichever came first.

        A stored paper with the same title key but the other kind of id is
        either replaced (stored by title hash, now known by arXiv id: its id is
        returned, for the writer to delete) or adopted (stored by arXiv id, now
        read by title only: the new paper takes its id; returned as old id -> stored id).
        """
        tkeys = {title_id(p.title): p for p in papers}
        stored: dict[str, str] = {}
        # Papers with an arXiv id: is one stored under their title hash? (a keyed lookup)
        by_arxiv = [tkey for tkey, p in tkeys.items() if p.id != tkey]
        for chunk in batched(by_arxiv, 5000):
            res = self.query("UNWIND $ids AS i MATCH (p:Paper {id: i}) RETURN p.tkey, p.id", {"ids": list(chunk)})
            stored.update({tkey: pid for tkey, pid in res.rows})
        # Papers known by title only: is one stored under an arXiv id? (tkey has no key index
        # on LadybugDB: a scan per chunk, only for title-only papers)
        by_title = [tkey for tkey, p in tkeys.items() if p.id == tkey]
        for chunk in batched(by_title, 5000):
            res = self.query(
                "MATCH (p:Paper) WHERE p.tkey IN $tkeys AND p.id <> p.tkey RETURN p.tkey, p.id", {"tkeys": list(chunk)}
            )
            stored.update({tkey: pid for tkey, pid in res.rows})
        renamed: dict[str, str] = {}
        replaced: list[str] = []
        for tkey, paper in tkeys.items():
            old = stored.get(tkey)
            if old is None or old == paper.id:
                continue
            if paper.id == tkey:  # we only know the title; the store knows the arXiv id
                renamed[paper.id] = old
            elif old == tkey:  # the store only knew the title; we know the arXiv id
                replaced.append(old)
        return renamed, replaced

    def _merge_stored_aliases(self, entities: list[Entity]) -> tuple[list[Entity], set[str]]:
        """Entities with the aliases already stored for them added (a later build never forgets
        a name), and the keys of those already stored."""
        stored: dict[str, list[str]] = {}
        for chunk in batched([e.key for e in entities], 5000):
            res = self.query("UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.key, e.aliases", {"keys": list(chunk)})
            stored.update({key: aliases or [] for key, aliases in res.rows})
        merged = []
        for entity in entities:
            extra = [a for a in stored.get(entity.key, []) if a not in entity.aliases and a != entity.name]
            merged.append(replace(entity, aliases=(*entity.aliases, *extra)) if extra else entity)
        return merged, set(stored)

    # Statements in the common dialect; a store may override one where its dialect differs.
    # Each finds its nodes by primary key (one MATCH per node: a comma between two patterns
    # is a cross product on LadybugDB) and creates what is known to be new, since MERGE
    # scans the table there. The hash is blanked with the text: until MARK_WRITTEN runs,
    # the paper counts as changed, so a build killed between the two is redone whatever
    # input comes next.
    _PAPER_FIELDS = (
        "p.title = r.title, p.abstract = r.abstract, p.date = r.date, p.url = r.url, "
        "p.source = r.source, p.tkey = r.tkey, p.hash = ''"
    )
    UPDATE_PAPERS = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) SET " + _PAPER_FIELDS
    CREATE_PAPERS = "UNWIND $rows AS r CREATE (p:Paper {id: r.id}) SET " + _PAPER_FIELDS
    DELETE_PAPERS = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) DETACH DELETE p"
    # Upvotes are not part of the content hash: set on their own, for new, rewritten and
    # unchanged papers alike, only where the input gives a number (none never erases one).
    SET_UPVOTES = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) SET p.upvotes = r.upvotes"
    # Last step of a paper's write: until it runs, the paper counts as changed.
    MARK_WRITTEN = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) SET p.hash = r.hash, p.extractor = r.extractor"
    # OPTIONAL: LadybugDB then follows the paper's own links instead of joining the whole
    # relationship table (PROFILE: 5 papers touch 25 rows, not every link).
    DELETE_LINKS = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) OPTIONAL MATCH (p)-[m:MENTIONS]->(:Entity) DELETE m"
    # A changed paper's NAMES go with its MENTIONS (the same rows), before the new ones are written.
    DELETE_NAMES = "UNWIND $rows AS r MATCH (p:Paper {id: r.id}) OPTIONAL MATCH (p)-[n:NAMES]->(:Entity) DELETE n"
    _ENTITY_FIELDS = "e.name = r.name, e.type = r.type, e.aliases = r.aliases, e.keys = r.keys"
    UPDATE_ENTITIES = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) SET " + _ENTITY_FIELDS
    CREATE_ENTITIES = "UNWIND $rows AS r CREATE (e:Entity {key: r.key}) SET " + _ENTITY_FIELDS
    # A changed paper's old links are deleted first, and rows are unique per (paper, entity).
    CREATE_LINKS = (
        "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) MATCH (e:Entity {key: r.entity}) "
        "CREATE (p)-[m:MENTIONS {role: r.role, count: r.count, evidence: r.evidence, "
        "start: r.start, stop: r.stop, spans: r.spans, title_spans: r.title_spans, rule: r.rule}]->(e)"
    )
    # Rows {paper, entity}, unique per pair; the paper's old ones are deleted first (DELETE_NAMES).
    CREATE_NAMES = (
        "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) MATCH (e:Entity {key: r.entity}) CREATE (p)-[:NAMES]->(e)"
    )
    MERGE_VARIANTS = (
        "UNWIND $rows AS r MATCH (v:Entity {key: r.variant}) MATCH (f:Entity {key: r.family}) "
        "MERGE (v)-[:VARIANT_OF]->(f)"
    )
    # One round of the rule (``UNHELD``) over some entities, by key; ``_sweep_orphans`` repeats it.
    DELETE_ORPHANS_AMONG = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) WHERE " + UNHELD + " DETACH DELETE e"
    # The same over the whole graph: after a crash left unknown candidates, or papers were replaced.
    DELETE_ORPHANS = "MATCH (e:Entity) WHERE " + UNHELD + " DETACH DELETE e"
    # What one round would delete (read first: a round that would delete nothing is not run).
    _UNHELD_AMONG = "UNWIND $keys AS k MATCH (e:Entity {key: k}) WHERE " + UNHELD + " RETURN e.key"
    _UNHELD_ALL = "MATCH (e:Entity) WHERE " + UNHELD + " RETURN e.key"

    # Input files whose papers are all stored as they are: a build skips reading them. Any
    # write forgets them all (a build before its first write, ``query(write=True)`` always);
    # a build that finishes records its own.
    FORGET_INPUTS = "MATCH (i:KgInput) DELETE i"
    REMEMBER_INPUTS = "UNWIND $rows AS r MERGE (i:KgInput {key: r.key}) SET i.papers = r.papers"

    def known_inputs(self, keys: list[str]) -> dict[str, int]:
        """Of these input fingerprints, those the graph holds as they are, with their paper counts."""
        if not keys:
            return {}
        res = self.query("UNWIND $keys AS k MATCH (i:KgInput {key: k}) RETURN i.key, i.papers", {"keys": keys})
        return {key: int(n) for key, n in res.rows}

    # -- reading --------------------------------------------------------------------
    # A lookup pages in the store: totals come from count(), pages from ORDER BY ... LIMIT, so
    # an entity that 14k papers mention costs one page, not 14k rows held in Python.
    def lookup(self, name: str, type: str | None = None, *, limit: int = 50) -> list[LookupHit]:
        """Entities whose name or an alias equals ``name`` (case, space and hyphen blind).

        Each hit holds its first ``limit`` papers (0: all), those mentioning it by paper id,
        then those mentioning one of its variants (``via``), and in ``total`` how many there
        are in all.
        """
        if limit < 0:
            raise InputError(f"the limit must be 0 (all) or more, not {limit}")
        hits: dict[str, LookupHit] = {}
        for key, ename, etype, aliases, family in self.query(
            "MATCH (e:Entity) WHERE $k IN e.keys AND ($type = '' OR e.type = $type) "
            "OPTIONAL MATCH (e)-[:VARIANT_OF]->(f:Entity) "
            "RETURN e.key, e.name, e.type, e.aliases, f.name ORDER BY e.name, e.key, f.name",
            {"k": match_key(name), "type": type or ""},
        ).rows:
            hit = hits.setdefault(key, LookupHit(key, ename, etype, list(aliases or [])))
            hit.family = family or hit.family
        if not hits:
            return []
        # Totals: the entity's own papers plus, for a family (Qwen2.5), those of its variants
        # (Qwen2.5-7B); a paper naming both is listed, and counted, once for each.
        keys = list(hits)
        for key, n in self.query(
            "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)<-[:MENTIONS]-(p:Paper) RETURN k, count(p)",
            {"keys": keys},
        ).rows:
            hits[key].total += int(n)
        for key, _, vname, n in self.query(
            "UNWIND $keys AS k MATCH (e:Entity {key: k}) MATCH (v:Entity)-[:VARIANT_OF]->(e) "
            "OPTIONAL MATCH (v)<-[:MENTIONS]-(p:Paper) RETURN k, v.key, v.name, count(p) ORDER BY k, v.name, v.key",
            {"keys": keys},
        ).rows:
            hit = hits[key]
            hit.total += int(n)
            if vname not in hit.variants:
                hit.variants.append(vname)
        for hit in hits.values():
            self._lookup_page(hit, limit)
        return list(hits.values())

    _LOOKUP_OWN = (
        "MATCH (e:Entity {key: $key}) MATCH (p:Paper)-[m:MENTIONS]->(e) "
        "RETURN p.id, p.title, m.role, m.evidence, NULL ORDER BY p.id"
    )
    _LOOKUP_VIA = (
        "MATCH (e:Entity {key: $key}) MATCH (v:Entity)-[:VARIANT_OF]->(e) MATCH (p:Paper)-[m:MENTIONS]->(v) "
        "RETURN p.id, p.title, m.role, m.evidence, v.name ORDER BY v.name, p.id"
    )

    def _lookup_page(self, hit: LookupHit, limit: int) -> None:
        """Fill ``hit.papers`` with its first ``limit`` papers (0: all): its own, then via its variants."""
        for cypher in (self._LOOKUP_OWN, *([self._LOOKUP_VIA] if hit.variants else [])):
            params: dict[str, Any] = {"key": hit.key}
            if limit:
                if len(hit.papers) >= limit:
                    return
                cypher, params["limit"] = cypher + " LIMIT $limit", limit - len(hit.papers)
            for pid, title, role, evidence, via in self.query(cypher, params).rows:
                hit.papers.append({"id": pid, "title": title, "role": role, "evidence": evidence, "via": via})

    def suggest(self, name: str, n: int = 3, *, candidates: int = 2000) -> list[str]:
        """Names of up to ``n`` entities whose name or an alias is close to ``name``, closest first.

        Bounded on any graph: the store picks at most ``candidates`` match keys of about the
        same length that share a start or an end with ``name``'s key (longest shared first),
        and difflib ranks only those.
        """
        import difflib

        key = match_key(name)
        if not key:
            return []
        # Candidates keep the first or the last character and about the length (a typo keeps
        # one end of a name intact); they are ranked by how many of the key's heads and tails
        # (1, 2, 3, 4, 6, 8 characters) they share. The cheapest filter goes first: on
        # LadybugDB string lengths and the score cost more than the scan.
        sizes = (1, 2, 3, 4, 6, 8)
        params: dict[str, Any] = {f"h{i}": key[:i] for i in sizes}
        params.update({f"t{i}": key[-i:] for i in sizes})
        params.update(size=len(key), slack=max(3, len(key) // 2), cap=candidates)
        shared = " + ".join(
            f"CASE WHEN k {op} ${p}{i} THEN 1 ELSE 0 END" for op, p in (("STARTS WITH", "h"), ("ENDS WITH", "t")) for i in sizes
        )
        rows = self.query(
            "MATCH (e:Entity) UNWIND e.keys AS k WITH e, k WHERE k STARTS WITH $h1 OR k ENDS WITH $t1 "
            f"WITH e, k WHERE abs(size(k) - $size) <= $slack WITH e, k, {shared} AS shared "
            "RETURN k, e.name ORDER BY shared DESC, abs(size(k) - $size), k, e.name LIMIT $cap",
            params,
        ).rows
        names: dict[str, list[str]] = {}
        for k, ename in rows:
            names.setdefault(k, []).append(ename)
        close = difflib.get_close_matches(key, list(names), n=n, cutoff=0.6)
        return list(dict.fromkeys(ename for k in close for ename in names[k]))[:n]

    def stats(self) -> dict[str, Any]:
        """Counts of papers, entities (by type), mentions (by role) and variant links."""

        def scalar(cypher: str) -> int:
            return int(self.query(cypher).rows[0][0])

        by_type = self.query("MATCH (e:Entity) RETURN e.type, count(*) ORDER BY e.type").rows
        by_role = self.query("MATCH (:Paper)-[m:MENTIONS]->(:Entity) RETURN m.role, count(*) ORDER BY m.role").rows
        return {
            "papers": scalar("MATCH (p:Paper) RETURN count(p)"),
            "entities": scalar("MATCH (e:Entity) RETURN count(e)"),
            "mentions": scalar("MATCH (:Paper)-[m:MENTIONS]->(:Entity) RETURN count(m)"),
            "variants": scalar("MATCH (:Entity)-[v:VARIANT_OF]->(:Entity) RETURN count(v)"),
            # checkpoints named beside their system (0 in a graph opened read-only from before NAMES)
            "names": scalar("MATCH (:Paper)-[n:NAMES]->(:Entity) RETURN count(n)") if self._has_names() else 0,
            "entities_by_type": {t: int(n) for t, n in by_type},
            "mentions_by_role": {r: int(n) for r, n in by_role},
        }

    def coverage(self) -> dict[str, Any]:
        """What the graph was built from: the papers' date range, source files and extractor versions."""
        papers = int(self.query("MATCH (p:Paper) RETURN count(p)").rows[0][0])
        first, last, dated = self.query(
            "MATCH (p:Paper) WHERE p.date > '' RETURN min(left(p.date, 10)), max(left(p.date, 10)), count(p)"
        ).rows[0]
        return {
            "dates": {"first": first, "last": last, "dated": int(dated), "undated": papers - int(dated)},
            "sources": self.sources(),
            "extractors": {
                v or "": int(n)
                for v, n in self.query("MATCH (p:Paper) RETURN p.extractor AS v, count(p) ORDER BY v").rows
            },
        }

    def sources(self) -> dict[str, int]:
        """Each source file the papers were read from, with how many papers came from it."""
        res = self.query("MATCH (p:Paper) RETURN p.source AS s, count(p) ORDER BY s")
        return {s or "": int(n) for s, n in res.rows}

    # -- removing papers --------------------------------------------------------------
    def select_papers(
        self, ids: Sequence[str] = (), *, before: str | None = None, source: str | None = None,
        missing: list[str] | None = None,
    ) -> list[str]:
        """Ids of the stored papers named by ``ids``, dated before ``before`` (YYYY[-MM[-DD]];
        undated papers never are) or read from ``source`` (a file name as ``kg stats`` lists it):
        the union, sorted. Raises ``InputError`` for a source no paper came from, and for ids
        the graph does not hold unless ``missing`` is given and some id is held: then those
        are put in ``missing`` (a removal run again after it was interrupted finds some gone)."""
        chosen: set[str] = set()
        wanted = list(dict.fromkeys(i.strip() for i in ids))
        if wanted:
            found: set[str] = set()
            for chunk in batched(wanted, 5000):
                res = self.query("UNWIND $ids AS i MATCH (p:Paper {id: i}) RETURN p.id", {"ids": list(chunk)})
                found.update(pid for (pid,) in res.rows)
            gone = [i for i in wanted if i not in found]
            if gone and (missing is None or not found):
                more = f" (and {len(gone) - 1} more)" if len(gone) > 1 else ""
                raise InputError(
                    f"no paper {gone[0]!r} in the graph{more}; nothing was removed "
                    "(`kg query 'MATCH (p:Paper) RETURN p.id, p.title'` lists the ids)"
                )
            if missing is not None:
                missing.extend(gone)
            chosen |= found
        if before is not None:
            # A partial date compares with as much of --before: 2024-03 is not before 2024-03-05.
            res = self.query(
                "MATCH (p:Paper) WHERE p.date > '' AND left(p.date, 10) < left($before, size(left(p.date, 10))) "
                "RETURN p.id",
                {"before": _iso_day(before, "--before")},
            )
            chosen.update(pid for (pid,) in res.rows)
        if source is not None:
            for name in self._source_names(source):
                res = self.query("MATCH (p:Paper) WHERE p.source = $s RETURN p.id", {"s": name})
                chosen.update(pid for (pid,) in res.rows)
        return sorted(chosen)

    def _source_names(self, source: str) -> list[str]:
        """The stored source names ``source`` means: itself, the same file spelt another way,
        or the one source with that file name."""
        from pathlib import Path

        from kg.sources import source_name

        known = [s for s in self.sources() if s]
        source = source_name(Path(source))  # as readers spell it (bytes that are not UTF-8 as \\xNN)
        if source in known:
            return [source]
        try:
            target = Path(source).resolve()
            same = [s for s in known if Path(s).resolve() == target]
        except (OSError, ValueError):
            same = []
        if not same:
            same = [s for s in known if Path(s).name == Path(source).name]
        if len(same) != 1:
            listed = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
            why = "several sources have that file name" if same else "no paper in the graph came from it"
            raise InputError(f"--source {source!r}: {why}; the graph's sources are: {listed or 'none'} (see `kg stats`)")
        return same

    def remove_papers(
        self,
        ids: Sequence[str],
        *,
        dry_run: bool = False,
        batch_size: int = 1000,
        progress: Callable[[int], None] | None = None,
    ) -> RemoveResult:
        """Delete the papers ``ids`` (all stored: see ``select_papers``), their MENTIONS, and the
        entities (with their VARIANT_OF edges) the graph then no longer holds (``UNHELD``).

        ``dry_run`` only reports what would go; ``progress`` gets the number of papers just
        removed. Each batch of papers goes in one transaction with its orphans (as many rounds
        of the rule as the removal needs), so a crash leaves a graph with no orphan and
        re-running finishes the job. Every input fingerprint is forgotten first: the next build
        reads its files again and re-adds a removed paper whose file it reads.
        """
        ids = sorted(set(ids))
        plan, candidates, depth = self._removal_plan(ids, dry_run)
        if dry_run or not ids:
            return plan
        size = max(1, batch_size)

        def delete(rows: list[dict[str, Any]]) -> None:
            for part in batched(rows, size):
                self._write_rows(self.DELETE_ORPHANS_AMONG, list(part))

        with self._write_session():
            self._write_rows(self.FORGET_INPUTS, [])
            for chunk in batched(ids, size):
                rows = [{"key": k} for k in self._linked_entities(list(chunk))]
                steps = [(self.DELETE_PAPERS, [{"id": pid} for pid in chunk])]
                steps += [(self.DELETE_ORPHANS_AMONG, rows)] * max(1, depth) if rows else []
                self._write_steps(steps)
                if progress:
                    progress(len(chunk))
            # Then until a round deletes nothing (a batch's own rounds may stop short of the end
            # of a chain whose other links went with another batch).
            self._sweep_orphans(candidates, delete)
        # What went, as the store now says.
        left = {e["key"] for e in self._entities_by_key(candidates)}
        plan.entities = [e for e in plan.entities if e["key"] not in left]
        return plan

    def _removal_plan(self, ids: list[str], dry_run: bool) -> tuple[RemoveResult, list[str], int]:
        """What removing ``ids`` takes along, read before anything is written (keyed lookups):
        the result, the entities that may go, and how many rounds of the rule they take."""
        papers: list[dict[str, Any]] = []
        # entity key -> MENTIONS (and NAMES) from the removed papers
        from_removed: dict[str, dict[str, int]] = {"MENTIONS": {}, "NAMES": {}}
        for chunk in batched(ids, 5000):
            res = self.query(
                "UNWIND $ids AS i MATCH (p:Paper {id: i}) RETURN p.id, p.title, p.date, p.source", {"ids": list(chunk)}
            )
            papers += [{"id": i, "title": t, "date": d or None, "source": s or ""} for i, t, d, s in res.rows]
            for rel, counts in from_removed.items():
                res = self.query(
                    f"UNWIND $ids AS i MATCH (p:Paper {{id: i}}) OPTIONAL MATCH (p)-[:{rel}]->(e:Entity) "
                    "RETURN e.key, count(e)",
                    {"ids": list(chunk)},
                )
                for key, n in res.rows:
                    if key is not None:
                        counts[key] = counts.get(key, 0) + int(n)
        # Every entity whose hold may change, with its families up the chain: whether a paper
        # that stays still mentions or names each is all the rule needs beyond the edges.
        candidates = self._linked_entities(ids)
        linked: set[str] = set()  # by a paper that stays
        edges: set[tuple[str, str]] = set()  # VARIANT_OF (variant, family) touching a candidate
        for chunk in batched(candidates, 5000):
            keys = {"keys": list(chunk)}
            for rel, counts in from_removed.items():
                res = self.query(
                    f"UNWIND $keys AS k MATCH (e:Entity {{key: k}}) OPTIONAL MATCH (e)<-[m:{rel}]-(:Paper) "
                    "RETURN k, count(m)",
                    keys,
                )
                linked.update(k for k, n in res.rows if int(n) > counts.get(k, 0))
            for v, f in self.query(
                "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)-[:VARIANT_OF]->(f:Entity) RETURN k, f.key",
                keys,
            ).rows + self.query(
                "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (v:Entity)-[:VARIANT_OF]->(e) RETURN v.key, k",
                keys,
            ).rows:
                if v is not None and f is not None:
                    edges.add((v, f))
        rounds = orphan_rounds(candidates, linked, edges)
        gone: set[str] = set().union(*rounds)
        result = RemoveResult(
            papers=sorted(papers, key=lambda p: p["id"]),
            entities=self._entities_by_key(sorted(gone)),
            links=sum(from_removed["MENTIONS"].values()),
            variants=sum(1 for v, f in edges if v in gone or f in gone),
            dry_run=dry_run,
        )
        return result, candidates, len(rounds)

    def _entities_by_key(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        """{key, name, type} of the stored entities among ``keys``, by key."""
        found: list[dict[str, Any]] = []
        for chunk in batched(list(keys), 5000):
            res = self.query("UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.key, e.name, e.type", {"keys": list(chunk)})
            found += [{"key": k, "name": n, "type": t} for k, n, t in res.rows]
        return sorted(found, key=lambda e: e["key"])

    def load_graph(self) -> Graph:
        """The whole stored graph, for export and analytics."""
        papers = [
            Paper(
                id=r[0], title=r[1], abstract=r[2], date=r[3] or None, url=r[4] or None, source=r[5] or "",
                upvotes=None if r[6] is None else int(r[6]),
            )
            for r in self.query(
                "MATCH (p:Paper) RETURN p.id, p.title, p.abstract, p.date, p.url, p.source, p.upvotes ORDER BY p.id"
            ).rows
        ]
        entities = [
            Entity(key=r[0], name=r[1], type=EntityType(r[2]), aliases=tuple(r[3] or ()))
            for r in self.query("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases ORDER BY e.key").rows
        ]
        links = [
            Link(paper_id=r[0], entity_key=r[1], role=Role(r[2]), count=int(r[3] or 1), evidence=r[4] or "")
            for r in self.query(
                "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) "
                "RETURN p.id, e.key, m.role, m.count, m.evidence ORDER BY p.id, e.key"
            ).rows
        ]
        variants = [
            Variant(variant_key=r[0], family_key=r[1])
            for r in self.query(
                "MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.key, f.key ORDER BY v.key, f.key"
            ).rows
        ]
        names = [
            Naming(paper_id=r[0], entity_key=r[1])
            for r in (
                self.query("MATCH (p:Paper)-[:NAMES]->(e:Entity) RETURN p.id, e.key ORDER BY p.id, e.key").rows
                if self._has_names()
                else []
            )
        ]
        return Graph(papers=papers, entities=entities, links=links, variants=variants, names=names)


def _iso_day(text: str, flag: str) -> str:
    """A date given as YYYY, YYYY-MM or YYYY-MM-DD, as YYYY-MM-DD; ``InputError`` otherwise."""
    import datetime
    import re

    value = text.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        full = value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value
        try:
            datetime.date.fromisoformat(full)
            return full
        except ValueError:
            pass
    raise InputError(f"{flag} {text!r} is not a date; use YYYY-MM-DD (or YYYY-MM, YYYY)")
