"""Readers: every format, sniffing, ids, dates, clean text and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import GOLD

from kg.errors import InputError
from kg.sources import read_papers, read_path, sniff_format
from kg.sources.common import arxiv_id, iso_date
from kg.text import title_id

GRAPH_SKETCH = "Graph Sketches for Fast Retrieval"


def test_sources_daily_dump_parses_all_64_papers_intact(dump_path: Path) -> None:
    papers = list(read_path(dump_path))
    assert len(papers) == 64
    assert {p.date for p in papers} == {iso_date("Sep 2")}
    if GOLD.exists():  # the gold file holds the same papers, in order, as written
        gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
        assert [(p.title, p.abstract) for p in papers] == [(g["title"], g["abstract"]) for g in gold]
    assert len({p.id for p in papers}) == 64


def test_sources_daily_fixture_dates_follow_date_lines(sources_dir: Path) -> None:
    papers = list(read_path(sources_dir / "daily.txt"))
    assert [p.title for p in papers] == [GRAPH_SKETCH, "Small Models, Long Proofs", "Counting Birds with Drones"]
    assert [p.date[5:] for p in papers] == ["01-05", "01-05", "01-06"]
    assert papers[0].abstract.startswith("We propose GraphSketch")
    assert papers[0].source.endswith("daily.txt")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("daily.txt", "daily"),
        ("papers.jsonl", "jsonl"),
        ("papers.json", "json"),
        ("papers.csv", "csv"),
        ("hf_api.json", "json"),
        ("arxiv.xml", "atom"),
    ],
)
def test_sources_sniff_format(sources_dir: Path, name: str, fmt: str) -> None:
    path = sources_dir / name
    assert sniff_format(path, path.read_text(encoding="utf-8-sig")) == fmt


@pytest.mark.parametrize("name", ["daily.txt", "papers.jsonl", "papers.json", "papers.csv", "hf_api.json", "arxiv.xml"])
def test_sources_same_paper_same_id_across_formats(sources_dir: Path, name: str) -> None:
    first = next(iter(read_path(sources_dir / name)))
    assert first.title == GRAPH_SKETCH
    # arXiv id where the source knows it, else the title hash: never a per-source id.
    assert first.id in {"2501.00001", title_id(GRAPH_SKETCH)}


def test_sources_sniffing_without_extension(tmp_path: Path, sources_dir: Path) -> None:
    for name in ("papers.jsonl", "papers.json", "papers.csv", "arxiv.xml"):
        copy = tmp_path / name.replace(".", "_")
        copy.write_bytes((sources_dir / name).read_bytes())
        assert next(iter(read_path(copy))).title == GRAPH_SKETCH


def test_sources_hf_api_fields(sources_dir: Path) -> None:
    papers = list(read_path(sources_dir / "hf_api.json"))
    assert papers[0].id == "2501.00001"
    assert papers[0].date == "2025-01-06"  # the day it appeared on Daily Papers, not arXiv's 01-05
    assert papers[1].date == "2025-01-06"  # no listing date: arXiv's
    assert papers[0].github == "https://github.com/ex/graph-sketch"
    assert papers[0].url == "https://arxiv.org/abs/2501.00001"
    assert papers[1].github is None


def test_sources_jsonl_summary_and_blank_lines(sources_dir: Path) -> None:
    papers = list(read_path(sources_dir / "papers.jsonl"))
    assert [p.id for p in papers][0] == "2501.00001"
    assert papers[1].abstract == "We fine-tune Qwen2.5-1.5B with GRPO."
    assert papers[1].id == title_id("Small Models, Long Proofs")


def test_sources_json_cleans_text(sources_dir: Path) -> None:
    papers = list(read_path(sources_dir / "papers.json"))
    assert papers[0].id == "2501.00001"  # version stripped from the arXiv URL
    assert papers[1].title == "Café & Crème: Unicode Titles"
    assert papers[1].abstract == "Line one.\nLine two here."


def test_sources_csv_bom_crlf_and_quotes(sources_dir: Path) -> None:
    papers = list(read_path(sources_dir / "papers.csv"))
    assert papers[0].id == "2501.00001" and papers[0].date == "2025-01-05"
    assert papers[1].title == 'Commas, Quotes "and" More'
    assert papers[1].abstract == "An abstract, with commas."


def test_sources_atom(sources_dir: Path) -> None:
    (paper,) = read_path(sources_dir / "arxiv.xml")
    assert (paper.id, paper.date, paper.title) == ("2501.00001", "2025-01-05", GRAPH_SKETCH)
    assert paper.abstract == "We propose GraphSketch, a compact index."


def test_sources_read_papers_dedupes_across_files(sources_dir: Path) -> None:
    papers = list(read_papers([sources_dir / "papers.jsonl", sources_dir / "hf_api.json"]))
    # The JSONL knows "Small Models" only by title, the API by arXiv id: still one paper.
    assert [p.title for p in papers] == [GRAPH_SKETCH, "Small Models, Long Proofs"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("{not json", "bad.json", "not valid JSON"),
        ('{"title": "a", "abstract": "b"}\n{oops\n', "bad.jsonl", "line 2 is not valid JSON"),
        ("name,text\nx,y\n", "bad.csv", "needs 'title' and 'abstract' columns"),
        ('[{"abstract": "no title"}]', "notitle.json", "no 'title' field"),
        ("Just some prose without any date line.\n\nAnother paragraph.\n", "prose.txt", "no date line"),
        ("Sep 2\n\nA title alone\n", "short.txt", "has no abstract"),
        ("<feed", "bad.xml", "not valid XML"),
    ],
)
def test_sources_bad_input_raises_input_error(tmp_path: Path, content: str, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(read_path(path))


def test_sources_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_path(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a directory"):
        list(read_path(tmp_path))


def test_sources_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Sep 2\n\nCaf\xe9\n\nabstract\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_path(path))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2501.01234", "2501.01234"),
        ("2501.01234v3", "2501.01234"),
        ("arXiv:2501.01234", "2501.01234"),
        ("https://arxiv.org/abs/2501.01234v2", "2501.01234"),
        ("https://arxiv.org/pdf/2501.01234.pdf", "2501.01234"),
        # Old style: the subject class is not part of the id (arXiv writes cs/0601001).
        ("http://arxiv.org/abs/cs.LG/0601001v1", "cs/0601001"),
        ("seed-01", None),
        ("https://example.org/paper", None),
    ],
)
def test_sources_arxiv_id(value: str, expected: str | None) -> None:
    assert arxiv_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sep 2", "2026-09-02"),
        ("Dec 24", "2025-12-24"),  # after "today": last year's
        ("September 2, 2024", "2024-09-02"),
        ("2025-01-05T17:59:58.000Z", "2025-01-05"),
        ("Feb 30", None),
        ("someday", None),
        ("", None),
    ],
)
def test_sources_iso_date(value: str, expected: str | None) -> None:
    assert iso_date(value, today=dt.date(2026, 11, 25)) == expected


def test_sources_directory_reads_its_input_files(tmp_path: Path, sources_dir: Path) -> None:
    for name in ("papers.jsonl", "daily.txt"):
        (tmp_path / name).write_bytes((sources_dir / name).read_bytes())
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    titles = [p.title for p in read_papers([tmp_path])]
    # daily.txt first (sorted), then only what papers.jsonl adds.
    assert titles == [GRAPH_SKETCH, "Small Models, Long Proofs", "Counting Birds with Drones"]


def test_sources_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no input files"):
        list(read_papers([tmp_path]))


def test_sources_daily_abstract_over_several_paragraphs(tmp_path: Path) -> None:
    second = "We also release a toolkit. It runs on a laptop and needs no GPU at all, which we verify on three machines."
    path = tmp_path / "multi.txt"
    path.write_text(
        "Jan 5\n\nFirst Title\n\nWe propose a thing. It works well.\n\n"
        f"{second}\n\nSecond Title\n\nAnother abstract here.\n",
        encoding="utf-8",
    )
    papers = list(read_path(path))
    assert [p.title for p in papers] == ["First Title", "Second Title"]
    assert papers[0].abstract == f"We propose a thing. It works well.\n\n{second}"


def test_sources_utf16_with_bom(tmp_path: Path, sources_dir: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes((sources_dir / "daily.txt").read_text(encoding="utf-8").encode("utf-16"))
    assert [p.title for p in read_path(path)][0] == GRAPH_SKETCH


def test_sources_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match="the file is empty"):
        list(read_path(path))


def test_sources_absurdly_long_abstract(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"title": "T", "abstract": "word " * 30_000}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="has 149,999 characters"):
        list(read_path(path))


def test_sources_atom_without_namespace(tmp_path: Path, sources_dir: Path) -> None:
    path = tmp_path / "plain.xml"
    text = (sources_dir / "arxiv.xml").read_text(encoding="utf-8")
    path.write_text(text.replace(' xmlns="http://www.w3.org/2005/Atom"', ""), encoding="utf-8")
    assert [p.id for p in read_path(path)] == ["2501.00001"]
