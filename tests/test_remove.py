"""``kg remove``: papers go with their links and the entities left with no paper, on both
stores, and the graph left behind is exactly a fresh build of the papers that remain.

The inputs are three invented Daily Papers days in the HF API format
(``tests/fixtures/incremental``). Each case builds them, removes some papers, and compares a
full dump (papers, entities, links, variants) with a build of the same files minus the
removed papers, under the same file names (sources are part of the dump).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest_neo4j import connect_neo4j, wipe
from kg.build import build
from kg.cli import app
from kg.errors import InputError
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from conftest import profile_max_rows

FIX = Path(__file__).resolve().parent / "fixtures" / "incremental"
DAYS = ["day1.json", "day2.json", "day3.json"]


def dump(store: Store) -> dict[str, list]:
    """Everything stored, as sorted plain data (hashes, versions and upvotes included)."""
    q = store.query
    return {
        "papers": q("MATCH (p:Paper) RETURN p.id, p.title, p.abstract, p.date, p.url, p.source, p.tkey, p.hash, "
                    "p.extractor, p.upvotes ORDER BY p.id").rows,
        "entities": q("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases, e.keys ORDER BY e.key").rows,
        "links": q("MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.count, m.evidence "
                   "ORDER BY p.id, e.key").rows,
        "variants": q("MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.key, f.key ORDER BY v.key, f.key").rows,
    }


def write_days(where: Path, drop: set[str] = frozenset(), days: list[str] = DAYS) -> list[str]:
    """The day files in ``where`` without the papers ``drop``; the names of those with a paper left."""
    where.mkdir(parents=True, exist_ok=True)
    kept = []
    for name in days:
        records = [r for r in json.loads((FIX / name).read_text(encoding="utf-8")) if r["paper"]["id"] not in drop]
        if records:
            (where / name).write_text(json.dumps(records, indent=1), encoding="utf-8")
            kept.append(name)
    return kept


class Stores:
    """Opens the store under test: a fresh embedded file each time, or the emptied Neo4j database."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind, self.tmp, self.n = kind, tmp, 0
        self.neo = connect_neo4j() if kind == "neo4j" else None

    def fresh(self) -> Store:
        if self.neo is not None:
            wipe(self.neo)
            return _Unclosed(self.neo)
        self.n += 1
        return EmbeddedStore(self.tmp / f"g{self.n}.lbdb", writable=True)

    def close(self) -> None:
        if self.neo is not None:
            wipe(self.neo)
            self.neo.close()


