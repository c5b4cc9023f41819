"""Character offsets of every mention: ``abstract[start:stop]`` is the name or an alias as written.

Checked on every paper of our fixtures (and, with hypothesis, on cut and joined versions
of them), on ``kg extract``'s JSON, on the stored ``MENTIONS`` links of both stores (bulk
COPY and row by row) and in ``kg why``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import extract
from kg.extract.pipeline import find_spans
from kg.model import Paper
from kg.sources import read_papers
from kg.store.base import flat_spans, span_pairs, where_fields
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_FILES = [FIXTURES / "extract" / "papers.jsonl", *sorted((FIXTURES / "heldout").glob("*_papers.txt"))]


@lru_cache(maxsize=1)
def fixture_papers() -> tuple[Paper, ...]:
    return tuple(p for path in FIXTURE_FILES for p in read_papers([path]))


def check_offsets(paper: Paper) -> int:
    """Assert the offset properties of every mention of ``paper``; the number of offsets seen."""
    (pm,) = list(extract([paper]))
    seen = 0
    taken: list[tuple[str, int, int]] = []
    for m in pm.mentions:
        forms = {m.name, *m.aliases}
        for text, spans, where in ((paper.abstract, m.spans, "abstract"), (paper.title, m.title_spans, "title")):
            assert list(spans) == sorted(spans), (m.name, spans)
            for start, stop in spans:
                assert 0 <= start < stop <= len(text), (m.name, where, start, stop)
                assert text[start:stop] in forms, (m.name, where, text[start:stop])
                taken.append((where, start, stop))
                seen += 1
    # no two offsets (of one entity or of two) share a character
    for where in ("abstract", "title"):
        ranges = sorted((a, b) for w, a, b in taken if w == where)
        assert all(b0 <= a1 for (_, b0), (a1, _) in zip(ranges, ranges[1:])), ranges
    return seen


def test_offsets_slice_back_to_a_surface_form_on_every_fixture_paper() -> None:
    papers = fixture_papers()
    assert len(papers) > 400
    seen = sum(check_offsets(p) for p in papers)
    assert seen > 3000  # (the property is not vacuous: thousands of offsets)


def test_offsets_place_nearly_every_mention() -> None:
    """A mention without any offset is one whose name the text never writes whole (rare)."""
    mentions = placed = 0
    for pm in extract(fixture_papers()):
        for m in pm.mentions:
            mentions += 1
            placed += bool(m.spans or m.title_spans)
    assert placed >= 0.99 * mentions, (placed, mentions)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    i=st.integers(min_value=0, max_value=10_000),
    j=st.integers(min_value=0, max_value=10_000),
    cut=st.floats(min_value=0.0, max_value=1.0),
    glue=st.sampled_from(["", " ", "-", "-style ", "s ", "\n\n", "(", "/"]),
)
def test_offsets_property_on_cut_and_joined_fixture_text(i: int, j: int, cut: float, glue: str) -> None:
    """Any cut of a fixture abstract, glued to another one (names split, suffixed, joined)."""
    papers = fixture_papers()
    a, b = papers[i % len(papers)], papers[j % len(papers)]
    k = int(len(a.abstract) * cut)
    check_offsets(Paper(id="x", title=b.title[: k % 90], abstract=a.abstract[:k] + glue + b.abstract[k:]))


def _found(*names: str, aliases: tuple[str, ...] = (), type_: str = "model") -> list[dict]:
    return [{"name": n, "aliases": aliases if k == 0 else (), "type": type_} for k, n in enumerate(names)]


def _spans(title: str, abstract: str, found: list[dict]) -> list:
    from kg.extract.components.lexer import tokenize

    text = f"{title}\n\n{abstract}"
    _words, starts, ends = tokenize(text)
    return find_spans(text, len(title), found, starts, ends)


@pytest.mark.parametrize(
    ("abstract", "name", "expected"),
    [
        ("a DUSt3R-style head", "DUSt3R", [(2, 8)]),  # before a joining hyphen
        ("MolT5 and BioT5 beat T5.", "T5", [(21, 23)]),  # never inside a word
        ("GPT-3.5 is not GPT-3.", "GPT-3", [(15, 20)]),  # "GPT-3" is not the start of "GPT-3.5"
        ("ViTs and ViT", "ViT", [(9, 12)]),
        ("no such name", "FooNet", []),
    ],
)
def test_offsets_word_boundaries(abstract: str, name: str, expected: list) -> None:
    [(spans, title_spans)] = _spans("T", abstract, _found(name))
    assert list(spans) == expected and title_spans == ()


def test_offsets_longest_name_holds_the_place() -> None:
    abstract = "ImageNet-1k, then ImageNet."
    (a, _), (b, _) = _spans("", abstract, _found("ImageNet", "ImageNet-1k", type_="dataset"))
    assert [abstract[s:e] for s, e in a] == ["ImageNet"] and a == ((18, 26),)
    assert [abstract[s:e] for s, e in b] == ["ImageNet-1k"]


def test_offsets_title_and_abstract_are_indexed_apart() -> None:
    title, abstract = "FooNet: Fast", "We propose FooNet (FN). FN wins."
    [(spans, title_spans)] = _spans(title, abstract, _found("FooNet", aliases=("FN",)))
    assert title_spans == ((0, 6),)
    assert [abstract[s:e] for s, e in spans] == ["FooNet", "FN", "FN"] and spans[0] == (11, 17)


def test_offsets_url_before_a_trailing_slash() -> None:
    abstract = "Code: https://github.com/a/b/."
    [(spans, _)] = _spans("", abstract, _found("https://github.com/a/b", type_="github"))
    assert [abstract[s:e] for s, e in spans] == ["https://github.com/a/b"]


def test_offsets_in_kg_extract_json(tmp_path: Path) -> None:
    papers = FIXTURES / "extract" / "papers.jsonl"
    result = CliRunner().invoke(app, ["extract", str(papers), "--workers", "1"])
    assert result.exit_code == 0, result.output
    by_id = {p.id: p for p in read_papers([papers])}
    n = 0
    for line in result.output.splitlines():
        rec = json.loads(line)
        paper = by_id[rec["id"]]
        for e in rec["entities"]:
            forms = {e["name"], *e["aliases"]}
            assert e["spans"] == sorted(e["spans"])
            for start, stop in e["spans"]:
                assert paper.abstract[start:stop] in forms
                n += 1
            for start, stop in e["title_spans"]:
                assert paper.title[start:stop] in forms
    assert n > 20


def test_offsets_where_fields_flatten_them() -> None:
    assert where_fields(((3, 9), (20, 26)), ((0, 6),)) == {
        "start": 3, "stop": 9, "spans": "3 9 20 26", "title_spans": "0 6",
    }  # fmt: skip
    assert where_fields((), ((0, 6),)) == {"start": None, "stop": None, "spans": None, "title_spans": "0 6"}
    assert where_fields((), ()) == {"start": None, "stop": None, "spans": None, "title_spans": None}


@pytest.mark.parametrize(
    ("stored", "pairs"),
    [
        ("3 9 20 26", [(3, 9), (20, 26)]),
        ([3, 9, 20, 26], [(3, 9), (20, 26)]),  # a graph built when they were lists
        ((0, 6), [(0, 6)]),
        (None, []),
        ("", []),
        ([], []),
        ("3 x", []),  # not ours: nothing, not a crash
        (7, []),
    ],
)
def test_offsets_span_pairs_read_both_forms(stored: object, pairs: list) -> None:
    assert span_pairs(stored) == pairs
    if pairs:
        assert span_pairs(flat_spans(pairs)) == pairs


# -- stored ------------------------------------------------------------------------------
STORED = (
    "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) "
    "RETURN p.id, e.key, e.name, e.aliases, m.start, m.stop, m.spans, m.title_spans ORDER BY p.id, e.key"
)


def expected_links(path: Path) -> dict[tuple[str, str], tuple]:
    """(paper id, entity key) -> (start, stop, spans, title_spans), as the build should store them."""
    from kg.extract.pipeline import EXTRACTOR_VERSION
    from kg.resolve import resolve

    graph = resolve(extract(read_papers([path])), EXTRACTOR_VERSION)
    out = {}
    for link in graph.links:
        w = where_fields(link.spans, link.title_spans)
        out[(link.paper_id, link.entity_key)] = (w["start"], w["stop"], span_pairs(w["spans"]), span_pairs(w["title_spans"]))
    return out


def check_stored(rows: list, path: Path) -> None:
    papers = {p.id: p for p in read_papers([path])}
    expected = expected_links(path)
    assert {(r[0], r[1]) for r in rows} == set(expected)
    placed = 0
    for pid, key, name, aliases, start, stop, spans, title_spans in rows:
        assert isinstance(spans, (str, type(None))) and isinstance(title_spans, (str, type(None)))
        got = (start, stop, span_pairs(spans), span_pairs(title_spans))
        assert got == expected[(pid, key)], (pid, key)
        abstract = papers[pid].abstract
        pairs = got[2]
        if pairs:
            assert (start, stop) == pairs[0]
            placed += 1
        else:
            assert start is None and stop is None
        for s, e in pairs:
            assert abstract[s:e], (pid, key)
    assert placed > 0.8 * len(rows)


@pytest.mark.parametrize("bulk", [True, False], ids=["copy", "rows"])
def test_offsets_stored_on_embedded_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool) -> None:
    from kg.build import build

    monkeypatch.setattr(EmbeddedStore, "bulk_load", bulk)
    path = FIXTURES / "heldout" / "h3_papers.txt"
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        build([path], store, workers=1)
        rows = store.query(STORED).rows
    check_stored(rows, path)


def test_offsets_columns_added_to_an_older_graph(tmp_path: Path) -> None:
    """A graph whose MENTIONS table predates the offsets gains the columns when opened to write."""
    import ladybug

    db = tmp_path / "old.lbdb"
    conn = ladybug.Connection(ladybug.Database(str(db)))
    conn.execute("CREATE NODE TABLE Paper(id STRING, title STRING, abstract STRING, date STRING, url STRING, "
                 "source STRING, tkey STRING, hash STRING, extractor STRING, PRIMARY KEY(id))")  # fmt: skip
    conn.execute("CREATE NODE TABLE Entity(key STRING, name STRING, type STRING, aliases STRING[], "
                 "keys STRING[], PRIMARY KEY(key))")  # fmt: skip
    conn.execute("CREATE REL TABLE MENTIONS(FROM Paper TO Entity, role STRING, count INT64, evidence STRING)")
    del conn
    from kg.build import build

    path = FIXTURES / "heldout" / "h4_papers.txt"
    with EmbeddedStore(db, writable=True) as store:
        build([path], store, workers=1)
        rows = store.query(STORED).rows
    check_stored(rows, path)


@pytest.mark.neo4j
def test_offsets_stored_on_neo4j_links() -> None:
    from conftest_neo4j import connect_neo4j

    from kg.build import build

    store = connect_neo4j()
    path = FIXTURES / "heldout" / "h3_papers.txt"
    try:
        build([path], store, workers=1)
        rows = store.query(STORED).rows
    finally:
        store.close()
    check_stored(rows, path)


def test_offsets_shown_by_kg_why(tmp_path: Path) -> None:
    from kg.build import build

    path = FIXTURES / "heldout" / "h3_papers.txt"
    db = tmp_path / "g.lbdb"
    with EmbeddedStore(db, writable=True) as store:
        build([path], store, workers=1)
        pid, name, start, stop, spans = next(
            row for row in store.query(
                "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.name, m.start, m.stop, m.spans ORDER BY p.id, e.key"
            ).rows if row[4] and len(row[4].split()) >= 4  # two occurrences or more
        )  # fmt: skip
    spans = [int(x) for x in spans.split()]
    result = CliRunner().invoke(app, ["why", pid, name, "--db", str(db)])
    assert result.exit_code == 0, result.output
    pairs = ", ".join(f"{a}-{b}" for a, b in zip(spans[::2], spans[1::2]))
    assert f"chars {pairs}" in result.output
    assert pairs.startswith(f"{start}-{stop}")
    as_json = CliRunner().invoke(app, ["why", pid, name, "--db", str(db), "--json"])
    assert as_json.exit_code == 0, as_json.output
    provenance = json.loads(as_json.output)["mentions"][0]["provenance"]
    assert provenance["start"] == start and provenance["spans"] == spans
