"""Property-based tests of the readers and ids: whatever the input, InputError or sane Papers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import string
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.model import Paper
from kg.sources import FORMATS, read_path
from kg.sources.common import MAX_ABSTRACT, MAX_TITLE, arxiv_id
from kg.text import clean_text, title_id

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(paper: Paper) -> None:
    """What a reader may yield: nothing a store or encoder would choke on, nothing empty."""
    assert paper.title and paper.abstract and len(paper.title) <= MAX_TITLE and len(paper.abstract) <= MAX_ABSTRACT
    for text in (paper.id, paper.title, paper.abstract, paper.url, paper.github, paper.date):
        assert text is None or isinstance(text, str)
        if text is not None:
            text.encode("utf-8")
    assert re.fullmatch(r"t-[0-9a-f]{16}|[0-9]{4}\.[0-9]{4,5}|[a-z\-]+/[0-9]{7}", paper.id)
    assert paper.date is None or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", paper.date)


def read_text_as(fmt: str, text: str) -> None:
    try:
        for paper in FORMATS[fmt](text, "input"):
            assert_sane(paper)
    except InputError as exc:
        assert "\n" not in str(exc)


# --- arbitrary input ----------------------------------------------------------------------

# Text that looks a little like each format, so the readers get past their first check.
PREFIXES = {
    "daily": st.sampled_from(["", "Sep 2\n\n", "Daily Papers\n\nJan 5\n\nA Title\n\n"]),
    "jsonl": st.sampled_from(["", '{"title": "A", "abstract": "b"}\n', '{"title": ']),
    "json": st.sampled_from(["", "[", '[{"title": "A", "abstract": "b"}, ', '{"papers": [']),
    "csv": st.sampled_from(["", "title,abstract\n", "title,abstract,id,date,url\n", 'title,summary\n"']),
    "atom": st.sampled_from(
        ["", "<feed>", "<feed><entry><title>A</title><summary>", '<?xml version="1.0"?><!DOCTYPE feed [']
    ),
}
JUNK = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.text(
    alphabet=st.sampled_from(list('{}[]":,\n\r\t <>/&;!-=\'"\\0123456789.eEtrufalsNInfiyv ') + ["\u2028", "\x00"]),
    max_size=300,
)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SETTINGS
@given(data=st.data())
def test_property_any_text_gives_papers_or_input_error(fmt: str, data: st.DataObject) -> None:
    read_text_as(fmt, data.draw(PREFIXES[fmt]) + data.draw(JUNK))


SUFFIXES = ["", ".txt", ".json", ".jsonl", ".csv", ".xml"]


@SETTINGS
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_property_any_bytes_via_read_path(tmp_path_factory: pytest.TempPathFactory, raw: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"input{suffix}"
    path.write_bytes(raw)
    try:
        for paper in read_path(path):
            assert_sane(paper)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


# JSON values of every type, including NaN, huge numbers and lone surrogates in strings.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(
        ["", "  ", "2401.01234", "arXiv:2401.01234v2", "2025-13-45", "Sep 2", "???", "\ud800x", "x\udfff"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
KEYS = "title abstract summary id arxiv_id url link date published publishedAt github githubRepo entities".split()
HF_KEYS = ["title", "summary", "id", "publishedAt", "githubRepo"]
TEXTISH = st.text(max_size=40) | st.sampled_from(["A Title", "An abstract.", "\ud800", "  ", "???", "α-β"])
RECORDS = (
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
    # Mostly well-formed papers with a few odd fields, so the success path is exercised too.
    | st.fixed_dictionaries(
        {"title": TEXTISH, "abstract": TEXTISH},
        optional={k: VALUES | TEXTISH for k in KEYS if k not in ("title", "abstract")},
    )
    | st.fixed_dictionaries({"paper": st.dictionaries(st.sampled_from(HF_KEYS), VALUES | TEXTISH, max_size=5)})
)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@SETTINGS
@given(records=st.lists(RECORDS | VALUES, max_size=4))
def test_property_json_records_of_any_shape(fmt: str, records: list[Any]) -> None:
    if fmt == "json":
        text = json.dumps(records)
    else:
        text = "\n".join(json.dumps(r) for r in records)
    assume(text.strip())
    read_text_as(fmt, text)


@SETTINGS
@given(record=RECORDS)
def test_property_one_record_is_typed_or_refused(record: dict[str, Any]) -> None:
    try:
        (paper,) = FORMATS["jsonl"](json.dumps(record), "input")
    except InputError as exc:
        assert str(exc).startswith("input: record 1: ") and "\n" not in str(exc)
        return
    assert_sane(paper)
    fields = record.get("paper", record)
    # Only text makes a title or a URL: never the repr of a list, an object or a number.
    assert isinstance(fields.get("title") or record.get("title"), str)
    texts = {sanitized(v) for v in (*fields.values(), *record.values()) if isinstance(v, str)}
    assert paper.url is None or paper.url.startswith("https://arxiv.org/abs/") or paper.url in texts


def sanitized(text: str) -> str:
    """As the readers' docstring says: lone surrogates become U+FFFD, control characters a space."""
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", text).strip()


