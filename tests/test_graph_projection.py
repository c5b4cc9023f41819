"""kg.graph: projections, rarity weights, filters, cuts, seeded communities and layout."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from kg import graph as kgraph
from kg.errors import ExportError
from kg.model import Entity, EntityType, Graph, Link, Paper, Role

M, D, B = EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK


def _graph() -> Graph:
    """Six invented papers: a rare model and dataset shared by p1/p2, a model by p3/p4, a benchmark by five."""
    papers = [
        Paper("p1", "Sparse Widgets for Tiny Robots", "", date="2025-01-10"),
        Paper("p2", "Widget Pruning at Scale", "", date="2025-02-03"),
        Paper("p3", "Gadget Transformers Revisited", "", date="2025-03-15"),
        Paper("p4", "Gadgets All the Way Down", "", date="2024-12-30"),
        Paper("p5", "A Benchmark Study of Everything", "", date="2025-05-01"),
        Paper("p6", "An Unrelated Note", ""),  # undated, mentions nothing shared
    ]
    entities = [
        Entity("m:widgetnet", "WidgetNet", M, aliases=("Widget-Net v1",)),
        Entity("d:rareset", "RareSet", D),
        Entity("m:gadgetformer", "GadgetFormer", M),
        Entity("b:commonbench", "CommonBench", B, aliases=("CB",)),
        Entity("d:lonely", "LonelyData", D),
    ]
    links = [
        Link("p1", "m:widgetnet", Role.PROPOSES),
        Link("p1", "d:rareset", Role.USES),
        Link("p1", "b:commonbench", Role.EVALUATES_ON),
        Link("p2", "m:widgetnet", Role.USES),
        Link("p2", "d:rareset", Role.USES),
        Link("p2", "b:commonbench", Role.EVALUATES_ON),
        Link("p3", "m:gadgetformer", Role.PROPOSES),
        Link("p3", "b:commonbench", Role.EVALUATES_ON),
        Link("p4", "m:gadgetformer", Role.USES),
        Link("p4", "b:commonbench", Role.EVALUATES_ON),
        Link("p5", "b:commonbench", Role.EVALUATES_ON),
        Link("p6", "d:lonely", Role.USES),
    ]
    return Graph(papers=papers, entities=entities, links=links)


def _two_clusters() -> Graph:
    """Two invented topics of eight papers each, joined by one weak bridge."""
    papers, links = [], []
    entities = [Entity(f"e{t}{j}", f"Topic{t} thing {j}", M) for t in "ab" for j in range(4)]
    entities.append(Entity("bridge", "Bridge", B))
    for t in "ab":
        for i in range(8):
            pid = f"{t}{i}"
            papers.append(Paper(pid, f"Paper {pid}", ""))
            for j in sorted({i % 4, (i + 1) % 4, (i + 2) % 4}):
                links.append(Link(pid, f"e{t}{j}", Role.USES))
    links += [Link("a0", "bridge", Role.USES), Link("b0", "bridge", Role.USES)]
    return Graph(papers=papers, entities=entities, links=links)


def test_graph_rarity_decreases_with_document_frequency():
    assert kgraph.rarity(1) == 1.0
    assert kgraph.rarity(2) > kgraph.rarity(3) > kgraph.rarity(40)
    assert kgraph.rarity(2) == pytest.approx(1 / math.log2(3))


def test_graph_entity_rarity_counts_papers_per_entity():
    r = kgraph.entity_rarity(_graph())
    assert r["m:widgetnet"] == pytest.approx(kgraph.rarity(2))
    assert r["b:commonbench"] == pytest.approx(kgraph.rarity(5))
    assert r["m:widgetnet"] > r["b:commonbench"]


def test_graph_paper_graph_weights_are_sums_of_rarity():
    g = kgraph.paper_graph(_graph())
    assert set(g.nodes) == {"p1", "p2", "p3", "p4", "p5", "p6"}
    e = g.edges["p1", "p2"]
    assert e["weight"] == pytest.approx(2 * kgraph.rarity(2) + kgraph.rarity(5), abs=1e-6)
    assert e["n_shared"] == 3
    assert e["shared"] == {"benchmark": ["CommonBench"], "dataset": ["RareSet"], "model": ["WidgetNet"]}


def test_graph_rare_shared_entity_outweighs_common_one():
    g = kgraph.paper_graph(_graph())
    # p3-p4 share GadgetFormer (2 papers) + CommonBench; p3-p5 share only CommonBench (5 papers).
    assert g.edges["p3", "p4"]["weight"] > g.edges["p3", "p5"]["weight"]
    assert g.edges["p1", "p2"]["weight"] > g.edges["p3", "p4"]["weight"]


def test_graph_isolated_paper_stays_a_node_without_edges():
    g = kgraph.paper_graph(_graph())
    assert g.degree("p6") == 0
    assert g.nodes["p6"]["entities"] == {"dataset": ["LonelyData"]}


def test_graph_paper_node_lists_entities_by_type_strongest_role_first():
    g = kgraph.paper_graph(_graph())
    assert g.nodes["p1"]["entities"] == {"benchmark": ["CommonBench"], "dataset": ["RareSet"], "model": ["WidgetNet"]}
    assert g.nodes["p1"]["title"] == "Sparse Widgets for Tiny Robots"


@pytest.mark.parametrize(
    "types, edges",
    [
        (["dataset"], {("p1", "p2")}),
        ([EntityType.MODEL], {("p1", "p2"), ("p3", "p4")}),
        (["Model", "dataset"], {("p1", "p2"), ("p3", "p4")}),
    ],
)
def test_graph_type_filter_limits_which_entities_link(types, edges):
    g = kgraph.paper_graph(_graph(), types=types)
    assert {tuple(sorted(e)) for e in g.edges} == edges


def test_graph_unknown_type_is_an_export_error():
    with pytest.raises(ExportError, match="unknown entity type 'gizmo'"):
        kgraph.paper_graph(_graph(), types=["gizmo"])


def test_graph_min_shared_drops_weak_pairs():
    g = kgraph.paper_graph(_graph(), min_shared=2)
    assert {tuple(sorted(e)) for e in g.edges} == {("p1", "p2"), ("p3", "p4")}
    g3 = kgraph.paper_graph(_graph(), min_shared=3)
    assert {tuple(sorted(e)) for e in g3.edges} == {("p1", "p2")}
    with pytest.raises(ExportError):
        kgraph.paper_graph(_graph(), min_shared=0)


def test_graph_exclude_removes_an_entity_from_links():
    g = kgraph.paper_graph(_graph(), exclude={"b:commonbench"})
    assert {tuple(sorted(e)) for e in g.edges} == {("p1", "p2"), ("p3", "p4")}


def test_graph_bipartite_has_papers_entities_and_rarity_edges():
    g = kgraph.bipartite_graph(_graph())
    assert g.graph["view"] == "bipartite"
    papers = [n for n, d in g.nodes(data=True) if d["kind"] == "paper"]
    ents = [n for n, d in g.nodes(data=True) if d["kind"] == "entity"]
    assert len(papers) == 6 and len(ents) == 5
    assert g.number_of_edges() == 12
    assert g.edges["p:p1", "e:m:widgetnet"]["weight"] == pytest.approx(kgraph.rarity(2), abs=1e-6)
    assert g.edges["p:p1", "e:m:widgetnet"]["role"] == "proposes"
    assert g.nodes["e:b:commonbench"]["df"] == 5


def test_graph_bipartite_type_filter():
    g = kgraph.bipartite_graph(_graph(), types=["model"])
    ents = {n for n, d in g.nodes(data=True) if d["kind"] == "entity"}
    assert ents == {"e:m:widgetnet", "e:m:gadgetformer"}


@pytest.mark.parametrize("since, kept", [("2025-02-01", {"p2", "p3", "p5"}), ("2025", {"p1", "p2", "p3", "p5"}), ("2025-03", {"p3", "p5"})])
def test_graph_since_keeps_dated_papers_on_or_after(since, kept):
    g = kgraph.filter_since(_graph(), since)
    assert {p.id for p in g.papers} == kept
    assert {l.paper_id for l in g.links} <= kept
    assert "d:lonely" not in {e.key for e in g.entities}


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "2025-02-30", "25-01-01", ""])
def test_graph_since_rejects_bad_dates(bad):
    with pytest.raises(ExportError, match="--since"):
        kgraph.parse_since(bad)


@pytest.mark.parametrize("name", ["WidgetNet", "widgetnet", "widget net", "WIDGET-NET V1", "m:widgetnet"])
def test_graph_find_entities_matches_name_alias_key_case_blind(name):
    assert [e.key for e in kgraph.find_entities(_graph(), name)] == ["m:widgetnet"]


def test_graph_entity_ego_in_paper_graph_is_its_papers():
    g = kgraph.paper_graph(_graph())
    center = kgraph.resolve_center(_graph(), "GadgetFormer", entities_only=True)
    assert set(kgraph.ego_subgraph(g, _graph(), center, 1).nodes) == {"p3", "p4"}
    # One more hop: everything linked to p3 or p4 (via CommonBench).
    assert set(kgraph.ego_subgraph(g, _graph(), center, 2).nodes) == {"p1", "p2", "p3", "p4", "p5"}


def test_graph_paper_ego_by_id_or_title_and_depth():
    base = _graph()
    g = kgraph.paper_graph(base, types=["model", "dataset"])
    by_title = kgraph.resolve_center(base, "gadget transformers revisited")
    assert set(kgraph.ego_subgraph(g, base, by_title, 1).nodes) == {"p3", "p4"}
    assert set(kgraph.ego_subgraph(g, base, kgraph.resolve_center(base, "p1"), 0).nodes) == {"p1"}


def test_graph_bipartite_ego_counts_hops_along_mentions():
    base = _graph()
    g = kgraph.bipartite_graph(base)
    center = kgraph.resolve_center(base, "RareSet")
    assert set(kgraph.ego_subgraph(g, base, center, 1).nodes) == {"e:d:rareset", "p:p1", "p:p2"}
    two = set(kgraph.ego_subgraph(g, base, center, 2).nodes)
    assert {"e:m:widgetnet", "e:b:commonbench"} <= two and "p:p3" not in two


def test_graph_unknown_center_is_an_export_error():
    with pytest.raises(ExportError, match="no paper id, paper title or entity matches 'Nope'"):
        kgraph.resolve_center(_graph(), "Nope")


def test_graph_limit_nodes_keeps_strongest_and_reports_cut():
    g = kgraph.paper_graph(_graph())
    kept, cut = kgraph.limit_nodes(g, 3)
    strength = dict(g.degree(weight="weight"))
    assert kept.number_of_nodes() == 3 and len(cut) == 3
    assert min(strength[n] for n in kept) >= max(strength[n] for n in cut)
    assert "p6" in cut  # no edges: the weakest
    same, none = kgraph.limit_nodes(g, None)
    assert same is g and none == []


def test_graph_thin_edges_keeps_each_nodes_strongest():
    g = nx.complete_graph(8)
    for a, b in g.edges:
        g.edges[a, b]["weight"] = float(a + b)
    thin, cut = kgraph.thin_edges(g, 2)
    assert cut == g.number_of_edges() - thin.number_of_edges() > 0
    for node in g.nodes:
        best = sorted(g.edges(node, data="weight"), key=lambda e: -e[2])[:2]
        assert all(thin.has_edge(a, b) for a, b, _ in best)


def test_graph_communities_are_seeded_and_stable():
    runs = [kgraph.communities(kgraph.paper_graph(_two_clusters())) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    parts = runs[0]
    assert len(parts) == 2
    assert {frozenset(p) for p in parts} == {frozenset(f"a{i}" for i in range(8)), frozenset(f"b{i}" for i in range(8))}


def test_graph_communities_edge_cases():
    assert kgraph.communities(nx.Graph()) == []
    g = nx.Graph()
    g.add_nodes_from(["b", "a"])
    assert kgraph.communities(g) == [["a"], ["b"]]


def test_graph_community_labels_name_characteristic_entities():
    g = kgraph.paper_graph(_two_clusters())
    parts = kgraph.communities(g)
    labels = kgraph.community_labels(g, parts)
    for part, label in zip(parts, labels):
        topic = part[0][0]
        assert label.startswith(f"Topic{topic}")


def test_graph_layout_is_deterministic_and_places_every_node():
    g = kgraph.paper_graph(_two_clusters())
    g.add_node("lonely", kind="paper", title="x", entities={})
    parts = kgraph.communities(g)
    pos1, pos2 = kgraph.layout(g, parts), kgraph.layout(g, parts)
    assert pos1 == pos2
    assert set(pos1) == set(g.nodes)
    # The two communities do not sit on top of each other.
    ca = [pos1[f"a{i}"] for i in range(8)]
    cb = [pos1[f"b{i}"] for i in range(8)]
    centre = lambda pts: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    (ax, ay), (bx, by) = centre(ca), centre(cb)
    assert math.hypot(ax - bx, ay - by) > 100


def test_graph_paper_graph_drops_most_common_entities_past_pair_budget() -> None:
    # 30 papers all naming "Hub", pairs of papers sharing a rare entity each.
    papers = [Paper(f"p{i:02d}", f"Paper {i}", "", "2025-01-01") for i in range(30)]
    entities = [Entity("hub", "Hub", EntityType.MODEL)] + [
        Entity(f"r{i}", f"Rare{i}", EntityType.DATASET) for i in range(15)
    ]
    links = [Link(p.id, "hub", Role.USES) for p in papers] + [
        Link(f"p{j:02d}", f"r{j // 2}", Role.USES) for j in range(30)
    ]
    graph = Graph(papers, entities, links)
    full = kgraph.paper_graph(graph, max_pairs=None)
    assert full.number_of_edges() == 30 * 29 // 2 and full.graph["dropped_common"] == []
    budget = kgraph.paper_graph(graph, max_pairs=100)  # Hub alone links 435 pairs
    assert budget.graph["dropped_common"] == [("Hub", 30)]
    assert budget.number_of_edges() == 15
    assert budget.edges["p00", "p01"]["shared"] == {"dataset": ["Rare0"]}


# -- the fast paths are the plain algorithms ------------------------------------------------
# paper_graph, layout and induced_subgraph were rewritten for 20,000-node drawings (numpy
# instead of per-pair Python, no networkx graph per community). Each is checked here against
# the plain version it replaces: same nodes, edges, attributes and insertion order (Louvain
# follows edge order), and positions to the bit.


def _plain_paper_graph(graph: Graph, *, min_shared: int = 1, exclude=(), df=None, strongest=None) -> nx.Graph:
    """paper_graph as plain loops: every pair of each entity's papers, then (strongest) thin_edges."""
    from collections import defaultdict

    by_paper, entities = kgraph._links_by_paper(graph, None)
    papers_of = defaultdict(list)
    for pid in sorted(by_paper):
        for link in by_paper[pid]:
            if link.entity_key not in exclude:
                papers_of[link.entity_key].append(pid)
    counts = {k: len(p) for k, p in papers_of.items()} if df is None else {k: n for k, n in df.items() if k not in exclude}
    dropped = kgraph.most_common(counts, kgraph.MAX_PAIRS)
    for key, _ in dropped:
        papers_of.pop(key, None)
    g = nx.Graph(view="papers", dropped_common=[(entities[k].name, n) for k, n in dropped])
    kgraph._add_paper_nodes(g, graph, by_paper=by_paper)
    pairs: dict[tuple[str, str], list[str]] = {}
    for key in sorted(papers_of):
        pids = papers_of[key]
        for i, a in enumerate(pids):
            for b in pids[i + 1 :]:
                pairs.setdefault((a, b), []).append(key)
    for (a, b), keys in pairs.items():
        if len(keys) >= min_shared:
            shared = defaultdict(list)
            for k in keys:
                shared[entities[k].type.value].append(entities[k].name)
            weight = sum(kgraph.rarity(len(papers_of[k]) if df is None else df[k]) for k in keys)
            g.add_edge(a, b, weight=round(weight, 6), n_shared=len(keys), shared={t: sorted(v) for t, v in sorted(shared.items())})
    if strongest is not None and g.number_of_edges() > strongest * g.number_of_nodes() + 100:
        total = g.number_of_edges()
        g, _ = kgraph.thin_edges(g, strongest)
        g.graph["thinned"] = total - g.number_of_edges()
    return g


