"""Render the HTML explorer and screenshot it with headless Debian chromium (the README image).

    .venv/bin/python scripts/screenshot.py                      # examples/sample-papers.txt -> docs/graph.png
    .venv/bin/python scripts/screenshot.py --db .kg/graph.lbdb  # a built store
    .venv/bin/python scripts/screenshot.py papers.jsonl --view papers --select auto
    .venv/bin/python scripts/screenshot.py --demo               # invented graph, no extractor needed

Input files are read, extracted and resolved in memory (nothing is stored).
``--select auto`` clicks the most connected paper so the details panel shows.
Needs chromium (apt-get install -y chromium) and playwright (the dev extra).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.browser import NODE_POINT, chromium_path, launch, open_offline  # noqa: E402
from kg.export.html import ExportOptions, export_html  # noqa: E402
from kg.model import Graph  # noqa: E402

EXAMPLE = ROOT / "examples" / "sample-papers.txt"


def load_graph(args: argparse.Namespace) -> Graph:
    """The graph to draw: a store, input files run through the pipeline, or the invented demo."""
    if args.demo:
        from kg.export.demo import demo_graph

        return demo_graph()
    if args.db or args.neo4j_uri:
        from kg.config import open_store

        with open_store(args.db, args.neo4j_uri) as store:
            return store.load_graph()
    inputs = args.inputs or ([EXAMPLE] if EXAMPLE.exists() else [])
    if not inputs:
        from kg.export.demo import demo_graph

        return demo_graph()
    from kg.extract import EXTRACTOR_VERSION, extract
    from kg.resolve import resolve
    from kg.sources import read_papers

    return resolve(extract(list(read_papers(inputs))), EXTRACTOR_VERSION)


# The paper linked to most papers (papers view) or to most entities (bipartite view).
MOST_CONNECTED_PAPER = """() => {
  const net = window.kg.network, ids = window.kg.data.nodes.getIds();
  const papers = ids.filter(id => !String(id).startsWith('e:'));
  papers.sort((a, b) => net.getConnectedNodes(b).length - net.getConnectedNodes(a).length || (a < b ? -1 : 1));
  return papers[0] || null;
}"""


def _pick(page, choice: str) -> str | None:
    if not choice or choice == "none" or not page.evaluate("window.kg.nodes"):
        return None
    return page.evaluate(MOST_CONNECTED_PAPER) if choice == "auto" else choice


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", type=Path, help=f"paper files (default: {EXAMPLE.relative_to(ROOT)})")
    ap.add_argument("--db", type=Path, help="read a built embedded store instead")
    ap.add_argument("--neo4j-uri", help="read a Neo4j store instead")
    ap.add_argument("--demo", action="store_true", help="draw the invented demo graph")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "graph.png", help="PNG to write")
    ap.add_argument("--html", type=Path, help="also keep the HTML page here")
    ap.add_argument("--view", default="bipartite", choices=["papers", "bipartite"])
    ap.add_argument("--type", dest="types", action="append", help="entity types that count (repeatable)")
    ap.add_argument("--max-nodes", type=int)
    ap.add_argument("--select", default="none", help="node id to click (pins details, dims the rest), 'auto' or 'none'")
    ap.add_argument("--hover", default="auto", help="node id to hover (shows its tooltip), 'auto' or 'none'")
    ap.add_argument("--size", default="1400x860", help="viewport WIDTHxHEIGHT")
    args = ap.parse_args()

    if chromium_path() is None:
        print("chromium not installed: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    graph = load_graph(args)
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        html = args.html or Path(tmp) / "graph.html"
        report = export_html(
            graph, html, ExportOptions(view=args.view, types=args.types, max_nodes=args.max_nodes)
        )
        with sync_playwright() as p:
            browser = launch(p)
            page, log = open_offline(browser, html, viewport=(width, height))
            if log.errors or log.blocked:
                print(f"page problems: errors={log.errors} blocked={log.blocked}", file=sys.stderr)
                return 1
            node = _pick(page, args.select)
            if node:
                page.evaluate("(id) => window.kg.select(id, {focus: false})", node)
                page.wait_for_timeout(200)
            node = _pick(page, args.hover)
            if node:
                x, y = page.evaluate(NODE_POINT, node)
                page.mouse.move(x - 30, y - 30)
                page.mouse.move(x, y, steps=5)
                page.wait_for_function("!document.getElementById('kg-tooltip').hidden", timeout=5000)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"{args.out}: {report.nodes} nodes, {report.edges} edges ({args.view} view)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
