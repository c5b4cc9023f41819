"""``--ego`` names a paper by id, exact title, or a unique title prefix or part (kg.graph.name_center).

One table, run three ways that must agree: on a ``Graph`` in memory (``resolve_center``,
what the page uses when the whole graph is read), in the embedded store
(``kg.export.select``, what ``kg export`` uses over the cap) and, under the ``neo4j``
marker, in Neo4j. The titles are our own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import graph as kgraph
from kg.errors import ExportError, KgError
from kg.export import select as kselect
from kg.export.html import ExportOptions, _checked, render_html, render_scope
from kg.model import Entity, EntityType, Graph, Link, Paper, Role
from kg.store.embedded import EmbeddedStore

runner = CliRunner()

TITLES = {
    "2501.00001": "Sparse Routing for Mixture Models",
    "2501.00002": "Sparse Routing Revisited",
    "2501.00003": "Sparse Attention at Scale",
    "2501.00004": "Sparse Adapters for Vision",
    "2501.00005": "Sparse Rewards in Agents",
    "2501.00006": "Sparse Probing of Language Models",
    "2501.00007": "Dense Retrieval with LoRA Experts",
    "2501.00008": "Curriculum Learning: A Survey",
    "2501.00009": "Why <Script> Tags & \"Quotes\" Break Parsers",
}
MENTIONS = {  # paper -> entity keys
    "2501.00001": ["mmlu"],
    "2501.00002": ["mmlu"],
    "2501.00003": ["mmlu", "lora"],
    "2501.00004": ["lora"],
    "2501.00005": ["gridworld"],
    "2501.00006": ["mmlu"],
    "2501.00007": ["lora"],
    "2501.00008": ["gridworld"],
    "2501.00009": ["mmlu"],
}


def ego_graph() -> Graph:
    papers = [Paper(pid, title, "", date="2025-01-02") for pid, title in TITLES.items()]
    entities = [
        Entity("lora", "LoRA", EntityType.METHOD, ("Low-Rank Adaptation",)),
        Entity("mmlu", "MMLU", EntityType.BENCHMARK),
        Entity("gridworld", "GridWorld", EntityType.BENCHMARK),
    ]
    links = [Link(pid, key, Role.USES) for pid, keys in MENTIONS.items() for key in keys]
    return Graph(papers=papers, entities=entities, links=links)


def _listed(*ids: str) -> str:
    return "; ".join(f"{TITLES[i]!r} ({i})" for i in ids)


# text -> (papers, entities) named, or the whole one-line error.
CASES = {
    "id": ("2501.00003", ({"2501.00003"}, set())),
    "exact title, any case": ("sparse attention at scale", ({"2501.00003"}, set())),
    "exact title, other punctuation": ("SPARSE ATTENTION, AT SCALE!", ({"2501.00003"}, set())),
    "unique prefix": ("Curriculum Learning", ({"2501.00008"}, set())),
    "prefix with odd spaces": ("  curriculum   LEARNING ", ({"2501.00008"}, set())),
    "unique substring": ("retrieval with lora", ({"2501.00007"}, set())),
    "substring with markup": ('<script> tags & "quotes"', ({"2501.00009"}, set())),
    "an entity beats a title part": ("LoRA", (set(), {"lora"})),
    "an entity alias": ("low-rank adaptation", (set(), {"lora"})),
    "two prefixes": (
        "Sparse Routing",
        "2 papers have titles starting with 'Sparse Routing': "
        + _listed("2501.00001", "2501.00002")
        + "; give the id or more of the title",
    ),
    "many prefixes: five listed": (
        "sparse",
        "more than 5 papers have titles starting with 'sparse': "
        + _listed("2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005")
        + "; give the id or more of the title",
    ),
    "two substrings": (
        "models",
        "2 papers have titles containing 'models': " + _listed("2501.00001", "2501.00006") + "; give the id or more of the title",
    ),
    "nothing": ("nothing like it", "no paper id, paper title or entity matches 'nothing like it'; check the spelling with `kg lookup`"),
    "a typo in a title": (
        "curiculum learnin",
        "no paper id, paper title or entity matches 'curiculum learnin' (did you mean "
        + _listed("2501.00008")
        + "?); check the spelling with `kg lookup`",
    ),
    "a typo in an entity": (
        "Gridwrold",
        "no paper id, paper title or entity matches 'Gridwrold' (did you mean 'GridWorld'?); check the spelling with `kg lookup`",
    ),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("ego") / "g.lbdb"
    with EmbeddedStore(path, writable=True) as writer:
        writer.write(ego_graph())
    with EmbeddedStore(path) as reader:
        yield reader


def _named(resolve, text: str):
    try:
        center = resolve(text)
    except ExportError as exc:
        return str(exc)
    return set(center.papers), set(center.entities)


def _in_memory(text: str):
    return _named(lambda t: kgraph.resolve_center(ego_graph(), t), text)


def _in_store(store, text: str):
    return _named(lambda t: kselect._resolve(store, kselect._Filter(None), t), text)


@pytest.mark.parametrize("case", sorted(CASES))
def test_ego_names_a_paper_in_memory(case: str) -> None:
    text, want = CASES[case]
    assert _in_memory(text) == want


@pytest.mark.parametrize("case", sorted(CASES))
def test_ego_names_a_paper_in_the_embedded_store(store, case: str) -> None:
    text, want = CASES[case]
    assert _in_store(store, text) == want


def test_ego_errors_are_one_line() -> None:
    for text, want in CASES.values():
        if isinstance(want, str):
            assert "\n" not in want


def test_ego_entity_option_does_not_match_titles(store) -> None:
    # --entity names entities only: a title prefix is not an entity.
    for resolve in (
        lambda t: kgraph.resolve_center(ego_graph(), t, entities_only=True),
        lambda t: kselect._resolve(store, kselect._Filter(None), t, entities_only=True),
    ):
        with pytest.raises(ExportError, match=re.escape("no entity matches 'Curriculum Learning'")):
            resolve("Curriculum Learning")


def test_ego_window_applies_before_the_title_search(tmp_path: Path) -> None:
    # Papers outside --since are not candidates: the one left is unique.
    papers = [Paper(pid, t, "", date="2023-05-01" if pid == "2501.00002" else "2025-01-02") for pid, t in TITLES.items()]
    graph = Graph(papers=papers, entities=ego_graph().entities, links=ego_graph().links)
    assert kgraph.resolve_center(kgraph.filter_since(graph, "2024"), "sparse routing").papers == {"2501.00001"}
    with EmbeddedStore(tmp_path / "w.lbdb", writable=True) as db:
        db.write(graph)
        assert kselect._resolve(db, kselect._Filter("2024-01-01"), "sparse routing").papers == {"2501.00001"}
        with pytest.raises(ExportError, match="2 papers have titles starting with 'sparse routing'"):
            kselect._resolve(db, kselect._Filter(None), "sparse routing")
    with pytest.raises(ExportError, match="2 papers have titles starting with 'sparse routing'"):
        kgraph.resolve_center(graph, "sparse routing")


def test_ego_page_by_prefix_is_the_page_by_id(store) -> None:
    # In memory (under the cap) and chosen in the store (over it) alike.
    def drawn(ego: str, max_nodes: int | None) -> tuple[list, list]:
        options = _checked(ExportOptions(ego=ego, max_nodes=max_nodes))
        if max_nodes is None:
            page = render_html(ego_graph(), options)[0]
        else:
            page = render_scope(kselect.select_scope(store, options), options)[0]
        data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
        return [n["id"] for n in data["nodes"]], [(e["from"], e["to"]) for e in data["edges"]]

    for cap in (None, 3):
        by_id = drawn("2501.00004", cap)
        assert by_id[0] and by_id[1], by_id
        assert drawn("sparse adapters", cap) == by_id
        assert drawn("ADAPTERS FOR VISION", cap) == by_id


def test_ego_cli_prefix_and_ambiguity(store, tmp_path: Path) -> None:
    from kg.cli import app

    out = tmp_path / "g.html"
    res = runner.invoke(app, ["export", "--html", str(out), "--db", str(store.path), "--ego", "curriculum learn", "--json"])
    assert res.exit_code == 0, res.output
    assert "within 1 hop of 'curriculum learn'" in res.output
    res = runner.invoke(app, ["export", "--html", str(out), "--db", str(store.path), "--ego", "Sparse Routing"])
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines == ["Error: " + CASES["two prefixes"][1]]


def test_ego_error_is_a_kg_error() -> None:
    with pytest.raises(KgError):
        kgraph.resolve_center(ego_graph(), "sparse")


# -- Neo4j ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def neo4j_store():
    from conftest_neo4j import module_store

    for server in module_store():
        server.write(ego_graph())
        yield server


@pytest.mark.neo4j
@pytest.mark.parametrize("case", ["id", "exact title, other punctuation", "prefix with odd spaces", "many prefixes: five listed",
                                  "two substrings", "an entity beats a title part", "a typo in an entity", "a typo in a title"])
def test_ego_names_a_paper_in_neo4j(neo4j_store, case: str) -> None:
    text, want = CASES[case]
    assert _in_store(neo4j_store, text) == want
