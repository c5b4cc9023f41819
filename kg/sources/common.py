"""What every reader shares: field types, ids, dates and the Paper constructor.

Each field a reader takes from a record has one type. A value of another type is refused
(``FILE: record N: 'title' must be text (got list)``), never stored as its repr; a
missing field and JSON ``null`` are the same: absent. Keys are tried in order and the
first non-blank value wins (for the id, the first that is an arXiv id):

| field    | keys read                                 | type           | rule                                        |
|----------|-------------------------------------------|----------------|---------------------------------------------|
| title    | title                                     | text, required | at most 1,000 characters; a letter or digit |
| abstract | abstract, summary                         | text, required | not blank; at most 100,000 characters       |
| id       | arxiv_id, id                              | text or number | only an arXiv id counts; numbers as written |
| url      | url, link                                 | text           | kept; an arXiv URL also gives the id        |
| date     | date, published, publishedAt, update_date | text           | ISO, "Sep 2", "Sep 2, 2024"; else dropped   |
| github   | github, githubRepo                        | text           | kept                                        |

A number is refused in a text field, NaN and Infinity in any field read; fields not
read may hold anything. HF daily-papers API items read ``paper.title``,
``paper.summary``, ``paper.id``, ``paper.publishedAt``, ``paper.githubRepo``. CSV cells
are text, an empty cell is absent. All text is cleaned (``kg.text.clean_text``); lone
UTF-16 surrogates (JSON ``"\\ud800"``) become U+FFFD and control characters a space, so
every stored string encodes as UTF-8. An invalid date (``2025-02-30``, ``yesterday``) is
logged as a warning (logger ``kg.sources``) and the paper kept without one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache
import unicodedata

from kg.errors import InputError
from kg.model import Paper
from kg.text import clean_text, title_id

__all__ = [
    "ARXIV_ID",
    "MAX_ABSTRACT",
    "MAX_FILE_BYTES",
    "MAX_TITLE",
    "MAX_URL",
    "MONTHS",
    "JsonNumber",
    "arxiv_id",
    "iso_date",
    "kind_of",
    "make_paper",
    "short",
    "text_field",
]

log = logging.getLogger(__name__)

#: Longer "abstracts" are a misread file (or a whole paper), not an abstract.
MAX_ABSTRACT = 100_000
#: Longer URLs (url, github) are not links.
MAX_URL = 2_048
#: Longer "titles" are an abstract or a whole file in the title's place.
MAX_TITLE = 1_000
#: Bigger files are not paper lists we can hold in memory (and /dev/zero never ends).
MAX_FILE_BYTES = 2 * 1024**3


class JsonNumber:
    """A JSON number exactly as written: ``2401.10000`` is an arXiv id, not the float 2401.1."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def finite(self) -> bool:
        return self.text not in ("NaN", "Infinity", "-Infinity")

    def __repr__(self) -> str:
        return f"JsonNumber({self.text!r})"


def kind_of(value: object) -> str:
    """A value's type as a user who wrote JSON would name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, JsonNumber):
        return "number" if value.finite else value.text
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def text_field(value: object, field: str, where: str = "", *, number_ok: bool = False) -> str | None:
    """A field's value as text, None when absent; refuses values of another type.

    With ``number_ok`` a finite JSON number is taken as written (ids).
    """
    if value is None or isinstance(value, str):
        return value
    if number_ok and isinstance(value, JsonNumber) and value.finite:
        return value.text
    want = "text or a number" if number_ok else "text"
    raise InputError(f"{_at(where)}{field!r} must be {want} (got {kind_of(value)})")


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def short(text: str, limit: int = 60) -> str:
    """Text quoted for a one-line message: cut, and escaped by repr."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


# --- arXiv ids --------------------------------------------------------------------------

