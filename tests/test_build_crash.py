"""No sequence of builds and kills loses links: a build of changed abstracts is killed
(SIGKILL, a real process) after k write transactions, then the original input is built
again; the graph must equal a clean build of the original, on both stores."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from conftest_neo4j import connect_neo4j, wipe
from kg.sources import read_papers

# Dies by SIGKILL when the store is about to run its (k+1)-th write transaction.
_KILLER = """
import atexit, os, signal, sys
from kg.store.{module} import {cls} as Store
k = int(os.environ["KG_TEST_KILL_AFTER"])
calls = [0]
original = Store._write_rows
def dying(self, cypher, rows):
    if cypher == Store.FORGET_INPUTS:  # bookkeeping before the first write: not counted
        return original(self, cypher, rows)
    if calls[0] == k:
        os.kill(os.getpid(), signal.SIGKILL)
    calls[0] += 1
    original(self, cypher, rows)
Store._write_rows = dying
atexit.register(lambda: print("transactions", calls[0], file=sys.stderr))
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""
KILL_POINTS = [1, 4, 9, 17, 30]
BATCH = "5"  # small batches: many points to die at


def _kg(*args: str | Path, env: dict[str, str] | None = None, kill_after: int | None = None, store: str = "embedded"):
    env = {**os.environ, **(env or {})}
    if kill_after is None:
        cmd = [sys.executable, "-m", "kg", *map(str, args)]
    else:
        module, cls = ("embedded", "EmbeddedStore") if store == "embedded" else ("neo4j", "Neo4jStore")
        env["KG_TEST_KILL_AFTER"] = str(kill_after)
        cmd = [sys.executable, "-c", _KILLER.format(module=module, cls=cls), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example papers as JSONL, and the same papers with changed abstracts."""
    root = tmp_path_factory.mktemp("crash")
    papers = list(read_papers([EXAMPLE]))
    original, changed = root / "original.jsonl", root / "changed.jsonl"
    with original.open("w") as a, changed.open("w") as b:
        for p in papers:
            record = {"id": p.id if not p.id.startswith("t-") else None, "title": p.title, "date": p.date}
            a.write(json.dumps({**record, "abstract": p.abstract}) + "\n")
            # Drop the first sentence: most links change or go.
            rest = p.abstract.split(". ", 1)[-1]
            b.write(json.dumps({**record, "abstract": f"We revisit an old idea. {rest}"}) + "\n")
    return original, changed


@pytest.fixture(scope="module")
def shrunk(inputs) -> Path:
    """The example papers cut to their last sentence: most entities lose their last link."""
    path = inputs[0].with_name("shrunk.jsonl")
    with inputs[0].open() as src, path.open("w") as out:
        for line in src:
            record = json.loads(line)
            record["abstract"] = record["abstract"].rstrip(".").rsplit(". ", 1)[-1] + "."
            out.write(json.dumps(record) + "\n")
    return path


def _links(rows: list[list]) -> list[tuple]:
    return sorted(tuple(r) for r in rows)


LINKS = "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.count, m.evidence"


def _state(db: Path) -> tuple[dict, list]:
    """``kg stats --json`` and the links of the embedded store ``db``."""
    from kg.store.embedded import EmbeddedStore

    stats = _kg("stats", "--db", db, "--json")
    assert stats.returncode == 0, stats.stderr
    with EmbeddedStore(db) as store:
        return json.loads(stats.stdout), _links(store.query(LINKS).rows)


@pytest.fixture(scope="module")
def original_db(inputs, tmp_path_factory) -> Path:
    """A clean build of the original input: never written again (tests build into copies)."""
    db = tmp_path_factory.mktemp("clean") / "g.lbdb"
    assert _kg("build", inputs[0], "--db", db).returncode == 0
    return db


def _copy(db: Path, to: Path) -> Path:
    """A copy of the embedded store ``db`` (the store is its one file), as a build leaves it."""
    shutil.copyfile(db, to)
    return to


@pytest.fixture(scope="module")
def reference(original_db: Path) -> tuple[dict, list]:
    """``kg stats --json`` and the links of a clean build of the original input."""
    return _state(original_db)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", KILL_POINTS)
def test_build_crash_embedded_rebuild_of_original_equals_clean_build(
    inputs, original_db: Path, reference, kill_after: int, tmp_path: Path
) -> None:
    from kg.store.embedded import EmbeddedStore

    original, changed = inputs
    db = _copy(original_db, tmp_path / "g.lbdb")
    killed = _kg("build", changed, "--db", db, "--batch-size", BATCH, kill_after=kill_after)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Readers first: a store left mid-write (or mid-checkpoint) is readable, not "corrupted".
    stats = _kg("stats", "--db", db, "--json")
    assert stats.returncode == 0, stats.stderr
    rebuilt = _kg("build", original, "--db", db, "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["papers_written"] > 0  # not "unchanged" over lost links
    assert json.loads(_kg("stats", "--db", db, "--json").stdout) == reference[0]
    with EmbeddedStore(db) as store:
        assert _links(store.query(LINKS).rows) == reference[1]


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.parametrize("kill_after", KILL_POINTS)
def test_build_crash_neo4j_rebuild_of_original_equals_clean_build(inputs, reference, kill_after: int) -> None:
    store = connect_neo4j()
    try:
        original, changed = inputs
        env = {"KG_DB": ""}
        assert _kg("build", original, env=env).returncode == 0
        killed = _kg("build", changed, "--batch-size", BATCH, env=env, kill_after=kill_after, store="neo4j")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        rebuilt = _kg("build", original, "--json", env=env)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert json.loads(rebuilt.stdout)["papers_written"] > 0
        assert json.loads(_kg("stats", "--json", env=env).stdout) == reference[0]
        assert _links(store.query(LINKS).rows) == reference[1]
    finally:
        wipe(store)
        store.close()


def _transactions(args: list, store: str = "embedded", env: dict | None = None) -> int:
    """How many write transactions a build of ``args`` runs (it is not killed)."""
    proc = _kg(*args, env=env, kill_after=10**9, store=store)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stderr.rsplit("transactions", 1)[1].split()[0])


@pytest.fixture(scope="module")
def shrunk_build(original_db: Path, shrunk: Path, tmp_path_factory) -> tuple[tuple[dict, list], int]:
    """A clean build of the shrunk input (stats and links), and how many write transactions
    a build of it over the original runs."""
    root = tmp_path_factory.mktemp("shrunk")
    clean = root / "clean.lbdb"
    assert _kg("build", shrunk, "--db", clean).returncode == 0
    probe = _copy(original_db, root / "probe.lbdb")
    total = _transactions(["build", shrunk, "--db", probe, "--batch-size", BATCH])
    assert total > 24  # (every kill point below is a transaction of it)
    return _state(clean), total


@pytest.mark.slow
@pytest.mark.parametrize("from_end", [1, 3, 8, 16, 24])
def test_build_crash_embedded_kill_near_the_end_then_same_input(
    original_db: Path, shrunk: Path, shrunk_build, from_end: int, tmp_path: Path
) -> None:
    """Killed in its last transactions (orphan sweep, hashes), a rebuild of the same input
    still equals a clean build of it: no entity that lost its last link stays behind."""
    expected, total = shrunk_build
    db = _copy(original_db, tmp_path / "g.lbdb")
    killed = _kg("build", shrunk, "--db", db, "--batch-size", BATCH, kill_after=total - from_end)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _kg("build", shrunk, "--db", db).returncode == 0
    assert _state(db) == expected
