"""Building day after day into one store: day 1, then days 1+2, then 1+2+3 extract only the
new day's papers and store exactly a fresh build of all of them; a changed paper or extractor
is re-extracted with its links replaced; ``kg stats`` says what the graph covers; ``kg export
--since/--until`` and ``cypher/trending_entities.cypher`` use the papers' dates."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.store.cypher_files import load_query
from kg.store.embedded import EmbeddedStore
from test_remove import DAYS, STORES, Stores, dump, write_days

ROOT = Path(__file__).resolve().parents[1]
TRENDING = ROOT / "cypher" / "trending_entities.cypher"


@pytest.fixture(params=STORES)
def stores(request: pytest.FixtureRequest, tmp_path: Path):
    s = Stores(request.param, tmp_path)
    yield s
    s.close()


@pytest.fixture
def days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three day files in a directory that is the working directory (sources are relative)."""
    write_days(tmp_path / "days")
    monkeypatch.chdir(tmp_path / "days")
    return tmp_path / "days"


def test_incremental_day_after_day_equals_a_fresh_build(stores: Stores, days: Path) -> None:
    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        fresh = dump(store)
    with stores.fresh() as store:
        first = build(DAYS[:1], store, workers=1)
        assert (first.papers_extracted, first.papers_written) == (3, 3)
        second = build(DAYS[:2], store, workers=1)
        # Day 1's file is not read again, its papers not extracted: only day 2's are.
        assert (second.files_skipped, second.papers_unchanged, second.papers_extracted, second.papers_written) == (
            1, 3, 3, 3,
        )
        third = build(DAYS, store, workers=1)
        assert (third.files_skipped, third.papers_unchanged, third.papers_extracted) == (2, 6, 2)
        assert dump(store) == fresh
        again = build(DAYS, store, workers=1)
        assert (again.files_skipped, again.papers_extracted, again.papers_written) == (3, 0, 0)
        assert dump(store) == fresh


def test_incremental_changed_text_replaces_links_and_sweeps_orphans(stores: Stores, days: Path) -> None:
    """A paper whose text changed is the only one re-extracted; its old MENTIONS go, and an entity
    only it named (Lantern) goes with them."""
    records = json.loads(Path("day1.json").read_text(encoding="utf-8"))
    records[2]["paper"]["summary"] = (
        "We introduce a speculative decoding method in which a tiny draft model proposes tokens that "
        "Llama-3-70B verifies. On HumanEval it is 2.4x faster than greedy decoding."
    )
    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        assert store.lookup("Lantern")
        Path("day1.json").write_text(json.dumps(records), encoding="utf-8")
        changed = build(DAYS, store, workers=1)
        assert (changed.files_skipped, changed.papers_extracted, changed.papers_written) == (2, 1, 1)
        assert store.lookup("Lantern") == []
        after = dump(store)
    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        assert dump(store) == after
    assert [row for row in after["links"] if row[0] == "2501.10003"] and "lantern" not in {r[0] for r in after["entities"]}


def test_incremental_new_extractor_version_re_extracts_everything(
    days: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        build(DAYS, store, workers=1)
        monkeypatch.setattr("kg.extract.EXTRACTOR_VERSION", "9.9.9-test")
        redone = build(DAYS, store, workers=1)
        assert (redone.files_skipped, redone.papers_extracted, redone.papers_written) == (0, 8, 8)
        after = dump(store)
    assert {row[8] for row in after["papers"]} == {"9.9.9-test"}
    with EmbeddedStore(tmp_path / "fresh.lbdb", writable=True) as store:
        build(DAYS, store, workers=1)
        assert dump(store) == after


# -- what the graph covers: kg stats --------------------------------------------------------
def test_incremental_stats_coverage_on_both_stores(stores: Stores, days: Path) -> None:
    with stores.fresh() as store:
        build(DAYS[:2], store, workers=1)
        store.query("CREATE (p:Paper {id: 'undated-1', title: 'Undated', abstract: 'x', date: '', source: '', "
                    "extractor: ''})", write=True)
        assert store.coverage() == {
            "dates": {"first": "2025-01-06", "last": "2025-01-07", "dated": 6, "undated": 1},
            "sources": {"": 1, "day1.json": 3, "day2.json": 3},
            "extractors": {"": 1, _version(): 6},
        }


def _version() -> str:
    from kg.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def test_incremental_stats_command(days: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    db = tmp_path / "g.lbdb"
    with EmbeddedStore(db, writable=True) as store:
        build(DAYS, store, workers=1)
    runner = CliRunner()
    data = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).output)
    assert data["papers"] == 8
    assert data["dates"] == {"first": "2025-01-06", "last": "2025-01-08", "dated": 8, "undated": 0}
    assert data["sources"] == {"day1.json": 3, "day2.json": 3, "day3.json": 2}
    assert data["extractors"] == {_version(): 8}
    text = runner.invoke(app, ["stats", "--db", str(db)]).output.splitlines()
    assert text[-3:] == [
        "dates: 2025-01-06 .. 2025-01-08 (8 dated papers)",
        "sources: day1.json (3), day2.json (3), day3.json (2)",
        f"extractor: {_version()} (8 papers)",
    ]


