"""One reader per input format; each turns a file's text into Papers."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from kg.errors import InputError
from kg.model import Paper
from kg.sources.common import (
    MAX_ABSTRACT,
    MONTHS,
    JsonNumber,
    arxiv_id,
    iso_date,
    kind_of,
    make_paper,
    short,
    text_field,
)

__all__ = ["read_daily", "read_jsonl", "read_json", "read_csv", "read_atom", "records_to_papers"]

log = logging.getLogger(__name__)

_DATE_LINE = re.compile(r"^([A-Za-z]{3,9})\.? \d{1,2}(?:,? \d{4})?$")
# Page furniture of the Daily Papers page that is neither title nor abstract.
_FURNITURE = re.compile(
    r"^(new|subscribe|daily papers|by\s*ak and the research community|"
    r"get trending papers in your email inbox!?|submitted by .*|upvote|\d+)$",
    re.IGNORECASE,
)
_NO_ABSTRACT = "no abstract ({}); kg build needs the paper's text"


def _is_date_line(line: str) -> bool:
    m = _DATE_LINE.match(line)
    return bool(m and m.group(1).lower().rstrip(".") in MONTHS)


def _looks_like_abstract(para: str) -> bool:
    # Titles are one short line; a long paragraph or several sentences in title
    # position continue the previous abstract (abstracts with paragraph breaks).
    return len(para) > 300 or len(re.findall(r"[.!?](?:\s|$)", para)) >= 2


def _title_before(para: str, following: str | None) -> bool:
    """Whether a paragraph in title position is a title because an abstract follows it.

    A title may hold two sentences ("X. Structure, not content, is what matters!") or be a
    number ("1984"); what gives it away is one short line followed by a longer paragraph
    that reads like an abstract. A continuation of an abstract is followed by the next
    title, a short line.
    """
    if "\n" in para or len(para) > 300 or following is None:
        return False
    nxt = " ".join(following.split())
    return "\n" not in following.strip() and not _is_date_line(nxt) and len(nxt) > len(para) and _looks_like_abstract(nxt)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """Runs of non-blank lines, stripped, with the line each starts on."""
    found: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate([*text.split("\n"), ""], 1):
        if line.strip():
            start = start if lines else number
            lines.append(line)
        elif lines:
            found.append((start, "\n".join(lines).strip()))
            lines = []
    return found


def read_daily(text: str, name: str) -> Iterator[Paper]:
    """The Hugging Face "Daily Papers" text dump.

    Header lines, then a date line ("Sep 2") that dates the papers after it,
    then title / blank / abstract / blank. A dump may hold several days, and an
    abstract may run over several paragraphs.
    """
    date: str | None = None
    title: str | None = None
    title_line = 0
    pending: dict[str, str | None] | None = None  # the last paper, held until its abstract is surely complete
    seen_date = False
    paragraphs = _paragraphs(text)
    for index, (number, para) in enumerate(paragraphs):
        line = " ".join(para.split())
        following = paragraphs[index + 1][1] if index + 1 < len(paragraphs) else None
        if "\n" not in para and _is_date_line(line):
            if title is not None:
                raise InputError(
                    f"{name}: line {number}: the paper {short(title)} has no abstract "
                    f"before the date line {short(line)}"
                )
            date, seen_date = iso_date(line), True
            if date is None:
                log.warning("%s: line %d: %s is not a date; the papers after it get none", name, number, short(line))
            continue
        if not seen_date or (title is None and _FURNITURE.match(line) and not _title_before(line, following)):
            continue
        if title is None and pending is not None and _looks_like_abstract(para) and not _title_before(para, following):
            pending["abstract"] = f"{pending['abstract']}\n\n{para}"
        elif title is None:
            title, title_line = line, number
        else:
            if pending is not None:
                yield make_paper(**pending)
            pending = dict(title=title, abstract=para, date=date, source=name, where=f"{name}: line {title_line}")
            title = None
    if not seen_date:
        if not paragraphs:
            raise InputError(f"{name}: the file is empty")
        raise InputError(f"{name}: no date line such as 'Sep 2' found; is this a Daily Papers dump?")
    if title is not None:
        raise InputError(f"{name}: line {title_line}: the last paper {short(title)} has no abstract")
    if pending is not None:
        yield make_paper(**pending)


def _pick(
    rec: dict[str, Any], keys: tuple[str, ...], where: str, prefix: str = "", number_ok: bool = False
) -> str | None:
    """The first non-blank value of the keys, which must be text (or a number, for ids)."""
    for key in keys:
        value = text_field(rec.get(key), prefix + key, where, number_ok=number_ok)
        if value is not None and value.strip():
            return value
    return None


def _fields(rec: dict[str, Any]) -> str:
    keys = sorted(map(str, rec))
    listed = ", ".join(short(k, 30) for k in keys[:12])
    return (listed + (", …" if len(keys) > 12 else "")) or "none"


def _record_to_paper(rec: Any, name: str, where: str) -> Paper:
    if not isinstance(rec, dict):
        raise InputError(f"{where}: expected an object with title and abstract, got {kind_of(rec)}")
    if isinstance(rec.get("paper"), dict):  # HF daily-papers API: {"paper": {...}, "publishedAt": ...}
        paper = rec["paper"]
        abstract = _pick(paper, ("summary", "abstract"), where, "paper.") or _pick(rec, ("summary",), where)
        if abstract is None:
            raise InputError(f"{where}: " + _NO_ABSTRACT.format("'paper.summary'"))
        found = make_paper(
            title=_pick(paper, ("title",), where, "paper.") or _pick(rec, ("title",), where),
            abstract=abstract,
            # The id makes the URL too (make_paper), so only a real arXiv id does.
            id=_pick(paper, ("id",), where, "paper.", number_ok=True),
            # The day it appeared on Daily Papers (what a user following the days means by
            # "the date"), else the day it reached the daily list, else arXiv's publication date.
            date=_pick(rec, ("publishedAt",), where)
            or _pick(paper, ("submittedOnDailyAt", "publishedAt"), where, "paper."),
            github=_pick(paper, ("githubRepo",), where, "paper.") or _pick(rec, ("githubRepo",), where),
            source=name,
            where=where,
        )
        return _with_upvotes(found, paper, rec, where=where)
    if "title" not in rec:
        raise InputError(f"{where}: no 'title' field (fields: {_fields(rec)})")
    abstract = _pick(rec, ("abstract", "summary"), where)
    if abstract is None:
        hint = " (this looks like kg extract output)" if "entities" in rec else ""
        raise InputError(f"{where}: " + _NO_ABSTRACT.format("'abstract' or 'summary'") + hint)
    ids = [text_field(rec.get(key), key, where, number_ok=True) for key in ("arxiv_id", "id")]
    found = make_paper(
        title=text_field(rec.get("title"), "title", where),
        abstract=abstract,
        # Either may be the arXiv id (the other a source's own id).
        id=next((i for i in ids if arxiv_id(i)), None),
        url=_pick(rec, ("url", "link"), where),
        date=_pick(rec, ("date", "published", "publishedAt", "update_date"), where),
        github=_pick(rec, ("github", "githubRepo"), where),
        source=name,
        where=where,
    )
    return _with_upvotes(found, rec, where=where)


_WHOLE = re.compile(r"[0-9]{1,15}")


def _with_upvotes(paper: Paper, *records: dict[str, Any], where: str) -> Paper:
    """``paper`` with the first ``upvotes`` of the records (HF API: ``paper.upvotes``), a whole number >= 0.

    A wrong value is not worth losing the paper over: it is logged and the paper gets none.
    """
    for rec in records:
        value = rec.get("upvotes")
        if value is None:
            continue
        text = value.text if isinstance(value, JsonNumber) else value if isinstance(value, str) else repr(value)
        if _WHOLE.fullmatch(text.strip()):
            return replace(paper, upvotes=int(text))
        log.warning("%s: 'upvotes' is not a whole number >= 0 (%s); the paper gets none", where, short(text))
        return paper
    return paper


def _numbered(items: Iterable[tuple[str, Any]], name: str) -> Iterator[Paper]:
    for label, rec in items:
        yield _record_to_paper(rec, name, f"{name}: {label}")


def records_to_papers(records: Iterable[Any], name: str) -> Iterator[Paper]:
    """Dicts from JSON/JSONL/CSV: plain records, HF daily-papers API items or arXiv metadata."""
    yield from _numbered(((f"record {n}", rec) for n, rec in enumerate(records, 1)), name)


def _loads(text: str) -> Any:
    """JSON with numbers kept as written (ids like 2401.10000) and NaN/Infinity marked.

    ``json.loads`` with these hooks, through one decoder (``loads`` builds a new one for
    every line of a JSONL file: a tenth of reading it).
    """
    if text.startswith("\ufeff"):  # (as json.loads says it)
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


_DECODER = json.JSONDecoder(parse_float=JsonNumber, parse_int=JsonNumber, parse_constant=JsonNumber)


def read_jsonl(text: str, name: str) -> Iterator[Paper]:
    """One JSON object a line; blank lines are skipped. Lazy: a line is parsed when its paper is due."""
    n = 0
    for line_number, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        try:
            rec = _loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}: line {line_number} is not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise InputError(f"{name}: line {line_number}: JSON nested too deeply") from None
        n += 1
        label = f"record {n}" if n == line_number else f"record {n} (line {line_number})"
        yield _record_to_paper(rec, name, f"{name}: {label}")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` split at "\n" only (JSON strings may hold a raw U+2028 that
    splitlines() would cut), one at a time: no list of every line."""
    start, end = 0, len(text)
    while start <= end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop]
        start = stop + 1


