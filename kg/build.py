"""The main job as one streaming pass: read -> triage -> extract -> resolve -> write.

``build(paths, store)`` reads the input in chunks and never holds the corpus:

1. each chunk of papers is triaged against the store (one keyed lookup): papers whose
   text and extractor version are unchanged are counted and dropped *before* extraction,
   so rebuilding unchanged input costs reading plus a hash check;
2. the others are extracted by ``workers`` processes that return plain tuples, in input
   order (any number of workers gives the same graph);
3. the resolver remembers what it needs of each mention (a signature id and two
   integers); the papers and their mentions' role, count and evidence go to a spool file
   on disk;
4. only once the whole input is read and extracted does anything get written (an input
   error half-way changes nothing): the papers from the spool (hashes blank), the
   entities resolved over every paper extracted, the links (MENTIONS, and NAMES of the
   checkpoints a paper named beside their system) from the spool again, and the hashes last.

Memory follows the chunk and the number of distinct names, not the corpus. A first build
into an empty embedded store loads everything with ``COPY`` into a new database, a chunk
per transaction, that replaces the empty one at the end: all or nothing.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.errors import InputError
from kg.model import EntityType, Paper, Role, Spans
from kg.store.base import Store
from kg.store.writer import BATCH_SIZE

if TYPE_CHECKING:
    from kg.curation import Curation

__all__ = ["BuildResult", "build", "extract_stream", "default_workers", "CHUNK_SIZE"]

#: Papers read, triaged and written per step; memory follows it.
CHUNK_SIZE = 2000
#: Papers per extraction task handed to a worker process.
_TASK_SIZE = 250
#: Below this many papers to extract, worker processes cost more than they save.
_POOL_THRESHOLD = 600

#: (name, type, aliases, family, role, count, evidence, spans, title_spans, rule, typed_by): one
#: mention as workers return it (``kg.model.Mention``'s fields).
RawMention = tuple[str, EntityType, tuple[str, ...], "str | None", Role, int, str, Spans, Spans, str, str]


@dataclass
class BuildResult:
    """What a build read, extracted and wrote, and where the time went."""

    papers_read: int = 0
    papers_extracted: int = 0
    papers_written: int = 0
    papers_unchanged: int = 0
    entities: int = 0
    links: int = 0
    mentions: int = 0
    workers: int = 1  # extraction processes used (1: in this process)
    files_skipped: int = 0  # input files the graph holds as they are: not read at all
    papers_unchanged_files: int = 0  # the papers in those
    upvotes_updated: int = 0  # unchanged papers whose upvotes alone changed (updated, not re-extracted)
    curation: Any = None  # a kg.curation.CurationReport when the build applied a curation
    read_seconds: float = 0.0  # reading and triage (the hash check), in the main process
    extract_seconds: float = 0.0  # from the first paper handed to extraction to the last result
    write_seconds: float = 0.0  # resolving and writing after the input was read
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def abstracts_per_second(self) -> float | None:
        return round(self.papers_extracted / self.extract_seconds, 1) if self.extract_seconds else None


def default_workers() -> int:
    """Extraction processes by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def build(
    paths: Sequence[str | Path],
    store: Store,
    *,
    fmt: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    on_papers: Callable[[int], None] | None = None,
    on_rows: Callable[[int], None] | None = None,
    curation: Curation | None = None,
) -> BuildResult:
    """Read ``paths``, extract what changed and write it into ``store`` (re-running changes nothing).

    ``on_papers`` gets the number of papers just read; ``on_rows`` the rows just written.
    ``curation``: the user's fixes, applied to what is written and then to the whole stored
    graph (also when every input file was unchanged), see ``kg.curation``.
    Raises ``InputError`` when the input holds no paper.
    """
    from kg.extract import EXTRACTOR_VERSION
    from kg.resolve import Resolver
    from kg.sources import expand_paths, read_papers, source_name

    started = time.perf_counter()
    result = BuildResult(workers=workers or default_workers())
    resolver = Resolver(EXTRACTOR_VERSION)
    with _Spool() as spool, store.writer(EXTRACTOR_VERSION, batch_size=batch_size, progress=on_rows) as writer:
        # A first build into an empty embedded store loads files at the end: its papers go
        # to them at once, and the spool keeps only their mentions.
        early = writer.bulk is not None
        # Files the graph holds as they are (same bytes, format and extractor) are not read.
        reading = time.perf_counter()
        files = {path: input_key(path, fmt, EXTRACTOR_VERSION) for path in expand_paths(paths)}
        known = store.known_inputs(sorted(set(files.values())))
        to_read = [path for path, key in files.items() if key not in known]
        result.files_skipped = len(files) - len(to_read)
        result.papers_read = result.papers_unchanged_files = sum(known.values())
        per_source: dict[str, int] = {}
        # Pass one reads only: an input error half-way leaves the graph as it was.
        extractor = _Extractor(result.workers)
        waiting: dict[str, Paper] = {}  # handed to extraction, result not back yet
        try:
            for chunk in _chunks(read_papers(to_read, fmt) if to_read else (), chunk_size):
                result.papers_read += len(chunk)
                for paper in chunk:
                    per_source[paper.source] = per_source.get(paper.source, 0) + 1
                changed, _renamed = writer.triage(chunk)
                if early:
                    writer.papers(changed)  # (to a file: the store is written at the end)
                waiting.update((p.id, p) for p in changed)
                result.read_seconds += time.perf_counter() - reading
                for pid, raw in extractor.submit(changed):
                    _remember(resolver, spool, waiting.pop(pid), raw, early)
                if on_papers:
                    on_papers(len(chunk))
                reading = time.perf_counter()
            for pid, raw in extractor.drain():
                _remember(resolver, spool, waiting.pop(pid), raw, early)
        finally:
            extractor.close()
        if not result.papers_read:
            raise InputError(f"no papers found in {', '.join(map(str, paths))}")
        if not to_read:
            result.read_seconds = time.perf_counter() - reading
        writer.inputs = {key: known.get(key) or per_source.get(source_name(path), 0) for path, key in files.items()}
        result.extract_seconds = extractor.seconds
        result.workers = extractor.used
        result.papers_extracted = extractor.papers
        result.mentions = resolver.mentions
        # Pass two writes: papers first (hashes blank), so a kill from here on is redone.
        writing = time.perf_counter()
        if not early:
            for items in spool.replay():
                writer.papers([paper for paper, _ in items])
        resolution = resolver.finish()
        if curation is not None:
            resolution = curation.apply_to_resolution(resolution)
        writer.entities(resolution.entities)
        for items in spool.replay():
            links, names = resolution.rows([facts for _, facts in items])
            writer.link_rows(links)
            writer.name_rows(names)
        written = writer.finish(resolution.variants)
        if curation is not None:
            # Every build, written or not: a kill after the writes is finished by the next.
            matched = resolution.matched if hasattr(resolution, "matched") else set()
            result.curation = curation.apply_to_store(store, matched=matched)
        result.write_seconds = time.perf_counter() - writing
    result.papers_written = written.papers_written
    result.papers_unchanged = written.papers_skipped + result.papers_unchanged_files
    result.upvotes_updated = written.upvotes_updated
    result.entities = written.entities
    result.links = written.links
    result.seconds = time.perf_counter() - started
    return result


