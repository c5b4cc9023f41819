"""arXiv's Atom API: a search or a list of ids, paged, one cache file per page.

``GET {base}/api/query?search_query=...&start=S&max_results=N&sortBy=...&sortOrder=...``
(or ``id_list=ID,ID,...``) answers with an Atom ``<feed>`` of ``<entry>`` elements and
``<opensearch:totalResults>``; ``kg.sources`` reads each page file like any arXiv Atom
feed. arXiv asks API users for one request every three seconds, which ``POLITENESS``
keeps. A query's pages live in one folder per query (a readable name plus a hash), named
by the results they hold (``000100-000199.xml``), and are reused until ``refresh``:
results of a query change as papers arrive, so ask again with ``refresh`` for new ones.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.fetch.cache import Fetched, FetchReport, prepare_folder, slug, write_atomic
from kg.fetch.http import BadResponse, Client, Politeness
from kg.sources.common import arxiv_id

__all__ = [
    "DEFAULT_BASE_URL", "PAGE_SIZE", "POLITENESS", "SORTS", "SOURCE", "check_feed", "date_query",
    "fetch_search", "normalise_ids",
]

SOURCE = "arxiv"
DEFAULT_BASE_URL = "https://export.arxiv.org"
API_PATH = "/api/query"
#: Results per request; arXiv serves at most 2,000 per request.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 2000
#: arXiv's terms of use: no more than one request every three seconds.
POLITENESS = Politeness(interval=3.0)
#: --sort choices and the API's sortBy values (newest first, except relevance).
SORTS = {"submitted": "submittedDate", "updated": "lastUpdatedDate", "relevance": "relevance"}

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@dataclass(frozen=True)
class Page:
    """One page of results: how many entries it holds, and how many the query has in all."""

    entries: int
    total: int | None


def _parse(body: bytes) -> ET.Element:
    # A feed never declares entities; refusing them keeps "billion laughs" out (as the reader does).
    if b"<!ENTITY" in body:
        raise BadResponse("the response declares XML entities (<!ENTITY>); an arXiv feed has none")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        cut = " (cut short?)" if re.search(r"no element found|unclosed token", str(exc)) else ""
        raise BadResponse(f"the response is not valid Atom XML{cut} ({exc})") from None
    except RecursionError:
        raise BadResponse("the response is XML nested too deeply") from None


def _error_entry(root: ET.Element) -> str | None:
    """The message of arXiv's error feed (an entry whose id is .../api/errors#...), if this is one."""
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            message = entry.findtext(f"{_ATOM}summary") or entry.findtext(f"{_ATOM}title") or "an error"
            return " ".join(message.split())
    return None


def check_feed(body: bytes, start: int = 0) -> Page:
    """The entries and total of one Atom page, else ``BadResponse``.

    arXiv sometimes sends an empty page in the middle of the results; that one is
    worth asking again (``retry``), an error feed is not.
    """
    root = _parse(body)
    if root.tag != f"{_ATOM}feed":
        raise BadResponse(f"the response is <{root.tag.rsplit('}', 1)[-1]}>, not an Atom <feed>")
    message = _error_entry(root)
    if message:
        raise BadResponse(f"arXiv says: {message}")
    entries = len(root.findall(f"{_ATOM}entry"))
    text = (root.findtext(f"{_OPENSEARCH}totalResults") or "").strip()
    total = int(text) if text.isdigit() else None
    if entries == 0 and total is not None and start < total:
        raise BadResponse(f"arXiv sent an empty page at result {start + 1:,} of {total:,}", retry=True)
    return Page(entries, total)


def _explain(body: bytes) -> str | None:
    """arXiv's reason for a refusal (its error feed comes with HTTP 400)."""
    try:
        return _error_entry(_parse(body))
    except BadResponse:
        return None


def date_query(query: str | None, start: dt.date | None, end: dt.date | None) -> str | None:
    """``query`` limited to papers submitted from ``start`` to ``end`` (both included)."""
    if start is None and end is None:
        return query
    if start and end and end < start:
        raise KgError(f"the range {start}..{end} ends before it starts; swap the two dates")
    low = f"{start:%Y%m%d}0000" if start else "199101010000"
    high = f"{end:%Y%m%d}2359" if end else f"{dt.datetime.now(dt.timezone.utc):%Y%m%d}2359"
    submitted = f"submittedDate:[{low} TO {high}]"
    return f"({query}) AND {submitted}" if query else submitted


