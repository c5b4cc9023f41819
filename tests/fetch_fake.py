"""A fake Hugging Face daily-papers API and arXiv API on 127.0.0.1: `kg fetch` tests never go online.

tests/conftest.py makes the two fixtures ``fake_sources`` and ``slept`` of this module
available to every test::

    def test_something(fake_sources, slept, tmp_path):
        fake_sources.queue("/api/daily_papers", status(500))     # the next request fails once
        run(["fetch", "hf-daily", "--date", "2025-09-01", "--base-url", fake_sources.url, ...])
        assert fake_sources.asked("/api/daily_papers") == [{"date": "2025-09-01", ...}, ...]
        assert slept == [2.0]                                    # the waits kg asked for

``fake_sources`` serves, in the real formats, our own invented responses in
tests/fixtures/fetch/: the days in hf-daily/ (2025-09-01 and 2025-09-02; any other day
is an empty ``[]`` day) paged by ``limit``/``p`` as the API does, and the entries of
arxiv/feed.xml for any search (paged by ``start``/``max_results``, with
``opensearch:totalResults``) or ``id_list``. ``add_day`` and ``add_search`` serve
others; ``queue`` puts scripted responses (``status``, ``stall``, ``truncated``,
``raw``) in front of the normal ones, each served once. ``slept`` replaces every wait
of kg.fetch (backoff, Retry-After, rate limit) and records the seconds asked for.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fetch"
HF_DAYS = FIXTURES / "hf-daily"
ARXIV_FEED = FIXTURES / "arxiv" / "feed.xml"
ARXIV_ERROR = FIXTURES / "arxiv" / "error.xml"

HF_PATH = "/api/daily_papers"
ARXIV_PATH = "/api/query"

Scripted = Callable[[Request], Response]
#: In a ``queue``: this request gets the normal answer (to script the second page, say).
NORMAL = None


# -- scripted responses ------------------------------------------------------------------
def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None, retry_after: str | None = None) -> Scripted:
    """A response with this status (and ``Retry-After`` when given)."""
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["Retry-After"] = retry_after
    return lambda request: Response(body, status=code, headers=all_headers)


def raw(body: bytes, content_type: str = "application/json") -> Scripted:
    """A 200 with exactly this body (malformed JSON, a cut XML page, ...)."""
    return lambda request: Response(body, status=200, content_type=content_type)


def truncated(body: bytes) -> Scripted:
    """A 200 that announces ``len(body)`` bytes but sends half and closes: the body breaks off."""

    def respond(request: Request) -> Response:
        response = Response(body[: len(body) // 2], status=200, content_type="application/json")
        response.headers["Content-Length"] = str(len(body))
        response.headers["Connection"] = "close"
        return response

    return respond


def stall(seconds: float, then: Scripted | None = None) -> Scripted:
    """Answer only after ``seconds`` (longer than the client's timeout: a timeout)."""

    def respond(request: Request) -> Response:
        time.sleep(seconds)
        return (then or status(200, b"[]"))(request)

    return respond


# -- builders of real-format items -------------------------------------------------------
def hf_item(
    arxiv_id: str,
    title: str,
    summary: str,
    *,
    published: str = "2025-09-01T12:00:00.000Z",
    day: str = "2025-09-01",
    github: str | None = None,
    upvotes: int = 0,
) -> dict[str, Any]:
    """One daily-papers API item, shaped like the real ones (paper nested, HF fields around it)."""
    paper: dict[str, Any] = {
        "id": arxiv_id,
        "authors": [{"_id": "64f0a1b2c3d4e5f6010000ff", "name": "Fixture Author", "hidden": False}],
        "publishedAt": published,
        "submittedOnDailyAt": f"{day}T08:00:00.000Z",
        "title": title,
        "summary": summary,
        "upvotes": upvotes,
        "discussionId": "68b4f0c1a2b3c4d5e6f7ffff",
    }
    if github:
        paper["githubRepo"] = github
    return {
        "paper": paper,
        "publishedAt": f"{day}T08:00:00.000Z",
        "title": title,
        "summary": summary,
        "thumbnail": f"https://example.org/thumbnails/{arxiv_id}.png",
        "numComments": 0,
        "submittedBy": {"_id": "64f0a1b2c3d4e5f601000009", "fullname": "Fixture Submitter", "name": "fixture-user"},
        "isAuthorParticipating": False,
    }


_ENTRY = re.compile(r"  <entry>.*?</entry>\n", re.DOTALL)


def feed_entries(path: Path = ARXIV_FEED) -> list[str]:
    """The ``<entry>`` elements of an Atom fixture, as text."""
    return _ENTRY.findall(path.read_text(encoding="utf-8"))


def atom_feed(entries: list[str], total: int, start: int = 0) -> bytes:
    """An arXiv API page: the Atom feed around ``entries``, with opensearch counts."""
    os = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        '  <title type="html">ArXiv Query: fixture</title>\n  <id>http://arxiv.org/api/fixture</id>\n'
        "  <updated>2025-09-04T00:00:00-04:00</updated>\n"
        f"  <opensearch:totalResults {os}>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex {os}>{start}</opensearch:startIndex>\n"
        f"  <opensearch:itemsPerPage {os}>{len(entries)}</opensearch:itemsPerPage>\n"
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


class FakeSources:
    """The fake APIs on one local server, with the fixture days and search loaded."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.days: dict[str, list[dict[str, Any]] | bytes] = {
            path.stem: json.loads(path.read_bytes()) for path in sorted(HF_DAYS.glob("*.json"))
        }
        self.entries = feed_entries()
        self.searches: dict[str, list[str]] = {}  # search_query -> entries (default: all of feed.xml)
        self._queued: dict[str, list[Scripted | None]] = {}
        server.expect_request(HF_PATH).respond_with_handler(self._handle)
        server.expect_request(ARXIV_PATH).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        """The base URL to pass as --base-url."""
        return self.server.url_for("/").rstrip("/")

    def add_day(self, day: str, items: list[dict[str, Any]] | bytes) -> None:
        """Serve ``items`` (API items, paged like the API; or a raw body, sent as it is) for ``date=day``."""
        self.days[day] = items

    def add_search(self, query: str, entries: list[str]) -> None:
        """Serve ``entries`` (Atom ``<entry>`` text) for ``search_query=query``."""
        self.searches[query] = entries

    def queue(self, path: str, *responses: Scripted | None) -> None:
        """Serve these responses, in order and once each, to the next requests of ``path`` (``NORMAL``: the usual answer)."""
        self._queued.setdefault(path, []).extend(responses)

    def asked(self, path: str | None = None) -> list[dict[str, str]]:
        """The query parameters of every request received (of ``path``), in order."""
        return [dict(request.args) for request, _ in self.server.log if path is None or request.path == path]

    def user_agents(self) -> list[str]:
        return [request.headers.get("User-Agent", "") for request, _ in self.server.log]

    def _handle(self, request: Request) -> Response:
        queued = self._queued.get(request.path)
        scripted = queued.pop(0) if queued else None
        if scripted is not None:
            return scripted(request)
        if request.path == HF_PATH:
            return self._day(request)
        return self._search(request)

    def _day(self, request: Request) -> Response:
        day = request.args.get("date", "")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            return Response(json.dumps({"error": f"Invalid date: {day}"}), status=400, content_type="application/json")
        items = self.days.get(day, [])
        if isinstance(items, bytes):
            return Response(items, content_type="application/json")
        limit, page = int(request.args.get("limit", 50)), int(request.args.get("p", 0))
        return Response(json.dumps(items[page * limit : (page + 1) * limit]), content_type="application/json")

    def _search(self, request: Request) -> Response:
        start, count = int(request.args.get("start", 0)), int(request.args.get("max_results", 10))
        if "id_list" in request.args:
            wanted = request.args["id_list"].split(",")
            found = [e for e in self.entries if any(f"/abs/{i}v" in e for i in wanted)]
        else:
            found = self.searches.get(request.args.get("search_query", ""), self.entries)
        body = atom_feed(found[start : start + count], len(found), start)
        return Response(body, content_type="application/atom+xml")


def serve_fake_sources(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeSources:
    """The fake APIs on ``server`` (no proxy in between, no HF_ENDPOINT from the environment)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return FakeSources(server)


def record_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """kg.fetch's waits, recorded instead of waited (seconds, in order)."""
    import kg.fetch.http

    waits: list[float] = []
    monkeypatch.setattr(kg.fetch.http, "sleep", waits.append)
    return waits


# Fixtures for a module that says ``pytest_plugins = ["fetch_fake"]`` (and imports nothing
# from here at its top, or pytest warns it cannot rewrite this module's asserts). A module
# that imports the helpers above declares the two fixtures itself, in two lines each.
@pytest.fixture
def fake_sources(httpserver_ipv4: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> FakeSources:
    """The fake APIs on 127.0.0.1, serving the fixture days and search."""
    return serve_fake_sources(httpserver_ipv4, monkeypatch)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """kg.fetch's waits, recorded instead of waited (seconds, in order)."""
    return record_sleeps(monkeypatch)
