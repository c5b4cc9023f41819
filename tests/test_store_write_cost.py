"""Every write statement costs in proportion to its batch, not to the graph.

On the embedded store each statement is PROFILEd with a batch of 5 rows against a graph of
2,000 papers, 1,000 entities and 10,000 links, inside a transaction that is rolled back;
no operator may produce more rows than a small multiple of the batch (a scan or a join of
a whole table produces thousands). On Neo4j the EXPLAIN plan may hold no label or
all-nodes scan.
"""

from __future__ import annotations

import random

import pytest

from conftest_neo4j import connect_neo4j, wipe
from kg.model import Entity, EntityType, Graph, Link, Naming, Paper, Role, Variant
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from conftest import profile_max_rows

N_PAPERS, N_ENTITIES, LINKS_PER_PAPER, BATCH = 2000, 1000, 5, 5


def _graph() -> Graph:
    rnd = random.Random(7)
    papers = [Paper(f"2401.{i:05d}", f"Paper number {i}", f"Abstract {i}.") for i in range(N_PAPERS)]
    entities = [Entity(f"e{j}", f"E{j}", EntityType.METHOD) for j in range(N_ENTITIES)]
    links = [
        Link(p.id, f"e{j}", Role.USES, 1, "evidence")
        for p in papers
        for j in rnd.sample(range(N_ENTITIES), LINKS_PER_PAPER)
    ]
    variants = [Variant(f"e{j}", f"e{j + 1}") for j in range(0, 40, 2)]
    # every paper names a checkpoint beside its system (NAMES), as often as a link's entity
    names = [Naming(p.id, f"e{rnd.randrange(N_ENTITIES)}") for p in papers]
    return Graph(papers, entities, links, variants, extractor_version="cost-1", names=names)


def _rows() -> list[dict]:
    """One batch: rows with every field any statement reads."""
    return [
        {
            "id": f"2401.{i:05d}", "paper": f"2401.{i:05d}", "entity": f"e{i}", "key": f"e{i}",
            "variant": f"e{i}", "family": f"e{i + 3}", "role": "uses", "count": 1, "evidence": "x",
            "title": "t", "abstract": "a", "date": "", "url": "", "source": "", "tkey": "k", "hash": "h",
            "extractor": "x", "name": "n", "type": "method", "aliases": [], "keys": [],
            "start": 1, "stop": 2, "spans": "1 2", "title_spans": None, "rule": "names.shaped",
        }
        for i in range(100, 100 + BATCH)
    ]


# (name, statement, parameters) for every statement a build runs per batch.
def _statements(store: Store) -> list[tuple[str, str, dict]]:
    rows = _rows()
    new_rows = [dict(r, id=r["id"] + "-new", key=r["key"] + "-new") for r in rows]
    ids = [r["id"] for r in rows]
    return [
        ("UPDATE_PAPERS", store.UPDATE_PAPERS, {"rows": rows}),
        ("CREATE_PAPERS", store.CREATE_PAPERS, {"rows": new_rows}),
        ("MARK_WRITTEN", store.MARK_WRITTEN, {"rows": rows}),
        ("DELETE_LINKS", store.DELETE_LINKS, {"rows": rows}),
        ("DELETE_NAMES", store.DELETE_NAMES, {"rows": rows}),
        ("UPDATE_ENTITIES", store.UPDATE_ENTITIES, {"rows": rows}),
        ("CREATE_ENTITIES", store.CREATE_ENTITIES, {"rows": new_rows}),
        ("CREATE_LINKS", store.CREATE_LINKS, {"rows": rows}),
        ("CREATE_NAMES", store.CREATE_NAMES, {"rows": rows}),
        ("known hashes", "UNWIND $ids AS i MATCH (p:Paper {id: i}) RETURN p.id, p.hash", {"ids": ids}),
        ("stored aliases", "UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.key, e.aliases",
         {"keys": [r["key"] for r in rows]}),
    ]


# Statements that still join the Entity table once per batch on LadybugDB (its planner
# builds a hash join over the table); proportional to the entities, not the links.
_ENTITY_TABLE = [
    ("MERGE_VARIANTS", lambda s: s.MERGE_VARIANTS),
    ("DELETE_ORPHANS_AMONG", lambda s: s.DELETE_ORPHANS_AMONG),
]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedStore(tmp_path_factory.mktemp("cost") / "g.lbdb", writable=True) as store:
        store.write(_graph())
        yield store



@pytest.mark.parametrize("index", range(len(_statements(Store))), ids=[n for n, _, _ in _statements(Store)])
def test_store_write_cost_embedded_statement_follows_its_batch(embedded, index: int) -> None:
    name, cypher, params = _statements(embedded)[index]
    assert profile_max_rows(embedded, cypher, params) <= 10 * BATCH, name


def test_store_write_cost_comma_join_is_what_the_check_catches(embedded) -> None:
    """The check can fail: the statement this issue replaced joined every paper with every entity."""
    old = (
        "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}), (e:Entity {key: r.entity}) "
        "MERGE (p)-[m:MENTIONS]->(e) SET m.role = r.role"
    )
    assert profile_max_rows(embedded, old, {"rows": _rows()}) >= N_PAPERS


@pytest.mark.parametrize("name,get", _ENTITY_TABLE, ids=[n for n, _ in _ENTITY_TABLE])
def test_store_write_cost_embedded_entity_statements_never_scan_links(embedded, name: str, get) -> None:
    rows = _rows()
    assert profile_max_rows(embedded, get(embedded), {"rows": rows}) <= N_ENTITIES, name


_SCANS = ("AllNodesScan", "NodeByLabelScan", "AllRelationshipsScan", "DirectedAllRelationshipsScan",
          "UndirectedAllRelationshipsScan", "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan")
# (A CartesianProduct of two unique-index seeks is one row by one row: not a scan.)


@pytest.mark.neo4j
def test_store_write_cost_neo4j_plans_have_no_scans() -> None:
    store = connect_neo4j()
    try:
        statements = [(n, c, p) for n, c, p in _statements(store)] + [
            (name, get(store), {"rows": _rows()}) for name, get in _ENTITY_TABLE
        ]
        for name, cypher, params in statements:
            with store._driver.session(database=store.database) as session:
                plan = session.run("EXPLAIN " + cypher, params).consume().plan
            ops = _operators(plan)
            assert not [op for op in ops if op.startswith(_SCANS)], (name, ops)
    finally:
        wipe(store)
        store.close()


def _operators(plan) -> list[str]:
    if not plan:
        return []
    names = [str(plan.get("operatorType", "")).split("@", 1)[0]]
    for child in plan.get("children", []):
        names += _operators(child)
    return names