def input_key(path: Path, fmt: str | None, extractor_version: str) -> str:
    """A fingerprint of one input file as a build reads it: its bytes, the format asked
    for and the extractor version (the same content under another name is the same input)."""
    from kg.sources import _read_bytes

    digest = hashlib.sha256(_read_bytes(Path(path)))
    digest.update(f"\x00{fmt or ''}\x00{extractor_version}".encode())
    return "sha256:" + digest.hexdigest()


def _remember(resolver: Any, spool: _Spool, paper: Paper, raw: tuple[RawMention, ...], written: bool) -> None:
    resolver.add_raw(paper.id, raw)
    spool.add((None if written else paper, (paper.id, tuple(m[4:10] for m in raw))))


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(papers)
    while chunk := list(islice(it, max(1, size))):
        yield chunk


# -- extraction, in worker processes ----------------------------------------------------
def _extract_raw(papers: list[Paper]) -> list[tuple[str, tuple[RawMention, ...]]]:
    """Extract papers into plain tuples (what crosses the process boundary)."""
    from kg.extract import extract

    return [
        (
            pm.paper.id,
            tuple(
                (m.name, m.type, m.aliases, m.family, m.role, m.count, m.evidence, m.spans, m.title_spans, m.rule,
                 m.typed_by)
                for m in pm.mentions
            ),
        )
        for pm in extract(papers)
    ]


