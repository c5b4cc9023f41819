"""`kg fetch hf-daily` against a fake daily-papers API on 127.0.0.1: caching, retries, errors."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fetch_fake import HF_DAYS, HF_PATH, FakeSources, hf_item, raw, stall, status, truncated
from kg import __version__
from kg.cli import app
from kg.fetch import hf_daily
from kg.fetch.http import retry_after
from kg.sources import read_papers

runner = CliRunner()


def kg(*args: str | Path) -> "CliRunner.invoke":
    return runner.invoke(app, [str(a) for a in args])


def fetch(fake: FakeSources, cache: Path, *args: str) -> "CliRunner.invoke":
    """`kg fetch hf-daily` against the fake, no gap between requests (the waits are recorded anyway)."""
    return kg("fetch", "hf-daily", *args, "--base-url", fake.url, "--cache", cache, "--interval", "0")


def url(fake: FakeSources, day: str) -> str:
    return f"{fake.url}{HF_PATH}?date={day}&limit=100"


def test_fetch_hf_daily_one_day_writes_the_response_as_sent(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--date", "2025-09-01", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    path = tmp_path / "hf-daily" / "2025-09-01.json"
    assert summary == {
        "source": "hf-daily", "cache": str(tmp_path), "requests": 1, "papers": 3,
        "files": [{"source": "hf-daily", "label": "2025-09-01", "path": str(path), "papers": 3, "cached": False,
                   "url": url(fake_sources, "2025-09-01"), "stale": ""}],
    }
    assert path.read_bytes() == json.dumps(json.loads((HF_DAYS / "2025-09-01.json").read_bytes())).encode()
    assert fake_sources.asked(HF_PATH) == [{"date": "2025-09-01", "limit": "100"}]
    assert fake_sources.user_agents()[0].startswith(f"kg/{__version__} ")
    papers = list(read_papers([path]))
    assert [(p.id, p.date, p.github) for p in papers] == [
        ("2508.21901", "2025-09-01", "https://github.com/example-lab/lattice-route"),
        ("2508.21877", "2025-09-01", None),
        ("2508.21555", "2025-09-01", "https://github.com/example-lab/tabula-bench"),
    ]
    assert slept == []


def test_fetch_hf_daily_range_one_request_per_day_and_an_empty_day(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = fetch(fake_sources, tmp_path, "--from", "2025-09-01", "--to", "2025-09-03")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "hf-daily"
    assert result.stdout.splitlines() == [
        f"2025-09-01: 3 papers, fetched -> {folder / '2025-09-01.json'}",
        f"2025-09-02: 3 papers, fetched -> {folder / '2025-09-02.json'}",
        f"2025-09-03: 0 papers, fetched -> {folder / '2025-09-03.json'}",
        f"6 papers in 3 days under {folder} (3 requests, 0 days from the cache)",
        f"Build the graph:  kg build --from hf-daily --from-date 2025-09-01 --to-date 2025-09-03 --cache {tmp_path}",
    ]
    assert [a["date"] for a in fake_sources.asked(HF_PATH)] == ["2025-09-01", "2025-09-02", "2025-09-03"]
    # An empty day is a valid, empty file that reads as no papers.
    assert json.loads((folder / "2025-09-03.json").read_text()) == []
    assert len(list(read_papers([folder]))) == 6


def test_fetch_hf_daily_reuses_the_cache_and_refresh_asks_again(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    assert fetch(fake_sources, tmp_path, "--from", "2025-09-01", "--to", "2025-09-02").exit_code == 0
    assert len(fake_sources.asked()) == 2
    again = fetch(fake_sources, tmp_path, "--from", "2025-09-01", "--to", "2025-09-02", "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert len(fake_sources.asked()) == 2  # no request: both days came from the cache
    assert (summary["requests"], summary["papers"]) == (0, 6)
    assert [f["cached"] for f in summary["files"]] == [True, True]
    refreshed = fetch(fake_sources, tmp_path, "--date", "2025-09-02", "--refresh", "--json")
    assert json.loads(refreshed.stdout)["files"][0]["cached"] is False
    assert [a["date"] for a in fake_sources.asked()] == ["2025-09-01", "2025-09-02", "2025-09-02"]


def test_fetch_hf_daily_a_day_fetched_before_it_was_over_is_fetched_again(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path
) -> None:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    fake_sources.add_day(today, [hf_item("2509.09999", "A Paper Still Arriving", "We propose LateNet for late papers.", day=today)])
    assert fetch(fake_sources, tmp_path, "--date", today).exit_code == 0
    assert fetch(fake_sources, tmp_path, "--date", today).exit_code == 0
    assert len(fake_sources.asked()) == 2  # today may still grow: not taken from the cache
    # An old day whose file was written long after it ended is settled.
    old = tmp_path / "hf-daily" / "2025-09-01.json"
    assert fetch(fake_sources, tmp_path, "--date", "2025-09-01").exit_code == 0
    assert fetch(fake_sources, tmp_path, "--date", "2025-09-01").exit_code == 0
    assert len(fake_sources.asked()) == 3
    # ...but one written on the day itself is not.
    stamp = dt.datetime(2025, 9, 1, 20, tzinfo=dt.timezone.utc).timestamp()
    os.utime(old, (stamp, stamp))
    assert fetch(fake_sources, tmp_path, "--date", "2025-09-01").exit_code == 0
    assert len(fake_sources.asked()) == 4


# -- retries: (scripted responses, waits asked for, requests sent) -------------------------
RETRIED = [
    pytest.param([status(429, retry_after="7")], [7.0], id="429-retry-after-seconds"),
    pytest.param([status(500)], [2.0], id="500-then-ok"),
    pytest.param([status(503), status(502)], [2.0, 4.0], id="backoff-doubles"),
    pytest.param([status(503, retry_after="0")], [], id="retry-after-zero"),
    pytest.param([truncated((HF_DAYS / "2025-09-01.json").read_bytes())], [2.0], id="body-broke-off-then-ok"),
]


@pytest.mark.parametrize("responses, waits", RETRIED)
def test_fetch_hf_daily_retries_then_succeeds(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path, responses: list, waits: list[float]
) -> None:
    fake_sources.queue(HF_PATH, *responses)
    result = fetch(fake_sources, tmp_path, "--date", "2025-09-01", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["requests"] == len(responses) + 1
    assert slept == waits
    assert len(list(read_papers([tmp_path / "hf-daily" / "2025-09-01.json"]))) == 3


def test_fetch_hf_daily_retry_after_as_an_http_date(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    when = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30), usegmt=True)
    fake_sources.queue(HF_PATH, status(429, retry_after=when))
    assert fetch(fake_sources, tmp_path, "--date", "2025-09-01").exit_code == 0
    assert len(slept) == 1 and 27 <= slept[0] <= 30


@pytest.mark.parametrize(
    "value, seconds",
    [("120", 120.0), (" 3 ", 3.0), ("1.5", 1.5), ("-4", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
     ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_fetch_retry_after_header_values(value: str | None, seconds: float | None) -> None:
    now = dt.datetime(2015, 10, 21, 7, 27, 50, tzinfo=dt.timezone.utc)
    assert retry_after(value, now) == seconds


def _no_part_files(cache: Path) -> bool:
    return not [p for p in cache.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "responses, message, waits",
    [
        pytest.param(
            [status(500)] * 4, "HTTP 500 after 4 attempts", [2.0, 4.0, 8.0], id="permanent-500"
        ),
        pytest.param(
            [status(429, retry_after="3600")], "HTTP 429; the server asks to wait 3600 s before asking again "
            "(more than 300 s); try again later", [], id="retry-after-too-long"
        ),
        pytest.param([status(404)], "HTTP 404 NOT FOUND", [], id="404-not-retried"),
        pytest.param(
            [status(400, json.dumps({"error": "Invalid date"}).encode())], "HTTP 400: Invalid date", [], id="400-reason"
        ),
        pytest.param(
            [raw(b'[{"paper": {"id": "2509.00001", "title": "Cut')], "the response is not valid JSON (cut short?) "
            "(line 1, column 42: Unterminated string starting at)", [], id="malformed-not-retried"
        ),
        pytest.param(
            [raw(b'{"papers": []}')], "the response is a JSON dict, not a list of papers", [], id="not-a-list"
        ),
        pytest.param(
            [raw(json.dumps({"error": "Rate limit reached"}).encode())], "the server says: Rate limit reached", [],
            id="error-object",
        ),
        pytest.param(
            [truncated(b"[" + b" " * 200 + b"]")] * 4,
            "the response broke off: peer closed connection without sending complete message body "
            "(received 101 bytes, expected 202) after 4 attempts", [2.0, 4.0, 8.0], id="truncated-every-time",
        ),
    ],
)
def test_fetch_hf_daily_errors_are_one_line_and_leave_no_file(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path, responses: list, message: str, waits: list[float]
) -> None:
    fake_sources.queue(HF_PATH, *responses)
    result = fetch(fake_sources, tmp_path, "--date", "2025-09-01")
    assert result.exit_code == 1
    assert result.stderr == f"Error: hf-daily 2025-09-01: {message} ({url(fake_sources, '2025-09-01')})\n"
    assert slept == waits
    assert _no_part_files(tmp_path)


def test_fetch_hf_daily_timeout(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    fake_sources.queue(HF_PATH, stall(0.6), stall(0.6))
    result = fetch(fake_sources, tmp_path, "--date", "2025-09-01", "--timeout", "0.15", "--attempts", "2")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: hf-daily 2025-09-01: no answer within 0.15 s after 2 attempts ({url(fake_sources, '2025-09-01')})\n"
    )
    assert slept == [2.0]
    assert _no_part_files(tmp_path)
    deadline = time.monotonic() + 5  # let the stalled handlers finish before the next test
    while len(fake_sources.server.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)


def test_fetch_hf_daily_rate_limit_between_days(fake_sources: FakeSources, slept: list[float], tmp_path: Path) -> None:
    result = kg("fetch", "hf-daily", "--from", "2025-09-01", "--to", "2025-09-03", "--base-url", fake_sources.url,
                "--cache", tmp_path)
    assert result.exit_code == 0, result.output
    assert len(slept) == 2 and all(0.5 < s <= 1.0 for s in slept)  # one request a second by default


def test_fetch_hf_daily_a_big_day_takes_several_pages(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hf_daily, "PAGE_SIZE", 2)
    result = fetch(fake_sources, tmp_path, "--date", "2025-09-01", "--json")
    assert result.exit_code == 0, result.output
    assert fake_sources.asked() == [{"date": "2025-09-01", "limit": "2"}, {"date": "2025-09-01", "limit": "2", "p": "1"}]
    papers = list(read_papers([tmp_path / "hf-daily" / "2025-09-01.json"]))
    assert [p.id for p in papers] == ["2508.21901", "2508.21877", "2508.21555"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "2025-13-01"], "Error: --date '2025-13-01' is not a date; write it as YYYY-MM-DD, e.g. 2025-09-02\n"),
        (["--from", "Sep 2"], "Error: --from 'Sep 2' is not a date; write it as YYYY-MM-DD, e.g. 2025-09-02\n"),
        (["--from", "2025-09-05", "--to", "2025-09-01"],
         "Error: the range 2025-09-05..2025-09-01 ends before it starts; swap the two dates\n"),
        (["--date", "2205-09-01"], "Error: 2205-09-01 is in the future; Daily Papers has nothing for it yet\n"),
    ],
)
def test_fetch_hf_daily_bad_dates(fake_sources: FakeSources, tmp_path: Path, args: list[str], message: str) -> None:
    result = fetch(fake_sources, tmp_path, *args)
    assert (result.exit_code, result.stderr) == (1, message)
    assert fake_sources.asked() == []


def test_fetch_hf_daily_needs_one_day_or_a_range(tmp_path: Path) -> None:
    result = kg("fetch", "hf-daily", "--cache", tmp_path)
    assert result.exit_code == 2
    assert "give --date DAY or --from DAY [--to DAY]" in result.output


def test_fetch_hf_daily_unreachable_server(slept: list[float], tmp_path: Path) -> None:
    # Port 9 (discard) on 127.0.0.1: nothing listens, the connection is refused at once.
    result = kg("fetch", "hf-daily", "--date", "2025-09-01", "--base-url", "http://127.0.0.1:9", "--cache", tmp_path,
                "--attempts", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: hf-daily 2025-09-01: cannot connect (")
    assert result.stderr.endswith(" after 2 attempts (http://127.0.0.1:9/api/daily_papers?date=2025-09-01&limit=100)\n")


def test_fetch_hf_daily_as_a_real_process(fake_sources: FakeSources, tmp_path: Path) -> None:
    # As a user runs it: no progress bar off a terminal, one line per day, one error line, exit codes.
    cmd = [sys.executable, "-m", "kg", "fetch", "hf-daily", "--base-url", fake_sources.url, "--cache", str(tmp_path),
           "--interval", "0", "--attempts", "1"]
    ok = subprocess.run([*cmd, "--date", "2025-09-02"], capture_output=True, text=True, timeout=120)
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout.splitlines()[0] == f"2025-09-02: 3 papers, fetched -> {tmp_path / 'hf-daily' / '2025-09-02.json'}"
    fake_sources.queue(HF_PATH, status(500))
    failed = subprocess.run([*cmd, "--date", "2025-09-03"], capture_output=True, text=True, timeout=120)
    assert (failed.returncode, failed.stdout) == (1, "")
    assert failed.stderr == f"Error: hf-daily 2025-09-03: HTTP 500 after 1 attempt ({url(fake_sources, '2025-09-03')})\n"


# -- offline: a day not settled yet, cached before, stands in when the server is out of reach
def test_fetch_hf_daily_offline_uses_the_cached_copy_of_an_unsettled_day(
    fake_sources: FakeSources, slept: list[float], tmp_path: Path
) -> None:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    fake_sources.add_day(today, [hf_item("2509.09998", "A Paper Of Today", "We propose TodayNet for fresh papers.", day=today)])
    assert fetch(fake_sources, tmp_path, "--date", today).exit_code == 0
    gone = "http://127.0.0.1:9"  # nothing listens there: every request fails to connect
    offline = ("fetch", "hf-daily", "--date", today, "--cache", tmp_path, "--base-url", gone, "--attempts", "1")
    result = kg(*offline, "--json")
    assert result.exit_code == 0, result.output
    (day,) = json.loads(result.stdout)["files"]
    assert (day["cached"], day["papers"]) == (True, 1)
    assert "may miss papers added since" in day["stale"]
    assert f"Warning: {today}: " in result.stderr and "used the copy cached" in result.stderr
    # --refresh asks for the server's answer: no stand-in then
    refreshed = kg(*offline, "--refresh")
    assert refreshed.exit_code == 1 and "Error:" in refreshed.stderr
    # a day never fetched has no copy to stand in
    never = kg("fetch", "hf-daily", "--date", "2025-09-01", "--cache", tmp_path, "--base-url", gone, "--attempts", "1")
    assert never.exit_code == 1 and "Error:" in never.stderr
    # and a build from the cache works offline too
    db = tmp_path / "g.lbdb"
    built = kg("build", "--from", "hf-daily", "--from-date", today, "--to-date", today, "--base-url", gone,
               "--cache", tmp_path, "--db", db, "--workers", "1")
    assert built.exit_code == 0, built.output
    assert "used the copy cached" in built.stderr and "Wrote 1 paper" in built.stdout
