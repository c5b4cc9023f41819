"""The embedded LadybugDB store: round trip, idempotency, stale links, read-only queries."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.errors import QueryRejected, StoreUnavailable
from kg.model import Entity, EntityType, Graph, Link, Paper, Role, Variant
from kg.store.embedded import EmbeddedStore


def small_graph() -> Graph:
    papers = [
        Paper("2501.00001", "Graph Sketches", "We propose GraphSketch on BEIR.", "2025-01-05", None, "t"),
        Paper("2501.00002", "Small Proofs", "We tune Qwen2.5-1.5B with GRPO on MiniF2F.", "2025-01-06", None, "t"),
        Paper("t-abc", "More Proofs", "GRPO again, on MiniF2F, with Qwen2.5-7B.", None, None, "t"),
    ]
    entities = [
        Entity("graphsketch", "GraphSketch", EntityType.METHOD),
        Entity("beir", "BEIR", EntityType.BENCHMARK),
        Entity("grpo", "GRPO", EntityType.METHOD, ("Group Relative Policy Optimization",)),
        Entity("minif2f", "MiniF2F", EntityType.BENCHMARK),
        Entity("qwen2.51.5b", "Qwen2.5-1.5B", EntityType.MODEL),
        Entity("qwen2.57b", "Qwen2.5-7B", EntityType.MODEL),
        Entity("qwen2.5", "Qwen2.5", EntityType.MODEL),
    ]
    links = [
        Link("2501.00001", "graphsketch", Role.PROPOSES, 1, "We propose GraphSketch on BEIR."),
        Link("2501.00001", "beir", Role.EVALUATES_ON, 1, "We propose GraphSketch on BEIR."),
        Link("2501.00002", "grpo", Role.USES, 1, "We tune Qwen2.5-1.5B with GRPO on MiniF2F."),
        Link("2501.00002", "minif2f", Role.EVALUATES_ON, 1, "x"),
        Link("2501.00002", "qwen2.51.5b", Role.USES, 1, "x"),
        Link("t-abc", "grpo", Role.USES, 2, "GRPO again"),
        Link("t-abc", "minif2f", Role.EVALUATES_ON, 1, "x"),
        Link("t-abc", "qwen2.57b", Role.USES, 1, "x"),
    ]
    variants = [Variant("qwen2.51.5b", "qwen2.5"), Variant("qwen2.57b", "qwen2.5")]
    return Graph(papers, entities, links, variants, extractor_version="test-1")


def counts(store: EmbeddedStore) -> dict:
    return store.stats()


def test_store_embedded_round_trip(tmp_path: Path) -> None:
    graph = small_graph()
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        result = store.write(graph, batch_size=2)
        assert (result.papers_written, result.papers_skipped, result.links) == (3, 0, 8)
        loaded = store.load_graph()
    assert sorted(loaded.papers, key=lambda p: p.id) == sorted(
        [replace(p, source="t") for p in graph.papers], key=lambda p: p.id
    )
    assert sorted(loaded.entities, key=lambda e: e.key) == sorted(graph.entities, key=lambda e: e.key)
    assert sorted(loaded.links, key=lambda l: (l.paper_id, l.entity_key)) == sorted(
        graph.links, key=lambda l: (l.paper_id, l.entity_key)
    )
    assert sorted(loaded.variants, key=lambda v: v.variant_key) == graph.variants


def test_store_embedded_stats(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(small_graph())
        assert store.stats() == {
            "papers": 3,
            "entities": 7,
            "mentions": 8,
            "variants": 2,
            "names": 0,
            "entities_by_type": {"benchmark": 2, "method": 2, "model": 3},
            "mentions_by_role": {"evaluates_on": 3, "proposes": 1, "uses": 4},
        }


def test_store_embedded_write_twice_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.write(small_graph())
        first = counts(store)
    with EmbeddedStore(path, writable=True) as store:  # a fresh process would reopen the file
        again = store.write(small_graph())
        assert (again.papers_written, again.papers_skipped) == (0, 3)
        # A new extractor version rewrites every paper, still without duplicates.
        forced = store.write(replace(small_graph(), extractor_version="test-2"))
        assert forced.papers_written == 3
        assert counts(store) == first


def test_store_embedded_changed_paper_replaces_its_links(tmp_path: Path) -> None:
    graph = small_graph()
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(graph)
        edited = replace(graph.papers[0], abstract="We propose GraphSketch. No benchmark here.")
        graph2 = replace(
            graph,
            papers=[edited, *graph.papers[1:]],
            links=[l for l in graph.links if l.entity_key != "beir"],
        )
        result = store.write(graph2)
        assert (result.papers_written, result.papers_skipped) == (1, 2)
        rows = store.query("MATCH (p:Paper {id: '2501.00001'})-[:MENTIONS]->(e:Entity) RETURN e.key").rows
        assert rows == [["graphsketch"]]
        # BEIR is mentioned by no paper any more: it is gone, not left dangling.
        assert store.lookup("BEIR") == []
        assert store.stats()["mentions"] == 7


def test_store_embedded_lookup_by_alias_case_and_type(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(small_graph())
        (hit,) = store.lookup("group relative policy-optimization")
        assert (hit.name, hit.type) == ("GRPO", "method")
        assert [p["id"] for p in hit.papers] == ["2501.00002", "t-abc"]
        assert store.lookup("grpo", "model") == []
        assert store.lookup("qwen2.5-7b")[0].papers[0]["role"] == "uses"


def test_store_embedded_read_only_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.write(small_graph())
    with EmbeddedStore(path) as store:
        with pytest.raises(QueryRejected, match="re-run with --write"):
            store.query("MATCH (p:Paper) SET p.title = 'x'")
        assert store.query("MATCH (p:Paper) RETURN count(p) AS n").dicts() == [{"n": 3}]


def test_store_embedded_bad_cypher_is_a_user_error(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        with pytest.raises(QueryRejected):
            store.query("MATCH (p:Paper RETURN p")


def test_store_embedded_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="kg build"):
        EmbeddedStore(tmp_path / "absent.lbdb")


def test_store_embedded_values_are_plain_python(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(small_graph())
        (row,) = store.query("MATCH (p:Paper) RETURN sum(1) AS s, count(p) AS c, avg(1.5) AS a").rows
        assert row == [3, 3, 1.5]
        assert [type(v) for v in row] == [int, int, float]  # LadybugDB's INT128 sum is a Decimal
        (node,) = store.query("MATCH (p:Paper {id: '2501.00001'}) RETURN p").rows[0]
        assert node["title"] == "Graph Sketches" and not any(k.startswith("_") for k in node)


def test_store_embedded_lookup_family_through_its_variants(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(small_graph())
        (family,) = store.lookup("qwen2.5")
        assert family.variants == ["Qwen2.5-1.5B", "Qwen2.5-7B"]
        assert [(p["id"], p["via"]) for p in family.papers] == [("2501.00002", "Qwen2.5-1.5B"), ("t-abc", "Qwen2.5-7B")]
        (variant,) = store.lookup("Qwen2.5-7B")
        assert (variant.family, variant.variants) == ("Qwen2.5", [])
        assert [(p["id"], p["via"]) for p in variant.papers] == [("t-abc", None)]


def test_store_embedded_interrupted_build_is_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.bulk_load = False  # the row-by-row path (a bulk first load is one transaction)
        real = store._write_rows

        def dies_at_links(cypher: str, rows: list) -> None:
            if cypher == store.CREATE_LINKS:
                raise KeyboardInterrupt
            real(cypher, rows)

        monkeypatch.setattr(store, "_write_rows", dies_at_links)
        with pytest.raises(KeyboardInterrupt):
            store.write(small_graph())
    with EmbeddedStore(path, writable=True) as store:
        again = store.write(small_graph())
        assert (again.papers_written, again.papers_skipped) == (3, 0)
        assert store.stats()["mentions"] == 8


def test_store_embedded_aliases_accumulate_across_builds(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(small_graph())
        # A later build of another paper names GRPO without its long form.
        later = Graph(
            [Paper("2502.00009", "Later", "GRPO, briefly.")],
            [Entity("grpo", "GRPO", EntityType.METHOD)],
            [Link("2502.00009", "grpo", Role.USES)],
            extractor_version="test-1",
        )
        store.write(later)
        (hit,) = store.lookup("Group Relative Policy Optimization")
        assert hit.aliases == ["Group Relative Policy Optimization"]
        assert [p["id"] for p in hit.papers] == ["2501.00002", "2502.00009", "t-abc"]


def test_store_embedded_same_paper_by_title_then_arxiv_id_is_one_node(tmp_path: Path) -> None:
    from kg.text import title_id

    title = "Small Proofs"
    by_title = Paper(title_id(title), title, "We tune Qwen2.5-1.5B.")
    by_arxiv = replace(by_title, id="2501.00002")
    entity = Entity("qwen", "Qwen2.5-1.5B", EntityType.MODEL)

    def build(paper: Paper) -> Graph:
        return Graph([paper], [entity], [Link(paper.id, "qwen", Role.USES)], extractor_version="test-1")

    with EmbeddedStore(tmp_path / "a.lbdb", writable=True) as store:
        store.write(build(by_title))
        store.write(build(by_arxiv))  # the arXiv id wins
        assert store.query("MATCH (p:Paper) RETURN p.id").rows == [["2501.00002"]]
        assert store.stats()["mentions"] == 1
    with EmbeddedStore(tmp_path / "b.lbdb", writable=True) as store:
        store.write(build(by_arxiv))
        result = store.write(build(by_title))  # read later from a source that lacks the id
        assert result.papers_skipped == 1
        assert store.query("MATCH (p:Paper) RETURN p.id").rows == [["2501.00002"]]


def test_store_embedded_title_only_and_arxiv_copy_in_one_write_is_one_node(tmp_path: Path) -> None:
    """Stored by arXiv id; a later write holds the paper twice, by title only and by its id."""
    from kg.text import title_id

    title = "Small Proofs About Large Graphs"
    stored = Paper("2501.00077", title, "Our abstract.")
    by_title = Paper(title_id(title), title, "Our abstract, revised.")
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(Graph([stored], extractor_version="v1"))
        store.write(Graph([by_title, replace(stored, abstract="Our abstract, revised.")], extractor_version="v1"))
        assert store.query("MATCH (p:Paper) RETURN p.id, p.abstract").rows == [["2501.00077", "Our abstract, revised."]]
