"""The graph the documentation talks about: ``kg build examples/sample-papers.txt``, built once.

A plain module (imported by tests/test_docs.py and tests/test_cypher_library.py):
``example_workspace()`` is a directory where that command has been run (``.kg/graph.lbdb``),
built once per test process; ``copy_graph(dst)`` puts a copy of its ``.kg`` in ``dst``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sample-papers.txt"

#: What every documented command runs with: an 80-column terminal and no store chosen by the
#: caller's environment (CI sets NEO4J_URI for the Neo4j tests; the pages mean the embedded store).
ENV = {"COLUMNS": "80", "LINES": "50", "NEO4J_URI": None, "KG_DB": None, "NO_COLOR": "1", "TERM": "dumb"}

_built: Path | None = None


def run_kg(args: list[str], cwd: Path):
    """``kg ARGS`` in-process in ``cwd``, as the pages show it; returns click's ``Result``."""
    from kg.cli import app

    here = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, args, env=ENV)
    finally:
        os.chdir(here)


def example_workspace() -> Path:
    """A directory where ``kg build examples/sample-papers.txt`` has run (once per process)."""
    global _built
    if _built is None:
        work = Path(tempfile.mkdtemp(prefix="kg-example-"))
        atexit.register(shutil.rmtree, work, True)
        (work / "examples").symlink_to(EXAMPLE.parent)
        # As the README's tour runs it: the source path stored is the relative one.
        result = run_kg(["build", "examples/sample-papers.txt"], work)
        assert result.exit_code == 0, result.output
        _built = work
    return _built


def example_db() -> Path:
    """The embedded database of the example graph (do not write to it: copy it)."""
    return example_workspace() / ".kg" / "graph.lbdb"


def copy_graph(dst: Path) -> None:
    """Copy the example graph's ``.kg`` directory into ``dst`` (replacing one that is there)."""
    shutil.rmtree(dst / ".kg", ignore_errors=True)
    shutil.copytree(example_workspace() / ".kg", dst / ".kg")
