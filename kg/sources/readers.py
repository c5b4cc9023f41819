"""One reader per input format; each turns a file's text into Papers."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from kg.errors import InputError
from kg.model import Paper
from kg.sources.common import MONTHS, iso_date, make_paper

__all__ = ["read_daily", "read_jsonl", "read_json", "read_csv", "read_atom", "records_to_papers"]

_DATE_LINE = re.compile(r"^([A-Za-z]{3,9})\.? \d{1,2}(?:,? \d{4})?$")
# Page furniture of the Daily Papers page that is neither title nor abstract.
_FURNITURE = re.compile(
    r"^(new|subscribe|daily papers|by\s*ak and the research community|"
    r"get trending papers in your email inbox!?|submitted by .*|upvote|\d+)$",
    re.IGNORECASE,
)


def _is_date_line(line: str) -> bool:
    m = _DATE_LINE.match(line)
    return bool(m and m.group(1).lower().rstrip(".") in MONTHS)


def _looks_like_abstract(para: str) -> bool:
    # Titles are one short line; a long paragraph or several sentences in title
    # position continue the previous abstract (abstracts with paragraph breaks).
    return len(para) > 300 or len(re.findall(r"[.!?](?:\s|$)", para)) >= 2


def read_daily(text: str, name: str) -> Iterator[Paper]:
    """The Hugging Face "Daily Papers" text dump.

    Header lines, then a date line ("Sep 2") that dates the papers after it,
    then title / blank / abstract / blank. A dump may hold several days, and an
    abstract may run over several paragraphs.
    """
    date: str | None = None
    title: str | None = None
    pending: dict[str, str] | None = None  # the last paper, held until its abstract is surely complete
    seen_date = False
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    for number, para in enumerate(paragraphs, 1):
        line = " ".join(para.split())
        if "\n" not in para and _is_date_line(line):
            if title is not None:
                raise InputError(f"{name}: the paper {title!r} has no abstract before the date line {line!r}")
            date, seen_date = iso_date(line), True
            continue
        if not seen_date or (title is None and _FURNITURE.match(line)):
            continue
        if title is None and pending is not None and _looks_like_abstract(para):
            pending["abstract"] += "\n\n" + para
        elif title is None:
            title = line
        else:
            if pending is not None:
                yield make_paper(**pending)
            pending = dict(title=title, abstract=para, date=date, source=name, where=f"{name}: paragraph {number}")
            title = None
    if not seen_date:
        if not paragraphs:
            raise InputError(f"{name}: the file is empty")
        raise InputError(f"{name}: no date line such as 'Sep 2' found; is this a Daily Papers dump?")
    if title is not None:
        raise InputError(f"{name}: the last paper {title!r} has no abstract")
    if pending is not None:
        yield make_paper(**pending)


def records_to_papers(records: list[Any], name: str) -> Iterator[Paper]:
    """Dicts from JSON/JSONL/CSV: plain records, HF daily-papers API items or arXiv metadata."""
    for number, rec in enumerate(records, 1):
        where = f"{name}: record {number}"
        if not isinstance(rec, dict):
            raise InputError(f"{where}: expected an object with title and abstract, got {type(rec).__name__}")
        if isinstance(rec.get("paper"), dict):  # HF daily-papers API: {"paper": {...}, "publishedAt": ...}
            paper = rec["paper"]
            yield make_paper(
                title=paper.get("title") or rec.get("title"),
                abstract=paper.get("summary") or paper.get("abstract") or rec.get("summary"),
                id=paper.get("id"),
                date=paper.get("publishedAt") or rec.get("publishedAt"),
                github=paper.get("githubRepo") or rec.get("githubRepo"),
                url=f"https://arxiv.org/abs/{paper['id']}" if paper.get("id") else None,
                source=name,
                where=where,
            )
            continue
        if "title" not in rec:
            raise InputError(f"{where}: no 'title' field (fields: {', '.join(sorted(rec)) or 'none'})")
        yield make_paper(
            title=rec.get("title"),
            abstract=rec.get("abstract") or rec.get("summary") or "",
            id=rec.get("arxiv_id") or rec.get("id"),
            url=rec.get("url") or rec.get("link"),
            date=rec.get("date") or rec.get("published") or rec.get("publishedAt") or rec.get("update_date"),
            github=rec.get("github") or rec.get("githubRepo"),
            source=name,
            where=where,
        )


def read_jsonl(text: str, name: str) -> Iterator[Paper]:
    """One JSON object a line; blank lines are skipped."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}: line {number} is not valid JSON ({exc.msg})") from None
    yield from records_to_papers(records, name)


def read_json(text: str, name: str) -> Iterator[Paper]:
    """A JSON array of records, or an object holding one under "papers"/"items"/"data"."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict):
        for key in ("papers", "items", "data", "results"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a list of papers")
    yield from records_to_papers(data, name)


def read_csv(text: str, name: str) -> Iterator[Paper]:
    """CSV with a header row holding at least ``title`` and ``abstract``."""
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if "title" not in fields or not fields & {"abstract", "summary"}:
        raise InputError(f"{name}: a CSV needs 'title' and 'abstract' columns (found: {', '.join(sorted(fields))})")
    rows = [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]
    yield from records_to_papers(rows, name)


_ATOM = "{http://www.w3.org/2005/Atom}"


def read_atom(text: str, name: str) -> Iterator[Paper]:
    """An arXiv API Atom feed (``<feed><entry><id/><title/><summary/><published/>``)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(f"{name}: not valid XML ({exc})") from None
    ns = _ATOM if root.tag.startswith(_ATOM) else ""  # feeds without the Atom namespace too
    for number, entry in enumerate(root.iter(f"{ns}entry"), 1):
        github = None
        for link in entry.iter(f"{ns}link"):
            href = link.get("href", "")
            if "github.com/" in href:
                github = href
        yield make_paper(
            title=entry.findtext(f"{ns}title"),
            abstract=entry.findtext(f"{ns}summary"),
            id=entry.findtext(f"{ns}id"),
            date=entry.findtext(f"{ns}published"),
            github=github,
            source=name,
            where=f"{name}: entry {number}",
        )
