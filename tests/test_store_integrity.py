"""Write-path guards, on both stores: a stored abstract is never blanked, two papers never
share an id, and a rebuild after a failed write is complete."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest_neo4j import connect_neo4j, sample_graph, wipe
from kg.errors import InputError
from kg.store.embedded import EmbeddedStore


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path: Path):
    if request.param == "embedded":
        with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as s:
            yield s
        return
    s = connect_neo4j()
    try:
        yield s
    finally:
        wipe(s)
        s.close()


def test_store_integrity_never_blanks_a_stored_abstract(store) -> None:
    graph = sample_graph()
    store.write(graph)
    before = store.stats()
    blank = replace(graph, papers=[replace(graph.papers[0], abstract="")] + graph.papers[1:])
    with pytest.raises(InputError, match="no abstract but one is stored"):
        store.write(blank)
    assert store.stats() == before
    stored = store.query("MATCH (p:Paper {id: $id}) RETURN p.abstract", {"id": graph.papers[0].id}).rows
    assert stored == [[graph.papers[0].abstract]]


@pytest.mark.parametrize("change", ["same-id-other-title", "empty-id"])
def test_store_integrity_refuses_colliding_or_empty_ids(store, change: str) -> None:
    graph = sample_graph()
    first = graph.papers[0]
    bad = replace(first, title="Another paper entirely") if change == "same-id-other-title" else replace(first, id="")
    with pytest.raises(InputError):
        store.write(replace(graph, papers=[*graph.papers, bad] if change == "same-id-other-title" else [bad]))
    assert store.stats()["papers"] == 0


def test_store_integrity_failed_write_is_redone(store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (here: an exception at the 4th transaction) leaves papers
    that count as changed; the next write of the same graph completes it."""
    graph = sample_graph()
    store.write(graph)
    clean, clean_links = store.stats(), store.load_graph().links
    changed = replace(graph, papers=[replace(p, abstract=p.abstract + " More.") for p in graph.papers],
                      links=graph.links[:5])
    calls = [0]
    original = type(store)._write_rows

    def failing(self, cypher, rows):
        if cypher == self.FORGET_INPUTS:  # bookkeeping before the first write: not counted
            return original(self, cypher, rows)
        calls[0] += 1
        if calls[0] == 4:
            raise RuntimeError("power cut")
        original(self, cypher, rows)

    monkeypatch.setattr(type(store), "_write_rows", failing)
    with pytest.raises(RuntimeError, match="power cut"):
        store.write(changed, batch_size=3)
    monkeypatch.setattr(type(store), "_write_rows", original)
    result = store.write(graph)
    assert result.papers_written == 9  # the three batches of papers whose text the failed write replaced
    assert store.stats() == clean
    assert store.load_graph().links == clean_links
