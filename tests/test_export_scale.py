"""kg.export.select: ``kg export`` chooses what to draw in the store and reads only that.

Each case is checked against the pinned behaviour: ``render_html`` of the whole graph
(``store.load_graph()``), which projects everything in networkx and then cuts.
Below the cap the page must be byte-identical; above it, the kept nodes follow the rule
in kg/export/select.py, and the report says how many of how many were drawn, and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg import graph as kgraph
from kg.errors import ExportError
from kg.export import html as khtml
from kg.export import select as kselect
from kg.export.demo import synthetic_graph
from kg.export.html import ExportOptions, render_html, render_scope
from kg.export.select import select_scope
from kg.model import Graph
from kg.store.embedded import EmbeddedStore

runner = CliRunner()
PAPERS = 300


def scale_graph() -> Graph:
    """300 invented papers in 10 topics, with undated and partly dated papers (for --since)."""
    graph = synthetic_graph(PAPERS, n_topics=10, seed=3)
    papers = []
    for i, paper in enumerate(graph.papers):
        if i % 7 == 0:
            paper = replace(paper, date=None)
        elif i % 11 == 0:
            paper = replace(paper, date="2024")
        elif i % 13 == 0:
            paper = replace(paper, date="2024-06")
        papers.append(paper)
    return replace(graph, papers=papers)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("scale") / "g.lbdb"
    with EmbeddedStore(path, writable=True) as writer:
        writer.write(scale_graph())
    with EmbeddedStore(path) as reader:
        yield reader


@pytest.fixture(scope="module")
def whole(store) -> Graph:
    """What today's export drew from."""
    return store.load_graph()


def old(whole: Graph, **opts) -> tuple[str, khtml.ExportReport]:
    """Today's export: project the whole graph, then cut."""
    return render_html(whole, ExportOptions(**opts))


def new(store, default_cap: bool = False, **opts) -> tuple[str, khtml.ExportReport, kselect.Scope]:
    """The export ``kg export`` runs: choose in the store, project what was read."""
    options = khtml._checked(ExportOptions(**opts))
    scope = select_scope(store, options, default_cap=default_cap)
    page, report = render_scope(scope, options)
    return page, report, scope


def nodes_of(page: str) -> list[str]:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "data block missing"
    return [n["id"] for n in json.loads(m.group(1))["nodes"]]


def paper_mentioning(key: str, nth: int = 0) -> str:
    """The id of the ``nth`` paper (by id) that mentions entity ``key``."""
    return sorted({link.paper_id for link in scale_graph().links if link.entity_key == key})[nth]


# A table of filters, each alone and combined. Entities and papers of the synthetic graph:
# "Topic2-Thing0" is a topic's most common entity, "CommonBench0" is in many topics.
FILTERS = {
    "papers": {},
    "bipartite": {"view": "bipartite"},
    "types": {"types": ["model", "benchmark"]},
    "min-shared": {"min_shared": 2},
    "since": {"since": "2024-06"},
    "since-year": {"since": "2024-09-15"},
    "entity": {"entity": "Topic2-Thing0"},
    "entity-depth2": {"entity": "Topic4-Thing3", "depth": 2},
    "entity-bipartite": {"entity": "topic2 thing0", "view": "bipartite", "types": ["dataset"]},
    "ego-paper": {"ego": "syn-00010"},
    "ego-title": {"ego": scale_graph().papers[12].title.upper()},  # titles match case-blind
    "ego-entity-depth0": {"ego": "Topic3-Thing1", "depth": 0},
    "ego-bipartite": {"ego": "syn-00020", "view": "bipartite", "depth": 3},
    "ego-in-entity": {"entity": "Topic1-Thing0", "ego": paper_mentioning("t1-e0", 3), "depth": 1},
    "combined": {"types": ["model", "method", "dataset"], "since": "2024-03", "min_shared": 2, "color_by": "type"},
    "entity-since-types": {"entity": "Topic0-Thing0", "since": "2024-04-10", "types": ["method"], "depth": 2},
}


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_export_select_under_the_cap_is_todays_page(store, whole, case: str) -> None:
    opts = FILTERS[case]
    want, want_report = old(whole, **opts)
    got, report, scope = new(store, max_nodes=100_000, **opts)
    assert scope.complete
    assert got == want
    assert report == want_report


