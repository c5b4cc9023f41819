"""The exported page in a real headless chromium, fully offline.

Skipped when Debian's chromium (/usr/lib/chromium/chromium) or playwright is
missing, unless KG_REQUIRE_BROWSER=1, when that is a failure.
Install: apt-get install -y chromium (never `playwright install`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.export.browser import NODE_POINT
from kg.export.demo import demo_graph, synthetic_graph
from kg.export.html import ExportOptions, export_html
from kg.model import Graph
from test_export_html import BREAKOUT_TITLE, XSS_TITLE, _xss_graph

pytestmark = pytest.mark.browser

REQUIRE = os.environ.get("KG_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"KG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    from kg.export.browser import chromium_path, launch

    if chromium_path() is None:
        _unavailable("chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def open_export(browser, tmp_path: Path):
    pages = []

    def _open(graph: Graph, options: ExportOptions | None = None, timeout_ms: int = 30_000):
        from kg.export.browser import open_offline

        out = tmp_path / f"graph{len(pages)}.html"
        report = export_html(graph, out, options)
        page, log = open_offline(browser, out, timeout_ms=timeout_ms)
        pages.append(page)
        return page, log, report

    yield _open
    for page in pages:
        page.close()


HREFS = "[...document.querySelectorAll('[href]')].map(a => [a.getAttribute('href'), a.target, a.rel])"


def _hover_and_click_all(page) -> tuple[list[str], list[list[str]]]:
    """Hover then click every node; return the tooltip headings and every href seen on the way."""
    ids = page.evaluate("window.kg.data.nodes.getIds()")
    seen, hrefs = [], []
    for node_id in ids:
        x, y = page.evaluate(NODE_POINT, node_id)
        page.mouse.move(x - 40, y - 40)
        page.mouse.move(x, y, steps=4)
        page.wait_for_function("!document.getElementById('kg-tooltip').hidden", timeout=3000)
        seen.append(page.evaluate("document.querySelector('#kg-tooltip h3').textContent"))
        hrefs += page.evaluate(HREFS)
        page.mouse.click(x, y)
        page.wait_for_function("(id) => window.kg.selected === id", arg=node_id, timeout=3000)
        hrefs += page.evaluate(HREFS)
    return seen, hrefs


def test_browser_page_loads_offline_without_errors(open_export):
    page, log, report = open_export(demo_graph())
    assert log.errors == []
    assert log.blocked == []
    assert page.evaluate("window.kg.nodes") == report.nodes == 60
    assert page.evaluate("window.kg.edges") == report.edges
    assert page.evaluate("window.kg.data.nodes.length") == report.nodes
    assert page.evaluate("document.querySelectorAll('#kg-legend li').length") >= 2


def test_browser_search_selects_and_highlights_a_node(open_export):
    graph = demo_graph()
    page, log, _ = open_export(graph)
    paper = graph.papers[5]
    page.fill("#kg-search", paper.title.upper())
    # Titles repeat in the demo corpus; a unique id always selects at once.
    page.fill("#kg-search", paper.id)
    page.wait_for_function("(id) => window.kg.selected === id", arg=paper.id, timeout=3000)
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [paper.id]
    assert not page.evaluate("document.getElementById('kg-details').hidden")
    assert paper.title in page.inner_text("#kg-details")
    # Partial text + Enter picks the first result.
    page.fill("#kg-search", "")
    page.type("#kg-search", "tool-using")
    assert page.evaluate("document.querySelectorAll('#kg-results li').length") > 0
    page.keyboard.press("Enter")
    page.wait_for_function("window.kg.selected && window.kg.selected !== %r" % paper.id, timeout=3000)
    assert "tool-using" in page.evaluate("document.querySelector('#kg-details h3').textContent").lower()
    assert log.errors == [] and log.blocked == []


@pytest.mark.parametrize("view", ["papers", "bipartite"])
def test_browser_xss_payloads_stay_text(open_export, view):
    page, log, report = open_export(_xss_graph(), ExportOptions(view=view))
    assert page.evaluate("window.kg.nodes") == report.nodes
    headings, hrefs = _hover_and_click_all(page)
    assert XSS_TITLE in headings and BREAKOUT_TITLE in headings
    flags = page.evaluate("[window.__xss, window.__xss2, window.__xss3, window.__xss4]")
    assert flags == [None, None, None, None]
    assert "https://github.com/example/repo" in {h for h, _, _ in hrefs}
    for href, target, rel in hrefs:
        assert href.startswith(("https://", "http://")), href
        assert target == "_blank" and "noopener" in rel
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('[href^=\"javascript:\" i]').length") == 0
    assert log.errors == [] and log.blocked == []


def test_browser_empty_graph_page(open_export):
    page, log, report = open_export(Graph())
    assert report.nodes == 0
    assert page.evaluate("window.kg.nodes") == 0
    assert "No papers to show" in page.inner_text("#kg-message")
    assert log.errors == [] and log.blocked == []


def test_browser_2000_nodes_become_ready(open_export):
    # Timing is measured in benchmarks/export.py; here only that it gets there.
    page, log, report = open_export(synthetic_graph(2000), timeout_ms=60_000)
    assert report.nodes == 2000 and not report.physics
    assert page.evaluate("window.kg.nodes") == 2000
    assert log.errors == [] and log.blocked == []
    # Still responsive: a search selects a node.
    page.fill("#kg-search", "syn-01234")
    page.wait_for_function("window.kg.selected === 'syn-01234'", timeout=5000)
