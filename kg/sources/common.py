"""What every reader shares: ids, dates and the Paper constructor."""

from __future__ import annotations

import datetime as dt
import re

from kg.errors import InputError
from kg.model import Paper
from kg.text import clean_text, title_id

__all__ = ["ARXIV_ID", "MAX_ABSTRACT", "arxiv_id", "iso_date", "make_paper", "MONTHS"]

#: Longer "abstracts" are a misread file (or a whole paper), not an abstract.
MAX_ABSTRACT = 100_000

# New-style arXiv ids (2401.01234, optional version) and old-style (cs.LG/0601001).
ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w.])")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?/?(?:[?#]|$)")

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2})(?:,? (\d{4}))?$")


def arxiv_id(*candidates: str | None) -> str | None:
    """The first arXiv id found in the candidates (bare ids or arxiv.org URLs), without version."""
    for value in candidates:
        if not value:
            continue
        value = str(value).strip()
        m = _ARXIV_URL.search(value)
        if m:
            return m.group(1)
        m = ARXIV_ID.fullmatch(value) or (ARXIV_ID.fullmatch(value.removeprefix("arXiv:")))
        if m:
            return m.group(1)
    return None


def iso_date(value: object, *, today: dt.date | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO timestamps, "Sep 2" or "Sep 2, 2025"; None if unknown.

    A month-day without a year is taken as the most recent such day not after ``today``.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _MONTH_DAY.match(text)
    if m and m.group(1).lower() in MONTHS:
        month, day = MONTHS[m.group(1).lower()], int(m.group(2))
        today = today or dt.date.today()
        year = int(m.group(3)) if m.group(3) else today.year
        try:
            date = dt.date(year, month, day)
            if not m.group(3) and date > today:
                date = dt.date(year - 1, month, day)
        except ValueError:
            return None
        return date.isoformat()
    return None


def make_paper(
    *,
    title: object,
    abstract: object,
    source: str,
    id: object = None,
    url: object = None,
    date: object = None,
    github: object = None,
    where: str = "",
) -> Paper:
    """A Paper from raw fields: cleaned text, arXiv id when known, else a title hash."""
    title_text = clean_text(str(title or ""))
    if not title_text:
        raise InputError(f"{where}: a paper has no title" if where else "a paper has no title")
    abstract_text = clean_text(str(abstract or ""))
    if len(abstract_text) > MAX_ABSTRACT:
        raise InputError(
            f"{where + ': ' if where else ''}the abstract of {title_text[:60]!r} has {len(abstract_text):,} characters "
            f"(at most {MAX_ABSTRACT:,}); is the file in the right format?"
        )
    url_text = str(url).strip() if url else None
    found = arxiv_id(str(id) if id else None, url_text)
    # Non-arXiv ids differ between sources; the title hash makes one node of one paper.
    pid = found or title_id(title_text)
    if found and not url_text:
        url_text = f"https://arxiv.org/abs/{found}"
    return Paper(
        id=pid,
        title=" ".join(title_text.split()),
        abstract=abstract_text,
        date=iso_date(date),
        url=url_text or None,
        source=source,
        github=str(github).strip() if github else None,
    )
