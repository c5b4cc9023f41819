"""Shared fixtures: paths to our own fixtures and to the shared dev data."""

from __future__ import annotations

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