class _Unclosed:
    """The shared Neo4j store in a ``with`` block that does not close it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        pass


STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def fresh_dump(stores: Stores, where: Path, drop: set[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """A build of the day files without ``drop``, read under the same names, dumped."""
    kept = write_days(where, drop)
    monkeypatch.chdir(where)
    with stores.fresh() as store:
        if kept:
            build(kept, store, workers=1)
        return dump(store)


# (case, ids, --before, --source, papers removed): each leaves a fresh build of the rest
CASES = [
    ("one id, its own entities go", ["2501.10003"], None, None, {"2501.10003"}),
    ("ids of two days, a variant and its family go", ["2501.10003", "2501.20001"], None, None,
     {"2501.10003", "2501.20001"}),
    ("before a date", [], "2025-01-07", None, {"2501.10001", "2501.10002", "2501.10003"}),
    ("a source file", [], None, "day2.json", {"2501.20001", "2501.20002", "2501.20003"}),
    ("ids and a source together", ["2501.10002"], None, "day3.json", {"2501.10002", "2501.30001", "2501.30002"}),
    ("every paper", [], "2026", None, {"2501.10001", "2501.10002", "2501.10003", "2501.20001", "2501.20002",
                                        "2501.20003", "2501.30001", "2501.30002"}),
]


# On Neo4j (slower to build) the cases that cover every selector and a variant with its family.
NEO4J_CASES = {CASES[1][0], CASES[2][0], CASES[4][0]}
BOTH = [
    pytest.param(kind, *case, id=f"{case[0]}-{kind}", marks=[pytest.mark.neo4j] if kind == "neo4j" else [])
    for case in CASES
    for kind in ("embedded", "neo4j")
    if kind == "embedded" or case[0] in NEO4J_CASES
]


@pytest.mark.parametrize(("kind", "case", "ids", "before", "source", "gone"), BOTH)
def test_remove_leaves_a_fresh_build_of_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    kind: str, case: str, ids: list[str], before: str | None, source: str | None, gone: set[str],
) -> None:
    stores = Stores(kind, tmp_path)
    try:
        _check_removal(stores, tmp_path, monkeypatch, ids, before, source, gone)
    finally:
        stores.close()


def _check_removal(
    stores: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    ids: list[str], before: str | None, source: str | None, gone: set[str],
) -> None:
    expected = fresh_dump(stores, tmp_path / "fresh", gone, monkeypatch)
    write_days(tmp_path / "all")
    monkeypatch.chdir(tmp_path / "all")
    with stores.fresh() as store:
        build(DAYS, store, workers=1)
        full = dump(store)
        chosen = store.select_papers(ids, before=before, source=source)
        assert set(chosen) == gone
        planned = store.remove_papers(chosen, dry_run=True)
        assert dump(store) == full  # a dry run changes nothing
        done = store.remove_papers(chosen, batch_size=2)
        after = dump(store)
    assert after == expected
    # What the result says went is what went, and the dry run said the same.
    assert [p["id"] for p in done.papers] == sorted(gone)
    went = {row[0] for row in full["entities"]} - {row[0] for row in after["entities"]}
    assert {e["key"] for e in done.entities} == went
    assert done.links == len(full["links"]) - len(after["links"]) > 0
    assert done.variants == len(full["variants"]) - len(after["variants"])
    assert (planned.papers, planned.entities, planned.links, planned.variants) == (
        done.papers, done.entities, done.links, done.variants,
    )
    assert planned.dry_run and not done.dry_run


def test_remove_cases_are_not_trivial() -> None:
    """The table covers entities that stay, entities that go, and variant links that go."""
    assert any(len(gone) == 1 for *_, gone in CASES) and any(len(gone) == 8 for *_, gone in CASES)
    families = {"2501.20001"}  # Qwen2.5-VL-7B, the only paper naming the Qwen2.5-VL family
    assert any(families <= gone for *_, gone in CASES)


@pytest.mark.parametrize("store_kind", STORES)
def test_remove_then_rebuild_re_adds_only_the_removed_papers(
    store_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = Stores(store_kind, tmp_path)
    try:
        write_days(tmp_path / "all")
        monkeypatch.chdir(tmp_path / "all")
        with stores.fresh() as store:
            build(DAYS, store, workers=1)
            full = dump(store)
            unchanged = build(DAYS, store, workers=1)
            assert (unchanged.files_skipped, unchanged.papers_extracted) == (3, 0)
            store.remove_papers(store.select_papers(source="day2.json"))
            # The fingerprints were forgotten: day2.json is read again and its papers come back.
            again = build(DAYS, store, workers=1)
            assert (again.files_skipped, again.papers_extracted, again.papers_unchanged) == (0, 3, 5)
            assert dump(store) == full
    finally:
        stores.close()


def test_remove_unknown_id_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_days(tmp_path)
    monkeypatch.chdir(tmp_path)
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        build(DAYS[:1], store, workers=1)
        before = dump(store)
        with pytest.raises(InputError, match=r"no paper '2501\.99999' in the graph; nothing was removed"):
            store.select_papers(["2501.10001", "2501.99999"])
        with pytest.raises(InputError, match=r"--source 'day9\.json': no paper in the graph came from it; "
                                             r"the graph's sources are: day1\.json"):
            store.select_papers(source="day9.json")
        with pytest.raises(InputError, match=r"--before '2025-02-30' is not a date"):
            store.select_papers(before="2025-02-30")
        assert store.select_papers(before="2025-01-06") == []  # nothing dated before: not an error
        assert store.select_papers(source=str(tmp_path / "day1.json")) == ["2501.10001", "2501.10002", "2501.10003"]
        # a caller that takes the missing ones (a removal run again) gets the held ones...
        missing: list[str] = []
        assert store.select_papers(["2501.99999", "2501.10001"], missing=missing) == ["2501.10001"]
        assert missing == ["2501.99999"]
        # ...but none held is still an error
        with pytest.raises(InputError, match=r"no paper '2501\.99999' in the graph"):
            store.select_papers(["2501.99999"], missing=[])
        assert dump(store) == before


def test_remove_cli_run_again_after_an_interruption_removes_the_rest(built: Path) -> None:
    """`kg remove A B C` killed after A went: the same command again removes B and C, and says A was gone."""
    first = kg("remove", "2501.10001", "--db", built)
    assert first.exit_code == 0, first.output
    again = kg("remove", "2501.10001", "2501.10002", "--db", built, "--json")
    assert again.exit_code == 0, again.output
    assert [p["id"] for p in json.loads(again.stdout)["papers"]] == ["2501.10002"]
    assert again.stderr.replace("\n", " ").startswith("Warning: not in the graph (removed before?): 2501.10001")
    # every id gone: nothing to do is an error, as for a mistyped id
    done = kg("remove", "2501.10001", "2501.10002", "--db", built)
    assert done.exit_code == 1 and "no paper '2501.10001' in the graph (and 1 more)" in done.stderr


def test_remove_killed_between_or_inside_batches_leaves_no_orphan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction per batch: a failure inside one rolls it back, the batches before stay
    whole (no orphan), and removing the rest gives the fresh build of what remains."""
    gone = {"2501.10003", "2501.20001", "2501.20003"}
    stores = Stores("embedded", tmp_path)
    expected = fresh_dump(stores, tmp_path / "fresh", gone, monkeypatch)
    write_days(tmp_path / "all")
    monkeypatch.chdir(tmp_path / "all")
    with EmbeddedStore(tmp_path / "all.lbdb", writable=True) as store:
        build(DAYS, store, workers=1)
        real = store._conn
        statements: list[str] = []

        class Dying:
            """The connection, failing at the second batch's orphan sweep (after its DELETE_PAPERS)."""

            def __getattr__(self, name: str):
                return getattr(real, name)

            def execute(self, cypher: str, *args, **kwargs):
                statements.append(cypher)
                if cypher == store.DELETE_ORPHANS_AMONG and statements.count(store.DELETE_PAPERS) == 2:
                    raise RuntimeError("killed")
                return real.execute(cypher, *args, **kwargs)

        store._conn = Dying()
        with pytest.raises(RuntimeError, match="killed"):
            store.remove_papers(sorted(gone), batch_size=1)
        store._conn = real
        ids = {row[0] for row in dump(store)["papers"]}
        assert "2501.10003" not in ids and {"2501.20001", "2501.20003"} <= ids  # batch 1 done, batch 2 undone
        orphans = store.query(
            "MATCH (e:Entity) WHERE NOT (e)<-[:MENTIONS]-(:Paper) AND NOT (e)<-[:VARIANT_OF]-(:Entity) RETURN e.key"
        ).rows
        assert orphans == []
        store.remove_papers(store.select_papers(["2501.20001", "2501.20003"]))
        assert dump(store) == expected


