"""Graphs written by an older kg open in this one with nothing lost.

Links stored their occurrences as INT64[] columns before they became text
(``kg.store.base.where_fields``); a writable open converts them in place, and a
conversion killed half way finishes at the next open.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.base import span_pairs
from kg.store.embedded import EmbeddedStore

ladybug = pytest.importorskip("ladybug")

# The MENTIONS table as kg 0.x wrote it (offsets as lists).
OLD_SCHEMA = (
    "CREATE NODE TABLE Paper(id STRING, title STRING, abstract STRING, date STRING, url STRING, source STRING, "
    "tkey STRING, hash STRING, extractor STRING, upvotes INT64, PRIMARY KEY(id))",
    "CREATE NODE TABLE Entity(key STRING, name STRING, type STRING, aliases STRING[], keys STRING[], PRIMARY KEY(key))",
    "CREATE REL TABLE MENTIONS(FROM Paper TO Entity, role STRING, count INT64, evidence STRING, "
    "start INT64, stop INT64, spans INT64[], title_spans INT64[], rule STRING)",
)
LINKS = [  # paper, entity, spans, title_spans
    ("p1", "a", [3, 9, 20, 26], [0, 6]),
    ("p1", "b", [30, 34], None),
    ("p2", "a", None, [0, 6]),
    ("p2", "b", [], None),
]
READ = "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.spans, m.title_spans, m.evidence ORDER BY p.id, e.key"


def _old_graph(path: Path, *, half_done: bool = False) -> None:
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for statement in OLD_SCHEMA:
        conn.execute(statement)
    for pid in ("p1", "p2"):
        conn.execute("CREATE (:Paper {id: $id, title: 't', abstract: 'a', hash: 'h', extractor: 'x'})", {"id": pid})
    for key in ("a", "b"):
        conn.execute("CREATE (:Entity {key: $k, name: $k, type: 'method', aliases: [], keys: []})", {"k": key})
    for pid, key, spans, tspans in LINKS:
        conn.execute(
            "MATCH (p:Paper {id: $p}), (e:Entity {key: $e}) CREATE (p)-[:MENTIONS {role: 'uses', count: 1, "
            "evidence: $p + $e, spans: CAST($s AS INT64[]), title_spans: CAST($t AS INT64[]), rule: 'r'}]->(e)",
            {"p": pid, "e": key, "s": spans, "t": tspans},
        )
    if half_done:  # killed after renaming the first column, before copying it
        conn.execute("ALTER TABLE MENTIONS RENAME spans TO spans_list")
    conn.close()
    db.close()


@pytest.mark.parametrize("half_done", [False, True], ids=["old", "killed-mid-conversion"])
def test_old_list_offsets_become_text_with_nothing_lost(tmp_path: Path, half_done: bool) -> None:
    path = tmp_path / "old.lbdb"
    _old_graph(path, half_done=half_done)
    with EmbeddedStore(path, writable=True) as store:
        rows = store.query(READ).rows
        columns = {r[0]: r[1] for r in store.query("CALL table_info('MENTIONS') RETURN name, type").rows}
    assert columns["spans"] == "STRING" and columns["title_spans"] == "STRING"
    assert not {"spans_list", "title_spans_list"} & set(columns)
    got = [(p, e, span_pairs(s), span_pairs(t), ev) for p, e, s, t, ev in rows]
    want = [(p, e, span_pairs(s), span_pairs(t), p + e) for p, e, s, t in LINKS]
    assert got == want
    assert rows[0][2] == "3 9 20 26" and rows[0][3] == "0 6"
    # a second open changes nothing
    with EmbeddedStore(path, writable=True) as store:
        assert store.query(READ).rows == rows


def test_old_graph_read_only_reads_the_lists(tmp_path: Path) -> None:
    """A read-only open converts nothing and the readers take the lists as they are."""
    path = tmp_path / "old.lbdb"
    _old_graph(path)
    with EmbeddedStore(path) as store:
        rows = store.query(READ).rows
    assert rows[0][2] == [3, 9, 20, 26]
    assert [span_pairs(r[2]) for r in rows] == [span_pairs(s) for _, _, s, _ in LINKS]


# -- graphs built before NAMES ------------------------------------------------------------------
# They held a checkpoint named beside its system ("SketchNet-Large" beside "SketchNet") by its
# system's MENTIONS; a writable open marks the papers that may have named it for
# re-extraction, and the next build of the same input writes their NAMES: the graph a fresh
# build writes.
@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_graph_before_names_is_restored_by_a_rebuild(kind: str, open_store, tmp_path: Path, monkeypatch) -> None:
    import json

    from test_orphan_rule import ID, PAPERS, graph_of

    from kg.build import build
    from kg.extract import EXTRACTOR_VERSION

    monkeypatch.chdir(tmp_path)
    Path("papers.jsonl").write_text("".join(json.dumps(PAPERS[n]) + "\n" for n in ("ckpt", "other")), encoding="utf-8")
    fresh = open_store(kind)
    build(["papers.jsonl"], fresh, workers=1)
    expected = graph_of(fresh)
    assert expected["names"] == [[ID["ckpt"], "sketchnetlarge"]]

    # The same graph as an older kg left it: no NAMES (on LadybugDB, no table).
    if kind == "embedded":
        fresh.close()
        path = tmp_path / "g0.lbdb"
        db = ladybug.Database(str(path))
        conn = ladybug.Connection(db)
        conn.execute("DROP TABLE NAMES")
        conn.close()
        db.close()
        with EmbeddedStore(path) as old:  # read-only: readers take it as it is
            assert old.stats()["names"] == 0 and old.load_graph().names == []
            assert "sketchnetlarge" in {e.key for e in old.load_graph().entities}

        def reopen():
            return EmbeddedStore(path, writable=True)
    else:
        from kg.store.neo4j import Neo4jStore

        fresh.query("MATCH (:Paper)-[n:NAMES]->(:Entity) DELETE n", write=True)
        # (a write query forgets the input files: one remembered again, for the open to forget)
        fresh.query("MERGE (i:KgInput {key: 'remembered'}) SET i.papers = 2", write=True)

        def reopen():
            return Neo4jStore.from_env(writable=True)

    store = reopen()
    try:
        versions = dict(store.query("MATCH (p:Paper) RETURN p.id, p.extractor").rows)
        assert versions == {ID["ckpt"]: "", ID["other"]: EXTRACTOR_VERSION}
        assert store.query("MATCH (i:KgInput) RETURN count(i)").rows == [[0]]
        assert store.query("MATCH (:Paper)-[n:NAMES]->(:Entity) RETURN count(n)").rows == [[0]]
        result = build(["papers.jsonl"], store, workers=1)
        assert (result.papers_extracted, result.papers_written) == (1, 1)
        assert graph_of(store) == expected
    finally:
        store.close()
    # A graph with NAMES is left alone: the next open marks nothing.
    with reopen() as again:
        assert graph_of(again) == expected
