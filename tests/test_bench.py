"""``kg bench``: the synthetic corpus, both measuring modes and the command (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE
from kg.bench import TARGET_RATIO, SpeedResult, measure_repeated, measure_stream, synthetic_papers
from kg.cli import app
from kg.errors import InputError
from kg.model import Paper

runner = CliRunner()


def test_bench_synthetic_corpus_is_seeded_and_seeds_differ() -> None:
    a, b = synthetic_papers(50), synthetic_papers(50)
    assert [p.text for p in a] == [p.text for p in b]
    assert len({p.text for p in a}) == 50
    other = {p.text for p in synthetic_papers(50, seed=1234)}
    assert not other & {p.text for p in a}
    assert all(p.title and len(p.abstract) > 600 for p in a)


def test_bench_result_ratio_and_target() -> None:
    r = SpeedResult("stream", 10, 10, 100, 1, tokenizer_per_s=3000.0, extract_per_s=1200.0)
    assert r.ratio == pytest.approx(0.4) and r.meets_target
    slow = SpeedResult("stream", 10, 10, 100, 1, tokenizer_per_s=3000.0, extract_per_s=900.0)
    assert not slow.meets_target and slow.as_dict()["ratio"] == 0.3
    assert slow.as_dict()["target"] == round(TARGET_RATIO, 3)


def test_bench_repeated_cycles_the_given_papers_up_to_n() -> None:
    papers = [Paper(id=str(i), title=f"Title {i}", abstract=f"We propose FooNet-{i} and test it on MMLU.") for i in range(3)]
    r = measure_repeated(papers, n=10, runs=1)
    assert (r.mode, r.abstracts, r.distinct, r.runs) == ("repeated", 10, 3, 1)
    assert r.tokenizer_per_s > 0 and r.extract_per_s > 0


def test_bench_stream_times_each_distinct_text_once_in_fresh_processes() -> None:
    papers = synthetic_papers(8)
    r = measure_stream(papers + papers[:3], runs=1)  # duplicates dropped, then half warms, half is timed
    assert (r.mode, r.abstracts, r.distinct) == ("stream", 4, 4)
    assert r.tokenizer_per_s > 0 and r.extract_per_s > 0


def test_bench_stream_needs_two_distinct_texts() -> None:
    one = Paper(id="a", title="T", abstract="We propose FooNet.")
    with pytest.raises(InputError, match="two distinct abstracts"):
        measure_stream([one, one], runs=1)


def test_cli_bench_json_both_modes_on_real_papers() -> None:
    result = runner.invoke(app, ["bench", str(EXAMPLE), "--n", "30", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["mode"] for r in rows] == ["stream", "repeated"]
    assert rows[1]["abstracts"] == 30 and rows[1]["distinct"] == 13
    assert all(r["ratio"] > 0 and r["target"] == round(TARGET_RATIO, 3) for r in rows)


def test_cli_bench_table_and_user_errors(tmp_path: Path) -> None:
    table = runner.invoke(app, ["bench", "--n", "20", "--runs", "1", "--mode", "repeated"])
    assert table.exit_code == 0, table.output
    assert "repeated" in table.output and "tokenizer" in table.output and "stream" not in table.output
    bad = runner.invoke(app, ["bench", "--mode", "fast"])
    assert bad.exit_code == 2 and "not one of stream, repeated, both" in bad.output
    missing = runner.invoke(app, ["bench", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and missing.output.startswith("Error: ")


def test_cli_bench_check_fails_under_the_target() -> None:
    # 20 short texts, timed again and again: every chunk is in spaCy's cache, so the bare
    # tokenizer is a dict lookup per word and no rule-based extractor keeps a third of it
    result = runner.invoke(app, ["bench", "--n", "20", "--runs", "1", "--mode", "repeated", "--check", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["ratio"] < TARGET_RATIO