# Neighbourhoods smaller than the cap in a graph larger than it: read from the store hop by
# hop, drawn exactly as when the whole graph is projected.
NEIGHBOURHOODS = [c for c in sorted(FILTERS) if "entity" in c or "ego" in c]


@pytest.mark.parametrize("case", NEIGHBOURHOODS)
def test_export_select_neighbourhood_under_the_cap_is_todays_page(store, whole, case: str) -> None:
    opts = FILTERS[case]
    want, want_report = old(whole, **opts)
    cap = max(want_report.nodes, 1)
    assert cap < PAPERS / 2, "the case should be a small neighbourhood"
    got, report, scope = new(store, max_nodes=cap, **opts)
    assert not scope.complete  # the graph is larger than the cap: chosen in the store
    assert len(scope.graph.papers) <= cap  # and only those papers were read
    assert report.cut_nodes == 0 and report.nodes == want_report.nodes
    assert got == want


# Over the cap without a neighbourhood: the store's strength is the weighted degree of the
# whole view, so the same nodes are kept, and the page is the one the whole graph gives.
OVER = ["papers", "bipartite", "types", "since", "since-year"]


@pytest.mark.parametrize("cap", [1, 40, 80])
@pytest.mark.parametrize("case", OVER)
def test_export_select_over_the_cap_keeps_what_the_whole_graph_keeps(store, whole, case: str, cap: int) -> None:
    opts = FILTERS[case]
    want, want_report = old(whole, max_nodes=cap, **opts)
    got, report, scope = new(store, max_nodes=cap, **opts)
    assert not scope.complete
    assert want_report.cut_nodes > 0
    assert nodes_of(got) == nodes_of(want)
    assert report == want_report
    assert got == want


def test_export_select_over_the_cap_with_common_entities_left_out(store, whole, monkeypatch) -> None:
    # The papers view leaves the most common entities out when they would link too many pairs;
    # which ones is decided on the whole graph's counts, in both ways of exporting.
    monkeypatch.setattr(kgraph, "MAX_PAIRS", 2000)
    want, want_report = old(whole, max_nodes=60)
    got, report, _ = new(store, max_nodes=60)
    assert any("very common entit" in note for note in report.notes)
    assert report == want_report
    assert got == want


def test_export_select_most_connected_are_kept(store, whole) -> None:
    g = kgraph.paper_graph(whole)
    strength = dict(g.degree(weight="weight"))
    _, report, scope = new(store, max_nodes=50)
    kept = set(scope.keep or ())
    assert len(kept) == 50
    weakest_kept = min(strength[n] for n in kept)
    strongest_cut = max(strength[n] for n in g if n not in kept)
    assert weakest_kept >= strongest_cut - 1e-6
    assert max(strength, key=lambda n: (strength[n], n)) in kept


@pytest.mark.parametrize(
    ("opts", "total", "what"),
    [
        ({}, PAPERS, "papers"),
        ({"since": "2024-06"}, None, "papers"),
        ({"view": "bipartite"}, None, "nodes"),
    ],
)
def test_export_select_cut_message_counts(store, whole, opts, total, what) -> None:
    _, uncut = old(whole, **opts)
    total = total or uncut.nodes
    _, report, _ = new(store, max_nodes=37, **opts)
    assert (report.nodes, report.cut_nodes) == (37, total - 37)
    assert report.cut_message.startswith(
        f"kept the 37 {what} with the highest weighted degree of {total:,} (cut {total - 37:,}; raise --max-nodes"
    )
    if "since" in opts:
        dated = len(kgraph.filter_since(whole, opts["since"]).papers)
        assert f"{dated} of {PAPERS} papers dated on or after 2024-06-01" in report.notes