def normalise_ids(values: Iterable[str]) -> list[str]:
    """arXiv ids from ``--id`` values (each may hold several, comma- or space-separated), once each."""
    ids: list[str] = []
    for value in values:
        for text in re.split(r"[,\s]+", value.strip()):
            if not text:
                continue
            found = arxiv_id(text)
            if found is None:
                raise KgError(f"{text!r} is not an arXiv id; write it like 2501.00001 or cs/0112017")
            if found not in ids:
                ids.append(found)
    if not ids:
        raise KgError("no arXiv id given; pass --id 2501.00001 (repeatable, or comma-separated)")
    return ids


def _fetch_page(
    client: Client, folder: Path, params: dict[str, Any], start: int, n: int, label: str, refresh: bool
) -> tuple[Fetched, Page]:
    path = folder / f"{start:06d}-{start + n - 1:06d}.xml"
    paged = {**params, "start": start, "max_results": n}
    url = client.url(API_PATH, paged)
    if not refresh and path.is_file():
        try:
            page = check_feed(path.read_bytes(), start)
            return Fetched(SOURCE, label, path, page.entries, True, url), page
        except (OSError, BadResponse):
            pass  # damaged by hand: fetched again
    page, body = client.get(API_PATH, paged, f"{SOURCE} {label}", lambda body: (check_feed(body, start), body), _explain)
    write_atomic(path, body)
    return Fetched(SOURCE, label, path, page.entries, False, url), page


def fetch_search(
    cache: Path,
    *,
    query: str | None = None,
    ids: list[str] | None = None,
    max_results: int = PAGE_SIZE,
    sort: str = "submitted",
    page_size: int = PAGE_SIZE,
    url: str | None = None,
    politeness: Politeness = POLITENESS,
    refresh: bool = False,
    on_page: Callable[[Fetched], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> FetchReport:
    """The results of an arXiv search (up to ``max_results``), or the papers of ``ids``, page by page into ``cache``/arxiv.

    ``on_total`` gets the number of pages due once the first page tells the total.
    """
    if (query is None) == (ids is None):
        raise KgError("give an arXiv search (--query) or arXiv ids (--id), not both or neither")
    if sort not in SORTS:
        raise KgError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    report = FetchReport(SOURCE, cache, [])
    prepare_folder(cache / SOURCE)
    with Client(url or DEFAULT_BASE_URL, politeness) as client:
        try:
            if ids is not None:
                _fetch_ids(client, report, ids, page_size, refresh, on_page, on_total)
            else:
                _fetch_query(client, report, query or "", max_results, sort, page_size, refresh, on_page, on_total)
        finally:
            report.requests = client.requests
    return report


def _fetch_ids(
    client: Client,
    report: FetchReport,
    ids: list[str],
    page_size: int,
    refresh: bool,
    on_page: Callable[[Fetched], None] | None,
    on_total: Callable[[int], None] | None,
) -> None:
    batches = [ids[i : i + page_size] for i in range(0, len(ids), page_size)]
    if on_total:
        on_total(len(batches))
    for batch in batches:
        joined = ",".join(batch)
        more = f" (+{len(batch) - 1} more)" if len(batch) > 1 else ""
        folder = report.cache / SOURCE / slug(f"id {joined}")
        fetched, _ = _fetch_page(client, folder, {"id_list": joined}, 0, len(batch), f"--id {batch[0]}{more}", refresh)
        report.files.append(fetched)
        if on_page:
            on_page(fetched)


def _fetch_query(
    client: Client,
    report: FetchReport,
    query: str,
    max_results: int,
    sort: str,
    page_size: int,
    refresh: bool,
    on_page: Callable[[Fetched], None] | None,
    on_total: Callable[[int], None] | None,
) -> None:
    if not query.strip():
        raise KgError("the arXiv search is empty; try --query 'cat:cs.LG AND ti:diffusion'")
    params = {"search_query": query, "sortBy": SORTS[sort], "sortOrder": "descending"}
    folder = report.cache / SOURCE / slug(f"{query} {SORTS[sort]}")
    shown = query if len(query) <= 60 else query[:59] + "…"
    start, total = 0, None
    while start < max_results and (total is None or start < total):
        n = min(page_size, max_results - start)
        label = f"{shown!r} page {start // page_size + 1}"
        fetched, page = _fetch_page(client, folder, params, start, n, label, refresh)
        report.files.append(fetched)
        if total is None and page.total is not None and on_total:
            due = min(max_results, page.total)
            on_total(max(1, -(-due // page_size)))
        total = page.total if page.total is not None else total
        if on_page:
            on_page(fetched)
        if page.entries == 0:
            break  # the end of the results, whatever the total said
        start += n
