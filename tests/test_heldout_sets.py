"""The extractor on our own held-out gold sets: F1 floors a little under the reached scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE, FIXTURES
from kg.evaluate import evaluate, load_gold
from kg.extract import extract
from kg.sources import read_path

HELDOUT = FIXTURES / "heldout"

# (gold, papers, type-aware floor, type-agnostic floor)
SETS = {
    "sample": (HELDOUT / "sample_gold.jsonl", EXAMPLE, 0.97, 0.97),
    "ho": (HELDOUT / "ho_gold.jsonl", HELDOUT / "ho_papers.txt", 0.98, 0.99),
    "h3": (HELDOUT / "h3_gold.jsonl", HELDOUT / "h3_papers.txt", 0.96, 0.97),
    "h4": (HELDOUT / "h4_gold.jsonl", HELDOUT / "h4_papers.txt", 0.94, 0.96),
    "h5": (HELDOUT / "h5_gold.jsonl", HELDOUT / "h5_papers.txt", 0.93, 0.96),
    "h6": (HELDOUT / "h6_gold.jsonl", HELDOUT / "h6_papers.txt", 0.93, 0.97),
    "h7": (HELDOUT / "h7_gold.jsonl", HELDOUT / "h7_papers.txt", 0.92, 0.95),
    "h8": (HELDOUT / "h8_gold.jsonl", HELDOUT / "h8_papers.txt", 0.91, 0.95),
    "h9": (HELDOUT / "h9_gold.jsonl", HELDOUT / "h9_papers.txt", 0.91, 0.94),
    "h10": (HELDOUT / "h10_gold.jsonl", HELDOUT / "h10_papers.txt", 0.93, 0.96),
    "h11": (HELDOUT / "h11_gold.jsonl", HELDOUT / "h11_papers.txt", 0.93, 0.97),
    "h12": (HELDOUT / "h12_gold.jsonl", HELDOUT / "h12_papers.txt", 0.95, 0.97),
    "h13": (HELDOUT / "h13_gold.jsonl", HELDOUT / "h13_papers.txt", 0.89, 0.93),
    "h14": (HELDOUT / "h14_gold.jsonl", HELDOUT / "h14_papers.txt", 0.92, 0.97),
    "h15": (HELDOUT / "h15_gold.jsonl", HELDOUT / "h15_papers.txt", 0.91, 0.95),
    "h16": (HELDOUT / "h16_gold.jsonl", HELDOUT / "h16_papers.txt", 0.92, 0.96),
    # older ML (2014-2020 style), scored on arrival 0.797 / 0.812 before any tuning; issue 13 asks >= 0.88
    "h17": (HELDOUT / "h17_gold.jsonl", HELDOUT / "h17_papers.txt", 0.92, 0.92),
    "h18": (HELDOUT / "h18_gold.jsonl", HELDOUT / "h18_papers.txt", 0.87, 0.90),
    # half older ML, half Daily-Papers-like; scored on arrival 0.946 / 0.968 (extractor 1.6.12)
    "h19": (HELDOUT / "h19_gold.jsonl", HELDOUT / "h19_papers.txt", 0.95, 0.96),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_heldout_sets_f1_floors(name: str) -> None:
    gold, papers, aware_floor, agnostic_floor = SETS[name]
    report = evaluate(load_gold(gold), extract(list(read_path(papers))))
    assert report.typed.f1 >= aware_floor, report.typed
    assert report.untyped.f1 >= agnostic_floor, report.untyped
    github = report.per_type.get("github")
    if github is not None and github.tp + github.fn:
        assert github.precision == 1.0 and github.recall == 1.0, github


def test_heldout_sets_gold_matches_papers() -> None:
    for gold, papers, *_ in SETS.values():
        records = load_gold(gold)
        parsed = list(read_path(papers))
        assert [(r["title"], r["abstract"]) for r in records] == [(p.title, p.abstract) for p in parsed]