# -- cost: the statements a removal runs look rows up by key --------------------------------

def test_remove_statements_follow_the_batch(tmp_path: Path) -> None:
    from kg.bench import synthetic_papers
    from kg.model import Entity, EntityType, Graph, Link, Paper, Role

    papers = [Paper(f"2401.{i:05d}", f"{p.title} {i}", p.abstract) for i, p in enumerate(synthetic_papers(1500, seed=3))]
    entities = [Entity(f"e{j}", f"E{j}", EntityType.METHOD) for j in range(300)]
    links = [Link(p.id, f"e{(i * 7 + k) % 300}", Role.USES) for i, p in enumerate(papers) for k in range(4)]
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(Graph(papers, entities, links, [], extractor_version="cost-1"))
        ids = [p.id for p in papers[100:105]]
        statements = [
            (store.DELETE_PAPERS, {"rows": [{"id": i} for i in ids]}),
            ("UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[:MENTIONS]->(e:Entity) RETURN e.key, count(e)",
             {"ids": ids}),
            ("UNWIND $ids AS i MATCH (p:Paper {id: i}) RETURN p.id, p.title, p.date, p.source", {"ids": ids}),
        ]
        for cypher, params in statements:
            assert profile_max_rows(store, cypher, params) <= 50, cypher
        # The check can fail: the same removal by a filter over the table reads every paper.
        scan = "MATCH (p:Paper) WHERE p.id IN $ids DETACH DELETE p"
        assert profile_max_rows(store, scan, {"ids": ids}) >= 1500