def _same_graph(a: nx.Graph, b: nx.Graph) -> bool:
    return (
        list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(data=True)) == list(b.edges(data=True))
        and all(list(a.adj[n]) == list(b.adj[n]) for n in a)
        and a.graph == b.graph
    )


@pytest.mark.parametrize(
    "opts",
    [{}, {"min_shared": 2}, {"strongest": 3}, {"strongest": 2, "min_shared": 2}, {"exclude": {"e0"}}, {"df": "double"}],
    ids=["plain", "min-shared", "strongest", "strongest-min-shared", "exclude", "df"],
)
def test_graph_paper_graph_is_the_plain_pair_loops(opts: dict) -> None:
    from kg.export.demo import synthetic_graph

    graph = synthetic_graph(150, n_topics=5, seed=4)
    if opts.get("df") == "double":  # mention counts of a graph twice as big
        opts = {"df": {e.key: 2 * sum(1 for link in graph.links if link.entity_key == e.key) for e in graph.entities}}
    if "exclude" in opts:
        opts = {"exclude": {graph.links[0].entity_key}}
    got = kgraph.paper_graph(graph, **opts)
    assert got.number_of_edges() > 100
    assert _same_graph(got, _plain_paper_graph(graph, **opts))


def test_graph_spring_is_networkx_spring_layout() -> None:
    import numpy as np

    graphs = [kgraph.paper_graph(_two_clusters()), nx.path_graph(5), nx.les_miserables_graph()]
    for g in graphs:
        for iterations in (15, 50):
            want = nx.spring_layout(g, weight="weight", seed=kgraph.SEED, iterations=iterations, method="force")
            got = kgraph._spring(nx.to_numpy_array(g, weight="weight")[np.newaxis], kgraph.SEED, iterations)[0]
            assert [tuple(want[n]) for n in g] == [tuple(p) for p in got]
    # Several graphs of one size at once: each as if alone.
    stack = np.stack([nx.to_numpy_array(nx.cycle_graph(6)), nx.to_numpy_array(nx.star_graph(5))])
    together = kgraph._spring(stack, kgraph.SEED, 50)
    alone = [kgraph._spring(a[np.newaxis], kgraph.SEED, 50)[0] for a in stack]
    assert np.array_equal(together, np.stack(alone))


