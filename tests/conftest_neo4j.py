"""Helpers for the Neo4j and Cypher-library tests (a plain module, imported by them).

``sample_graph()`` is a small hand-written graph: 10 papers, entities of every
type shared between them, two model families. The text is our own.
``connect_neo4j()`` opens the server named by ``NEO4J_URI`` or skips (fails
under ``KG_REQUIRE_NEO4J=1``).
"""

from __future__ import annotations

import os

import pytest

from kg.model import Entity, EntityType, Graph, Link, Paper, Role, Variant
from kg.text import match_key

M, D, B, MO, G, U = (
    EntityType.METHOD,
    EntityType.DATASET,
    EntityType.BENCHMARK,
    EntityType.MODEL,
    EntityType.GITHUB,
    EntityType.URL,
)
P, US, EV, CO, CD = Role.PROPOSES, Role.USES, Role.EVALUATES_ON, Role.COMPARES_TO, Role.CODE

# name, type, aliases
_ENTITIES = [
    ("TideRoute", M, ("Tide Routing",)),
    ("LoRA", M, ("Low-Rank Adaptation",)),
    ("DPO", M, ("Direct Preference Optimization",)),
    ("PebblePrune", M, ()),
    ("Lantern Decoding", M, ("LanternDec",)),
    ("Orca-Mix", M, ()),
    ("Llama-3", MO, ()),
    ("Llama-3-8B", MO, ()),
    ("Llama-3-70B", MO, ()),
    ("Qwen2.5", MO, ()),
    ("Qwen2.5-7B", MO, ()),
    ("Mistral-7B", MO, ()),
    ("C4", D, ("Colossal Clean Crawled Corpus",)),
    ("OpenWebMath", D, ()),
    ("MMLU", B, ()),
    ("GSM8K", B, ("GSM-8K",)),
    ("HumanEval", B, ()),
    ("ARC-Challenge", B, ("ARC-C",)),
    ("github.com/acme-lab/tideroute", G, ()),
    ("github.com/pebble-ai/pebbleprune", G, ()),
    ("https://lantern.example.org", U, ()),
]

# id, title, date, [(entity name, role, count)]
_PAPERS = [
    ("2403.00101", "Tide Routing for Sparse Experts", "2024-03-01",
     [("TideRoute", P, 4), ("MMLU", EV, 1), ("GSM8K", EV, 1), ("Llama-3-8B", US, 2), ("LoRA", CO, 1),
      ("github.com/acme-lab/tideroute", CD, 1)]),
    ("2403.00102", "Pruning Pebbles: Structured Sparsity Without Retraining", "2024-03-01",
     [("PebblePrune", P, 3), ("Llama-3-70B", US, 1), ("MMLU", EV, 1), ("C4", US, 1),
      ("github.com/pebble-ai/pebbleprune", CD, 1)]),
    ("2403.00230", "Preference Tuning at Small Scale", "2024-03-05",
     [("DPO", US, 2), ("Qwen2.5-7B", US, 1), ("GSM8K", EV, 2), ("LoRA", US, 1)]),
    ("2404.00017", "Lantern Decoding: Looking Ahead With Cheap Drafts", "2024-04-02",
     [("Lantern Decoding", P, 5), ("Llama-3-8B", US, 1), ("HumanEval", EV, 1), ("GSM8K", EV, 1),
      ("https://lantern.example.org", CD, 1)]),
    ("2404.00311", "Math Corpora for Reasoning Pretraining", "2024-04-10",
     [("OpenWebMath", US, 3), ("C4", CO, 1), ("Mistral-7B", US, 1), ("GSM8K", EV, 1)]),
    ("2405.00044", "Routing Meets Pruning", "2024-05-01",
     [("TideRoute", US, 1), ("PebblePrune", US, 1), ("Llama-3-8B", US, 1), ("MMLU", EV, 1),
      ("ARC-Challenge", EV, 1)]),
    ("2405.00500", "Orca-Mix: Blending Instruction Data", "2024-05-03",
     [("Orca-Mix", P, 2), ("Qwen2.5-7B", US, 1), ("Qwen2.5", US, 1), ("MMLU", EV, 1), ("DPO", CO, 1)]),
    ("2406.00008", "Adapters Under Pressure", "2024-06-20",
     [("LoRA", US, 3), ("Mistral-7B", US, 1), ("Llama-3-8B", CO, 1), ("ARC-Challenge", EV, 1),
      ("MMLU", EV, 1)]),
    ("2406.00090", "Code Models Draft Faster", "2024-06-20",
     [("Lantern Decoding", US, 1), ("HumanEval", EV, 2), ("Qwen2.5-7B", US, 1), ("TideRoute", CO, 1)]),
    ("t-5e1f00aa11bb22cc", "A Survey of Efficient Fine-Tuning", "",
     [("LoRA", US, 2), ("DPO", US, 1), ("TideRoute", CO, 1), ("PebblePrune", CO, 1), ("C4", US, 1)]),
]