def test_export_select_big_neighbourhood_keeps_the_nearest(store, whole) -> None:
    opts = {"ego": "syn-00010", "depth": 2}
    _, uncut = old(whole, **opts)
    assert uncut.nodes > 60, "the case should be a large neighbourhood"
    page, report, scope = new(store, max_nodes=60, **opts)
    assert (report.nodes, report.cut_nodes) == (60, uncut.nodes - 60)
    assert report.cut_message.startswith(f"kept the 60 papers nearest to 'syn-00010' (then of highest weighted degree")
    assert f"of {uncut.nodes:,} (cut {uncut.nodes - 60:,};" in report.cut_message
    # Distances in the papers view: every paper at 1 hop is kept before any at 2.
    g = kgraph.paper_graph(whole)
    dist = nx.single_source_shortest_path_length(g, "syn-00010", cutoff=2)
    drawn = set(nodes_of(page))
    assert "syn-00010" in drawn and drawn <= set(dist)
    ring1 = {n for n, d in dist.items() if d == 1}
    assert len(ring1) < 59, "the cut should fall in the second ring"
    assert ring1 <= drawn


def test_export_select_default_cap_says_so(store, monkeypatch, tmp_path: Path) -> None:
    from kg.cli import app

    monkeypatch.setattr(kselect, "DEFAULT_MAX_NODES", 25)
    out = tmp_path / "g.html"
    res = runner.invoke(app, ["export", "--html", str(out), "--db", str(store.path), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert (report["nodes"], report["cut_nodes"]) == (25, PAPERS - 25)
    assert f"of {PAPERS} (cut {PAPERS - 25}; at most 25 papers are drawn by default: raise --max-nodes" in report["cut_message"]
    res = runner.invoke(app, ["export", "--html", str(out), "--db", str(store.path), "--max-nodes", "25"])
    assert res.exit_code == 0, res.output
    assert "kept the 25 papers" in res.stdout and "by default" not in res.stdout


@pytest.mark.parametrize("since", ["2024", "2024-06", "2024-06-15", "2024-12-31"])
def test_export_select_since_matches_python(store, whole, since: str) -> None:
    # Cypher compares the stored dates as filter_since does: undated papers go, "2024" and
    # "2024-06" compare with as much of --since.
    want = len(kgraph.filter_since(whole, since).papers)
    assert 1 < want < PAPERS - PAPERS // 7
    _, report, scope = new(store, since=since, max_nodes=1)
    assert not scope.complete
    assert f"{want} of {PAPERS} papers dated on or after {kgraph.parse_since(since)}" in report.notes
    assert report.nodes + report.cut_nodes == want


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"entity": "No Such Thing"}, "no entity matches 'No Such Thing'"),
        ({"ego": "nope"}, "no paper id, paper title or entity matches 'nope'"),
        # The paper exists but is undated: --since leaves it out.
        ({"ego": "syn-00007", "since": "2024"}, "no paper id, paper title or entity matches 'syn-00007'"),
    ],
)
def test_export_select_unknown_names_fail_as_before(store, whole, opts, message) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        old(whole, **opts)
    with pytest.raises(ExportError, match=re.escape(message)):
        new(store, max_nodes=10, **opts)


