"""kg.export.select on Neo4j: the same choice, counts and page as on the embedded store.

Needs a server (NEO4J_URI); skips without one unless ``KG_REQUIRE_NEO4J=1``.
"""

from __future__ import annotations

import pytest

from conftest_neo4j import module_store
from kg.export import html as khtml
from kg.export.html import ExportOptions, render_scope
from kg.export.select import select_scope
from kg.store.embedded import EmbeddedStore
from test_export_scale import FILTERS, scale_graph

needs_server = pytest.mark.neo4j


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory):
    """The scale graph in an embedded store and on the server."""
    graph = scale_graph()
    for server in module_store():
        server.write(graph)
        with EmbeddedStore(tmp_path_factory.mktemp("scale-neo4j") / "g.lbdb", writable=True) as embedded:
            embedded.write(graph)
            yield embedded, server


def _export(store, opts: dict):
    options = khtml._checked(ExportOptions(**opts))
    scope = select_scope(store, options, default_cap=True)
    return scope, *render_scope(scope, options)


# Over the cap (chosen in the store), a neighbourhood over and under it, and one under the cap.
CASES = {
    **{f"{name}-cap40": {**FILTERS[name], "max_nodes": 40} for name in ("papers", "bipartite", "types", "since", "combined")},
    "min-shared-cap40": {**FILTERS["min-shared"], "max_nodes": 40},
    "entity-depth2-cap30": {**FILTERS["entity-depth2"], "max_nodes": 30},
    "ego-bipartite-cap25": {**FILTERS["ego-bipartite"], "max_nodes": 25},
    "ego-title-cap100": {**FILTERS["ego-title"], "max_nodes": 100},
    "ego-in-entity-cap100": {**FILTERS["ego-in-entity"], "max_nodes": 100},
    "entity-since-types-cap50": {**FILTERS["entity-since-types"], "max_nodes": 50},
    "everything": {"max_nodes": 10_000},
}


@needs_server
@pytest.mark.parametrize("case", sorted(CASES))
def test_export_select_neo4j_chooses_as_embedded(both, case: str) -> None:
    embedded, neo = both
    e_scope, e_page, e_report = _export(embedded, CASES[case])
    n_scope, n_page, n_report = _export(neo, CASES[case])
    assert e_report.nodes > 0
    assert (n_scope.complete, n_scope.keep, n_scope.total_nodes) == (e_scope.complete, e_scope.keep, e_scope.total_nodes)
    assert (n_scope.df, n_scope.notes, n_scope.rule) == (e_scope.df, e_scope.notes, e_scope.rule)
    assert n_report == e_report
    assert n_page == e_page
