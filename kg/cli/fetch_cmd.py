"""``kg fetch hf-daily`` / ``kg fetch arxiv``: download papers into the cache; and ``kg build --from``'s options.

The library (``kg.fetch``) does the work; this module parses options, shows progress on
stderr and prints where each response went.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli.options import AsJson
from kg.errors import KgError
from kg.fetch import arxiv, hf_daily
from kg.fetch.cache import Fetched, FetchReport, cache_dir
from kg.fetch.http import Politeness

__all__ = [
    "ArxivQuery", "BaseUrl", "BuildFrom", "Cache", "FetchPlan", "FromDate", "MaxResults", "Refresh", "ToDate",
    "fetch_app", "plan_fetch", "register",
]

out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)

SOURCES = ("hf-daily", "arxiv")

# -- options, shared with `kg build --from` ----------------------------------------------
Cache = Annotated[
    Optional[Path],
    typer.Option("--cache", help="Folder of fetched responses (default: $KG_CACHE, else ./.kg-cache).", show_default=False),
]
Refresh = Annotated[bool, typer.Option("--refresh", help="Ask the server again, even for what the cache holds.")]
BaseUrl = Annotated[
    Optional[str],
    typer.Option(
        "--base-url",
        help="Ask this server instead: a mirror, or a local copy of the API (default: https://huggingface.co "
        "or $HF_ENDPOINT for hf-daily, https://export.arxiv.org for arxiv).",
        show_default=False,
    ),
]
BuildFrom = Annotated[
    Optional[str],
    typer.Option(
        "--from",
        help="Fetch the papers first, then build them: hf-daily (the days --from-date..--to-date) or arxiv "
        "(the search --query); responses are cached, see `kg fetch --help`.",
        show_default=False,
    ),
]
FromDate = Annotated[
    Optional[str],
    typer.Option("--from-date", help="With --from: the first day (YYYY-MM-DD).", show_default=False),
]
ToDate = Annotated[
    Optional[str],
    typer.Option("--to-date", help="With --from: the last day (YYYY-MM-DD; default: today, UTC).", show_default=False),
]
ArxivQuery = Annotated[
    Optional[str],
    typer.Option("--query", help="With --from arxiv: the search, e.g. 'cat:cs.LG AND ti:diffusion'.", show_default=False),
]
MaxResults = Annotated[int, typer.Option("--max", min=1, help="With --from arxiv: at most this many results.")]

_Interval = Annotated[
    Optional[float],
    typer.Option(
        "--interval", min=0, help="Seconds from one request to the next (default: 1 for hf-daily, 3 for arxiv, as arXiv asks).",
        show_default=False,
    ),
]
_Timeout = Annotated[float, typer.Option("--timeout", min=0.01, help="Seconds to wait for an answer before trying again.")]
_Attempts = Annotated[int, typer.Option("--attempts", min=1, help="Tries per request; 429 and 5xx answers and timeouts are retried with backoff.")]


def _day(text: str | None, what: str) -> dt.date | None:
    return None if text is None else hf_daily.parse_day(text, what)


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _run(source: str, total: int | None, work: Callable[[Callable[[Fetched], None], Callable[[int], None]], FetchReport]) -> FetchReport:
    """Run one fetch under a progress bar on stderr (one step per day or page)."""
    with _progress() as bar:
        task = bar.add_task(f"Fetching {source}", total=total)
        return work(lambda _fetched: bar.advance(task), lambda n: bar.update(task, total=n))


def _print_report(report: FetchReport, as_json: bool, next_step: str | None) -> None:
    _warn_stale(report)
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
        return
    for f in report.files:
        how = "from the cache" if f.cached else "fetched"
        out.print(f"{f.label}: {_count(f.papers, 'paper')}, {how} -> {f.path}")
    unit = "day" if report.source == hf_daily.SOURCE else "page"
    reused = sum(f.cached for f in report.files)
    out.print(
        f"{_count(report.papers, 'paper')} in {_count(len(report.files), unit)} under {report.cache / report.source} "
        f"({_count(report.requests, 'request')}, {reused} {unit}{'' if reused == 1 else 's'} from the cache)"
    )
    if next_step:
        out.print(f"Build the graph:  {next_step}")


def _warn_stale(report: FetchReport) -> None:
    """On stderr: each day whose cached copy stood in for a fetch that failed."""
    for f in report.files:
        if f.stale:
            err.print(f"Warning: {f.label}: {f.stale}", style="yellow", markup=False, highlight=False)


def _politeness(default: Politeness, interval: float | None, timeout: float, attempts: int) -> Politeness:
    return replace(default, timeout=timeout, attempts=attempts, interval=default.interval if interval is None else interval)


# -- kg fetch ------------------------------------------------------------------------------
fetch_app = typer.Typer(
    help="Download papers from Hugging Face Daily Papers or arXiv into a local cache, for `kg build`.\n\n"
    "Each response is kept as it came, one file per day or per page of results, and reused "
    "offline; --refresh asks again.\n\n"
    "Start with:  kg fetch hf-daily --date 2025-09-02",
    no_args_is_help=True,
)


@fetch_app.command("hf-daily")
def fetch_hf_daily(
    date: Annotated[Optional[str], typer.Option("--date", help="One day (YYYY-MM-DD).", show_default=False)] = None,
    from_date: Annotated[Optional[str], typer.Option("--from", help="The first day of a range (YYYY-MM-DD).", show_default=False)] = None,
    to_date: Annotated[
        Optional[str], typer.Option("--to", help="The last day of the range (default: today, UTC).", show_default=False)
    ] = None,
    cache: Cache = None,
    refresh: Refresh = False,
    base_url: BaseUrl = None,
    interval: _Interval = None,
    timeout: _Timeout = 30.0,
    attempts: _Attempts = 4,
    as_json: AsJson = False,
) -> None:
    """Fetch Hugging Face Daily Papers: one request and one cache file (DAY.json) per day.

    A day without papers is an empty list, not an error. A day in the cache is not asked for
    again unless --refresh, except one fetched before it was over (today, yesterday): it may
    have grown since.

    Examples:

      kg fetch hf-daily --date 2025-09-02

      kg fetch hf-daily --from 2025-09-01 --to 2025-09-07 --json
    """
    if (date is None) == (from_date is None):
        raise typer.BadParameter("give --date DAY or --from DAY [--to DAY]", param_hint="--date / --from")
    if date is not None and to_date is not None:
        raise typer.BadParameter("--to goes with --from, not --date", param_hint="--to")
    first = hf_daily.parse_day(date or from_date or "", "--date" if date else "--from")
    last = first if date else (_day(to_date, "--to") or _today())
    days = hf_daily.days_between(first, last)
    folder = cache_dir(cache)
    politeness = _politeness(hf_daily.POLITENESS, interval, timeout, attempts)
    report = _run(
        hf_daily.SOURCE,
        len(days),
        lambda step, _total: hf_daily.fetch_days(days, folder, url=base_url, politeness=politeness, refresh=refresh, on_day=step),
    )
    cache_flag = f" --cache {shlex.quote(str(cache))}" if cache else ""
    _print_report(report, as_json, f"kg build --from hf-daily --from-date {first} --to-date {last}{cache_flag}")


@fetch_app.command("arxiv")
def fetch_arxiv(
    ids: Annotated[
        Optional[list[str]],
        typer.Option("--id", help="arXiv ids (repeatable, or comma-separated): 2501.00001,2501.00002.", show_default=False),
    ] = None,
    query: Annotated[
        Optional[str],
        typer.Option("--query", "-q", help="An arXiv search, e.g. 'cat:cs.LG AND ti:diffusion'.", show_default=False),
    ] = None,
    max_results: Annotated[int, typer.Option("--max", min=1, help="--query: at most this many results.")] = 100,
    from_date: Annotated[
        Optional[str], typer.Option("--from", help="--query: only papers submitted on or after this day.", show_default=False)
    ] = None,
    to_date: Annotated[
        Optional[str], typer.Option("--to", help="--query: only papers submitted on or before this day.", show_default=False)
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="--query: submitted or updated (newest first), or relevance.")] = "submitted",
    page_size: Annotated[
        int, typer.Option("--page-size", min=1, max=arxiv.MAX_PAGE_SIZE, help="Results per request (and per cache file).")
    ] = arxiv.PAGE_SIZE,
    cache: Cache = None,
    refresh: Refresh = False,
    base_url: BaseUrl = None,
    interval: _Interval = None,
    timeout: _Timeout = 30.0,
    attempts: _Attempts = 4,
    as_json: AsJson = False,
) -> None:
    """Fetch papers from arXiv's API: a search, page by page, or a list of ids.

    One cache file per page of results (an Atom feed, as arXiv sends it); requests are three
    seconds apart, as arXiv asks. A search's pages are reused until --refresh (new papers
    appear only then).

    Examples:

      kg fetch arxiv --id 2501.00001 --id 2501.00002

      kg fetch arxiv --query 'cat:cs.LG AND ti:diffusion' --max 500
    """
    if (query is None) == (not ids):
        raise typer.BadParameter("give --query SEARCH or --id ID (not both)", param_hint="--query / --id")
    if sort not in arxiv.SORTS:
        raise typer.BadParameter(f"{sort!r} is not one of: {', '.join(arxiv.SORTS)}", param_hint="--sort")
    if ids and (from_date or to_date):
        raise typer.BadParameter("--from/--to limit a --query, not --id", param_hint="--from / --to")
    id_list = arxiv.normalise_ids(ids) if ids else None
    search = arxiv.date_query(query, _day(from_date, "--from"), _day(to_date, "--to")) if query is not None else None
    folder = cache_dir(cache)
    politeness = _politeness(arxiv.POLITENESS, interval, timeout, attempts)
    report = _run(
        arxiv.SOURCE,
        None,
        lambda step, total: arxiv.fetch_search(
            folder, query=search, ids=id_list, max_results=max_results, sort=sort, page_size=page_size,
            url=base_url, politeness=politeness, refresh=refresh, on_page=step, on_total=total,
        ),
    )
    if query is not None:
        parts = ["kg build --from arxiv --query", shlex.quote(query), "--max", str(max_results)]
        parts += [f"--from-date {from_date}"] if from_date else []
        parts += [f"--to-date {to_date}"] if to_date else []
    else:
        parts = ["kg build", *(shlex.quote(str(p)) for p in report.paths)]
    parts += [f"--cache {shlex.quote(str(cache))}"] if cache and query is not None else []
    _print_report(report, as_json, " ".join(parts) if query is not None or len(report.files) <= 3 else None)


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command group to ``app``."""
    app.add_typer(fetch_app, name="fetch")


