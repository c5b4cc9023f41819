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


# -- entity search in the papers view ---------------------------------------------------------
LORA_PAPERS = ["2403.00101", "2403.00230", "2406.00008", "t-5e1f00aa11bb22cc"]  # conftest_neo4j


def _result_rows(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#kg-results li')].map(li => li.innerText.replace(/\\s+/g, ' '))")


def test_browser_search_finds_an_entity_by_alias_keyboard_only(open_export):
    from conftest_neo4j import sample_graph

    page, log, _ = open_export(sample_graph())
    # The page carries each entity's aliases once (not once per paper).
    aliases = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).aliases")
    assert ["method", "LoRA", ["Low-Rank Adaptation"]] in aliases
    assert len(aliases) == len({(t, n) for t, n, _ in aliases}) == 7
    page.keyboard.press("/")  # from anywhere on the page into the search box
    assert page.evaluate("document.activeElement.id") == "kg-search"
    page.keyboard.type("low-rank")
    rows = _result_rows(page)
    assert rows == ["LoRA method · 4 papers"], rows
    page.keyboard.press("Enter")
    page.wait_for_function("window.kg.entity !== null", timeout=3000)
    assert page.evaluate("window.kg.entity") == {"name": "LoRA", "type": "method", "papers": LORA_PAPERS}
    assert sorted(page.evaluate("window.kg.network.getSelectedNodes()")) == LORA_PAPERS
    # The others are dimmed, the papers that mention it are not.
    colours = page.evaluate("Object.fromEntries(window.kg.data.nodes.get().map(n => [n.id, n.color.background]))")
    dim = {c for pid, c in colours.items() if pid not in LORA_PAPERS}
    assert len(dim) == 1 and dim.isdisjoint(colours[p] for p in LORA_PAPERS)
    panel = page.evaluate("document.getElementById('kg-details').textContent")
    assert "Mentioned by 4 papers" in panel and "also: Low-Rank Adaptation" in panel
    assert "Adapters Under Pressure" in panel and "Tide Routing for Sparse Experts" in panel
    # Tab to the listed papers and open one with Enter; Escape twice clears everything.
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-id')"):
            break
    first = page.evaluate("document.activeElement.getAttribute('data-id')")
    assert first == LORA_PAPERS[0]
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => window.kg.selected === id", arg=first, timeout=3000)
    assert page.evaluate("window.kg.entity") is None
    page.keyboard.press("/")  # back in the box, the last results open again
    assert page.evaluate("document.getElementById('kg-results').hidden") is False
    page.keyboard.press("Escape")  # closes them
    assert page.evaluate("[document.getElementById('kg-results').hidden, window.kg.selected]") == [True, first]
    page.keyboard.press("Escape")  # clears the search and the selection
    assert page.evaluate("[window.kg.selected, window.kg.entity, document.getElementById('kg-search').value]") == [None, None, ""]
    assert log.errors == [] and log.blocked == []


@pytest.mark.parametrize(
    ("typed", "moves", "name", "papers"),
    [
        ("gsm", 0, "GSM8K", ["2403.00101", "2403.00230", "2404.00017", "2404.00311"]),  # a prefix
        ("gsm-8k", 0, "GSM8K", ["2403.00101", "2403.00230", "2404.00017", "2404.00311"]),  # an alias
        ("llama-3", 1, "Llama-3-70B", ["2403.00102"]),  # arrows pick the second of two
        ("MISTRAL", 0, "Mistral-7B", ["2404.00311", "2406.00008"]),  # any case
    ],
)
def test_browser_search_entity_table(open_export, typed, moves, name, papers):
    from conftest_neo4j import sample_graph

    page, log, _ = open_export(sample_graph())
    page.click("#kg-search")
    page.keyboard.type(typed)
    assert page.evaluate("document.getElementById('kg-results').hidden") is False
    for _ in range(moves):
        page.keyboard.press("ArrowDown")
    active = page.evaluate("document.querySelector('#kg-results li.kg-active').innerText")
    assert active.startswith(name), (active, _result_rows(page))
    page.keyboard.press("Enter")
    page.wait_for_function("(n) => window.kg.entity && window.kg.entity.name === n", arg=name, timeout=3000)
    assert page.evaluate("window.kg.entity.papers") == papers
    page.keyboard.press("Escape")  # the list is closed already: this clears the highlight
    assert page.evaluate("window.kg.entity") is None
    assert log.errors == [] and log.blocked == []


def test_browser_search_entity_names_stay_text(open_export):
    page, log, _ = open_export(_xss_graph())
    page.click("#kg-search")
    page.keyboard.type("svg onload")
    assert _result_rows(page) == ['<svg onload="window.__xss4=1"> model · 3 papers']
    page.keyboard.press("Enter")
    page.wait_for_function("window.kg.entity !== null", timeout=3000)
    assert "also: </style><b>" in page.evaluate("document.getElementById('kg-details').textContent")
    assert page.evaluate("[window.__xss, window.__xss2, window.__xss3, window.__xss4]") == [None, None, None, None]
    assert page.evaluate("document.querySelectorAll('#kg-details b, #kg-results svg, #kg-details svg').length") == 0
    assert log.errors == [] and log.blocked == []
