"""`kg build --from hf-daily|arxiv`: fetch from a fake API on 127.0.0.1 into the cache, then build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fetch_fake import ARXIV_PATH, HF_PATH, FakeSources
from kg.cli import app

runner = CliRunner()


def kg(*args: str | Path) -> "CliRunner.invoke":
    return runner.invoke(app, [str(a) for a in args])


def papers_in(db: Path) -> list[list]:
    result = kg("query", "MATCH (p:Paper) RETURN p.id, p.date, p.source ORDER BY p.id", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    return [[row["p.id"], row["p.date"], Path(row["p.source"]).name] for row in json.loads(result.stdout)]


def test_build_from_hf_daily_fetches_then_builds(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    db, cache = tmp_path / "g.lbdb", tmp_path / "cache"
    args = ("build", "--from", "hf-daily", "--from-date", "2025-09-01", "--to-date", "2025-09-03",
            "--base-url", fake_sources.url, "--cache", cache, "--db", db, "--workers", "1")
    result = kg(*args, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["papers_read"], summary["papers_written"]) == (6, 6)
    assert [f["label"] for f in summary["fetched"]["files"]] == ["2025-09-01", "2025-09-02", "2025-09-03"]
    assert f"Fetched hf-daily 2025-09-01..2025-09-03: 6 papers in 3 files under {cache / 'hf-daily'} (3 requests, 0 from the cache)" in result.stderr
    # Each paper is dated by the day it appeared on Daily Papers, not by arXiv.
    assert papers_in(db) == [
        ["2508.21555", "2025-09-01", "2025-09-01.json"],
        ["2508.21877", "2025-09-01", "2025-09-01.json"],
        ["2508.21901", "2025-09-01", "2025-09-01.json"],
        ["2509.00127", "2025-09-02", "2025-09-02.json"],
        ["2509.00398", "2025-09-02", "2025-09-02.json"],
        ["2509.00412", "2025-09-02", "2025-09-02.json"],
    ]
    # Papers of both days share entities (GSM8K, GRPO, Qwen2.5-7B): one graph, not two.
    lookup = kg("lookup", "GSM8K", "--db", db, "--json")
    assert lookup.exit_code == 0, lookup.output
    assert {p["id"] for p in json.loads(lookup.stdout)[0]["papers"]} == {"2508.21901", "2509.00412"}
    # The same build again: no request (the days are settled in the cache), nothing new written.
    again = kg(*args)
    assert again.exit_code == 0, again.output
    assert len(fake_sources.asked(HF_PATH)) == 3
    assert "(0 requests, 3 from the cache)" in again.stderr
    assert "Wrote 0 papers (6 unchanged)" in again.stdout


def test_build_from_arxiv_query(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    db = tmp_path / "g.lbdb"
    result = kg("build", "--from", "arxiv", "--query", "cat:cs.LG AND ti:diffusion", "--max", "3",
                "--base-url", fake_sources.url, "--cache", tmp_path / "cache", "--db", db, "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert [a["max_results"] for a in fake_sources.asked(ARXIV_PATH)] == ["3"]
    assert [row[0] for row in papers_in(db)] == ["2509.10001", "2509.10002", "2509.10003"]


def test_build_from_only_empty_days_is_an_error(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = kg("build", "--from", "hf-daily", "--from-date", "2025-09-06", "--to-date", "2025-09-07",
                "--base-url", fake_sources.url, "--cache", tmp_path / "cache", "--db", tmp_path / "g.lbdb")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: hf-daily 2025-09-06..2025-09-07: no papers; nothing to build"
    assert not (tmp_path / "g.lbdb").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give input files, or --from hf-daily|arxiv to fetch them"),
        (["--from", "rss"], "'rss' is not one of: hf-daily, arxiv"),
        (["--from", "hf-daily"], "--from hf-daily needs --from-date DAY (and --to-date DAY)"),
        (["--from-date", "2025-09-01", "x.txt"], "--from-date goes with --from hf-daily or --from arxiv"),
        (["--from", "arxiv"], "--from arxiv needs --query"),
        (["--from", "hf-daily", "--from-date", "2025-09-01", "--query", "x"], "--query goes with --from arxiv"),
    ],
)
def test_build_from_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = kg("build", *args, "--db", tmp_path / "g.lbdb")
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())
    assert not (tmp_path / "g.lbdb").exists()


def test_build_from_bad_date_is_one_line(tmp_path: Path) -> None:
    result = kg("build", "--from", "hf-daily", "--from-date", "yesterday", "--db", tmp_path / "g.lbdb")
    assert (result.exit_code, result.stderr) == (
        1, "Error: --from-date 'yesterday' is not a date; write it as YYYY-MM-DD, e.g. 2025-09-02\n"
    )