def test_export_select_reads_papers_without_links_and_links_without_evidence(tmp_path: Path) -> None:
    # The chosen papers are read one row each, their links collected: a paper without links and
    # a link without evidence must come back as they are, not shift the other lists.
    from kg.model import Entity, EntityType, Link, Paper, Role

    papers = [Paper(f"p{i}", f"Paper {i}", "", date="2025-01-01") for i in range(1, 6)]
    entities = [Entity("e1", "AlphaNet", EntityType.MODEL), Entity("e2", "BetaSet", EntityType.DATASET)]
    links = [
        Link("p1", "e1", Role.PROPOSES, 1, ""),
        Link("p1", "e2", Role.USES, 1, "We train on BetaSet."),
        Link("p2", "e1", Role.USES, 1, "We use AlphaNet."),
        Link("p2", "e2", Role.EVALUATES_ON, 1, ""),
        Link("p4", "e2", Role.USES, 1, "BetaSet again."),
    ]
    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as writer:
        writer.write(Graph(papers=papers, entities=entities, links=links))
    with EmbeddedStore(path) as reader:
        scope = select_scope(reader, khtml._checked(ExportOptions(max_nodes=4)))
        whole = reader.load_graph()
    assert not scope.complete and sorted(scope.keep) == ["p1", "p2", "p3", "p4"]  # p3 links nothing
    assert sorted(p.id for p in scope.graph.papers) == ["p1", "p2", "p3", "p4"]
    key = lambda link: (link.paper_id, link.entity_key, link.role, link.evidence)  # noqa: E731
    assert sorted(map(key, scope.graph.links)) == sorted(key(link) for link in whole.links if link.paper_id != "p5")
    assert sorted(map(key, scope.graph.links)) == sorted(map(key, links))


# -- big drawings ---------------------------------------------------------------------------


@pytest.mark.parametrize("per_node", [1, 3, 6])
def test_export_select_strongest_edges_made_directly_equal_thinning(whole, per_node: int) -> None:
    full = kgraph.paper_graph(whole)
    want, cut = kgraph.thin_edges(full, per_node)
    got = kgraph.paper_graph(whole, strongest=per_node)
    assert cut > 0 and got.graph["thinned"] == cut
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(data=True)) == list(want.edges(data=True))


def test_export_select_quick_louvain_finds_the_topics(whole) -> None:
    g = kgraph.paper_graph(whole)
    quick = kgraph.quick_louvain(g, seed=1)
    assert kgraph.quick_louvain(g, seed=1) == quick  # seeded: the same partition every time
    assert sorted(n for part in quick for n in part) == sorted(g.nodes)
    q_quick = nx.community.modularity(g, quick, weight="weight")
    q_nx = nx.community.modularity(g, nx.community.louvain_communities(g, weight="weight", seed=1), weight="weight")
    assert q_quick >= 0.95 * q_nx


def test_export_select_big_drawing_reports_hidden_links(store, whole, monkeypatch) -> None:
    # Drawings over QUICK_COMMUNITIES_NODES make only each paper's strongest links and find
    # communities with quick_louvain; what is drawn and reported is the same graph.
    _, small_report = old(whole)
    monkeypatch.setattr(khtml, "QUICK_COMMUNITIES_NODES", 50)
    page, report, _ = new(store, max_nodes=200)
    _, whole_report = old(whole, max_nodes=200)
    assert (report.nodes, report.edges, report.cut_edges) == (whole_report.nodes, whole_report.edges, whole_report.cut_edges)
    assert report.cut_edges > 0 and report.communities > 1
    assert small_report.communities > 1


def test_export_select_ego_page_is_the_same_whatever_the_hash_seed(store, tmp_path: Path) -> None:
    # Louvain follows node order; a subgraph of few nodes used to iterate them in set (hash) order.
    import os
    import subprocess
    import sys

    pages = []
    for seed in ("1", "2", "3"):
        for args in (["--ego", "syn-00010"], ["--entity", "CommonBench0"]):
            out = tmp_path / f"g{seed}{args[0]}.html"
            env = {**{k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}, "PYTHONHASHSEED": seed}
            proc = subprocess.run(
                [sys.executable, "-m", "kg", "export", "--html", str(out), "--db", str(store.path), *args],
                capture_output=True, text=True, env=env, timeout=120,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr
            pages.append(out.read_text(encoding="utf-8"))
    assert pages[0] == pages[2] == pages[4]
    assert pages[1] == pages[3] == pages[5]


def test_export_select_help_names_the_default_cap() -> None:
    from kg.cli import app

    res = runner.invoke(app, ["export", "--help"], terminal_width=200)
    assert res.exit_code == 0
    text = " ".join(res.output.replace("│", " ").split())
    assert f"html: default {kselect.DEFAULT_MAX_NODES:,};" in text
