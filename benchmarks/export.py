"""Time the HTML export: Python side (projection, communities, layout, render) and browser time-to-ready.

    .venv/bin/python benchmarks/export.py [--sizes 300 2000 5000] [--repeat 3] [--json]
    .venv/bin/python benchmarks/export.py --db /tmp/g100k.lbdb --make-store 100000 20000 500000
    .venv/bin/python benchmarks/export.py --db /tmp/g100k.lbdb --max-nodes 2000 20000 default [--json]

With ``--db``, ``kg export`` runs as a subprocess on that store, once per ``--max-nodes``
value (``default``: no flag, the CLI's cap), and the wall time, CPU time and peak RSS of
the whole command are reported (no browser). ``--make-store`` first writes the seeded
synthetic graph of ``benchmarks/ingest.py`` (papers, entities, links) there if it is absent.

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


def make_store(db: Path, papers: int, entities: int, links: int) -> None:
    """Write ``benchmarks/ingest.py``'s synthetic graph to an embedded store at ``db``."""
    import itertools
    import random

    import ingest
    from kg.store.embedded import EmbeddedStore

    class CachedWeights(random.Random):
        """The same draws as random.Random; ingest passes the same weights list for every link, so
        its cumulative sums are computed once (without this, 500k links take hours)."""

        _cum: tuple[list[float], list[float]] | None = None

        def choices(self, population, weights=None, *, cum_weights=None, k=1):
            if weights is not None and cum_weights is None:
                if self._cum is None or self._cum[0] is not weights:
                    self._cum = (weights, list(itertools.accumulate(weights)))
                return super().choices(population, cum_weights=self._cum[1], k=k)
            return super().choices(population, weights, cum_weights=cum_weights, k=k)

    ingest.random = argparse.Namespace(Random=CachedWeights)
    started = time.perf_counter()
    graph = ingest.synthetic_graph(papers, entities, links)
    with EmbeddedStore(db, writable=True) as store:
        store.write(graph)
    seconds = time.perf_counter() - started
    print(f"wrote {len(graph.papers):,} papers, {len(graph.links):,} links to {db} in {seconds:.0f} s", file=sys.stderr)


def time_store_exports(db: Path, caps: list[str], view: str) -> list[dict]:
    """Run ``kg export`` on ``db`` once per cap; wall, CPU and peak RSS of each run."""
    import subprocess

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cap in caps:
            out = Path(tmp) / f"g-{cap}.html"
            cmd = [sys.executable, "-m", "kg", "export", "--db", str(db), "--html", str(out), "--view", view, "--json"]
            if cap != "default":
                cmd += ["--max-nodes", cap]
            # Each run in its own child, so RUSAGE_CHILDREN's peak is this run's.
            probe = (
                "import resource, subprocess, sys, time; t = time.perf_counter(); "
                "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); w = time.perf_counter() - t; "
                "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
                "print(p.returncode, w, u.ru_utime + u.ru_stime, u.ru_maxrss); print(p.stdout); "
                "print(p.stderr, file=sys.stderr)"
            )
            proc = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, cwd=ROOT)
            head, _, rest = proc.stdout.partition("\n")
            code, wall, cpu, rss_kb = head.split()
            if code != "0":
                raise SystemExit(f"kg export failed: {proc.stderr.strip()}")
            report = json.loads(rest.strip().splitlines()[-1])
            rows.append(
                {
                    "max_nodes": cap,
                    "view": view,
                    "nodes": report["nodes"],
                    "cut_nodes": report["cut_nodes"],
                    "edges": report["edges"],
                    "html_mb": round(out.stat().st_size / 1e6, 2),
                    "wall_s": round(float(wall), 2),
                    "cpu_s": round(float(cpu), 2),
                    "max_rss_mb": round(int(rss_kb) / 1024),
                }
            )
    return rows


def print_rows(rows: list[dict], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    cols = list(rows[0])
    print("  ".join(f"{c:>14}" for c in cols))
    for r in rows:
        print("  ".join(f"{str(r[c]):>14}" for c in cols))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 2000, 5000], help="papers in the synthetic graph")
    ap.add_argument("--view", default="papers", choices=["papers", "bipartite"])
    ap.add_argument("--repeat", type=int, default=3, help="page loads per size (median reported)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--db", type=Path, help="time `kg export` on this embedded store instead")
    ap.add_argument("--max-nodes", nargs="+", default=["2000", "20000", "default"], help="with --db: caps to time")
    ap.add_argument("--make-store", type=int, nargs=3, metavar=("PAPERS", "ENTITIES", "LINKS"),
                    help="with --db: write ingest.py's synthetic graph there first, if absent")  # fmt: skip
    args = ap.parse_args()

    if args.db:
        if args.make_store and not args.db.exists():
            sys.path.insert(0, str(ROOT / "benchmarks"))
            make_store(args.db, *args.make_store)
        print_rows(time_store_exports(args.db, args.max_nodes, args.view), args.json)
        return 0
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
    print_rows(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