# -- kg build --from -----------------------------------------------------------------------
@dataclass(frozen=True)
class FetchPlan:
    """What ``kg build --from`` fetches before it builds; checked before the build starts."""

    source: str
    cache: Path
    refresh: bool
    base_url: str | None
    days: tuple[dt.date, ...] = ()
    query: str | None = None
    max_results: int = arxiv.PAGE_SIZE
    what: str = ""  # for messages: "hf-daily 2025-09-01..2025-09-02"

    def run(self, have_files: bool) -> FetchReport:
        """Fetch into the cache, say so on stderr, and return the report; no paper at all is an error."""
        if self.source == hf_daily.SOURCE:
            days = list(self.days)
            report = _run(self.source, len(days), lambda step, _t: hf_daily.fetch_days(
                days, self.cache, url=self.base_url, refresh=self.refresh, on_day=step))
        else:
            report = _run(self.source, None, lambda step, total: arxiv.fetch_search(
                self.cache, query=self.query, max_results=self.max_results, url=self.base_url,
                refresh=self.refresh, on_page=step, on_total=total))
        _warn_stale(report)
        reused = sum(f.cached for f in report.files)
        err.print(
            f"Fetched {self.what}: {_count(report.papers, 'paper')} in {_count(len(report.files), 'file')} under "
            f"{report.cache / report.source} ({_count(report.requests, 'request')}, {reused} from the cache)"
        )
        if not report.papers and not have_files:
            raise KgError(f"{self.what}: no papers; nothing to build")
        return report


