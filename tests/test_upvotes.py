"""Upvotes: read where the source gives them, stored on both stores, and a change of upvotes
alone is a property update on rebuild, never a re-extraction (nor a change of the content hash)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import ladybug
import pytest

from kg.build import build
from kg.model import Paper
from kg.sources import read_papers
from kg.store.embedded import EmbeddedStore
from test_remove import DAYS, STORES, FIX, Stores, dump, write_days

HF = {"paper": {"id": "2501.00009", "title": "A Paper", "summary": "We study things."}}


def _hf(paper: dict | None = None, **top) -> dict:
    return {"paper": {**HF["paper"], **(paper or {})}, **top}


# (case, file name, text, upvotes read)
READS = [
    ("HF API paper.upvotes", "a.json", json.dumps([_hf({"upvotes": 12})]), 12),
    ("HF API top-level upvotes", "a.json", json.dumps([_hf(upvotes=3)]), 3),
    ("paper.upvotes wins over the top level", "a.json", json.dumps([_hf({"upvotes": 5}, upvotes=3)]), 5),
    ("zero is a count", "a.json", json.dumps([_hf({"upvotes": 0})]), 0),
    ("none given", "a.json", json.dumps([_hf()]), None),
    ("JSONL record", "a.jsonl", json.dumps({"title": "A Paper", "abstract": "We study.", "upvotes": 7}), 7),
    ("CSV column", "a.csv", "title,abstract,upvotes\nA Paper,We study.,21\n", 21),
    ("CSV empty cell", "a.csv", "title,abstract,upvotes\nA Paper,We study.,\n", None),
]
# (case, value): not a whole number >= 0; the paper is kept without upvotes and a warning says why
BAD = [("negative", -1), ("fraction", 1.5), ("text", "many"), ("boolean", True), ("list", [1])]


@pytest.mark.parametrize(("case", "name", "text", "upvotes"), READS, ids=[c[0] for c in READS])
def test_upvotes_read_from_the_source(tmp_path: Path, case: str, name: str, text: str, upvotes: int | None) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (paper,) = read_papers([tmp_path / name])
    assert paper.upvotes == upvotes


@pytest.mark.parametrize(("case", "value"), BAD, ids=[c[0] for c in BAD])
def test_upvotes_wrong_value_keeps_the_paper(tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str, value) -> None:
    (tmp_path / "a.json").write_text(json.dumps([_hf({"upvotes": value})]), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        (paper,) = read_papers([tmp_path / "a.json"])
    assert (paper.id, paper.upvotes) == ("2501.00009", None)
    assert "'upvotes' is not a whole number >= 0" in caplog.text and "record 1" in caplog.text


def test_upvotes_not_in_the_content_hash() -> None:
    paper = Paper("2501.00009", "A Paper", "We study things.")
    assert Paper("2501.00009", "A Paper", "We study things.", upvotes=40).content_hash == paper.content_hash


def _set_upvotes(path: Path, changes: dict[str, int | None]) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        pid = record["paper"]["id"]
        if pid in changes:
            if changes[pid] is None:
                record["paper"].pop("upvotes")
            else:
                record["paper"]["upvotes"] = changes[pid]
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")


def _upvotes(store) -> dict[str, int | None]:
    return dict(store.query("MATCH (p:Paper) RETURN p.id, p.upvotes ORDER BY p.id").rows)


@pytest.mark.parametrize("store_kind", STORES)
def test_upvotes_change_alone_is_a_property_update(store_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stores = Stores(store_kind, tmp_path)
    try:
        write_days(tmp_path / "d", days=DAYS[:1])
        monkeypatch.chdir(tmp_path / "d")
        with stores.fresh() as store:
            build(DAYS[:1], store, workers=1)
            assert _upvotes(store) == {"2501.10001": 12, "2501.10002": 30, "2501.10003": 7}
            hashes = {row[0]: row[7] for row in dump(store)["papers"]}
            # New upvotes for one paper: the file is read again, nothing is extracted.
            _set_upvotes(Path("day1.json"), {"2501.10002": 31})
            again = build(DAYS[:1], store, workers=1)
            assert (again.files_skipped, again.papers_extracted, again.papers_written) == (0, 0, 0)
            assert (again.papers_unchanged, again.upvotes_updated) == (3, 1)
            assert _upvotes(store) == {"2501.10001": 12, "2501.10002": 31, "2501.10003": 7}
            assert {row[0]: row[7] for row in dump(store)["papers"]} == hashes
            # A source without upvotes never erases the stored ones.
            _set_upvotes(Path("day1.json"), {"2501.10001": None})
            quiet = build(DAYS[:1], store, workers=1)
            assert (quiet.papers_extracted, quiet.upvotes_updated) == (0, 0)
            assert _upvotes(store)["2501.10001"] == 12
            # Unchanged since: the file is not even read.
            same = build(DAYS[:1], store, workers=1)
            assert (same.files_skipped, same.upvotes_updated) == (1, 0)
            # A text change with new upvotes: re-extracted once, upvotes set with it.
            records = json.loads(Path("day1.json").read_text(encoding="utf-8"))
            records[2]["paper"]["summary"] += " We also report MT-Bench."
            records[2]["paper"]["upvotes"] = 8
            Path("day1.json").write_text(json.dumps(records), encoding="utf-8")
            changed = build(DAYS[:1], store, workers=1)
            assert (changed.papers_extracted, changed.papers_written, changed.upvotes_updated) == (1, 1, 0)
            assert _upvotes(store)["2501.10003"] == 8
            result = dump(store)
        # The same as a fresh build of the file as it now is (upvotes aside for the paper whose
        # source dropped them: the store kept its 12).
        with stores.fresh() as store:
            build(DAYS[:1], store, workers=1)
            fresh = dump(store)
        fresh["papers"] = [row[:9] + [12 if row[0] == "2501.10001" else row[9]] for row in fresh["papers"]]
        assert result == fresh
    finally:
        stores.close()


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk first build", "row by row"])
def test_upvotes_stored_by_either_write_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool) -> None:
    monkeypatch.chdir(FIX)
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.bulk_load = bulk
        build(DAYS, store, workers=1)
        assert _upvotes(store) == {
            "2501.10001": 12, "2501.10002": 30, "2501.10003": 7, "2501.20001": 4, "2501.20002": 19,
            "2501.20003": 9, "2501.30001": 41, "2501.30002": 15,
        }
        assert {p.id: p.upvotes for p in store.load_graph().papers}["2501.30001"] == 41


def test_upvotes_column_added_to_an_older_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph built before papers had upvotes gets the column when a build opens it."""
    path = tmp_path / "old.lbdb"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    conn.execute(
        "CREATE NODE TABLE Paper(id STRING, title STRING, abstract STRING, date STRING, url STRING, source STRING, "
        "tkey STRING, hash STRING, extractor STRING, PRIMARY KEY(id))"
    )
    conn.execute("CREATE (p:Paper {id: 'old-1', title: 'Old', abstract: 'Kept.', hash: 'h', extractor: 'x'})")
    conn.close()
    db.close()
    monkeypatch.chdir(FIX)
    with EmbeddedStore(path, writable=True) as store:
        build(DAYS[:1], store, workers=1)
        assert _upvotes(store) == {"old-1": None, "2501.10001": 12, "2501.10002": 30, "2501.10003": 7}


