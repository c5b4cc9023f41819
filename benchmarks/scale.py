"""Scale benchmark: build, unchanged rebuild, export and lookup at 1k / 10k / 100k papers.

Generates a seeded synthetic corpus with unique titles (``kg.bench.synthetic_papers``,
arXiv-style ids), then runs the real CLI in fresh processes and measures wall time and
peak memory (the sum of the RSS of kg and its worker processes, sampled every 50 ms):

    kg build CORPUS                      into an empty store
    kg build CORPUS                      again: nothing changed
    kg export --max-nodes 2000 / 20000   the HTML page
    kg lookup <most common entity>       the entity most papers mention

on the embedded store, and on Neo4j too when ``--neo4j`` is given and ``NEO4J_URI`` is
set (the database is wiped first: give ``--wipe-neo4j`` to allow it).

    .venv/bin/python benchmarks/scale.py                  # 1k and 10k
    .venv/bin/python benchmarks/scale.py --sizes 1000 10000 100000 --json
    eval "$(docker/neo4j-local start)" && .venv/bin/python benchmarks/scale.py --neo4j --wipe-neo4j
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


STEPS = ("export", "lookup")


def corpus(n: int, directory: Path, seed: int = 7) -> Path:
    """``n`` synthetic papers as JSONL (cached by size and seed)."""
    from kg.bench import synthetic_papers

    path = directory / f"corpus-{n}-{seed}.jsonl"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for i, p in enumerate(synthetic_papers(n, seed=seed)):
            month, number = 1 + i // 99999, 1 + i % 99999
            record = {
                "id": f"24{month:02d}.{number:05d}",
                "title": f"{p.title} (study {i})",  # unique titles
                "abstract": p.abstract,
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            f.write(json.dumps(record) + "\n")
    tmp.rename(path)
    return path


def run(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``kg ARGS``; wall seconds, peak RSS (MB, kg plus its children) and the output."""
    import psutil

    started = time.perf_counter()
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # a pipe could fill up
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", *args], cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=out_file, stderr=err_file, text=True,
    )
    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    out_file.seek(0), err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"seconds": round(wall, 2), "peak_mb": round(peak / 2**20), "stdout": out}


def measure(n: int, directory: Path, store: str, workers: int | None, steps: set[str] = frozenset(STEPS)) -> dict:
    path = corpus(n, directory)
    env: dict[str, str] = {}
    target: list[str] = []
    if store == "embedded":
        db = directory / f"graph-{n}.lbdb"
        for leftover in directory.glob(f"graph-{n}.lbdb*"):
            leftover.unlink()
        target = ["--db", str(db)]
    else:
        _wipe_neo4j()
    extra = ["--workers", str(workers)] if workers else []
    row: dict = {"papers": n, "store": store}
    first = run(["build", str(path), *target, *extra, "--json"], env)
    summary = json.loads(first["stdout"])
    row["build_s"], row["build_peak_mb"] = first["seconds"], first["peak_mb"]
    row["extract_per_s"] = summary.get("abstracts_per_second")
    row["links"] = summary["stats"]["mentions"]
    row["entities"] = summary["stats"]["entities"]
    again = run(["build", str(path), *target, *extra, "--json"], env)
    row["rebuild_s"], row["rebuild_peak_mb"] = again["seconds"], again["peak_mb"]
    row["rebuild_extracted"] = json.loads(again["stdout"]).get("papers_extracted")
    row["rebuild_speedup"] = round(row["build_s"] / again["seconds"], 1) if again["seconds"] else None
    if "export" in steps:
        for cap in (2000, 20000):
            html = directory / f"export-{n}-{cap}.html"
            done = run(["export", *target, "--html", str(html), "--max-nodes", str(cap)], env)
            row[f"export_{cap}_s"], row[f"export_{cap}_peak_mb"] = done["seconds"], done["peak_mb"]
    if "lookup" in steps:
        row.update(_lookup(target, env))
    return row


def _lookup(target: list[str], env: dict[str, str]) -> dict:
    row: dict = {}
    common = run(
        ["query", *target, "--json",
         "MATCH (e:Entity)<-[:MENTIONS]-(p:Paper) WITH e, count(p) AS n RETURN e.name AS name, n ORDER BY n DESC LIMIT 1"],
        env,
    )
    top = json.loads(common["stdout"])[0]
    row["common_entity"], row["common_papers"] = top["name"], top["n"]
    done = run(["lookup", top["name"], *target, "--json"], env)
    row["lookup_s"], row["lookup_peak_mb"] = done["seconds"], done["peak_mb"]
    return row


def _wipe_neo4j() -> None:
    from kg.config import open_store

    with open_store(None, os.environ["NEO4J_URI"], writable=True, create=True) as store:
        store.query("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", write=True)


COLUMNS = [
    ("papers", "papers"), ("store", "store"), ("build_s", "build s"), ("build_peak_mb", "build MB"),
    ("extract_per_s", "extract/s"), ("rebuild_s", "rebuild s"), ("rebuild_speedup", "speed-up"),
    ("export_2000_s", "export 2k s"), ("export_20000_s", "export 20k s"), ("lookup_s", "lookup s"),
    ("common_papers", "top entity papers"), ("lookup_peak_mb", "lookup MB"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "kg-scale")
    parser.add_argument("--workers", type=int, default=None, help="kg build --workers (default: kg's default)")
    parser.add_argument("--neo4j", action="store_true", help="also measure Neo4j (NEO4J_URI)")
    parser.add_argument("--wipe-neo4j", action="store_true", help="allow wiping the Neo4j database")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--steps", nargs="*", default=list(STEPS), help="after build and rebuild: export, lookup")
    args = parser.parse_args()
    stores = ["embedded"]
    if args.neo4j:
        if not os.environ.get("NEO4J_URI") or not args.wipe_neo4j:
            raise SystemExit("--neo4j needs NEO4J_URI set and --wipe-neo4j (the database is wiped)")
        stores.append("neo4j")
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        for store in stores:
            rows.append(measure(n, args.dir, store, args.workers, set(args.steps)))
            if not args.json:
                print(" ".join(f"{k}={v}" for k, v in rows[-1].items()), file=sys.stderr)
    if args.json:
        print(json.dumps({"machine": _machine(), "rows": rows}, indent=2))
        return
    print(_machine())
    print(" | ".join(title for _, title in COLUMNS))
    for row in rows:
        print(" | ".join(str(row.get(key, "")) for key, _ in COLUMNS))


def _machine() -> str:
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


if __name__ == "__main__":
    main()