_VARIANTS = [("Llama-3-8B", "Llama-3"), ("Llama-3-70B", "Llama-3"), ("Qwen2.5-7B", "Qwen2.5")]


def key(name: str) -> str:
    """The entity key the sample graph uses for ``name``."""
    return match_key(name)


def sample_graph(extractor_version: str = "sample-1") -> Graph:
    """Ten papers sharing entities of every type, with two model families."""
    papers, links = [], []
    for pid, title, date, mentions in _PAPERS:
        names = ", ".join(name for name, _, _ in mentions)
        abstract = f"{title}. This work touches on {names}."
        papers.append(Paper(pid, title, abstract, date or None, f"https://arxiv.org/abs/{pid}", "sample"))
        for name, role, count in mentions:
            links.append(Link(pid, key(name), role, count, f"{title} uses {name} ({role.value})."))
    entities = [Entity(key(n), n, t, a) for n, t, a in _ENTITIES]
    variants = [Variant(key(v), key(f)) for v, f in _VARIANTS]
    return Graph(papers, entities, links, variants, extractor_version=extractor_version)


def neo4j_required() -> bool:
    return os.environ.get("KG_REQUIRE_NEO4J") == "1"


def connect_neo4j():
    """A writable ``Neo4jStore`` on an emptied database, or a skip (a failure under KG_REQUIRE_NEO4J=1)."""
    from kg.errors import StoreUnavailable
    from kg.store.neo4j import Neo4jStore

    def give_up(reason: str):
        if neo4j_required():
            pytest.fail(f"{reason} (KG_REQUIRE_NEO4J=1)", pytrace=False)
        pytest.skip(reason)

    if not os.environ.get("NEO4J_URI"):
        give_up('NEO4J_URI is not set; run eval "$(docker/neo4j-local start)" first')
    try:
        store = Neo4jStore.from_env(writable=True)
    except StoreUnavailable as exc:
        give_up(f"Neo4j unavailable: {exc}")
    # The tests empty the database: never one that holds someone's papers, unless told to.
    if os.environ.get("KG_NEO4J_WIPE") != "1" and store.query("MATCH (p:Paper) RETURN count(p)").rows[0][0]:
        store.close()
        give_up(
            "the Neo4j database at NEO4J_URI holds papers and the tests would delete them; "
            "run scripts/test (it starts a server of its own) or set KG_NEO4J_WIPE=1"
        )
    wipe(store)
    return store


def wipe(store) -> None:
    """Delete every node and relationship (the schema stays), in batches: one transaction
    over a big graph runs out of the server's transaction memory."""
    store.query("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", write=True)


def module_store():
    """The body of a module-scoped fixture: a writable server store, emptied and closed after
    the module (also when a test failed): ``yield from module_store()``."""
    store = connect_neo4j()
    try:
        yield store
    finally:
        wipe(store)
        store.close()
