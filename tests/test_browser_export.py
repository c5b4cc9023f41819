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


_FONT = "(id) => { const f = window.kg.network.body.nodes[id].options.font; return [f.color, f.strokeWidth]; }"


def test_browser_big_graph_labels_come_back_whole_after_a_highlight(open_export):
    # Over 300 nodes a highlight hides the other labels (no colour, no halo); a later
    # highlight that takes a node back shows its label as before: colour and white halo.
    page, log, _ = open_export(synthetic_graph(400))
    ids = page.evaluate("window.kg.data.nodes.getIds()")
    before = {i: page.evaluate(_FONT, i) for i in ids[:50]}
    assert set(map(tuple, before.values())) == {("#1f2933", 3)}
    page.evaluate("(id) => window.kg.select(id, {focus: false})", ids[0])
    hidden = [i for i in ids[:50] if page.evaluate(_FONT, i) == ["rgba(0,0,0,0)", 0]]
    assert hidden, "the highlight hid no label"
    page.evaluate("(id) => window.kg.select(id, {focus: false})", hidden[0])
    assert page.evaluate(_FONT, hidden[0]) == before[hidden[0]]
    assert log.errors == []


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


# -- evidence in tooltips -----------------------------------------------------------------------
#: JS: [a, b, f] -> the page point a fraction f along the drawn edge from node a to node b.
EDGE_POINT = """([a, b, f]) => {
  const net = window.kg.network;
  const p = net.canvasToDOM(net.getPositions([a])[a]), q = net.canvasToDOM(net.getPositions([b])[b]);
  const r = document.getElementById('kg-network').getBoundingClientRect();
  return [r.left + p.x + (q.x - p.x) * f, r.top + p.y + (q.y - p.y) * f];
}"""
#: JS: what the tooltip shows: its evidence sentences and the marked parts of each.
TOOLTIP_EVIDENCE = """() => [...document.querySelectorAll('#kg-tooltip .kg-evidence')].map(p => ({
  text: [...p.childNodes].filter(n => !(n.classList && n.classList.contains('kg-evidence-from'))).map(n => n.textContent).join(''),
  marked: [...p.querySelectorAll('mark')].map(m => m.textContent),
  elements: [...p.querySelectorAll('*:not(.kg-evidence-from)')].map(e => e.tagName.toLowerCase()),
}))"""