@FEW
@given(rows=st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=4), max_size=5))
def test_property_csv_rows_of_any_text(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["title", "abstract", "id", "date"], *rows])
    read_text_as("csv", out.getvalue())


# --- ids ----------------------------------------------------------------------------------

TITLE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "Zs", "S"]), min_size=1, max_size=60
) | st.text(alphabet=st.sampled_from(list("abcαβγабв大小 -:'") + ["\u0301", "\u093f"]), min_size=1, max_size=12)


def title_key(title: str) -> str:
    """The title key, as title_id documents it: letters, marks and digits in any script."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", clean_text(title)).casefold())
    return " ".join("".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else " " for c in folded).split())


EMPTY_KEY = "t-" + hashlib.sha256(b"").hexdigest()[:16]


@SETTINGS
@given(a=TITLE_TEXT, b=TITLE_TEXT)
def test_property_different_title_keys_different_ids(a: str, b: str) -> None:
    if not clean_text(a):
        with pytest.raises(ValueError):
            title_id(a)
        return
    assert title_id(a) != EMPTY_KEY
    assert title_id(a) == title_id(a)
    if clean_text(b) and title_key(a) != title_key(b) and (title_key(a) or title_key(b)):
        assert title_id(a) != title_id(b)


def legacy_title_id(title: str) -> str:
    norm = re.sub(r"[^0-9a-z]+", " ", clean_text(title).casefold()).strip()
    return "t-" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


# ASCII, plus non-ASCII spaces, dashes, quotes and invisibles: none of them letters.
NOT_LETTERS = "\u00a0\u2019\u201c\u201d\u2014\u2013\u200b\u00ad\u3000\u2026"
ASCII_ISH = st.text(alphabet=st.sampled_from(list(string.printable) + list(NOT_LETTERS)), max_size=80)


@SETTINGS
@given(title=ASCII_ISH)
def test_property_ascii_titles_keep_their_old_ids(title: str) -> None:
    assume(title_key(title) and not re.search(r"[A-Za-z][+#*]", clean_text(title)))  # C++, C#, A* name things now
    assert title_id(title) == legacy_title_id(title)


@FEW
@given(
    title=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]), min_size=1, max_size=80),
    abstract=st.text(min_size=1, max_size=80),
)
def test_property_same_paper_read_twice_same_id(
    tmp_path_factory: pytest.TempPathFactory, title: str, abstract: str
) -> None:
    record = json.dumps({"title": title, "abstract": abstract})
    folder = tmp_path_factory.mktemp("twice")
    ids = []
    for name, text in [("a.jsonl", record + "\n"), ("b.jsonl", record + "\n"), ("c.json", f"[{record}]")]:
        (folder / name).write_text(text, encoding="utf-8")
        try:
            ids.append([p.id for p in read_path(folder / name)])
        except InputError:
            ids.append(None)
    assert ids[0] == ids[1] == ids[2]


# --- arXiv ids ----------------------------------------------------------------------------

ARCHIVES = ["hep-th", "hep-ph", "cs", "math", "cond-mat", "astro-ph", "quant-ph", "physics", "nlin", "q-bio", "gr-qc"]


@st.composite
def new_style(draw: st.DrawFn) -> str:
    year = draw(st.integers(7, 99))
    yymm = f"{year:02d}{draw(st.integers(4 if year == 7 else 1, 12)):02d}"  # the scheme began in 0704
    digits = 4 if yymm < "1501" else 5
    return f"{yymm}.{draw(st.integers(0 if digits == 5 else 1, 10**digits - 1)):0{digits}d}"


@st.composite
def old_style(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from([*range(91, 100), *range(0, 8)]))
    return f"{draw(st.sampled_from(ARCHIVES))}/{year:02d}{draw(st.integers(1, 12)):02d}{draw(st.integers(0, 999)):03d}"


def recase(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


@st.composite
def spelling(draw: st.DrawFn) -> tuple[str, str]:
    """(canonical id, one way of writing it)."""
    canonical = draw(new_style() | old_style())
    written = canonical
    if "/" in written and draw(st.booleans()):  # a subject class, as in cs.LG/0601001
        archive, number = written.split("/")
        written = f"{archive}.{draw(st.sampled_from(['LG', 'GT', 'str-el', 'AI']))}/{number}"
    written = recase(draw, written)
    if draw(st.booleans()):
        written += f"v{draw(st.integers(1, 20))}"
    template = draw(
        st.sampled_from(
            [
                "{}", "arXiv:{}", "arxiv:{}", "ARXIV: {}", "arXiv {}", " {} ", "{}.", "({})", '"{}"',
                "arXiv:{} [cs.LG]",
                "https://arxiv.org/abs/{}", "http://www.arxiv.org/pdf/{}.pdf", "https://arxiv.org/pdf/{}",
                "https://arxiv.org/html/{}", "https://export.arxiv.org/abs/{}", "arxiv.org/abs/{}/",
                "https://huggingface.co/papers/{}", "https://doi.org/10.48550/arXiv.{}",
            ]
        )
    )
    written = template.format(written)
    if written.startswith(("http", "arxiv.org")) and not written.endswith("/") and draw(st.booleans()):
        written += draw(st.sampled_from(["?context=cs", "#abstract", "?a=1&b=../../x#y", "/"]))
    return canonical, recase(draw, written) if draw(st.booleans()) else written


@SETTINGS
@given(case=spelling())
def test_property_every_spelling_of_an_id_is_canonical(case: tuple[str, str]) -> None:
    canonical, written = case
    assert arxiv_id(written) == canonical


@SETTINGS
@given(text=st.text(max_size=80) | st.builds(lambda i, junk: i + junk, new_style(), st.text(max_size=10)))
def test_property_arxiv_id_of_any_text_is_clean_or_none(text: str) -> None:
    found = arxiv_id(text)
    assert found is None or re.fullmatch(r"[0-9a-z.\-/]+", found)
    if found is not None:
        assert arxiv_id(found) == found  # canonical ids are fixed points


# -- the ASCII shortcuts of clean_text and title_id are the general path ------------------
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_clean_text_ascii_shortcut_equals_general_path(text: str) -> None:
    from kg.text import _normalise, clean_text

    general = _normalise(text)
    assert clean_text(text) == "\n".join(line.strip() for line in general.split("\n")).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_title_key_ascii_shortcut_equals_general_path(text: str) -> None:
    import re

    from kg.text import _ASCII_NON_ALNUM, _kept

    folded = text.casefold()
    assert _ASCII_NON_ALNUM.sub(" ", folded).split() == _kept(folded).split()
    assert re.sub(r"\s+", " ", _kept(folded)).strip() == " ".join(_ASCII_NON_ALNUM.sub(" ", folded).split())