@pytest.mark.neo4j
def test_remove_statements_on_neo4j_seek_by_key() -> None:
    store = connect_neo4j()
    try:
        rows = [{"id": "2401.00001", "key": "e1"}]
        for cypher in (store.DELETE_PAPERS, store.DELETE_ORPHANS_AMONG, store.SET_UPVOTES):
            with store._driver.session(database=store.database) as session:
                plan = session.run("EXPLAIN " + cypher, {"rows": [dict(r, upvotes=1) for r in rows]}).consume().plan
            ops = _operators(plan)
            assert not [op for op in ops if op.startswith(("AllNodesScan", "NodeByLabelScan"))], (cypher, ops)
    finally:
        wipe(store)
        store.close()


def _operators(plan) -> list[str]:
    if not plan:
        return []
    return [str(plan.get("operatorType", "")).split("@", 1)[0], *(o for c in plan.get("children", []) for o in _operators(c))]


# -- the command --------------------------------------------------------------------------
@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_days(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        build(DAYS, store, workers=1)
    return tmp_path / "g.lbdb"


def kg(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_remove_cli_dry_run_lists_and_changes_nothing(built: Path) -> None:
    with EmbeddedStore(built) as store:
        before = dump(store)
    result = kg("remove", "2501.10003", "--dry-run", "--db", built)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Would remove 1 paper:"
    assert re.match(r"2501\.10003\s+2025-01-06\s+day1\.json\s+Lantern: Drafting Tokens With a Tiny Model", lines[2])
    assert lines[3] == "with 1 entity no other paper mentions: Lantern (method)"  # MBPP: day 3 too
    assert lines[4] == "4 mentions and 0 variant links would go; nothing was changed (dry run)"
    with EmbeddedStore(built) as store:
        assert dump(store) == before


def test_remove_cli_json_and_counts(built: Path) -> None:
    result = kg("remove", "--source", "day2.json", "--json", "--db", built)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["id"] for p in data["papers"]] == ["2501.20001", "2501.20002", "2501.20003"]
    assert {e["name"] for e in data["entities"]} >= {"OrbitCap", "CodeDraft", "Qwen2.5-VL", "Qwen2.5-VL-7B"}
    assert data["dry_run"] is False and data["variants"] == 1 and data["graph"]["papers"] == 5
    text = kg("remove", "2501.30001", "--db", built)  # MT-Bench and AlpacaEval are its own
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        "Removed 1 paper, 5 mentions, 2 entities left with no paper and 0 variant links",
        f"Graph: 4 papers, {data['graph']['entities'] - 2} entities, {data['graph']['mentions'] - 5} mentions",
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "give paper ids, --before DATE or --source FILE"),
        (["2501.99999"], 1, "Error: no paper '2501.99999' in the graph; nothing was removed"),
        (["--before", "yesterday"], 1, "Error: --before 'yesterday' is not a date"),
        (["--source", "nowhere.json"], 1, "Error: --source 'nowhere.json': no paper in the graph came from it"),
    ],
)
def test_remove_cli_user_mistakes_are_one_line(built: Path, args: list[str], code: int, message: str) -> None:
    result = kg("remove", *args, "--db", built)
    assert result.exit_code == code
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_remove_cli_nothing_before_a_date(built: Path) -> None:
    result = kg("remove", "--before", "2024-01-01", "--db", built)
    assert (result.exit_code, result.output) == (0, "Nothing to remove: no paper is dated before 2024-01-01\n")


def test_remove_cli_help_has_an_example() -> None:
    result = kg("remove", "--help")
    assert result.exit_code == 0 and "kg remove 2501.10003 --dry-run" in result.output
