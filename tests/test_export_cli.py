"""``kg export``: options, summary line, JSON, user errors; against a real embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.cli.export_cmd import register
from kg.export.demo import demo_graph

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


class _FakeStore:
    """Stands in for the store ``open_store`` would open: a real embedded store of ``graph``,
    whatever the options say (``kg export`` reads it with queries, kg.export.select)."""

    closed = False

    def __init__(self, graph, path: Path):
        from kg.store.embedded import EmbeddedStore

        if not path.exists():
            with EmbeddedStore(path, writable=True) as store:
                store.write(graph)
        self.store = EmbeddedStore(path)

    def query(self, cypher, params=None, *, write=False):
        return self.store.query(cypher, params, write=write)

    def close(self):
        self.store.close()
        _FakeStore.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _app(tmp_path: Path, graph=None) -> tuple[typer.Typer, list]:
    calls: list = []
    app = typer.Typer()

    def open_store(db, uri):
        calls.append((db, uri))
        return _FakeStore(graph if graph is not None else demo_graph(), tmp_path / "fake.lbdb")

    register(app, open_store)

    @app.command()
    def noop() -> None:  # a second command keeps `export` a subcommand
        """Nothing."""

    return app, calls


def test_export_cli_summary_line(tmp_path: Path):
    app, calls = _app(tmp_path)
    out = tmp_path / "g.html"
    res = runner.invoke(app, ["export", "--html", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output.strip().startswith(f"Wrote {out}: 60 nodes, ")
    assert out.exists()
    assert calls == [(None, None)]
    assert _FakeStore.closed


def test_export_cli_json_reports_cut(tmp_path: Path):
    app, _ = _app(tmp_path)
    res = runner.invoke(app, ["export", "--html", str(tmp_path / "g.html"), "--max-nodes", "10", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["nodes"] == 10 and report["cut_nodes"] == 50
    assert "kept the 10 papers" in report["cut_message"]
    assert report["path"] == str(tmp_path / "g.html")


def test_export_cli_passes_every_filter(tmp_path: Path):
    app, calls = _app(tmp_path)
    args = [
        "export", "--html", str(tmp_path / "g.html"), "--view", "bipartite", "--type", "model", "--type", "dataset",
        "--entity", "LoRA", "--depth", "2", "--since", "2025-09-05", "--color-by", "community", "--json",
        "--db", str(tmp_path / "x.lbdb"), "--neo4j-uri", "bolt://localhost:1",
    ]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["nodes"] > 0
    assert any("2025-09-05" in n for n in report["notes"])
    assert calls == [(tmp_path / "x.lbdb", "bolt://localhost:1")]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--view", "tree"], "'tree' is not one of: papers, bipartite"),
        (["--color-by", "size"], "'size' is not one of: community, type"),
        (["--since", "2025-02-30"], "is not a valid date"),
        (["--type", "gizmo"], "unknown entity type 'gizmo'"),
        (["--depth", "2"], "needs --ego or --entity"),
        (["--min-shared", "0"], "--min-shared"),
    ],
)
def test_export_cli_bad_parameters(tmp_path: Path, args, message):
    app, calls = _app(tmp_path)
    res = runner.invoke(app, ["export", "--html", str(tmp_path / "g.html"), *args])
    assert res.exit_code == 2
    assert message in " ".join(res.output.split()).replace("│", "").replace("  ", " ") or message in res.output
    assert calls == []  # rejected before the store is opened


def test_export_cli_unknown_ego_is_one_error_line(tmp_path: Path):
    from kg.cli import app

    db = tmp_path / "g.lbdb"
    _write_demo(db)
    res = runner.invoke(app, ["export", "--html", str(tmp_path / "g.html"), "--db", str(db), "--ego", "Nope"])
    assert res.exit_code == 1
    assert "Error: no paper id, paper title or entity matches 'Nope'" in res.output


def _write_demo(db: Path) -> None:
    from kg.store.embedded import EmbeddedStore

    with EmbeddedStore(db, writable=True) as store:
        store.write(demo_graph(30))


def test_export_cli_real_store_as_subprocess(tmp_path: Path):
    db = tmp_path / "g.lbdb"
    _write_demo(db)
    out = tmp_path / "graph.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--html", str(out), "--db", str(db), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["nodes"] == 30 and out.exists()