# -- kg export --since / --until ------------------------------------------------------------
# (flags, papers kept)
WINDOWS = [
    (["--until", "2025-01-06"], {"2501.10001", "2501.10002", "2501.10003"}),
    (["--since", "2025-01-07", "--until", "2025-01-07"], {"2501.20001", "2501.20002", "2501.20003"}),
    (["--since", "2025-01-08"], {"2501.30001", "2501.30002"}),
    (["--until", "2025-01"], {f"2501.{d}000{i}" for d in (1, 2) for i in (1, 2, 3)} | {"2501.30001", "2501.30002"}),
    (["--until", "2024-12-31"], set()),
]


@pytest.mark.parametrize(("flags", "kept"), WINDOWS, ids=[" ".join(f) for f, _ in WINDOWS])
@pytest.mark.parametrize("view", ["papers", "bipartite"])
def test_incremental_export_window(
    stores: Stores, days: Path, tmp_path: Path, flags: list[str], kept: set[str], view: str
) -> None:
    """Only the papers in the window and the entities they mention, on both stores."""
    from kg.export.formats import project
    from kg.export.html import ExportOptions

    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        full = dump(store)
        options = dict(zip([f.lstrip("-") for f in flags[::2]], flags[1::2]))
        g, report = project(store, ExportOptions(view=view, **options))
    mentioned = {key for pid, key, *_ in full["links"] if pid in kept}
    if view == "bipartite":
        assert set(g.nodes) == {f"p:{p}" for p in kept} | {f"e:{k}" for k in mentioned}
    else:
        assert set(g.nodes) == kept
    if flags[0] == "--until":
        assert report.notes[0].startswith(f"{len(kept)} of 8 papers dated ")


def test_incremental_export_until_command(days: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    db = tmp_path / "g.lbdb"
    with EmbeddedStore(db, writable=True) as store:
        build(DAYS, store, workers=1)
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--html", str(tmp_path / "w.html"), "--db", str(db), "--until", "2025-01-06"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {tmp_path / 'w.html'}: 3 nodes, 1 edge; 3 of 8 papers dated on or before 2025-01-06\n"
    for args, message in (
        (["--until", "2025-13"], "'2025-13' is not a valid date"),
        (["--since", "2025-01-08", "--until", "2025-01-07"], "2025-01-07 is before --since 2025-01-08"),
    ):
        bad = runner.invoke(app, ["export", "--html", str(tmp_path / "x.html"), "--db", str(db), *args])
        assert bad.exit_code == 2 and message in " ".join(bad.output.split())


# -- cypher/trending_entities.cypher --------------------------------------------------------
def trending_reference(graph, days: int = 7, since: str = "", min_papers: int = 2, limit: int = 20) -> list[list]:
    """The query's rows computed in Python from the stored graph."""
    dated = {p.id: p.date[:10] for p in graph.papers if p.date}
    newest = sorted(set(dated.values()), reverse=True)[:days]
    first = since or min(newest)
    window = sum(1 for d in dated.values() if d >= first)
    before_all = len(dated) - window
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for link in graph.links:
        if link.paper_id in dated:
            counts[link.entity_key][0 if dated[link.paper_id] >= first else 1] += 1
    entities = {e.key: e for e in graph.entities}
    rows = []
    for key, (w, b) in counts.items():
        share_w, share_b = w / window if window else 0.0, b / before_all if before_all else 0.0
        if w >= min_papers and w > 0 and share_w > share_b:
            gain = round(100 * (share_w - share_b), 1)
            rows.append([entities[key].name, entities[key].type.value, w, b, round(100 * share_w, 1),
                         round(100 * share_b, 1), gain, first, key])
    rows.sort(key=lambda r: (-r[6], -r[2], r[0], r[8]))
    return rows[:limit]


# (params): the defaults, a one-day window, a window from a date
TRENDS = [{}, {"days": 1, "min_papers": 1}, {"since": "2025-01-07", "min_papers": 1}]


@pytest.mark.parametrize("params", TRENDS, ids=["defaults", "newest day", "since a date"])
def test_incremental_trending_entities(stores: Stores, days: Path, params: dict) -> None:
    text, defaults = load_query(TRENDING)
    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        rows = store.query(text, {**defaults, **params}).rows
        expected = trending_reference(store.load_graph(), **{**defaults, **params})
    assert rows == expected and rows


def test_incremental_trending_window_is_the_newest_days(days: Path, tmp_path: Path) -> None:
    text, defaults = load_query(TRENDING)
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        build(DAYS, store, workers=1)
        rows = store.query(text, {**defaults, "days": 1, "min_papers": 1}).rows
    # Day 3 alone: DPO (2 of its 2 papers, 1 of 6 before) rises; MT-Bench is new.
    assert {r[7] for r in rows} == {"2025-01-08"}
    by_name = {r[0]: r for r in rows}
    assert by_name["DPO"][2:7] == [2, 1, 100.0, 16.7, 83.3]
    assert by_name["MT-Bench"][2:4] == [1, 0]
    assert "GSM8K" not in by_name  # only before the window
