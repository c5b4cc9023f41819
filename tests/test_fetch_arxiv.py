"""`kg fetch arxiv` against a fake arXiv API on 127.0.0.1: paging, ids, the rate limit, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fetch_fake import ARXIV_ERROR, ARXIV_PATH, NORMAL, FakeSources, atom_feed, feed_entries, raw, status
from kg.cli import app
from kg.fetch.arxiv import check_feed
from kg.fetch.http import BadResponse
from kg.sources import read_papers

runner = CliRunner()
QUERY = "cat:cs.LG AND ti:diffusion"
ALL_IDS = ["2509.10001", "2509.10002", "2509.10003", "2509.10004", "2509.10005"]


def fetch(fake: FakeSources, cache: Path, *args: str) -> "CliRunner.invoke":
    return runner.invoke(app, ["fetch", "arxiv", *args, "--base-url", fake.url, "--cache", str(cache)])


def test_fetch_arxiv_query_pages_until_the_total(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--query", QUERY, "--max", "500", "--page-size", "2", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [(a["start"], a["max_results"]) for a in fake_sources.asked(ARXIV_PATH)] == [("0", "2"), ("2", "2"), ("4", "2")]
    assert {(a["search_query"], a["sortBy"], a["sortOrder"]) for a in fake_sources.asked()} == {
        (QUERY, "submittedDate", "descending")
    }
    assert [f["papers"] for f in summary["files"]] == [2, 2, 1]
    paths = [Path(f["path"]) for f in summary["files"]]
    assert [p.name for p in paths] == ["000000-000001.xml", "000002-000003.xml", "000004-000005.xml"]
    assert paths[0].parent.name.startswith("cat_cs.LG_AND_ti_diffusion_submittedDate-")
    assert [p.id for p in read_papers(paths)] == ALL_IDS
    # One request every three seconds, as arXiv asks (the waits are recorded, not waited).
    assert len(slept) == 2 and all(2.5 < s <= 3.0 for s in slept)


def test_fetch_arxiv_query_stops_at_max(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--query", QUERY, "--max", "3", "--page-size", "2", "--json")
    assert result.exit_code == 0, result.output
    assert [(a["start"], a["max_results"]) for a in fake_sources.asked()] == [("0", "2"), ("2", "1")]
    paths = [Path(f["path"]) for f in json.loads(result.stdout)["files"]]
    assert [p.id for p in read_papers(paths)] == ALL_IDS[:3]
    text = fetch(fake_sources, tmp_path, "--query", QUERY, "--max", "3", "--page-size", "2", "--from", "2025-09-01")
    assert text.stdout.splitlines()[-1] == (
        f"Build the graph:  kg build --from arxiv --query '{QUERY}' --max 3 --from-date 2025-09-01 --cache {tmp_path}"
    )


def test_fetch_arxiv_reuses_pages_and_refresh_asks_again(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    args = ("--query", QUERY, "--max", "4", "--page-size", "2", "--json")
    first = json.loads(fetch(fake_sources, tmp_path, *args).stdout)
    again = json.loads(fetch(fake_sources, tmp_path, *args).stdout)
    assert len(fake_sources.asked()) == 2  # the second run sent nothing
    assert again["requests"] == 0 and [f["cached"] for f in again["files"]] == [True, True]
    assert [f["path"] for f in again["files"]] == [f["path"] for f in first["files"]]
    refreshed = json.loads(fetch(fake_sources, tmp_path, *args, "--refresh").stdout)
    assert refreshed["requests"] == 2 and len(fake_sources.asked()) == 4


def test_fetch_arxiv_ids(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--id", "2509.10002", "--id", "arXiv:2509.10004v2, 2509.10001", "--id", "2509.10002")
    assert result.exit_code == 0, result.output
    assert fake_sources.asked() == [{"id_list": "2509.10002,2509.10004,2509.10001", "start": "0", "max_results": "3"}]
    lines = result.stdout.splitlines()
    path = Path(lines[0].split(" -> ")[1])
    assert lines[0] == f"--id 2509.10002 (+2 more): 3 papers, fetched -> {path}"
    assert lines[-1] == f"Build the graph:  kg build {path}"
    assert sorted(p.id for p in read_papers([path])) == ["2509.10001", "2509.10002", "2509.10004"]


def test_fetch_arxiv_date_range_limits_the_search(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--query", "cat:cs.LG", "--from", "2025-09-01", "--to", "2025-09-02")
    assert result.exit_code == 0, result.output
    assert fake_sources.asked()[0]["search_query"] == "(cat:cs.LG) AND submittedDate:[202509010000 TO 202509022359]"


def test_fetch_arxiv_an_empty_page_before_the_end_is_asked_again(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path
) -> None:
    fake_sources.queue(ARXIV_PATH, NORMAL, raw(atom_feed([], total=5, start=2), "application/atom+xml"))
    result = fetch(fake_sources, tmp_path, "--query", QUERY, "--page-size", "2", "--json", "--interval", "0")
    assert result.exit_code == 0, result.output
    assert [a["start"] for a in fake_sources.asked()] == ["0", "2", "2", "4"]
    assert slept == [2.0]  # the backoff before asking for page 2 again
    assert json.loads(result.stdout)["papers"] == 5


def test_fetch_arxiv_error_feed_is_one_line(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    fake_sources.queue(ARXIV_PATH, status(400, ARXIV_ERROR.read_bytes(), {"Content-Type": "application/atom+xml"}))
    result = fetch(fake_sources, tmp_path, "--id", "2509.10001")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: arxiv --id 2509.10001: HTTP 400: incorrect id format for 9999.x "
        f"({fake_sources.url}{ARXIV_PATH}?id_list=2509.10001&start=0&max_results=1)\n"
    )
    assert fake_sources.asked() == [{"id_list": "2509.10001", "start": "0", "max_results": "1"}]


def test_fetch_arxiv_truncated_page_is_an_error_and_keeps_only_whole_pages(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path
) -> None:
    page = atom_feed(feed_entries()[2:4], total=5, start=2)
    fake_sources.queue(ARXIV_PATH, NORMAL, raw(page[: len(page) * 2 // 3], "application/atom+xml"))
    result = fetch(fake_sources, tmp_path, "--query", QUERY, "--page-size", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: arxiv {QUERY!r} page 2: the response is not valid Atom XML (cut short?) (")
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["000000-000001.xml"]  # page 1 is whole; page 2 left nothing, not even a temporary file


@pytest.mark.parametrize(
    "args, message",
    [
        (["--id", "2509.1"], "Error: '2509.1' is not an arXiv id; write it like 2501.00001 or cs/0112017\n"),
        (["--id", ","], "Error: no arXiv id given; pass --id 2501.00001 (repeatable, or comma-separated)\n"),
        (["--query", "  "], "Error: the arXiv search is empty; try --query 'cat:cs.LG AND ti:diffusion'\n"),
        (["--query", "x", "--from", "2025-09-05", "--to", "2025-09-01"],
         "Error: the range 2025-09-05..2025-09-01 ends before it starts; swap the two dates\n"),
    ],
)
def test_fetch_arxiv_bad_input(fake_sources: FakeSources, tmp_path: Path, args: list[str], message: str) -> None:
    result = fetch(fake_sources, tmp_path, *args)
    assert (result.exit_code, result.stderr) == (1, message)
    assert fake_sources.asked() == []


@pytest.mark.parametrize(
    "body, message, retry",
    [
        (b"<html><body>busy</body></html>", "the response is <html>, not an Atom <feed>", False),
        (b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aa">]><feed xmlns="http://www.w3.org/2005/Atom"/>',
         "the response declares XML entities (<!ENTITY>); an arXiv feed has none", False),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "the response is not valid Atom XML (cut short?)", False),
        (atom_feed([], total=7, start=3), "arXiv sent an empty page at result 4 of 7", True),
        (ARXIV_ERROR.read_bytes(), "arXiv says: incorrect id format for 9999.x", False),
    ],
)
def test_fetch_arxiv_check_feed_refuses(body: bytes, message: str, retry: bool) -> None:
    with pytest.raises(BadResponse) as caught:
        check_feed(body, start=3)
    assert str(caught.value).startswith(message)
    assert caught.value.retry is retry


def test_fetch_arxiv_check_feed_counts() -> None:
    page = check_feed(atom_feed(feed_entries()[:3], total=5))
    assert (page.entries, page.total) == (3, 5)
    # Past the end an empty page is the end, not an error.
    assert check_feed(atom_feed([], total=5, start=5), start=5).entries == 0
