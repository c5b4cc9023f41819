"""Readers and writers of one embedded graph: a second build fails at once, a reader
during a write is told to try again (never "corrupted"), a crashed checkpoint recovers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from kg.errors import StoreUnavailable
from kg.store.embedded import EmbeddedStore, hold_writer_lock
from kg.store.locks import FileLock, data_lock_path

# Pauses before its k-th write transaction until the test says go.
_PAUSER = """
import os, sys, time
from pathlib import Path
from kg.store.embedded import EmbeddedStore as Store
k, flag = int(os.environ["KG_TEST_PAUSE_AT"]), Path(os.environ["KG_TEST_FLAG"])
calls = [0]
original = Store._write_rows
def pausing(self, cypher, rows):
    if calls[0] == k:
        flag.write_text("paused")
        while flag.read_text() != "go":
            time.sleep(0.05)
    calls[0] += 1
    original(self, cypher, rows)
Store._write_rows = pausing
Store.bulk_load = False  # a first build row by row: transactions to pause between
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""


def _kg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


@pytest.fixture
def built(tmp_path: Path) -> Path:
    db = tmp_path / "g.lbdb"
    assert _kg("build", EXAMPLE, "--db", db).returncode == 0
    return db


def test_store_concurrency_second_build_fails_before_reading(built: Path, tmp_path: Path) -> None:
    lock = hold_writer_lock(built)  # as a running build holds it
    try:
        started = time.monotonic()
        # The input does not exist: a build that read it first would say so instead.
        proc = _kg("build", tmp_path / "missing.txt", "--db", built)
        assert proc.returncode == 1
        assert f"(pid {os.getpid()}) is writing the graph at {built}; wait for it to finish" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert time.monotonic() - started < 60  # at once, not after a wait
    finally:
        lock.release()
    assert _kg("build", EXAMPLE, "--db", built).returncode == 0


@pytest.mark.parametrize("command", [["stats"], ["lookup", "PPO"], ["query", "MATCH (p:Paper) RETURN count(p)"],
                                     ["export", "--html", "{dir}/x.html"]])
def test_store_concurrency_reader_during_a_write_is_told_to_try_again(built: Path, command: list[str]) -> None:
    command = [part.replace("{dir}", str(built.parent)) for part in command]
    lock = FileLock(data_lock_path(built))
    assert lock.acquire()  # as a build holds it while it writes
    try:
        proc = _kg(*command, "--db", built)
    finally:
        lock.release()
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"Error: a build is writing the graph at {built}; try again when it finishes"
    assert _kg(*command, "--db", built).returncode == 0