def test_upvotes_set_statement_follows_the_batch(tmp_path: Path) -> None:
    from conftest import profile_max_rows

    from kg.model import Graph

    papers = [Paper(f"2401.{i:05d}", f"Paper {i}", f"Abstract {i}.") for i in range(2000)]
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(Graph(papers, [], [], [], extractor_version="cost-1"))
        rows = [{"id": f"2401.{i:05d}", "upvotes": i} for i in range(100, 105)]
        assert profile_max_rows(store, store.SET_UPVOTES, {"rows": rows}) <= 50


def test_upvotes_build_says_how_many_were_updated(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    day = tmp_path / "day1.json"
    records = json.loads((FIX / "day1.json").read_text(encoding="utf-8"))
    day.write_text(json.dumps(records), encoding="utf-8")
    args = ["build", str(day), "--db", str(tmp_path / "g.lbdb"), "--workers", "1"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    records[0]["paper"]["upvotes"] = records[0]["paper"]["upvotes"] + 5
    day.write_text(json.dumps(records), encoding="utf-8")
    text = CliRunner().invoke(app, args)
    assert text.exit_code == 0, text.output
    assert f"Wrote 0 papers ({len(records)} unchanged, upvotes of 1 paper updated)" in text.stdout
    again = CliRunner().invoke(app, [*args, "--json"])
    summary = json.loads(again.stdout)
    assert (summary["upvotes_updated"], summary["papers_extracted"]) == (0, 0)
