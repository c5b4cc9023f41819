"""The streaming build: the same graph whatever the chunk size, the number of workers or the
write path (bulk COPY into an empty store, row by row otherwise); unchanged papers are not
extracted again; a bulk load killed half-way leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from kg.bench import synthetic_papers
from kg.build import build
from kg.store.embedded import EmbeddedStore

DEV = ROOT.parent / "shared" / "data" / "daily-papers-sep-02.txt"


def dump(path: Path) -> dict:
    """Everything stored, as sorted plain data (hashes and extractor versions included)."""
    with EmbeddedStore(path) as store:
        q = store.query
        return {
            "papers": q("MATCH (p:Paper) RETURN p.id, p.title, p.abstract, p.date, p.url, p.source, p.tkey, p.hash, "
                        "p.extractor ORDER BY p.id").rows,
            "entities": q("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases, e.keys ORDER BY e.key").rows,
            "links": q("MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.count, m.evidence "
                       "ORDER BY p.id, e.key").rows,
            "variants": q("MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.key, f.key ORDER BY v.key, f.key").rows,
            "names": q("MATCH (p:Paper)-[:NAMES]->(e:Entity) RETURN p.id, e.key ORDER BY p.id, e.key").rows,
        }


def built(path: Path, inputs: list[Path], *, bulk: bool = True, **options) -> dict:
    with EmbeddedStore(path, writable=True) as store:
        store.bulk_load = bulk
        result = build(inputs, store, **options)
    return {"result": result, "dump": dump(path)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Our example papers, plus 700 synthetic ones as JSONL (enough to start worker processes)
    and one that names a checkpoint beside its system (a NAMES link)."""
    root = tmp_path_factory.mktemp("stream")
    synthetic = root / "synthetic.jsonl"
    with synthetic.open("w", encoding="utf-8") as f:
        for i, p in enumerate(synthetic_papers(700, seed=11)):
            f.write(json.dumps({"id": f"2410.{i + 1:05d}", "title": f"{p.title} ({i})", "abstract": p.abstract}) + "\n")
        f.write(json.dumps({"id": "2410.99999", "title": "SketchNet: Diffusion for Line Drawings",
                            "abstract": "We introduce SketchNet, a diffusion model for line drawings. Our "
                                        "SketchNet-Large checkpoint beats PixelDraw on QuickDraw."}) + "\n")
    inputs = [EXAMPLE, synthetic]
    if DEV.exists():
        inputs.insert(1, DEV)
    return inputs