def test_store_concurrency_real_build_paused_mid_write(tmp_path: Path) -> None:
    """A real build stopped between two of its write transactions: readers wait their turn."""
    db, flag = tmp_path / "g.lbdb", tmp_path / "flag"
    flag.write_text("")
    env = {**os.environ, "KG_TEST_PAUSE_AT": "3", "KG_TEST_FLAG": str(flag)}
    build = subprocess.Popen(
        [sys.executable, "-c", _PAUSER, "build", str(EXAMPLE), "--db", str(db), "--batch-size", "5"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while flag.read_text() != "paused":
            assert build.poll() is None and time.monotonic() < deadline, build.stderr.read() if build.stderr else ""
            time.sleep(0.1)
        reader = _kg("stats", "--db", db, "--json")
        assert reader.returncode == 1 and "a build is writing the graph" in reader.stderr
        assert "corrupt" not in reader.stderr.lower()
        second = _kg("build", EXAMPLE, "--db", db)
        assert second.returncode == 1 and "is writing the graph" in second.stderr
    finally:
        flag.write_text("go")
        out, errs = build.communicate(timeout=300)
    assert build.returncode == 0, errs
    stats = json.loads(_kg("stats", "--db", db, "--json").stdout)
    assert stats["papers"] == 13 and stats["mentions"] == 86


def test_store_concurrency_read_finishes_a_crashed_checkpoint(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LadybugDB refuses a read-only open while a dead writer's checkpoint is pending; the
    read does the recovery (a read-write open) itself when no writer is alive."""
    opens: list[bool] = []
    original = EmbeddedStore._open_once

    def pending_once(self, ladybug, *, read_only: bool):
        opens.append(read_only)
        if read_only and len(opens) == 1:
            raise RuntimeError(
                "Runtime exception: Cannot open database in read-only mode while checkpoint recovery is pending."
            )
        return original(self, ladybug, read_only=read_only)

    monkeypatch.setattr(EmbeddedStore, "_open_once", pending_once)
    with EmbeddedStore(built) as store:
        assert store.stats()["papers"] == 13
    assert opens == [True, False, True]


def test_store_concurrency_crashed_checkpoint_with_a_live_writer_says_try_again(built: Path, monkeypatch) -> None:
    def pending(self, ladybug, *, read_only: bool):
        raise RuntimeError("Runtime exception: Cannot open database in read-only mode while checkpoint recovery is pending.")

    lock = hold_writer_lock(built)
    # A writer in another process: drop our own process lock's re-entrancy by using a new object.
    other = FileLock(lock.path)
    try:
        monkeypatch.setattr(EmbeddedStore, "_open_once", pending)
        lock.release()
        assert other.acquire()
        with pytest.raises(StoreUnavailable, match="a build is writing the graph .* try again"):
            EmbeddedStore(built)
    finally:
        other.release()


# -- Neo4j: the write lease ------------------------------------------------------------------
@pytest.fixture
def neo():
    from conftest_neo4j import connect_neo4j, sample_graph, wipe

    store = connect_neo4j()
    store.write(sample_graph())
    try:
        yield store
    finally:
        wipe(store)
        store.close()


def _lease(neo, seconds: int) -> None:
    neo.query(
        "MERGE (l:KgWriteLease {id: 'build'}) SET l.owner = 'otherhost:4242:abcd', l.expires = timestamp() + $ms",
        {"ms": seconds * 1000},
        write=True,
    )


@pytest.mark.neo4j
def test_store_concurrency_neo4j_build_leaves_no_lease(neo) -> None:
    assert neo.query("MATCH (l:KgWriteLease) RETURN count(l)").rows == [[0]]


@pytest.mark.neo4j
@pytest.mark.parametrize("command", [["stats"], ["lookup", "LoRA"], ["query", "MATCH (p:Paper) RETURN count(p)"]])
def test_store_concurrency_neo4j_reader_during_a_build_is_told_to_try_again(neo, command: list[str]) -> None:
    _lease(neo, 60)
    proc = _kg(*command)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: a build is writing the graph at Neo4j bolt://")
    assert proc.stderr.rstrip().endswith("try again when it finishes")
    _lease(neo, -1)  # expired: a build that died long ago blocks nobody
    assert _kg(*command).returncode == 0


@pytest.mark.neo4j
def test_store_concurrency_neo4j_second_build_fails(neo) -> None:
    from conftest_neo4j import sample_graph

    _lease(neo, 60)
    with pytest.raises(StoreUnavailable, match=r"another kg build \(pid 4242 on otherhost\) is writing"):
        neo.write(sample_graph("sample-2"))
    assert neo.query("MATCH (p:Paper) WHERE p.extractor = 'sample-2' RETURN count(p)").rows == [[0]]
    _lease(neo, -1)
    assert neo.write(sample_graph("sample-2")).papers_written == 10
    assert neo.query("MATCH (l:KgWriteLease) RETURN count(l)").rows == [[0]]


@pytest.mark.neo4j
def test_store_concurrency_neo4j_lease_of_a_killed_build_here_is_taken_over(neo) -> None:
    import socket

    from conftest_neo4j import sample_graph

    dead = subprocess.Popen(["true"])
    dead.wait()
    neo.query(
        "MERGE (l:KgWriteLease {id: 'build'}) SET l.owner = $owner, l.expires = timestamp() + 60000",
        {"owner": f"{socket.gethostname()}:{dead.pid}:dead"},
        write=True,
    )
    assert _kg("stats").returncode == 0  # readers are not blocked by a dead build
    assert neo.write(sample_graph("sample-3")).papers_written == 10


@pytest.mark.parametrize("via", ["symlink", "dotted path"])
def test_store_concurrency_locks_hold_whatever_the_path_spelling(built: Path, via: str) -> None:
    other = built.parent / "link.lbdb"
    if via == "symlink":
        other.symlink_to(built)
    else:
        other = built.parent / "." / ".." / built.parent.name / built.name
    lock = hold_writer_lock(built)
    try:
        proc = _kg("build", EXAMPLE, "--db", other)
        assert proc.returncode == 1 and "is writing the graph" in proc.stderr
    finally:
        lock.release()
    data = FileLock(data_lock_path(built))
    assert data.acquire()
    try:
        proc = _kg("stats", "--db", other)
        assert proc.returncode == 1 and "a build is writing the graph" in proc.stderr
    finally:
        data.release()
