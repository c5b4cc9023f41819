"""`kg lookup` pages in the store: the first ``limit`` papers per entity and the total count.

The page is the entity's own papers by id, then those of its variants by variant name and
id (``via``); the total counts both. No query of a lookup returns more rows than the page,
and "did you mean" reads a bounded set of candidates, never every entity name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest_neo4j import module_store, wipe
from kg.cli import app
from kg.errors import InputError
from kg.model import Entity, EntityType, Graph, Link, Paper, Role, Variant
from kg.store.base import QueryResult, Store
from kg.store.embedded import EmbeddedStore

M, D, MO = EntityType.METHOD, EntityType.DATASET, EntityType.MODEL
N_FILLERS = 2500  # more entities than "did you mean" may read


def _pid(n: int) -> str:
    return f"2401.{n:05d}"


# entity key -> the numbers of the papers that mention it
MENTIONS: dict[str, list[int]] = {
    "fam": [0, 1, 2, 3, 4, 5, 6],
    "fam-7b": [5, 6, 7, 8, 9],  # 5 and 6 name the family too: listed, and counted, once each way
    "fam-70b": [10, 11, 12],
    "solo": list(range(100, 160)),  # 60 papers: more than the default page of 50
    "bare-1b": [20, 21],  # its family "bare" is mentioned by no paper
    "twin-method": [30, 31, 32],
    "twin-dataset": [33, 34, 35],
}
ENTITIES = [
    Entity("fam", "Fam", MO),
    Entity("fam-7b", "Fam-7B", MO),
    Entity("fam-70b", "Fam-70B", MO),
    Entity("solo", "Solo", M, ("Solo Method",)),
    Entity("bare", "Bare", MO),
    Entity("bare-1b", "Bare-1B", MO),
    Entity("twin-method", "Twin", M),
    Entity("twin-dataset", "Twin", D),
]
VARIANTS = [("fam-7b", "fam"), ("fam-70b", "fam"), ("bare-1b", "bare")]


def paging_graph() -> Graph:
    """The entities above, plus N_FILLERS entities ("Filler Entity N") of one paper each."""
    links = [Link(_pid(n), key, Role.USES, 1, f"Paper {n} uses {key}.") for key, ns in MENTIONS.items() for n in ns]
    fillers = [Entity(f"filler-{i}", f"Filler Entity {i}", D) for i in range(N_FILLERS)]
    links += [Link(_pid(1000 + i), e.key, Role.EVALUATES_ON, 1, "x") for i, e in enumerate(fillers)]
    ids = sorted({l.paper_id for l in links})
    papers = [Paper(pid, f"Title of {pid}", f"Abstract of {pid}.", "2024-01-01", None, "test") for pid in ids]
    return Graph(papers, ENTITIES + fillers, links, [Variant(v, f) for v, f in VARIANTS], extractor_version="paging-1")


def expected(key: str, limit: int) -> tuple[int, list[tuple[str, str | None]]]:
    """(total, [(paper id, via variant name)]) for the entity ``key``, as the page should be."""
    names = {e.key: e.name for e in ENTITIES}
    own = [(_pid(n), None) for n in sorted(MENTIONS.get(key, []))]
    variants = sorted((names[v], v) for v, f in VARIANTS if f == key)
    via = [(_pid(n), vname) for vname, v in variants for n in sorted(MENTIONS[v])]
    rows = own + via
    return len(rows), rows[:limit] if limit else rows


@pytest.fixture(scope="module")
def embedded_store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("paging") / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.write(paging_graph())
    with EmbeddedStore(path) as store:  # as `kg lookup` opens it: read-only
        yield store


@pytest.fixture(scope="module")
def neo4j_store():
    for store in module_store():
        wipe(store)
        store.write(paging_graph())
        yield store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def recorded(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows each query of ``store`` returns, in order."""
    sizes: list[int] = []
    query = store.query

    def counting(cypher: str, params=None, **kw) -> QueryResult:
        result = query(cypher, params, **kw)
        sizes.append(len(result.rows))
        return result

    monkeypatch.setattr(store, "query", counting)
    return sizes


# -- the page and the total ---------------------------------------------------------------------
PAGES = [
    # name, type, limit, [(key, family, variants)] of the hits in order
    ("Fam", None, 0, [("fam", None, ["Fam-70B", "Fam-7B"])]),
    ("Fam", None, 1, [("fam", None, ["Fam-70B", "Fam-7B"])]),
    ("fam", None, 7, [("fam", None, ["Fam-70B", "Fam-7B"])]),  # exactly its own papers
    ("FAM", None, 8, [("fam", None, ["Fam-70B", "Fam-7B"])]),  # one via the first variant
    ("Fam", None, 15, [("fam", None, ["Fam-70B", "Fam-7B"])]),  # exactly everything
    ("Fam", None, 500, [("fam", None, ["Fam-70B", "Fam-7B"])]),
    ("fam 7b", None, 2, [("fam-7b", "Fam", [])]),
    ("Solo", None, 50, [("solo", None, [])]),
    ("solo-method", None, 0, [("solo", None, [])]),
    ("Bare", "model", 1, [("bare", None, ["Bare-1B"])]),  # no papers of its own: all via
    ("Twin", None, 2, [("twin-dataset", None, []), ("twin-method", None, [])]),  # per entity
    ("Twin", "method", 0, [("twin-method", None, [])]),
]