# An id with optional version: new style (2401.01234) or old style (hep-th/9901001,
# cs.LG/0601001). Checked further by _canonical; ASCII only, so no Unicode digit or
# Kelvin sign ever reaches an id.
_ID = r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[a-z]+(?:-[a-z]+)?)?/[0-9]{7})(?:v[0-9]+)?"
ARXIV_ID = re.compile(_ID, re.IGNORECASE | re.ASCII)
# Whole-value spellings of one id; anything else around it (a path after the id, a
# second word) means the value is not an arXiv id.
_ARXIV_FORMS = re.compile(
    rf"""
      (?:arxiv(?:\s*:)?\s*)?({_ID})(?:\s*\[[a-z.\-]+\])?                   # 2401.01234, arXiv:2401.01234v2 [cs.LG]
    | (?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/({_ID})(?:\.pdf)?/?(?:[?\#]\S*)?
    | (?:https?://)?(?:www\.)?huggingface\.co/papers/({_ID})/?(?:[?\#]\S*)?
    | (?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.({_ID})/?(?:[?\#]\S*)?   # arXiv's DOIs
    """,
    re.IGNORECASE | re.ASCII | re.VERBOSE,
)
_NEW_STYLE = re.compile(r"([0-9]{2})([0-9]{2})\.([0-9]{4,5})(?:v[0-9]+)?", re.IGNORECASE | re.ASCII)
_OLD_STYLE = re.compile(r"([a-z\-]+)(?:\.[a-z\-]+)?/([0-9]{2})([0-9]{2})[0-9]{3}(?:v[0-9]+)?", re.IGNORECASE | re.ASCII)
# The archives of old-style ids (before April 2007); the subject class (".LG") is not
# part of the id: arXiv writes cs.LG/0601001 as cs/0601001.
_ARCHIVES = frozenset(
    "acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas "
    "cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin nucl-ex "
    "nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int supr-con".split()
)
# No spelling of an arXiv id (a URL with a query string included) is longer.
_MAX_ID_SPELLING = 500
# Sentence punctuation and quotes around an id in running text.
_WRAPPING = " \t\r\n\"'`<>()[]{}.,;:!?"


def _canonical(found: str) -> str | None:
    """``2401.01234`` or ``hep-th/9901001`` for a well-formed id, else None."""
    m = _NEW_STYLE.fullmatch(found)
    if m:
        yymm, number = m.group(1) + m.group(2), m.group(3)
        # Numbers have 4 digits from 0704 (the scheme's start) to 1412, 5 since 1501.
        if not 1 <= int(m.group(2)) <= 12 or yymm < "0704" or len(number) != (4 if yymm < "1501" else 5):
            return None
        return f"{yymm}.{number}"
    m = _OLD_STYLE.fullmatch(found)
    if m:
        archive, yy, mm = m.group(1).lower(), int(m.group(2)), int(m.group(3))
        if archive not in _ARCHIVES or not 1 <= mm <= 12 or 8 <= yy <= 90:
            return None
        return f"{archive}/{found.rsplit('/', 1)[1][:7]}"
    return None


def arxiv_id(*candidates: str | None) -> str | None:
    """The first arXiv id among the candidates, canonical and without version.

    Each candidate must be one id in some spelling (bare, ``arXiv:``, an arxiv.org or
    huggingface.co/papers URL, arXiv's DOI), give or take quotes and punctuation around
    it; anything else is no id, never part of one.
    """
    for value in candidates:
        if isinstance(value, str) and len(value) <= _MAX_ID_SPELLING:
            found = _id_of(value)
            if found:
                return found
    return None


@lru_cache(maxsize=1024)  # (a reader asks about a record's id twice in a row)
def _id_of(value: str) -> str | None:
    for text in (value.strip(), value.strip(_WRAPPING)):
        m = _ARXIV_FORMS.fullmatch(text)
        if m:
            found = _canonical(next(g for g in m.groups() if g))
            if found:
                return found
    return None