def read_json(text: str, name: str) -> Iterator[Paper]:
    """A JSON array of records, or an object holding one under "papers"/"items"/"data"."""
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
    if isinstance(data, dict):
        for key in ("papers", "items", "data", "results"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a list of papers (got {kind_of(data)})")
    yield from records_to_papers(data, name)


def _csv_error(name: str, line: int, exc: csv.Error) -> InputError:
    msg = str(exc)
    if "unexpected end of data" in msg:
        return InputError(f"{name}: line {line}: unclosed quote; the rest of the file would be one field")
    if "field larger than field limit" in msg:
        # The limit is above MAX_ABSTRACT, so such a field could not be stored anyway.
        return InputError(
            f"{name}: line {line}: a field has more than {csv.field_size_limit():,} characters "
            f"(abstracts are at most {MAX_ABSTRACT:,}); is the file in the right format?"
        )
    return InputError(f"{name}: line {line}: malformed CSV ({msg})")


def read_csv(text: str, name: str) -> Iterator[Paper]:
    """CSV with a header row holding at least ``title`` and ``abstract``."""
    # strict: an unclosed quote is an error, not the rest of the file in one field.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_error(name, start, exc) from None
        if any(cell.strip() for cell in row):  # blank lines and rows of empty cells hold no paper
            rows.append((start, row))
    header = [cell.strip().lower() for cell in rows[0][1]] if rows else []
    fields = set(header)
    if "title" not in fields or not fields & {"abstract", "summary"}:
        found = ", ".join(short(f, 30) for f in sorted(fields)[:12]) or "none"
        raise InputError(f"{name}: a CSV needs 'title' and 'abstract' columns (found: {found})")
    doubled = sorted({f for f in header if f and header.count(f) > 1})
    if doubled:
        raise InputError(f"{name}: the CSV header names the column {short(doubled[0], 30)} twice")
    for n, (line, row) in enumerate(rows[1:], 1):
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            # An unquoted comma split a field: keeping the first part would cut an abstract silently.
            raise InputError(
                f"{name}: record {n} (line {line}) has {len(row)} cells but the header {len(header)}; "
                "quote fields that contain commas"
            )
    records = (
        # Empty cells are absent, as JSON null is.
        (f"record {n} (line {line})", {k: v for k, v in zip(header, row) if v.strip()})
        for n, (line, row) in enumerate(rows[1:], 1)
    )
    yield from _numbered(records, name)


_ATOM = "{http://www.w3.org/2005/Atom}"


class _EntityDeclared(Exception):
    pass


def _refuse_entities(text: str, name: str) -> None:
    """Refuse DTD entity declarations: "billion laughs" expand a few bytes to gigabytes."""

    def declared(*_: object) -> None:
        raise _EntityDeclared

    parser = xml.parsers.expat.ParserCreate()
    parser.EntityDeclHandler = declared
    try:
        parser.Parse(text, True)
    except _EntityDeclared:
        raise InputError(f"{name}: the XML declares entities (<!ENTITY>); an Atom feed has none") from None
    except xml.parsers.expat.ExpatError:
        pass  # reported by the real parse, with its line


def _text(entry: ET.Element, tag: str) -> str | None:
    """An element's whole text (children included, for type="xhtml"), None if absent."""
    el = entry.find(tag)
    return None if el is None else "".join(el.itertext())


def read_atom(text: str, name: str) -> Iterator[Paper]:
    """An arXiv API Atom feed (``<feed><entry><id/><title/><summary/><published/>``)."""
    _refuse_entities(text, name)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(f"{name}: not valid XML ({exc})") from None
    except RecursionError:
        raise InputError(f"{name}: XML nested too deeply") from None
    ns = _ATOM if root.tag.startswith(_ATOM) else ""  # feeds without the Atom namespace too
    local = root.tag.rsplit("}", 1)[-1]
    if local not in ("feed", "entry"):
        raise InputError(f"{name}: the root element is <{short(local, 30)[1:-1]}>, not an Atom <feed>")
    for number, entry in enumerate(root.iter(f"{ns}entry"), 1):
        github = None
        for link in entry.iter(f"{ns}link"):
            href = link.get("href", "")
            if "github.com/" in href:
                github = href
        yield make_paper(
            title=_text(entry, f"{ns}title"),
            abstract=_text(entry, f"{ns}summary"),
            id=_text(entry, f"{ns}id"),
            date=_text(entry, f"{ns}published"),
            github=github,
            source=name,
            where=f"{name}: entry {number}",
            abstract_from="<summary>",
        )