@pytest.mark.parametrize(("name", "type", "limit", "hits"), PAGES, ids=[f"{n}-{t}-{l}" for n, t, l, _ in PAGES])
def test_lookup_paging_page_and_total(store: Store, name: str, type: str | None, limit: int, hits: list) -> None:
    found = store.lookup(name, type, limit=limit)
    assert [(h.key, h.family, h.variants) for h in found] == hits
    for hit in found:
        total, rows = expected(hit.key, limit)
        assert hit.total == total
        assert [(p["id"], p["via"]) for p in hit.papers] == rows
        assert all(p["title"] == f"Title of {p['id']}" and p["role"] == "uses" for p in hit.papers)


def test_lookup_paging_default_is_fifty(store: Store) -> None:
    (hit,) = store.lookup("Solo")
    assert (len(hit.papers), hit.total) == (50, 60)
    assert [p["id"] for p in hit.papers] == [_pid(n) for n in range(100, 150)]


def test_lookup_paging_unknown_and_bad_limit(store: Store) -> None:
    assert store.lookup("no such entity", limit=0) == []
    with pytest.raises(InputError, match="limit"):
        store.lookup("Solo", limit=-1)


@pytest.mark.parametrize(("name", "limit"), [("Solo", 5), ("Fam", 3), ("Fam", 9), ("Bare", 1)])
def test_lookup_paging_reads_only_the_page(store: Store, recorded: list[int], name: str, limit: int) -> None:
    """Totals are counted in the store: no query returns more rows than the page."""
    (hit,) = store.lookup(name, limit=limit)
    assert len(hit.papers) == limit < hit.total
    assert recorded and max(recorded) <= limit


# -- did you mean ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typo", "meant"),
    [("Filler Entty 1234", "Filler Entity 1234"), ("filer entity 77", "Filler Entity 77"),
     ("Sollo", "Solo"), ("Solo Methd", "Solo"), ("Fam-7", "Fam-7B")],
)
def test_lookup_suggest_finds_close_names(store: Store, recorded: list[int], typo: str, meant: str) -> None:
    assert store.lookup(typo) == []
    assert meant in store.suggest(typo)
    assert max(recorded) <= 2000 < N_FILLERS  # the default bound, below the number of entities


def test_lookup_suggest_reads_at_most_the_candidates(store: Store, recorded: list[int]) -> None:
    close = store.suggest("Filler Entiy 1234", n=3, candidates=40)
    assert recorded == [40]  # one query, bounded
    assert close[0] == "Filler Entity 1234"
    assert store.suggest("qqqq") == [] and store.suggest("") == []


# -- the CLI ------------------------------------------------------------------------------------
runner = CliRunner()


@pytest.fixture(scope="module")
def db(embedded_store: EmbeddedStore) -> Path:
    return embedded_store.path


def kg(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_lookup_paging_says_what_it_cut(db: Path) -> None:
    result = kg("lookup", "Solo", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.count("Title of 2401.") == 50
    assert "showing 50 of 60 papers; --limit 0 for all" in result.output
    everything = kg("lookup", "Solo", "--limit", "0", "--db", db)
    assert everything.output.count("Title of 2401.") == 60 and "60 papers" in everything.output
    small = kg("lookup", "Fam", "-n", "8", "--db", db)
    assert "showing 8 of 15 papers" in small.output and "Fam-70B" in small.output


def test_cli_lookup_paging_json_has_the_total(db: Path) -> None:
    (hit,) = json.loads(kg("lookup", "Fam", "--limit", "2", "--json", "--db", db).output)
    assert (hit["total"], len(hit["papers"]), hit["variants"]) == (15, 2, ["Fam-70B", "Fam-7B"])


def test_cli_lookup_paging_rejects_a_negative_limit(db: Path) -> None:
    result = kg("lookup", "Solo", "--limit", "-1", "--db", db)
    assert result.exit_code == 2 and "--limit" in result.output


def test_cli_lookup_typo_reads_a_bounded_candidate_list(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old "did you mean" loaded every entity name (here 2,500+) into Python."""
    sizes: list[int] = []
    query = EmbeddedStore.query

    def counting(self, cypher, params=None, **kw):
        result = query(self, cypher, params, **kw)
        sizes.append(len(result.rows))
        return result

    monkeypatch.setattr(EmbeddedStore, "query", counting)
    result = kg("lookup", "Filler Entty 2042", "--db", db)
    assert result.exit_code == 1
    assert "no entity named 'Filler Entty 2042'; did you mean Filler Entity 2042" in result.output
    assert sizes and max(sizes) <= 2000 < N_FILLERS