# --- dates ------------------------------------------------------------------------------

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
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.? ([0-9]{1,2})(?:,? ([0-9]{4}))?$")
# A date, alone or starting a timestamp ("2025-01-05T17:59:58.000Z", "2025-01-05 12:00").
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?=$|[T ])")


def iso_date(value: object, *, today: dt.date | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO timestamps, "Sep 2" or "Sep 2, 2025"; None if unknown.

    The date must exist (no 2025-13-45, no Feb 30). A month-day without a year is taken
    as the most recent such day not after ``today``.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    m = _MONTH_DAY.match(text)
    if m and m.group(1).lower() in MONTHS:
        month, day = MONTHS[m.group(1).lower()], int(m.group(2))
        today = today or dt.date.today()
        if m.group(3):
            try:
                return dt.date(int(m.group(3)), month, day).isoformat()
            except ValueError:
                return None
        # The most recent such day: Feb 29 may lie up to eight years back (2100 is no leap year).
        for year in range(today.year, today.year - 9, -1):
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if date <= today:
                return date.isoformat()
        return None
    return None


# --- papers -----------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0/C1 controls other than tab and newlines: invisible, and some stores reject them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _sane(text: str) -> str:
    """Text every store and encoder accepts: lone surrogates as U+FFFD, controls as spaces."""
    if text.isascii() and text.isprintable():  # (the usual case) neither can occur
        return text
    return _CONTROL.sub(" ", _SURROGATE.sub("\ufffd", text))


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
    abstract_from: str = "'abstract' or 'summary'",
) -> Paper:
    """A Paper from raw fields: typed, cleaned, arXiv id when known, else a title hash.

    ``abstract_from`` names where the abstract was looked for, for the error that
    there is none.
    """
    at = _at(where)
    title_text = " ".join(clean_text(_sane(text_field(title, "title", where) or "")).split())
    if not title_text:
        raise InputError(f"{at}a paper has no title")
    if len(title_text) > MAX_TITLE:
        raise InputError(
            f"{at}the title {short(title_text)} has {len(title_text):,} characters "
            f"(at most {MAX_TITLE:,}); is the file in the right format?"
        )
    if not any(ch.isalnum() for ch in unicodedata.normalize("NFKC", title_text)):
        # Its id would be a hash of nothing, shared by every such title.
        raise InputError(f"{at}the title {short(title_text)} has no letters or digits")
    abstract_text = clean_text(_sane(text_field(abstract, "abstract", where) or ""))
    if not abstract_text:
        raise InputError(f"{at}no abstract ({abstract_from}); kg build needs the paper's text")
    if len(abstract_text) > MAX_ABSTRACT:
        raise InputError(
            f"{at}the abstract of {short(title_text)} has {len(abstract_text):,} characters "
            f"(at most {MAX_ABSTRACT:,}); is the file in the right format?"
        )
    url_text = _sane(text_field(url, "url", where) or "").strip() or None
    github_text = _sane(text_field(github, "github", where) or "").strip() or None
    for name, value in (("url", url_text), ("github", github_text)):
        if value and len(value) > MAX_URL:
            raise InputError(f"{at}'{name}' has {len(value):,} characters (at most {MAX_URL:,}); is it a URL?")
    date_text = text_field(date, "date", where)
    date_iso = iso_date(date_text)
    if date_text and date_text.strip() and date_iso is None:
        # A wrong date is not worth losing the paper over.
        log.warning("%sthe date %s is not a valid date; the paper gets none", at, short(_sane(date_text.strip())))
    found = arxiv_id(text_field(id, "id", where, number_ok=True), url_text)
    # Non-arXiv ids differ between sources; the title hash makes one node of one paper.
    pid = found or title_id(title_text)
    if found and not url_text:
        url_text = f"https://arxiv.org/abs/{found}"
    return Paper(
        id=pid,
        title=title_text,
        abstract=abstract_text,
        date=date_iso,
        url=url_text,
        source=source,
        github=github_text,
    )
