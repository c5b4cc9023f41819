"""Shared fixtures: paths to our own fixtures and to the shared dev data."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
DUMP = SHARED / "data" / "daily-papers-sep-02.txt"
GOLD = SHARED / "eval" / "seed_gold.jsonl"
EXAMPLE = ROOT / "examples" / "sample-papers.txt"


@pytest.fixture
def dump_path() -> Path:
    """The shared 64-paper Daily Papers dump (skips where ../shared is absent)."""
    if not DUMP.exists():
        pytest.skip(f"shared dev data not found at {DUMP}")
    return DUMP


@pytest.fixture
def sources_dir() -> Path:
    return FIXTURES / "sources"


@pytest.fixture
def fake_sources(httpserver_ipv4, monkeypatch: pytest.MonkeyPatch):
    """A fake Hugging Face and arXiv API on 127.0.0.1 (see fetch_fake.py)."""
    from fetch_fake import serve_fake_sources

    return serve_fake_sources(httpserver_ipv4, monkeypatch)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait kg.fetch asks for, in seconds, instead of waiting."""
    from fetch_fake import record_sleeps

    return record_sleeps(monkeypatch)


def profile_max_rows(store, cypher: str, params: dict) -> int:
    """The most rows any operator of ``cypher`` handles on an embedded store (PROFILEd and
    rolled back): a write statement that costs its batch, not the graph, stays small."""
    conn = store._conn
    conn.execute("BEGIN TRANSACTION")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plan = conn.execute("PROFILE " + cypher, params).get_next()[0]
    finally:
        conn.execute("ROLLBACK")
    return max(int(n) for n in re.findall(r"NumOutputTuples: (\d+)", plan))


@pytest.fixture(scope="module")
def server():
    """The test Neo4j server (skips without one; see conftest_neo4j), shared by a module."""
    from conftest_neo4j import module_store

    yield from module_store()


@pytest.fixture
def open_store(request: pytest.FixtureRequest, tmp_path: Path):
    """A factory of empty writable stores: ``open_store("embedded")`` or ``open_store("neo4j")``."""
    from conftest_neo4j import wipe
    from kg.store.embedded import EmbeddedStore

    made = []

    def make(kind: str):
        if kind == "neo4j":
            store = request.getfixturevalue("server")
            wipe(store)
            return store
        store = EmbeddedStore(tmp_path / f"g{len(made)}.lbdb", writable=True)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
