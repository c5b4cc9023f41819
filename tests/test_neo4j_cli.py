"""The CLI end to end on a real Neo4j: the same answers as on the embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from conftest_neo4j import module_store

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo():
    yield from module_store()


def kg(*args: str | Path, neo4j: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("KG_DB", None)
    if not neo4j:
        env.pop("NEO4J_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )


def raw_counts(store) -> tuple[int, int]:
    nodes = store.query("MATCH (n) RETURN count(n)").rows[0][0]
    rels = store.query("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
    return nodes, rels


@pytest.fixture(scope="module")
def built(neo, dump_path_module: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared dump built into Neo4j (via NEO4J_URI) and into an embedded store."""
    db = tmp_path_factory.mktemp("embedded") / "g.lbdb"
    for args in (("--db", db), ()):
        proc = kg("build", dump_path_module, *args, neo4j=True)
        assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module")
def dump_path_module() -> Path:
    from conftest import DUMP

    if not DUMP.exists():
        pytest.skip(f"shared dev data not found at {DUMP}")
    return DUMP


def test_neo4j_cli_build_twice_identical_counts(neo, built: Path, dump_path_module: Path) -> None:
    first = raw_counts(neo)
    assert first[0] > 64
    proc = kg("build", "--neo4j-uri", os.environ["NEO4J_URI"], dump_path_module, neo4j=True)
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 0 papers (64 unchanged)" in proc.stdout
    assert raw_counts(neo) == first


def test_neo4j_cli_stats_equal_embedded(built: Path) -> None:
    on_neo4j = json.loads(kg("stats", "--json", neo4j=True).stdout)
    embedded = json.loads(kg("stats", "--json", "--db", built, neo4j=True).stdout)
    assert on_neo4j == embedded
    assert on_neo4j["papers"] == 64


@pytest.mark.parametrize("name", ["CALVIN", "ppo", "Direct Preference Optimization"])
def test_neo4j_cli_lookup_equal_embedded(built: Path, name: str) -> None:
    on_neo4j = kg("lookup", name, "--json", neo4j=True)
    assert on_neo4j.returncode == 0, on_neo4j.stderr
    embedded = kg("lookup", name, "--json", "--db", built, neo4j=True)
    assert json.loads(on_neo4j.stdout) == json.loads(embedded.stdout)


def test_neo4j_cli_query_file_and_write_refusal(built: Path) -> None:
    query = ["query", "-f", "cypher/top_entities_per_type.cypher", "--json"]
    assert json.loads(kg(*query, neo4j=True).stdout) == json.loads(kg(*query, "--db", built, neo4j=True).stdout)
    refused = kg("query", "MATCH (p:Paper) SET p.title = 'x'", neo4j=True)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "Error: this query writes; re-run with --write"


def test_neo4j_cli_export_same_graph(built: Path, tmp_path: Path) -> None:
    reports = []
    for args in ((), ("--db", built)):
        proc = kg("export", "--html", tmp_path / "g.html", "--json", *args, neo4j=True)
        assert proc.returncode == 0, proc.stderr
        reports.append(json.loads(proc.stdout))
    assert reports[0]["nodes"] == reports[1]["nodes"] == 64
    assert reports[0]["edges"] == reports[1]["edges"]


_LEAN = """
import json, sys
import kg.store.neo4j as n
from kg.config import open_store
n.LEAN_DRIVER_IMPORT = True
store = open_store(writable=False)
params = {"i": 7, "f": 2.5, "s": "x\\u00e9", "b": True, "none": None, "l": [1, "a", None], "m": {"k": [1.5]}}
row = store.query("RETURN $i, $f, $s, $b, $none, $l, $m", params).rows[0]
loaded = [m for m in ("numpy", "pyarrow") if m in sys.modules]
import numpy  # a later import of numpy (kg export) leaves the driver working
again = store.query("MATCH (e:Entity) RETURN count(e) > 0").rows[0][0]
store.close()
print(json.dumps({"row": row, "loaded": loaded, "again": again}))
"""


def test_neo4j_cli_lean_driver_import_round_trips_every_plain_parameter(built: Path) -> None:
    """The `kg` command imports the driver without numpy/pyarrow (0.2 s of every command):
    plain parameters still go through whole, and a later numpy import changes nothing."""
    env = dict(os.environ)
    env.pop("KG_DB", None)
    proc = subprocess.run([sys.executable, "-c", _LEAN], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == {"row": [7, 2.5, "x\u00e9", True, None, [1, "a", None], {"k": [1.5]}], "loaded": [], "again": True}


def test_neo4j_cli_lookup_does_not_load_numpy(built: Path) -> None:
    code = (
        "import sys, runpy; sys.argv = ['kg', 'lookup', 'GRPO', '--json'];\n"
        "try:\n    runpy.run_module('kg', run_name='__main__')\nexcept SystemExit as e:\n    code = e.code\n"
        "print('NUMPY' if 'numpy' in sys.modules else 'LEAN', file=sys.stderr)"
    )
    env = dict(os.environ)
    env.pop("KG_DB", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "LEAN", proc.stderr
    assert json.loads(proc.stdout)[0]["name"] == "GRPO"
