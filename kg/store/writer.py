"""One build's writes, chunk by chunk: what ``Store.write`` and the streaming build share.

A build talks to a ``Writer`` in this order, each call with as many rows as it likes::

    triage(papers)      which papers must be (re)extracted: ids unified with the store,
                        unchanged ones (same content hash and extractor) counted and dropped
    papers(changed)     their nodes (hash blank), old MENTIONS and NAMES of rewritten ones deleted
    entities(entities)  upserted, aliases merged with those stored
    links(links)        MENTIONS created (the papers' old ones are gone)
    names(names)        NAMES created: the checkpoints each paper named beside their system
    finish(variants)    VARIANT_OF, replaced papers deleted, orphans swept, upvotes, then the hashes

A paper's content hash is written last: a build killed anywhere leaves blank hashes, and
the next build redoes those papers and sweeps the whole graph for orphans (the one rule of
``kg.store.base.UNHELD``, as a normal build applies it to the entities it touched). Every
statement finds its rows by primary key, so its cost follows the chunk, not the graph.

Into an empty embedded store the rows go to files instead and ``finish`` loads them with
``COPY`` into a new database that then replaces the empty one (``Store._bulk_load``): the
first build is all or nothing, in bounded memory, and about six times faster than
``UNWIND ... CREATE``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.model import Entity, Link, Naming, Paper, Variant
from kg.text import title_id

if TYPE_CHECKING:
    from kg.store.base import Store

__all__ = ["Writer", "WriteResult"]

#: Rows per write transaction by default. Neo4j writes 10k papers' rows in 11 s with 5,000
#: (13.5-19.6 s with 1,000, 9.5-10.5 s with 10-20k, where a batch's memory starts to count
#: against the server's transaction limit); LadybugDB row by row is the same either way.
BATCH_SIZE = 5000

# How a build read a title (flags; an int per paper costs a tenth of a set at 100k papers).
_BY_ID, _BY_TITLE = 1, 2


@dataclass(frozen=True)
class WriteResult:
    """What a build wrote."""

    papers_written: int
    papers_skipped: int  # unchanged since the last build (same content hash and extractor)
    entities: int
    links: int
    seconds: float
    upvotes_updated: int = 0  # unchanged papers whose upvotes alone changed (a property update)


class Writer:
    """The writes of one build into ``store`` (open it with ``Store.writer``)."""

    def __init__(
        self,
        store: Store,
        extractor_version: str,
        *,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        bulk: Any = None,
    ) -> None:
        self.store = store
        self.version = extractor_version
        self.batch_size = batch_size
        self.progress = progress
        self.bulk = bulk  # a BulkFiles when the store was empty (embedded), else None
        self.started = time.perf_counter()
        self._titles: dict[str, str] = {}  # id -> title of every paper this build read
        self._kinds: dict[str, int] = {}  # title key -> read with an arXiv id (_BY_ID) | by title (_BY_TITLE)
        self._marks: list[tuple[str, str]] = []  # (id, content hash) of the papers written
        self._replaced: list[str] = []
        self._candidates: set[str] = set()  # entities whose hold may go (Store._linked_entities)
        self._sweep_all = False
        self._stored: set[str] = set()  # ids of the changed papers that are stored (to rewrite)
        self._forgotten = False
        self._upvotes: list[dict[str, Any]] = []  # {id, upvotes} to set (the input's differ from the store's)
        self.upvotes_updated = 0
        #: fingerprints of this build's input files, recorded when it finishes (kg.build)
        self.inputs: dict[str, int] = {}
        self.skipped = 0
        self.entities_written = 0
        self.links_written = 0

    # -- 1. which papers ------------------------------------------------------------
    def triage(self, papers: Iterable[Paper]) -> tuple[list[Paper], dict[str, str]]:
        """The papers to (re)extract and write, and the ids renamed to match the store.

        Refuses two papers with one id and different titles (anywhere in the build), and
        a paper with no abstract where one is stored; a paper read twice counts once.
        """
        fresh: list[Paper] = []
        for paper in papers:
            if not paper.id.strip() or paper.id == "t-":
                raise InputError(f"the paper {paper.title[:60]!r} has an empty id")
            other = self._titles.get(paper.id)
            if other is None:
                # One title, read by arXiv id and by title only: one paper, as read_papers keeps it.
                tkey = title_id(paper.title)
                kinds = self._kinds.get(tkey, 0)
                if kinds and (paper.id == tkey or kinds & _BY_TITLE):
                    continue
                self._kinds[tkey] = kinds | (_BY_ID if paper.id != tkey else _BY_TITLE)
                self._titles[paper.id] = paper.title
                fresh.append(paper)
            elif other != paper.title:
                raise InputError(f"two papers have the id {paper.id}: {other[:60]!r} and {paper.title[:60]!r}")
        fresh, renamed, replaced = self._unify_ids(fresh)
        if self.bulk is not None:  # nothing is stored: every paper is new
            return fresh, renamed
        known = self.store._known_hashes([p.id for p in fresh])
        blanked = [p.id for p in fresh if not p.abstract.strip() and known.get(p.id, ("", "", False))[2]]
        if blanked:
            raise InputError(
                f"{len(blanked)} paper(s) have no abstract but one is stored (first: {blanked[0]}); "
                "a build never blanks a stored abstract: give the papers' text"
            )
        changed = [p for p in fresh if known.get(p.id, ("", "", False))[:2] != (p.content_hash, self.version)]
        self.skipped += len(fresh) - len(changed)
        # Upvotes change without the text: a property update, never a re-extraction.
        upvoted = [p for p in fresh if p.upvotes is not None and p.upvotes != known.get(p.id, (0, 0, 0, None))[3]]
        self._upvotes.extend({"id": p.id, "upvotes": p.upvotes} for p in upvoted)
        changed_ids = {p.id for p in changed}
        self.upvotes_updated += sum(1 for p in upvoted if p.id not in changed_ids)
        self._replaced.extend(replaced)
        # A paper left half-written by a crash (blank hash) means unknown candidates: sweep all.
        # Replaced papers (stored by title hash, now known by arXiv id) take their links along.
        if replaced or any(p.id in known and not known[p.id][0] for p in changed):
            self._sweep_all = True
        self._stored.update(p.id for p in changed if p.id in known)
        return changed, renamed

    def _unify_ids(self, papers: list[Paper]) -> tuple[list[Paper], dict[str, str], list[str]]:
        """One node per paper across builds: arXiv id beats title hash, whichever came first."""
        if self.bulk is not None or not papers:
            return papers, {}, []
        renamed, replaced = self.store._unify_paper_ids(papers)
        if not renamed:
            return papers, renamed, replaced
        out: list[Paper] = []
        for p in papers:
            if p.id in renamed:
                if renamed[p.id] in self._titles:
                    continue  # this build also has the paper under its arXiv id: one node
                self._titles[renamed[p.id]] = p.title
                p = replace(p, id=renamed[p.id])
            out.append(p)
        return out, renamed, replaced

    # -- 2. papers --------------------------------------------------------------------
    def papers(self, changed: list[Paper]) -> None:
        """Write the papers ``triage`` returned (their hashes stay blank until ``finish``)."""
        from kg.store.base import paper_row

        version = self.version
        if self.bulk is not None:  # loaded all or nothing: the hashes go in with the text
            self.bulk.add_papers([paper_row(p, version) for p in changed])
            self._marks.extend((p.id, p.content_hash) for p in changed)
            self._tick(len(changed))
            return
        known = self._stored
        rewritten = [p.id for p in changed if p.id in known]
        if rewritten and not self._sweep_all:
            self._candidates.update(self.store._linked_entities(rewritten))
        self._run(self.store.UPDATE_PAPERS, [paper_row(p, version) for p in changed if p.id in known])
        self._run(self.store.CREATE_PAPERS, [paper_row(p, version) for p in changed if p.id not in known])
        self._run(self.store.DELETE_LINKS, [{"id": pid} for pid in rewritten])
        self._run(self.store.DELETE_NAMES, [{"id": pid} for pid in rewritten])
        self._marks.extend((p.id, p.content_hash) for p in changed)

    # -- 3. entities and links ---------------------------------------------------------
    def entities(self, entities: list[Entity]) -> None:
        """Upsert entities (one row per key; aliases already stored are kept)."""
        from kg.store.base import entity_row

        unique = {e.key: e for e in reversed(entities)}
        ordered = [unique[k] for k in dict.fromkeys(e.key for e in entities)]
        self.entities_written += len(ordered)
        if self.bulk is not None:
            self.bulk.add_entities([entity_row(e) for e in ordered])
            self._tick(len(ordered))
            return
        merged, stored = self.store._merge_stored_aliases(ordered)
        self._run(self.store.UPDATE_ENTITIES, [entity_row(e) for e in merged if e.key in stored])
        self._run(self.store.CREATE_ENTITIES, [entity_row(e) for e in merged if e.key not in stored])

    def links(self, links: Iterable[Link]) -> None:
        """Create MENTIONS links of papers written by this build (one per paper and entity)."""
        from kg.store.base import link_row

        seen: set[tuple[str, str]] = set()
        rows = []
        for link in links:
            if (link.paper_id, link.entity_key) not in seen:
                seen.add((link.paper_id, link.entity_key))
                rows.append(link_row(link))
        self.link_rows(rows)

    def link_rows(self, rows: list[dict[str, Any]]) -> None:
        """``links`` from rows already in ``link_row`` form and unique per (paper, entity)
        (``Resolution.link_rows``): a big build skips the ``Link`` objects."""
        self.links_written += len(rows)
        if self.bulk is not None:
            self.bulk.add_links(rows)
            self._tick(len(rows))
            return
        self._run(self.store.CREATE_LINKS, rows)

    def names(self, names: Iterable[Naming]) -> None:
        """Create NAMES links of papers written by this build (one per paper and checkpoint)."""
        pairs = dict.fromkeys((n.paper_id, n.entity_key) for n in names)
        self.name_rows([{"paper": p, "entity": e} for p, e in pairs])

    def name_rows(self, rows: list[dict[str, Any]]) -> None:
        """``names`` from rows {paper, entity}, unique per pair (``Resolution.rows``); written
        after the entities, as links are (the papers' old ones are gone)."""
        if self.bulk is not None:
            self.bulk.add_names(rows)
            self._tick(len(rows))
            return
        self._run(self.store.CREATE_NAMES, rows)

    # -- 4. the end --------------------------------------------------------------------
    def finish(self, variants: Iterable[Variant]) -> WriteResult:
        """Variants, replaced papers, orphans, then the hashes that mark the papers written."""
        store = self.store
        variant_rows = [{"variant": v.variant_key, "family": v.family_key} for v in variants]
        if self.bulk is not None:
            store._bulk_load(self.bulk, variant_rows)  # (a new database: no input is remembered)
            self._tick(len(variant_rows))
        else:
            self._run(store.MERGE_VARIANTS, variant_rows)
            # After the successors exist (with blank hashes): a kill from here on is seen next time.
            self._run(store.DELETE_PAPERS, [{"id": pid} for pid in self._replaced])
            # Orphans (what the rule, ``kg.store.base.UNHELD``, no longer holds) go before the
            # hashes are set: a build killed before this point leaves blank hashes, and the next
            # build sweeps the whole graph. Rounds until one deletes nothing: a family goes the
            # round after its last variant, the next link of a chain the round after that.
            if self._sweep_all:
                store._sweep_orphans(None)
            else:
                store._sweep_orphans(
                    sorted(self._candidates), lambda rows: self._run(store.DELETE_ORPHANS_AMONG, rows, count=False)
                )
            self._run(store.SET_UPVOTES, self._upvotes)
            marks = [{"id": pid, "hash": h, "extractor": self.version} for pid, h in self._marks]
            self._run(store.MARK_WRITTEN, marks)
        if self.inputs:
            rows = [{"key": k, "papers": n} for k, n in sorted(self.inputs.items())]
            store._write_rows(store.REMEMBER_INPUTS, rows)
        return WriteResult(
            papers_written=len(self._marks),
            papers_skipped=self.skipped,
            entities=self.entities_written,
            links=self.links_written,
            seconds=time.perf_counter() - self.started,
            upvotes_updated=self.upvotes_updated,
        )

    def _tick(self, n: int) -> None:
        if self.progress and n:
            self.progress(n)

    def _run(self, cypher: str, rows: list[dict[str, Any]], *, count: bool = True) -> None:
        if rows and not self._forgotten:
            # Before the first write: from here on the graph may differ from any input file.
            self.store._write_rows(self.store.FORGET_INPUTS, [])
            self._forgotten = True
        size = max(1, self.batch_size)
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            self.store._write_rows(cypher, chunk)
            if count and self.progress:
                self.progress(len(chunk))

