"""Hugging Face Daily Papers: one request per day, one cache file per day.

``GET {base}/api/daily_papers?date=YYYY-MM-DD&limit=100`` answers with a JSON array of
items ``{"paper": {"id", "title", "summary", "publishedAt", "githubRepo", "upvotes", ...},
"publishedAt", "title", "numComments", ...}``; a day without papers is ``[]``. A day of
more than ``PAGE_SIZE`` papers takes further pages (``p=1``, ...), merged into the day's
file. The file is the response as sent, which ``kg.sources`` reads like any HF API JSON.

A day is settled once it is over and the site has had a day to add late papers: a day
fetched before that (today, yesterday) is fetched again next time; an older one is read
from the cache unless ``refresh``. When fetching such a day again fails (offline, the
server down) and no ``refresh`` was asked for, the cached file is used and
``Fetched.stale`` says why: an offline build of this week's papers still works.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.fetch.cache import Fetched, FetchReport, prepare_folder, write_atomic
from kg.fetch.http import BadResponse, Client, FetchError, Politeness

__all__ = [
    "DEFAULT_BASE_URL", "PAGE_SIZE", "POLITENESS", "SOURCE", "base_url", "day_path", "days_between",
    "fetch_days", "parse_day",
]

SOURCE = "hf-daily"
DEFAULT_BASE_URL = "https://huggingface.co"
API_PATH = "/api/daily_papers"
#: Items asked for per request (the API's largest page).
PAGE_SIZE = 100
#: Pages per day at most: a day of more than PAGE_SIZE * MAX_PAGES papers is an error.
MAX_PAGES = 20
#: One request a second at most: a month of days takes half a minute, and no burst.
POLITENESS = Politeness(interval=1.0)
#: Days in one fetch at most (ten years); a typo like 2205 is caught by the future check.
MAX_DAYS = 3660


def base_url(url: str | None = None) -> str:
    """The server to ask: --base-url, else $HF_ENDPOINT (huggingface_hub's mirror setting), else huggingface.co."""
    return url or os.environ.get("HF_ENDPOINT") or DEFAULT_BASE_URL


def parse_day(text: str, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date; a ``KgError`` naming ``what`` otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KgError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-09-02") from None


def days_between(start: dt.date, end: dt.date, *, today: dt.date | None = None) -> list[dt.date]:
    """Every day from ``start`` to ``end``, both included; refuses a reversed or future range."""
    if end < start:
        raise KgError(f"the range {start}..{end} ends before it starts; swap the two dates")
    tomorrow = (today or dt.datetime.now(dt.timezone.utc).date()) + dt.timedelta(days=1)
    if end > tomorrow:
        raise KgError(f"{end} is in the future; Daily Papers has nothing for it yet")
    n = (end - start).days + 1
    if n > MAX_DAYS:
        raise KgError(f"{start}..{end} is {n:,} days; fetch at most {MAX_DAYS:,} at once")
    return [start + dt.timedelta(days=i) for i in range(n)]


def day_path(cache: Path, day: dt.date) -> Path:
    """The cache file of one day."""
    return cache / SOURCE / f"{day.isoformat()}.json"


def check_page(body: bytes) -> list[Any]:
    """The items of one response: a JSON array of objects, else ``BadResponse``."""
    try:
        text = body.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise BadResponse(f"the response is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        cut = " (cut short?)" if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated") else ""
        raise BadResponse(f"the response is not valid JSON{cut} (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise BadResponse("the response is JSON nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        raise BadResponse(f"the server says: {data['error']}")
    if not isinstance(data, list):
        raise BadResponse(f"the response is a JSON {type(data).__name__}, not a list of papers")
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise BadResponse(f"item {n} of the response is a JSON {type(item).__name__}, not a paper")
    return data


def _explain(body: bytes) -> str | None:
    """The reason a refusal gives (``{"error": "..."}``), if any."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    return data["error"] if isinstance(data, dict) and isinstance(data.get("error"), str) else None


def _settled(path: Path, day: dt.date) -> bool:
    """Whether the cached file was fetched after the day was over, plus a day for late papers."""
    settled_at = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), dt.timezone.utc)
    return path.stat().st_mtime >= settled_at.timestamp()


def _cached(path: Path, day: dt.date, refresh: bool) -> list[Any] | None:
    if refresh or not path.is_file() or not _settled(path, day):
        return None
    return _readable(path)


def _readable(path: Path) -> list[Any] | None:
    """The items of a cached day file, or None when it is missing, unreadable or damaged."""
    try:
        return check_page(path.read_bytes())
    except (OSError, BadResponse):
        return None  # unreadable or damaged by hand: fetched again


def fetch_day(client: Client, cache: Path, day: dt.date, *, refresh: bool = False) -> Fetched:
    """One day's papers into the cache (or found there); the file holds the API's own JSON."""
    path = day_path(cache, day)
    params: dict[str, Any] = {"date": day.isoformat(), "limit": PAGE_SIZE}
    url = client.url(API_PATH, params)
    items = _cached(path, day, refresh)
    if items is not None:
        return Fetched(SOURCE, day.isoformat(), path, len(items), True, url)
    try:
        return _fetch_pages(client, path, params, day, url)
    except FetchError as exc:
        # A day not settled yet, cached before: its copy beats no papers at all.
        kept = None if refresh else _readable(path)
        if kept is None:
            raise
        when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        why = f"{exc}; used the copy cached {when}, which may miss papers added since"
        return Fetched(SOURCE, day.isoformat(), path, len(kept), True, url, stale=why)


def _fetch_pages(client: Client, path: Path, params: dict[str, Any], day: dt.date, url: str) -> Fetched:
    """The day's pages from the server, written to ``path``."""
    label = f"{SOURCE} {day.isoformat()}"
    bodies: list[bytes] = []
    items = []
    for page in range(MAX_PAGES):
        paged = params if page == 0 else {**params, "p": page}
        where = label if page == 0 else f"{label} page {page + 1}"
        found, body = client.get(API_PATH, paged, where, lambda body: (check_page(body), body), _explain)
        bodies.append(body)
        items.extend(found)
        if len(found) < PAGE_SIZE:
            break
    else:
        raise KgError(f"{label}: more than {PAGE_SIZE * MAX_PAGES} papers in one day; is {url} the daily-papers API?")
    # One page is kept byte for byte; several are merged into one array of the same items.
    data = bodies[0] if len(bodies) == 1 else json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(path, data)
    return Fetched(SOURCE, day.isoformat(), path, len(items), False, url)


def fetch_days(
    days: Iterable[dt.date],
    cache: Path,
    *,
    url: str | None = None,
    politeness: Politeness = POLITENESS,
    refresh: bool = False,
    on_day: Callable[[Fetched], None] | None = None,
) -> FetchReport:
    """Each day's Daily Papers into ``cache``/hf-daily/DAY.json, in order; settled days come from the cache."""
    report = FetchReport(SOURCE, cache, [])
    prepare_folder(cache / SOURCE)
    with Client(base_url(url), politeness) as client:
        try:
            for day in days:
                fetched = fetch_day(client, cache, day, refresh=refresh)
                report.files.append(fetched)
                if on_day:
                    on_day(fetched)
        finally:
            report.requests = client.requests
    return report
