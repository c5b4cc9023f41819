"""Time the HTML export: Python side (projection, communities, layout, render) and browser time-to-ready.

    .venv/bin/python benchmarks/export.py [--sizes 300 2000 5000] [--repeat 3] [--json]

Time-to-ready is measured in headless Debian chromium, offline, from navigation
to ``window.kg.ready`` (drawn and no longer moving); ``page_ms`` is the page's
own count from script start; ``select_ms`` is the time to select and highlight
the most connected node until the next frame. The target: 2,000 nodes ready within 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.browser import chromium_path, launch, open_offline  # noqa: E402
from kg.export.demo import synthetic_graph  # noqa: E402
from kg.export.html import ExportOptions, export_html  # noqa: E402


# Interaction latency: select (and highlight) the busiest node, until the next frame is drawn.
SELECT_MS = """() => new Promise((resolve) => {
  const net = window.kg.network, ids = window.kg.data.nodes.getIds();
  let best = ids[0], most = -1;
  for (const id of ids) { const d = net.getConnectedEdges(id).length; if (d > most) { most = d; best = id; } }
  const t = performance.now();
  net.once("afterDrawing", () => resolve(performance.now() - t));
  window.kg.select(best, {focus: false});
  net.redraw();
})"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 2000, 5000], help="papers in the synthetic graph")
    ap.add_argument("--view", default="papers", choices=["papers", "bipartite"])
    ap.add_argument("--repeat", type=int, default=3, help="page loads per size (median reported)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args()

    if chromium_path() is None:
        print("chromium not installed: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch(p)
        for n in args.sizes:
            graph = synthetic_graph(n)
            out = Path(tmp) / f"g{n}.html"
            t0 = time.perf_counter()
            report = export_html(graph, out, ExportOptions(view=args.view))
            export_s = time.perf_counter() - t0
            ready, page_ms, select_ms = [], [], []
            for _ in range(args.repeat):
                page, log = open_offline(browser, out, timeout_ms=120_000)
                if log.errors or log.blocked:
                    print(f"warning: {n}: errors={log.errors} blocked={log.blocked}", file=sys.stderr)
                ready.append(log.ready_seconds)
                page_ms.append(page.evaluate("window.kg.readyMs"))
                select_ms.append(page.evaluate(SELECT_MS))
                page.close()
            rows.append(
                {
                    "papers": n,
                    "view": args.view,
                    "nodes": report.nodes,
                    "edges": report.edges,
                    "edges_hidden": report.cut_edges,
                    "physics": report.physics,
                    "html_mb": round(out.stat().st_size / 1e6, 2),
                    "export_s": round(export_s, 2),
                    "ready_s_median": round(statistics.median(ready), 2),
                    "ready_s_max": round(max(ready), 2),
                    "page_ms_median": round(statistics.median(page_ms)),
                    "select_ms_median": round(statistics.median(select_ms)),
                }
            )
        browser.close()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        cols = list(rows[0])
        print("  ".join(f"{c:>14}" for c in cols))
        for r in rows:
            print("  ".join(f"{str(r[c]):>14}" for c in cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