@pytest.fixture(scope="module")
def reference(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    return built(tmp_path_factory.mktemp("ref") / "g.lbdb", corpus, workers=1)


# (chunk size, workers, bulk): each must store exactly the reference graph
VARIANTS = [
    (3, 1, True),  # tiny chunks: the resolver sees every paper, the writer a few at a time
    (1, 1, False),  # one paper a step, row by row
    (2000, 2, True),  # two worker processes
    (50, 2, False),  # workers and small chunks, row by row
    (100000, 1, False),  # one chunk, row by row
]


@pytest.mark.parametrize("chunk_size, workers, bulk", VARIANTS)
def test_build_stream_same_graph_for_any_chunking_workers_or_path(
    corpus: list[Path], reference: dict, tmp_path: Path, chunk_size: int, workers: int, bulk: bool
) -> None:
    got = built(tmp_path / "g.lbdb", corpus, bulk=bulk, chunk_size=chunk_size, workers=workers, batch_size=7)
    assert got["dump"] == reference["dump"]
    assert got["result"].papers_written == reference["result"].papers_written > 700
    assert got["result"].links == len(reference["dump"]["links"])


def test_build_stream_reference_has_content(reference: dict) -> None:
    dumped = reference["dump"]
    assert len(dumped["papers"]) > 700 and len(dumped["links"]) > 5000 and dumped["variants"]
    assert ["2410.99999", "sketchnetlarge"] in dumped["names"]
    assert all(row[7] for row in dumped["papers"])  # every hash written


def test_build_stream_unchanged_rebuild_extracts_nothing(corpus: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "g.lbdb"
    first = built(path, corpus, workers=2)
    again = built(path, corpus, workers=2)
    assert again["result"].papers_extracted == 0
    assert again["result"].papers_unchanged == first["result"].papers_read
    assert again["result"].papers_written == 0
    assert again["dump"] == first["dump"]


def test_build_stream_one_changed_paper_is_the_only_one_extracted(corpus: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "g.lbdb"
    built(path, corpus[-1:], workers=1)
    lines = corpus[-1].read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[5])
    record["abstract"] += " We also evaluate on the ZorbleBench benchmark."
    lines[5] = json.dumps(record)
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = built(path, [changed], workers=2)["result"]
    assert (again.papers_extracted, again.papers_written, again.papers_unchanged) == (1, 1, len(lines) - 1)
    with EmbeddedStore(path) as store:
        (hit,) = store.lookup("ZorbleBench")
        assert [p["id"] for p in hit.papers] == [record["id"]]


# Dies by SIGKILL at one point of the bulk load: the graph is then either as it was
# (empty) or whole, never half loaded.
_KILL_AT = """
import os, pathlib, signal, sys
import ladybug
point = os.environ["KG_TEST_KILL_AT"]
original, rename = ladybug.Connection.execute, pathlib.Path.replace
def dying(self, query, *args, **kwargs):
    if isinstance(query, str) and query.startswith(point):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(self, query, *args, **kwargs)
def dying_rename(self, target):
    if point == "before rename":
        os.kill(os.getpid(), signal.SIGKILL)
    out = rename(self, target)
    if point == "after rename":
        os.kill(os.getpid(), signal.SIGKILL)
    return out
ladybug.Connection.execute = dying
pathlib.Path.replace = dying_rename
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    "point, whole",
    [
        ("COPY Entity", False),  # the papers' chunk is committed, in the new database only
        ("COPY MENTIONS", False),
        ("UNWIND $rows AS r MATCH (v:Entity", False),  # the variants, after every COPY
        ("before rename", False),
        ("after rename", True),  # the new database is the graph: whole
    ],
)
def test_build_stream_bulk_load_killed_leaves_nothing_or_everything(tmp_path: Path, point: str, whole: bool) -> None:
    clean = tmp_path / "clean.lbdb"
    assert subprocess.run([sys.executable, "-m", "kg", "build", str(EXAMPLE), "--db", str(clean)], cwd=ROOT).returncode == 0
    n = len(dump(clean)["papers"])
    db = tmp_path / "g.lbdb"
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_AT, "build", str(EXAMPLE), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "KG_TEST_KILL_AT": point},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    from kg.store.embedded import bulk_dir

    papers = n if whole else 0
    if not whole:
        assert sorted(p.name for p in bulk_dir(db).glob("Paper-*.parquet")) == ["Paper-0000.parquet"]  # left behind
    stats = subprocess.run(
        [sys.executable, "-m", "kg", "stats", "--db", str(db), "--json"], cwd=ROOT, capture_output=True, text=True
    )
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["papers"] == papers
    rebuilt = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(EXAMPLE), "--db", str(db), "--json"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["papers_written"] == n - papers
    assert not bulk_dir(db).exists()  # removed by the next writer
    assert dump(db) == dump(clean)


@pytest.mark.parametrize("name, bulk", [("plain.lbdb", True), ("with space.lbdb", True), ("it's.lbdb", False)])
def test_build_stream_bulk_files_beside_the_store(tmp_path: Path, name: str, bulk: bool) -> None:
    """Load files go beside the database (a path a COPY cannot spell: row by row) and are gone after."""
    from kg.store.embedded import bulk_dir

    path = tmp_path / name
    with EmbeddedStore(path, writable=True) as store:
        assert (store._bulk_files() is not None) == bulk
    reference = built(tmp_path / "ref.lbdb", [EXAMPLE], bulk=False, workers=1)["dump"]
    assert built(path, [EXAMPLE], workers=1)["dump"] == reference
    assert not bulk_dir(path).exists()


@pytest.mark.parametrize("stored_first", [False, True])
def test_build_stream_input_error_half_way_changes_nothing(tmp_path: Path, stored_first: bool) -> None:
    """A bad record after many good ones: the build fails before its first write."""
    from kg.errors import InputError

    papers = synthetic_papers(40, seed=5)
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("".join(
        json.dumps({"id": f"2411.{i + 1:05d}", "title": f"{p.title} ({i})", "abstract": p.abstract}) + "\n"
        for i, p in enumerate(papers)), encoding="utf-8")
    bad.write_text("".join(
        json.dumps({"id": f"2411.{i + 1:05d}", "title": f"{p.title} ({i})", "abstract": p.abstract + " Changed."}) + "\n"
        for i, p in enumerate(papers)) + "{not json\n", encoding="utf-8")
    path = tmp_path / "g.lbdb"
    if stored_first:
        built(path, [good], workers=1)
    else:
        EmbeddedStore(path, writable=True).close()
    before = dump(path)
    with EmbeddedStore(path, writable=True) as store:
        with pytest.raises(InputError, match="line 41 is not valid JSON"):
            build([bad], store, chunk_size=7, workers=1, batch_size=3)
    assert dump(path) == before
    assert len(before["papers"]) == (40 if stored_first else 0)


# -- input files the graph holds as they are are not read again --------------------------
def test_build_stream_unchanged_file_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.sources

    path = tmp_path / "g.lbdb"
    first = built(path, [EXAMPLE], workers=1)["result"]
    calls: list = []
    real = kg.sources.read_path
    monkeypatch.setattr(kg.sources, "read_path", lambda *a, **k: (calls.append(a), real(*a, **k))[1])
    again = built(path, [EXAMPLE], workers=1)
    assert calls == []  # not parsed at all
    assert again["result"].files_skipped == 1
    assert (again["result"].papers_read, again["result"].papers_unchanged) == (first.papers_read, first.papers_read)
    # The same bytes under another name are the same input; another format asked for is not.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(EXAMPLE.read_bytes())
    assert built(path, [copy], workers=1)["result"].files_skipped == 1
    assert built(path, [copy], workers=1, fmt="daily")["result"].files_skipped == 0
    assert calls  # read this time


# Every kind of write forgets the inputs; the next build reads them again and repairs.
FORGETTING_WRITES = [
    ("query --write", lambda store: store.query("MATCH (p:Paper) WITH p LIMIT 1 SET p.hash = ''", write=True)),
    ("a write of another graph", lambda store: store.write(
        __import__("kg.resolve", fromlist=["resolve"]).resolve(
            __import__("kg.extract", fromlist=["extract"]).extract(synthetic_papers(3, seed=9)), "other"))),
]


@pytest.mark.parametrize("label, change", FORGETTING_WRITES, ids=[w[0] for w in FORGETTING_WRITES])
def test_build_stream_any_write_forgets_the_inputs(tmp_path: Path, label: str, change) -> None:
    path = tmp_path / "g.lbdb"
    reference = built(path, [EXAMPLE], workers=1)["dump"]
    with EmbeddedStore(path, writable=True) as store:
        change(store)
        assert store.query("MATCH (i:KgInput) RETURN count(i)").rows == [[0]]
    again = built(path, [EXAMPLE], workers=1)
    assert again["result"].files_skipped == 0
    assert again["result"].papers_read == len(reference["papers"])
    if label == "query --write":  # the blanked paper was rebuilt: the graph is whole again
        assert again["result"].papers_written == 1
        assert again["dump"] == reference


def test_build_stream_killed_build_forgets_the_inputs(tmp_path: Path) -> None:
    """A build of changed input killed after its first writes: the original file is read again."""
    db = tmp_path / "g.lbdb"
    run = lambda *args, **kw: subprocess.run(  # noqa: E731
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kw)
    assert run("-m", "kg", "build", str(EXAMPLE), "--db", str(db)).returncode == 0
    changed = tmp_path / "changed.txt"
    changed.write_text(EXAMPLE.read_text(encoding="utf-8").replace(" the ", " a ", 5), encoding="utf-8")
    killer = _KILL_AT_LINKS
    killed = run("-c", killer, "build", str(changed), "--db", str(db), "--batch-size", "2")
    assert killed.returncode == -signal.SIGKILL
    rebuilt = run("-m", "kg", "build", str(EXAMPLE), "--db", str(db), "--json")
    summary = json.loads(rebuilt.stdout)
    assert summary["files_unchanged"] == 0 and summary["papers_written"] > 0
    clean = tmp_path / "clean.lbdb"
    assert run("-m", "kg", "build", str(EXAMPLE), "--db", str(clean)).returncode == 0
    assert dump(db) == dump(clean)


_KILL_AT_LINKS = """
import os, signal, sys
from kg.store.embedded import EmbeddedStore
original = EmbeddedStore._write_rows
def dying(self, cypher, rows):
    if cypher == self.CREATE_LINKS:
        os.kill(os.getpid(), signal.SIGKILL)
    original(self, cypher, rows)
EmbeddedStore._write_rows = dying
from kg.cli import main
sys.argv = ["kg", *sys.argv[1:]]
main()
"""


def test_build_stream_unchanged_file_is_not_read_again_on_neo4j() -> None:
    """Opening a Neo4j store for writing creates its schema: that forgets no input."""
    from conftest_neo4j import connect_neo4j, wipe
    from kg.store.neo4j import Neo4jStore

    store = connect_neo4j()  # (from NEO4J_URI; emptied)
    try:
        first = build([EXAMPLE], store, workers=1)
    finally:
        store.close()
    again_store = Neo4jStore.from_env(writable=True)
    try:
        again = build([EXAMPLE], again_store, workers=1)
        assert again.files_skipped == 1 and again.papers_unchanged == first.papers_read
    finally:
        wipe(again_store)
        again_store.close()


def test_build_stream_bulk_load_keeps_what_an_empty_graph_held(tmp_path: Path) -> None:
    """A first build loads into a new database that replaces the empty one: the curation
    fingerprints go along, and a graph holding a user's own table is loaded in place."""
    path, own = tmp_path / "g.lbdb", tmp_path / "own.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.query("CREATE (:KgCuration {id: 'applied', entries: ['abc']})", write=True)
    with EmbeddedStore(own, writable=True) as store:
        store.query("CREATE NODE TABLE Note(id STRING, PRIMARY KEY(id))", write=True)
        store.query("CREATE (:Note {id: 'mine'})", write=True)
    reference = built(tmp_path / "ref.lbdb", [EXAMPLE], bulk=False, workers=1)["dump"]
    assert built(path, [EXAMPLE], workers=1)["dump"] == reference
    assert built(own, [EXAMPLE], workers=1)["dump"] == reference
    with EmbeddedStore(path) as store:
        assert store.query("MATCH (c:KgCuration) RETURN c.id, c.entries").rows == [["applied", ["abc"]]]
    with EmbeddedStore(own) as store:
        assert store.query("MATCH (n:Note) RETURN n.id").rows == [["mine"]]


def test_build_stream_bulk_load_in_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load files cut every few rows (one COPY and one reopen each, loaded on a thread while
    the build writes the next) give the same graph; every node file is loaded before any link."""
    import ladybug

    import kg.store.embedded as embedded

    monkeypatch.setattr(embedded, "_BULK_CHUNK_ROWS", dict.fromkeys(embedded._BULK_CHUNK_ROWS, 3))
    copied: list[tuple[str, str]] = []
    execute = ladybug.Connection.execute

    def spying(self, query, *args, **kwargs):
        if isinstance(query, str) and query.startswith("COPY "):
            copied.append((query.split()[1], threading.current_thread().name))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(ladybug.Connection, "execute", spying)
    reference = built(tmp_path / "ref.lbdb", [EXAMPLE], bulk=False, workers=1)["dump"]
    assert built(tmp_path / "g.lbdb", [EXAMPLE], chunk_size=4, workers=1)["dump"] == reference
    tables = [t for t, _ in copied]
    assert tables.count("Paper") > 1 and tables.count("Entity") > 1 and tables.count("MENTIONS") > 1
    nodes = [i for i, t in enumerate(tables) if t in ("Paper", "Entity")]
    assert max(nodes) < min(i for i, t in enumerate(tables) if t in ("MENTIONS", "NAMES"))
    assert {thread for _, thread in copied} == {"kg-bulk-load"}  # not in the build's thread


@pytest.mark.parametrize("table", ["Paper", "Entity", "MENTIONS"])
def test_build_stream_bulk_load_that_fails_leaves_the_graph_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    """A COPY that fails on the loading thread fails the build with its error; the graph stays
    empty and open, the load files go, and the next build loads everything."""
    import ladybug

    from kg.store.embedded import bulk_dir

    execute = ladybug.Connection.execute

    def failing(self, query, *args, **kwargs):
        if isinstance(query, str) and query.startswith(f"COPY {table} "):
            raise RuntimeError("IO exception: No space left on device")
        return execute(self, query, *args, **kwargs)

    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        monkeypatch.setattr(ladybug.Connection, "execute", failing)
        with pytest.raises(RuntimeError, match="No space left"):
            build([EXAMPLE], store, workers=1)
        monkeypatch.undo()
        assert not bulk_dir(path).exists()
        assert store.query("MATCH (p:Paper) RETURN count(p)").rows == [[0]]
        assert build([EXAMPLE], store, workers=1).papers_written > 0
    assert dump(path) == built(tmp_path / "ref.lbdb", [EXAMPLE], bulk=False, workers=1)["dump"]


def test_build_stream_bulk_load_that_cannot_rename_leaves_the_graph_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.errors import StoreUnavailable

    def refused(self, target):
        raise PermissionError(13, "Permission denied")

    path = tmp_path / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        monkeypatch.setattr(Path, "replace", refused)
        with pytest.raises(StoreUnavailable, match="cannot load the graph .*Permission denied"):
            build([EXAMPLE], store, workers=1)
        monkeypatch.undo()
        assert store.query("MATCH (p:Paper) RETURN count(p)").rows == [[0]]  # still open, still empty
        assert build([EXAMPLE], store, workers=1).papers_written > 0


def test_build_stream_main_process_leaves_the_extractor_to_the_workers(corpus: list[Path], tmp_path: Path) -> None:
    """With worker processes extracting, the build's own process never loads the extractor
    (its lexicon and matcher: memory beside the load at 100k papers); a build small enough to
    extract inline does, and ``kg.extract.extract`` still works on first use. No build loads
    spaCy: the extractor runs its components as plain functions (spaCy's import alone took
    ~1.1 s of every process that extracted)."""
    script = (
        "import sys; from pathlib import Path; from kg.build import build; "
        "from kg.store.embedded import EmbeddedStore\n"
        "with EmbeddedStore(Path(sys.argv[1]), writable=True) as store:\n"
        "    r = build([Path(p) for p in sys.argv[3:]], store, workers=int(sys.argv[2]))\n"
        "print(r.workers, 'kg.extract.pipeline' in sys.modules, any(m.split('.')[0] == 'spacy' for m in sys.modules))"
    )

    def run(db: str, workers: int, inputs: list[Path]) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / db), str(workers), *map(str, inputs)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run("pool.lbdb", 2, corpus) == ["2", "False", "False"]
    assert run("inline.lbdb", 2, [EXAMPLE]) == ["1", "True", "False"]