class _Extractor:
    """Extraction in input order: inline, or over a pool started once there is enough work."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.used = 1  # processes that extracted: the pool starts only when there is enough work
        self.papers = 0
        self.seconds = 0.0
        self._pool: Any = None
        self._pending: deque[Any] = deque()
        self._first: float | None = None
        self._last = 0.0

    def submit(self, papers: list[Paper]) -> Iterator[tuple[str, tuple[RawMention, ...]]]:
        """Hand ``papers`` over; yields the results ready so far (in order), keeping the pool busy."""
        if not papers:
            return
        self.papers += len(papers)
        if self._first is None:
            self._first = time.perf_counter()
        if self._pool is None and self.workers > 1 and (self._pending or len(papers) >= _POOL_THRESHOLD):
            ctx = multiprocessing.get_context("spawn")  # no store connection or lock is inherited
            self._pool = ctx.Pool(self.workers, initializer=_warm_worker)
            self.used = self.workers
        if self._pool is None:
            yield from self._done(_extract_raw(papers))
            return
        for start in range(0, len(papers), _TASK_SIZE):
            self._pending.append(self._pool.apply_async(_extract_raw, (papers[start : start + _TASK_SIZE],)))
        while len(self._pending) > 2 * self.workers:
            yield from self._done(self._pending.popleft().get())

    def drain(self) -> Iterator[tuple[str, tuple[RawMention, ...]]]:
        while self._pending:
            yield from self._done(self._pending.popleft().get())

    def _done(self, results: list) -> list:
        self._last = time.perf_counter()
        self.seconds = self._last - (self._first or self._last)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _warm_worker() -> None:
    from kg.extract.pipeline import _direct_runner

    _direct_runner()


def extract_stream(
    papers: Iterable[Paper], *, workers: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[Paper, tuple[RawMention, ...]]]:
    """Each paper with its extracted mentions as plain tuples, in input order, streamed."""
    extractor = _Extractor(workers or default_workers())
    waiting: dict[str, Paper] = {}  # handed over, result not back yet (ids are unique per read)
    try:
        for chunk in _chunks(papers, chunk_size):
            waiting.update((p.id, p) for p in chunk)
            for pid, raw in extractor.submit(chunk):
                yield waiting.pop(pid), raw
        for pid, raw in extractor.drain():
            yield waiting.pop(pid), raw
    finally:
        extractor.close()


# -- the spool: what pass two needs, on disk ------------------------------------------------
class _Spool:
    """Role, count and evidence of every mention, pickled in chunks to a temporary file."""

    def __init__(self, chunk: int = 1000) -> None:
        self._file: IO[bytes] | None = None
        self._buffer: list[Any] = []
        self._chunk = chunk

    def __enter__(self) -> _Spool:
        self._file = tempfile.TemporaryFile(prefix="kg-spool-")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def add(self, item: Any) -> None:
        self._buffer.append(item)
        if len(self._buffer) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        if self._buffer and self._file is not None:
            pickle.dump(self._buffer, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._buffer = []

    def replay(self) -> Iterator[list[Any]]:
        """The items in the order added, a chunk at a time."""
        self._flush()
        assert self._file is not None
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)
            except EOFError:
                return
