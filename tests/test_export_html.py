"""kg.export.html without a browser: the page is self-contained, escaped, and reports what it cut."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from kg.errors import ExportError
from kg.export.demo import demo_graph, synthetic_graph
from kg.export.html import ExportOptions, ExportReport, export_html, json_for_script, render_html, safe_url
from kg.model import Entity, EntityType, Graph, Link, Paper, Role

XSS_TITLE = '<img src=x onerror="window.__xss=1">'
BREAKOUT_TITLE = "Escaping </script><script>window.__xss2=1</script> for fun"


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


def _xss_graph() -> Graph:
    papers = [
        Paper("x1", XSS_TITLE, "", date="2025-01-01", url="javascript:window.__xss3=1"),
        Paper("x2", BREAKOUT_TITLE, "", date="2025-01-02", url="https://example.org/paper?a=1&b=<2>"),
        Paper("x3", "Line\u2028separator\u2029paper", "", url="data:text/html,<script>1</script>"),
    ]
    entities = [
        Entity("m:svg", '<svg onload="window.__xss4=1">', EntityType.MODEL, aliases=("</style><b>",)),
        Entity("g:evil", "javascript:alert(1)", EntityType.GITHUB),
        Entity("u:ok", "https://github.com/example/repo", EntityType.GITHUB),
    ]
    links = [Link(p, "m:svg", Role.USES) for p in ("x1", "x2", "x3")]
    links += [Link("x1", "g:evil", Role.CODE), Link("x2", "u:ok", Role.CODE)]
    return Graph(papers=papers, entities=entities, links=links)


def test_export_writes_one_self_contained_file(tmp_path: Path):
    out = tmp_path / "sub" / "graph.html"
    report = export_html(demo_graph(), out)
    assert isinstance(report, ExportReport)
    assert report.path == out and out.exists()
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # No external resources of any kind: everything inline.
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    for host in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "bootstrapcdn"):
        assert host not in page
    data = _data(page)
    assert len(data["nodes"]) == report.nodes == 60
    assert len(data["edges"]) == report.edges
    assert report.cut_nodes == 0 and report.cut_message == ""


def test_export_csp_allows_exactly_the_inline_scripts(tmp_path: Path):
    page, _ = render_html(demo_graph(30))
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_export_json_for_script_cannot_break_out():
    value = {"t": "</script><script>alert(1)</script> & <!-- \u2028\u2029"}
    text = json_for_script(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value


def test_export_xss_titles_are_data_not_markup(tmp_path: Path):
    page, report = render_html(_xss_graph(), ExportOptions(title='<b onmouseover="x()">T</b>'))
    assert report.nodes == 3
    body = page.split('<script type="application/json"')[0]
    assert "<img src=x" not in page and "<svg onload" not in page
    assert "window.__xss2=1</script>" not in page
    assert "&lt;b onmouseover=&#34;x()&#34;&gt;T&lt;/b&gt;" in body  # autoescaped heading and <title>
    data = _data(page)
    titles = {n["title"] for n in data["nodes"]}
    assert XSS_TITLE in titles and BREAKOUT_TITLE in titles


def test_export_only_http_urls_become_links():
    data = _data(render_html(_xss_graph())[0])
    hrefs = [l["href"] for n in data["nodes"] for l in n["links"]]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "https://github.com/example/repo" in hrefs
    assert not any("javascript" in h or h.startswith("data:") for h in hrefs)


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://arxiv.org/abs/2501.00001", True),
        ("http://example.org/x?y=1", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("vbscript:x", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ('https://example.org/"onmouseover=x', False),
        ("//example.org", False),
        (None, False),
    ],
)
def test_export_safe_url(url, ok):
    assert (safe_url(url) is not None) == ok


def test_export_arxiv_and_github_links():
    g = Graph(
        papers=[Paper("2501.01234", "A", "", github="example/code"), Paper("2501.01235", "B", "")],
        entities=[Entity("m:x", "X", EntityType.MODEL)],
        links=[Link("2501.01234", "m:x", Role.USES), Link("2501.01235", "m:x", Role.USES)],
    )
    data = _data(render_html(g)[0])
    links = {n["id"]: n["links"] for n in data["nodes"]}
    assert {"label": "arXiv", "href": "https://arxiv.org/abs/2501.01234"} in links["2501.01234"]
    assert any(l["href"] == "https://github.com/example/code" for l in links["2501.01234"])


def test_export_empty_graph_is_a_valid_page_with_a_message(tmp_path: Path):
    report = export_html(Graph(), tmp_path / "empty.html")
    page = (tmp_path / "empty.html").read_text()
    assert report.nodes == 0 and report.edges == 0
    assert "No papers to show" in page
    assert _data(page)["nodes"] == []


def test_export_graph_without_edges_says_so():
    g = Graph(papers=[Paper("a", "Alone", ""), Paper("b", "Also alone", "")])
    page, report = render_html(g)
    assert report.nodes == 2 and report.edges == 0 and not report.physics
    assert "No links to show" in page
    assert {n["group"] for n in _data(page)["nodes"]} == {0}  # both in "Not linked"


def test_export_max_nodes_cuts_and_reports():
    page, report = render_html(demo_graph(), ExportOptions(max_nodes=25))
    assert report.nodes == 25 and report.cut_nodes == 35
    assert "kept the 25 papers with the highest weighted degree of 60" in report.cut_message
    assert "raise --max-nodes" in report.cut_message
    assert report.cut_message in _data(page)["notes"]


def test_export_large_graph_precomputes_positions_and_thins_edges():
    page, report = render_html(synthetic_graph(600, n_topics=20))
    data = _data(page)
    assert report.nodes == 600 and not report.physics and data["physics"] is False
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) > 590  # positions are spread out
    assert report.cut_edges > 0 and "weaker links" in report.cut_message
    assert report.edges <= 6 * 600


def test_export_small_graph_uses_bounded_physics():
    _, report = render_html(demo_graph(40))
    assert report.physics


def test_export_bipartite_view_colours_by_type_by_default():
    page, report = render_html(demo_graph(30), ExportOptions(view="bipartite"))
    data = _data(page)
    kinds = {n["kind"] for n in data["nodes"]}
    assert kinds == {"paper", "entity"}
    assert data["colorBy"] == "type"
    assert [l["label"] for l in data["legend"]][0] == "Papers"


def test_export_entity_focus_links_by_what_else_is_shared():
    page, report = render_html(demo_graph(), ExportOptions(entity="lora"))
    data = _data(page)
    assert report.nodes >= 2
    assert all("LoRA" in sum(n["entities"].values(), []) for n in data["nodes"])
    for e in data["edges"]:
        assert "LoRA" not in sum(e["shared"].values(), [])


def test_export_options_are_deterministic():
    a, _ = render_html(demo_graph())
    b, _ = render_html(demo_graph())
    assert a == b


@pytest.mark.parametrize(
    "options, message",
    [
        (ExportOptions(view="tree"), "unknown view 'tree'"),
        (ExportOptions(color_by="size"), "unknown --color-by 'size'"),
        (ExportOptions(types=["gizmo"]), "unknown entity type"),
        (ExportOptions(since="last week"), "--since"),
        (ExportOptions(depth=2), "--depth needs --ego or --entity"),
        (ExportOptions(ego="No Such Paper"), "no paper id, paper title or entity matches"),
        (ExportOptions(entity="No Such Entity"), "no entity matches"),
        (ExportOptions(max_nodes=0), "--max-nodes"),
    ],
)
def test_export_user_errors_are_export_errors(options, message):
    with pytest.raises(ExportError, match=re.escape(message)):
        render_html(demo_graph(20), options)


def test_export_unwritable_path_is_an_export_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export_html(demo_graph(10), blocker / "graph.html")


def test_export_ego_and_since_narrow_the_page():
    graph = demo_graph()
    paper = graph.papers[0]
    _, near = render_html(graph, ExportOptions(ego=paper.id, depth=1))
    _, wide = render_html(graph, ExportOptions(ego=paper.id, depth=2))
    _, alone = render_html(graph, ExportOptions(ego=paper.id, depth=0))
    assert alone.nodes == 1 < near.nodes <= wide.nodes <= 60
    page, late = render_html(graph, ExportOptions(since="2025-09-20"))
    dates = [n["date"] for n in _data(page)["nodes"]]
    assert dates and all(d >= "2025-09-20" for d in dates)
    assert any("dated on or after 2025-09-20" in n for n in late.notes)


def test_export_bipartite_max_nodes_reports_nodes():
    _, report = render_html(demo_graph(), ExportOptions(view="bipartite", max_nodes=30))
    assert report.nodes == 30 and report.cut_nodes > 0
    assert report.cut_message.startswith("kept the 30 nodes")


@pytest.mark.parametrize("enabled", [True, False])
def test_export_pauses_the_garbage_collector_and_restores_it(monkeypatch, enabled: bool) -> None:
    # A page of 20,000 nodes is millions of small objects: each full collection would walk
    # them all. Collection is off while the page is built, and as it was afterwards.
    import gc

    from kg.export import html as khtml

    seen = []
    project = khtml._project
    monkeypatch.setattr(khtml, "_project", lambda *a, **k: seen.append(gc.isenabled()) or project(*a, **k))
    (gc.enable if enabled else gc.disable)()
    try:
        render_html(demo_graph())
        assert seen == [False] and gc.isenabled() is enabled
    finally:
        gc.enable()


def test_export_without_pyvis_assets_is_an_export_error(monkeypatch):
    """vis-network comes from pyvis's folder (found, not imported): a missing package or
    file is a clear error, and a normal export never imports pyvis (nor IPython)."""
    import importlib.util
    import subprocess
    import sys

    import kg.export.html as html

    code = "import sys; from kg.export.html import render_html; from kg.export import demo; render_html(demo.demo_graph(5)); print('pyvis' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1] == "False"
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ExportError, match="vis-network not found in the pyvis package"):
        html._vis_assets()