@pytest.mark.parametrize("k", [12, 500])
def test_graph_push_apart_is_the_every_pair_push(k: int) -> None:
    import numpy as np

    rng = np.random.RandomState(3)
    centres = rng.rand(k, 2) * 100 * math.sqrt(k)
    radii = 30 + 60 * rng.rand(k)

    def every_pair(centres):  # the push over all k x k pairs, as layout first did it
        eye = np.eye(k)
        need = radii[:, None] + radii[None, :] + 30.0
        for step in range(40):
            if step < 40 * 2 // 3:
                centres = centres - 0.08 * (centres - centres.mean(0))
            for _ in range(4):
                diff = centres[:, None, :] - centres[None, :, :]
                dist = np.sqrt((diff**2).sum(-1)) + eye
                overlap = np.clip(need - dist, 0, None) * (1 - eye)
                if not overlap.any():
                    break
                centres = centres + ((diff / dist[..., None]) * (overlap[..., None] / 2)).sum(1)
        return centres

    def overlap(c):
        return sum(max(0.0, radii[i] + radii[j] - math.dist(c[i], c[j])) for i in range(k) for j in range(i))

    want = every_pair(centres)
    got = kgraph._push_apart(centres, radii, 30.0, 40, 4)
    assert np.array_equal(got, want)
    assert overlap(got) < overlap(centres) / 10


def test_graph_induced_subgraph_is_the_subgraph_copy() -> None:
    from kg.export.demo import synthetic_graph

    graph = synthetic_graph(80, n_topics=4, seed=2)
    for g in (kgraph.paper_graph(graph), kgraph.bipartite_graph(graph)):
        nodes = sorted(g, key=str)
        for keep in (nodes, nodes[::3], nodes[5:40]):
            want = nx.subgraph_view(g, filter_node=set(keep).__contains__).copy()
            got = kgraph.induced_subgraph(g, keep)
            assert _same_graph(got, want)
            got.graph["view"] = "changed"  # a copy, not a view
            assert g.graph["view"] != "changed"