def _hover_edge(page, a: str, b: str, title_a: str, title_b: str) -> None:
    """Hover the edge a-b until its tooltip shows (a point on it may lie under another edge)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        x, y = page.evaluate(EDGE_POINT, [a, b, f])
        page.mouse.move(x - 25, y - 35)
        page.mouse.move(x, y, steps=4)
        try:
            page.wait_for_function(
                """([ta, tb]) => { const m = document.querySelector('#kg-tooltip .kg-meta');
                   return !document.getElementById('kg-tooltip').hidden && m && m.textContent.includes(ta) && m.textContent.includes(tb); }""",
                arg=[title_a, title_b],
                timeout=1500,
            )
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"no tooltip for the edge {a} - {b}")


def _evidence_of(graph: Graph, pid: str, name: str) -> str:
    key = next(e.key for e in graph.entities if e.name == name)
    return next(link.evidence for link in graph.links if link.paper_id == pid and link.entity_key == key)


def test_browser_tooltip_shows_why_two_papers_are_linked(open_export):
    from conftest_neo4j import sample_graph

    graph = sample_graph()
    page, log, _ = open_export(graph)
    # Tide Routing (2403.00101) and Routing Meets Pruning (2405.00044) share TideRoute, Llama-3-8B and MMLU.
    _hover_edge(page, "2403.00101", "2405.00044", "Tide Routing for Sparse Experts", "Routing Meets Pruning")
    shown = page.evaluate(TOOLTIP_EVIDENCE)
    want = [_evidence_of(graph, pid, name) for name in ("MMLU", "TideRoute", "Llama-3-8B") for pid in ("2403.00101", "2405.00044")]
    assert sorted(s["text"] for s in shown) == sorted(want)
    for s in shown:
        # Each sentence marks the entity (by its name or an alias: "Tide Routing" is one of TideRoute's).
        assert s["marked"] and set(s["marked"]) <= {"MMLU", "TideRoute", "Tide Routing", "Llama-3-8B"}, s
        assert set(s["elements"]) == {"mark"}
    assert page.evaluate("document.querySelectorAll('#kg-tooltip .kg-evidence-from').length") == 6
    # Hovering a paper: the evidence of its first entities, methods first.
    x, y = page.evaluate(NODE_POINT, "2404.00017")
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function("() => (document.querySelector('#kg-tooltip h3') || {textContent: ''}).textContent.startsWith('Lantern')", timeout=3000)
    shown = page.evaluate(TOOLTIP_EVIDENCE)
    assert shown[0] == {"text": _evidence_of(graph, "2404.00017", "Lantern Decoding"), "marked": ["Lantern Decoding", "Lantern Decoding"], "elements": ["mark", "mark"]}
    assert log.errors == [] and log.blocked == []


def test_browser_tooltip_of_a_mention_in_the_bipartite_view(open_export):
    from conftest_neo4j import sample_graph

    graph = sample_graph()
    page, log, _ = open_export(graph, ExportOptions(view="bipartite"))
    _hover_edge(page, "p:2404.00311", "e:openwebmath", "Math Corpora for Reasoning Pretraining", "OpenWebMath")
    assert page.evaluate(TOOLTIP_EVIDENCE) == [
        {"text": _evidence_of(graph, "2404.00311", "OpenWebMath"), "marked": ["OpenWebMath"], "elements": ["mark"]}
    ]
    assert "uses" in page.inner_text("#kg-tooltip")  # the role
    assert log.errors == [] and log.blocked == []


def test_browser_evidence_by_keyboard(open_export):
    from conftest_neo4j import sample_graph

    graph = sample_graph()
    page, log, _ = open_export(graph)
    page.keyboard.press("/")
    page.keyboard.type("2406.00008")  # an id selects at once: the panel shows the paper
    page.wait_for_function("() => window.kg.selected === '2406.00008'", timeout=3000)
    seen: dict[str, list] = {}
    for _ in range(20):  # Tab through the panel: entity chips, then related papers
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.textContent")
        if page.evaluate("document.activeElement.closest('#kg-details') !== null") and not page.evaluate("document.getElementById('kg-tooltip').hidden"):
            assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "kg-tooltip"
            seen[label] = page.evaluate(TOOLTIP_EVIDENCE)
    # Each entity chip: the paper's sentence for it, marked.
    assert seen["LoRA"] == [{"text": _evidence_of(graph, "2406.00008", "LoRA"), "marked": ["LoRA"], "elements": ["mark"]}]
    assert seen["ARC-Challenge"][0]["marked"] == ["ARC-Challenge"]
    # A related paper: why they are linked, both papers' sentences.
    related = seen["Tide Routing for Sparse Experts"]
    assert {"MMLU", "Llama-3-8B"} <= {m for s in related for m in s["marked"]}
    page.focus("#kg-details .kg-names li[tabindex]")
    assert page.evaluate("document.getElementById('kg-tooltip').hidden") is False
    page.evaluate("document.activeElement.blur()")
    assert page.evaluate("document.getElementById('kg-tooltip').hidden")  # leaving it hides the tooltip
    # The papers listed for an entity picked in the search box.
    page.keyboard.press("/")
    page.keyboard.press("Control+a")
    page.keyboard.type("Lantern Decoding")
    page.wait_for_function("() => window.kg.entity && window.kg.entity.name === 'Lantern Decoding'", timeout=3000)
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-id')"):
            break
    pid = page.evaluate("document.activeElement.getAttribute('data-id')")
    assert pid == "2404.00017"
    assert page.evaluate(TOOLTIP_EVIDENCE) == [
        {"text": _evidence_of(graph, pid, "Lantern Decoding"), "marked": ["Lantern Decoding", "Lantern Decoding"], "elements": ["mark", "mark"]}
    ]
    assert log.errors == [] and log.blocked == []


@pytest.mark.parametrize("view", ["papers", "bipartite"])
def test_browser_evidence_markup_stays_text(open_export, view):
    from test_export_tooltips import HOSTILE_NAME, HOSTILE_SENTENCE, hostile_graph

    page, log, _ = open_export(hostile_graph(), ExportOptions(view=view))
    ids = ["h1", "h2"] if view == "papers" else ["p:h1", "e:x:mark"]
    titles = ["First <script>alert(1)</script> paper", "Second \"paper\"" if view == "papers" else HOSTILE_NAME]
    _hover_edge(page, ids[0], ids[1], titles[0], titles[1])
    shown = page.evaluate(TOOLTIP_EVIDENCE)
    assert {"text": HOSTILE_SENTENCE, "marked": ["<script>", HOSTILE_NAME], "elements": ["mark", "mark"]} in shown
    headings, _ = _hover_and_click_all(page)
    assert "First <script>alert(1)</script> paper" in headings
    # Through the panel's chips too (keyboard focus).
    page.evaluate("window.kg.select(%r, {focus: false})" % ids[0])
    page.focus("#kg-details .kg-names li[tabindex]") if view == "papers" else page.focus("#kg-details .kg-related button")
    assert page.evaluate(TOOLTIP_EVIDENCE)[0]["marked"] == ["<script>", HOSTILE_NAME]
    assert page.evaluate("[window.__xss5, window.__xss6]") == [None, None]
    assert page.evaluate("document.querySelectorAll('img, b, #kg-tooltip script').length") == 0
    assert log.errors == [] and log.blocked == []
