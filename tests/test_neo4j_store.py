"""The Neo4j store against a real server (NEO4J_URI), and its parity with the embedded store.

Start a server with ``eval "$(docker/neo4j-local start)"``. Without one these tests
skip, unless ``KG_REQUIRE_NEO4J=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from conftest_neo4j import key, module_store, sample_graph, wipe
from kg.errors import AuthFailed, QueryRejected, StoreUnavailable
from kg.model import EntityType, Link, Role
from kg.store.cypher_files import read_query_file
from kg.store.embedded import EmbeddedStore
from kg.store.neo4j import TYPE_LABELS, Neo4jStore
from test_cypher_library import sample_params

ROOT = Path(__file__).resolve().parents[1]
CYPHER_FILES = sorted((ROOT / "cypher").glob("*.cypher"))
needs_server = pytest.mark.neo4j


@pytest.fixture(scope="module")
def server():
    """A writable store on the server, emptied once for this module."""
    yield from module_store()


@pytest.fixture
def neo(server: Neo4jStore) -> Neo4jStore:
    """The server store, emptied before the test."""
    wipe(server)
    return server


@pytest.fixture(scope="module")
def both(server: Neo4jStore, tmp_path_factory: pytest.TempPathFactory):
    """The sample graph in an embedded store and on the server."""
    wipe(server)
    graph = sample_graph()
    server.write(graph)
    with EmbeddedStore(tmp_path_factory.mktemp("parity") / "g.lbdb", writable=True) as embedded:
        embedded.write(graph)
        yield embedded, server
    wipe(server)


def counts(store: Neo4jStore) -> tuple[int, int, dict[str, int]]:
    nodes = store.query("MATCH (n) RETURN count(n)").rows[0][0]
    rels = store.query("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
    labels = store.query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) ORDER BY l").rows
    return nodes, rels, dict(labels)


# -- schema and writes ----------------------------------------------------------------------
@needs_server
def test_neo4j_schema_created(neo: Neo4jStore) -> None:
    constraints = neo.query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    ).rows
    assert ["paper_id", "UNIQUENESS", ["Paper"], ["id"]] in constraints
    assert ["entity_key", "UNIQUENESS", ["Entity"], ["key"]] in constraints
    indexes = {
        row[0]: row[1:]
        for row in neo.query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN *").rows
    }
    assert indexes["entity_name"] == ["RANGE", ["Entity"], ["name"]] or indexes["entity_name"][0] == "RANGE"
    assert {name: indexes[name][0] for name in ("entity_name", "entity_type", "entity_names", "paper_titles")} == {
        "entity_name": "RANGE",
        "entity_type": "RANGE",
        "entity_names": "FULLTEXT",
        "paper_titles": "FULLTEXT",
    }
    by_name = {r[0]: (r[2], r[3]) for r in neo.query(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    ).rows}
    assert by_name["entity_names"] == (["Entity"], ["name", "alias_text"])
    assert by_name["paper_titles"] == (["Paper"], ["title"])
    assert by_name["entity_type"] == (["Entity"], ["type"])


@needs_server
def test_neo4j_write_twice_gives_identical_counts(neo: Neo4jStore) -> None:
    graph = sample_graph()
    first = neo.write(graph, batch_size=7)
    assert (first.papers_written, first.papers_skipped, first.links) == (10, 0, len(graph.links))
    before = counts(neo)
    second = neo.write(graph, batch_size=7)
    assert (second.papers_written, second.papers_skipped) == (0, 10)
    assert counts(neo) == before
    # A new extractor version rewrites every paper, and still changes nothing.
    third = neo.write(replace(graph, extractor_version="sample-2"))
    assert third.papers_written == 10
    assert counts(neo) == before
    assert before[0] == 10 + len(graph.entities)
    assert before[1] == len(graph.links) + len(graph.variants)


@needs_server
def test_neo4j_changed_paper_replaces_its_links(neo: Neo4jStore, tmp_path: Path) -> None:
    graph = sample_graph()
    neo.write(graph)
    # 2403.00102 is rewritten: it no longer mentions C4 or Llama-3-70B, and now evaluates on GSM8K.
    pid = "2403.00102"
    papers = [replace(p, abstract=p.abstract + " Revised.") if p.id == pid else p for p in graph.papers]
    links = [l for l in graph.links if l.paper_id != pid] + [
        Link(pid, key("PebblePrune"), Role.PROPOSES, 3, "We propose PebblePrune."),
        Link(pid, key("GSM8K"), Role.EVALUATES_ON, 1, "Results on GSM8K."),
    ]
    changed = replace(graph, papers=papers, links=links)
    result = neo.write(changed)
    assert (result.papers_written, result.papers_skipped) == (1, 9)
    rows = neo.query(
        "MATCH (p:Paper {id: $id})-[m:MENTIONS]->(e:Entity) RETURN e.key, m.role, m.evidence ORDER BY e.key",
        {"id": pid},
    ).rows
    assert rows == [
        [key("GSM8K"), "evaluates_on", "Results on GSM8K."],
        [key("PebblePrune"), "proposes", "We propose PebblePrune."],
    ]
    # Nobody mentions Llama-3-70B or the pebbleprune repository any more: both go. C4 is still
    # mentioned elsewhere, and Llama-3 stays as the family of Llama-3-8B.
    keys = {r[0] for r in neo.query("MATCH (e:Entity) RETURN e.key").rows}
    assert not {key("github.com/pebble-ai/pebbleprune"), key("Llama-3-70B")} & keys
    assert {key("Llama-3"), key("C4")} <= keys
    # The same two builds give the same graph in the embedded store.
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as embedded:
        embedded.write(graph)
        embedded.write(changed)
        assert neo.load_graph() == embedded.load_graph()
        assert neo.stats() == embedded.stats()


@needs_server
def test_neo4j_type_labels_and_alias_text(neo: Neo4jStore) -> None:
    neo.write(sample_graph())
    rows = neo.query("MATCH (e:Entity) RETURN e.type, labels(e), e.alias_text, e.aliases ORDER BY e.key").rows
    for etype, labels, alias_text, aliases in rows:
        assert sorted(labels) == sorted(["Entity", TYPE_LABELS[EntityType(etype)]])
        assert alias_text == " | ".join(aliases)
    gsm = neo.query("MATCH (e:Benchmark {key: $k}) RETURN e.alias_text", {"k": key("GSM8K")}).rows
    assert gsm == [["GSM-8K"]]
    hits = neo.query(
        "CALL db.index.fulltext.queryNodes('entity_names', 'Colossal') YIELD node RETURN node.name"
    ).rows
    assert hits == [["C4"]]


# -- queries ------------------------------------------------------------------------------
@needs_server
@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Scratch {a: 1}) RETURN n",
        "MERGE (n:Scratch {a: 1})",
        "MATCH (p:Paper) SET p.title = 'x'",
        "MATCH (p:Paper) DETACH DELETE p",
        "MATCH (e:Entity) REMOVE e:Method",
        "CREATE INDEX scratch IF NOT EXISTS FOR (n:Scratch) ON (n.a)",
        "UNWIND [1, 2] AS i FOREACH (x IN [i] | CREATE (:Scratch {a: x}))",
        "PROFILE CREATE (n:Scratch)",
        "CALL { CREATE (:Scratch) } IN TRANSACTIONS",
        "MATCH (n:Paper) CALL (n) { SET n.x = 1 } RETURN count(*)",
        "CALL db.createLabel('Scratch')",
        "CREATE USER scratch SET PASSWORD 'scratch-password'",
    ],
)
def test_neo4j_read_only_query_refuses_writes(neo: Neo4jStore, cypher: str) -> None:
    neo.write(sample_graph())
    before = counts(neo)
    with pytest.raises(QueryRejected, match=r"^this query writes; re-run with --write$"):
        neo.query(cypher)
    assert counts(neo) == before
    assert neo.query("SHOW INDEXES YIELD name WHERE name = 'scratch' RETURN name").rows == []
    assert neo.query("SHOW USERS YIELD user WHERE user = 'scratch' RETURN user").rows == []


@needs_server
@pytest.mark.parametrize(
    "cypher",
    [
        "SHOW INDEXES YIELD name RETURN name",
        "SHOW USERS YIELD user RETURN user",
        "SHOW DATABASES YIELD name RETURN name",
        "CALL db.labels() YIELD label RETURN label",
        "EXPLAIN CREATE (n:Scratch)",
    ],
)
def test_neo4j_read_only_query_allows_reads(neo: Neo4jStore, cypher: str) -> None:
    neo.query(cypher)


@needs_server
def test_neo4j_write_flag_allows_writes(neo: Neo4jStore) -> None:
    assert neo.query("CREATE (n:Scratch {a: 1}) RETURN n.a AS a", write=True).rows == [[1]]
    assert neo.query("MATCH (n:Scratch) RETURN count(n)").rows == [[1]]
    # A store opened read-only refuses --write before asking the server.
    reader = Neo4jStore.from_env()
    try:
        with pytest.raises(QueryRejected, match="read-only"):
            reader.query("MATCH (n:Scratch) DELETE n", write=True)
        assert reader.query("MATCH (n:Scratch) RETURN n.a").rows == [[1]]
    finally:
        reader.close()


@needs_server
def test_neo4j_bad_query_is_rejected_in_one_line(neo: Neo4jStore) -> None:
    with pytest.raises(QueryRejected) as info:
        neo.query("MATCH (p:Paper RETURN p")
    assert "\n" not in str(info.value)
    assert "(line 1, column 16 (offset: 15))" in str(info.value) and "EXPLAIN" not in str(info.value)
    with pytest.raises(QueryRejected, match="Expected parameter"):
        neo.query("RETURN $missing")


@needs_server
def test_neo4j_values_become_plain_python(neo: Neo4jStore) -> None:
    neo.write(sample_graph())
    row = neo.query(
        "MATCH path = (p:Paper {id: '2403.00230'})-[m:MENTIONS]->(e:Entity {key: $k}) "
        "RETURN p, m, e, date('2024-03-05') AS d, datetime('2024-03-05T10:00:00Z') AS t, "
        "duration('P1D') AS du, [date('2024-01-01'), [1, 2.5, null]] AS l, {a: date('2024-01-02')} AS mp, path",
        {"k": key("GSM8K")},
    ).rows[0]
    paper, mention, entity, d, t, du, lst, mp, path = row
    assert paper["id"] == "2403.00230" and paper["title"] == "Preference Tuning at Small Scale"
    assert mention == {"role": "evaluates_on", "count": 2, "evidence": mention["evidence"]}
    assert entity == {
        "key": key("GSM8K"),
        "name": "GSM8K",
        "type": "benchmark",
        "aliases": ["GSM-8K"],
        "keys": sorted({key("GSM8K"), key("GSM-8K")}),
    }
    assert (d, t, du) == ("2024-03-05", "2024-03-05T10:00:00.000000000+00:00", "P1D")
    assert lst == ["2024-01-01", [1, 2.5, None]]
    assert mp == {"a": "2024-01-02"}
    assert path == {"nodes": [paper, entity], "relationships": [mention]}


# -- parity with the embedded store ----------------------------------------------------------
@needs_server
def test_neo4j_stats_equal_embedded(both) -> None:
    embedded, neo = both
    assert neo.stats() == embedded.stats()
    assert neo.stats()["papers"] == 10


@needs_server
def test_neo4j_load_graph_equal_embedded(both) -> None:
    embedded, neo = both
    assert neo.load_graph() == embedded.load_graph()


@needs_server
@pytest.mark.parametrize(
    ("name", "type"),
    [
        ("LoRA", None),
        ("low rank adaptation", None),
        ("GSM 8K", "benchmark"),
        ("GSM8K", "model"),
        ("llama_3_8b", None),
        ("Llama-3", "model"),
        ("colossal clean crawled corpus", None),
        ("github.com/acme-lab/tideroute", None),
        ("no such thing", None),
    ],
)
def test_neo4j_lookup_equal_embedded(both, name: str, type: str | None) -> None:
    embedded, neo = both
    assert neo.lookup(name, type) == embedded.lookup(name, type)


def test_neo4j_lookup_sample_is_not_trivial(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(sample_graph())
        hits = store.lookup("low rank adaptation")
    assert [h.name for h in hits] == ["LoRA"] and len(hits[0].papers) == 4


@needs_server
@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_neo4j_cypher_library_parity(both, path: Path) -> None:
    embedded, neo = both
    qf = read_query_file(path)
    params = sample_params(path)  # the defaults name the example graph's papers; these the sample's
    on_neo4j = neo.query(qf.text, params)
    assert on_neo4j.rows, "the parameters should find something in the sample graph"
    if qf.neo4j_only:
        return
    on_embedded = embedded.query(qf.text, params)
    assert on_neo4j.columns == on_embedded.columns
    assert on_neo4j.rows == on_embedded.rows


# -- errors -------------------------------------------------------------------------------
@needs_server
def test_neo4j_wrong_password_raises_auth_failed(server: Neo4jStore) -> None:
    with pytest.raises(AuthFailed, match="refused the credentials") as info:
        Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), "not-the-password")
    assert "not-the-password" not in str(info.value)
    assert isinstance(info.value, StoreUnavailable)  # AuthFailed is a kind of StoreUnavailable


def test_neo4j_unreachable_port_raises_store_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nobody listens there
    with pytest.raises(StoreUnavailable) as info:
        Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", "whatever")
    message = str(info.value)
    assert not isinstance(info.value, AuthFailed)
    assert "\n" not in message
    assert f"127.0.0.1:{port}" in message and 'eval "$(docker/neo4j-local start)"' in message


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "bolt://127.0.0.1:notaport"])
def test_neo4j_bad_uri_raises_store_unavailable(uri: str) -> None:
    with pytest.raises(StoreUnavailable, match="bad Neo4j URI"):
        Neo4jStore(uri, "neo4j", "whatever")


def test_neo4j_from_env_without_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(StoreUnavailable, match="NEO4J_URI is not set"):
        Neo4jStore.from_env()