def plan_fetch(
    source: str | None,
    from_date: str | None,
    to_date: str | None,
    query: str | None,
    max_results: int,
    cache: Path | None,
    refresh: bool,
    base_url: str | None,
) -> FetchPlan | None:
    """The fetch ``kg build --from`` asks for (None without --from); bad options are one-line errors."""
    if source is None:
        for flag, value in (("--from-date", from_date), ("--to-date", to_date), ("--query", query), ("--base-url", base_url)):
            if value is not None:
                raise typer.BadParameter(f"{flag} goes with --from hf-daily or --from arxiv", param_hint=flag)
        return None
    if source not in SOURCES:
        raise typer.BadParameter(f"{source!r} is not one of: {', '.join(SOURCES)}", param_hint="--from")
    first, last = _day(from_date, "--from-date"), _day(to_date, "--to-date")
    if source == hf_daily.SOURCE:
        if query is not None:
            raise typer.BadParameter("--query goes with --from arxiv", param_hint="--query")
        if first is None:
            raise typer.BadParameter("--from hf-daily needs --from-date DAY (and --to-date DAY)", param_hint="--from-date")
        last = last or _today()
        days = tuple(hf_daily.days_between(first, last))
        return FetchPlan(source, cache_dir(cache), refresh, base_url, days=days, what=f"{source} {first}..{last}")
    if query is None:
        raise typer.BadParameter("--from arxiv needs --query, e.g. --query 'cat:cs.LG AND ti:diffusion'", param_hint="--query")
    search = arxiv.date_query(query, first, last)
    return FetchPlan(
        source, cache_dir(cache), refresh, base_url, query=search, max_results=max_results, what=f"{source} {search!r}"
    )
