"""The Cypher query library: every file has a header and runs on the embedded store; the header parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest_neo4j import connect_neo4j, sample_graph, wipe
from example_graph import EXAMPLE, example_db
from kg.errors import InputError, QueryRejected
from kg.store.cypher_files import load_query, parse_param, parse_value, read_query_file
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
CYPHER_FILES = sorted((ROOT / "cypher").glob("*.cypher"))

#: The defaults name papers and a day of examples/; on the hand-written sample graph
#: (tests/conftest_neo4j.py) these files are run with its own.
SAMPLE_PARAMS = {
    "similar_papers": {"paper": "2403.00101"},
    "paper_neighbourhood": {"paper": "2405.00044"},
    "rival_methods_same_benchmark": {"paper": "2405.00044"},
    "entities_first_seen": {"date": "2024-03-01"},
}


def sample_params(path: Path) -> dict:
    """A file's defaults, with the sample graph's paper ids and dates where they differ."""
    return {**read_query_file(path).defaults, **SAMPLE_PARAMS.get(path.stem, {})}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedStore(tmp_path_factory.mktemp("lib") / "g.lbdb", writable=True) as store:
        store.write(sample_graph())
        yield store


def test_cypher_library_has_at_least_twelve_files() -> None:
    assert len(CYPHER_FILES) >= 12


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_cypher_library_header(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.startswith("//"), "a query file starts with a // header"
    qf = read_query_file(path)
    assert len(qf.description) >= 20, "the header says what the query answers"
    assert qf.examples and all(e.startswith("kg query -f cypher/" + path.name) for e in qf.examples)
    for name in qf.defaults:
        assert f"${name}" in qf.text, f"@param {name} is not used by the statement"
        assert qf.param_help[name], f"@param {name} has no help text"
    assert "//" not in qf.text.splitlines()[0], "the statement starts after the header"


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_cypher_library_runs_on_embedded(path: Path, embedded: EmbeddedStore) -> None:
    qf = read_query_file(path)
    if qf.neo4j_only:
        pytest.skip("Neo4j only")
    result = embedded.query(qf.text, sample_params(path))
    assert result.rows, "the parameters should find something in the sample graph"
    assert len(set(result.columns)) == len(result.columns)
    # Every parameter the statement uses has a default, so `kg query -f FILE` works bare.
    text, defaults = load_query(path)
    assert set(defaults) == set(sample_params(path)) and text == qf.text


# -- the defaults find something in the example graph, on both stores -----------------------
@pytest.fixture(scope="module")
def example_embedded():
    with EmbeddedStore(example_db()) as store:
        yield store


@pytest.fixture(scope="module")
def example_neo4j():
    from kg.build import build

    store = connect_neo4j()
    try:
        build([EXAMPLE], store, workers=1)
        yield store
    finally:
        wipe(store)
        store.close()


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_cypher_library_defaults_find_rows_in_the_example_graph(path: Path, example_embedded: EmbeddedStore) -> None:
    # `kg query -f FILE` right after the README's `kg build examples/sample-papers.txt`.
    qf = read_query_file(path)
    if qf.neo4j_only:
        pytest.skip("Neo4j only: see the neo4j test below")
    assert example_embedded.query(qf.text, qf.defaults).rows, f"{path.name}: its defaults find nothing in examples/"


@pytest.mark.neo4j
@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_cypher_library_defaults_find_rows_in_the_example_graph_neo4j(
    path: Path, example_neo4j, example_embedded: EmbeddedStore
) -> None:
    qf = read_query_file(path)
    on_neo4j = example_neo4j.query(qf.text, qf.defaults)
    assert on_neo4j.rows, f"{path.name}: its defaults find nothing in examples/ on Neo4j"
    if not qf.neo4j_only:
        on_embedded = example_embedded.query(qf.text, qf.defaults)
        assert (on_neo4j.columns, on_neo4j.rows) == (on_embedded.columns, on_embedded.rows)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-2", -2),
        ("0.5", 0.5),
        ("1e3", 1000.0),
        ("true", True),
        ("False", False),
        ('"LoRA"', "LoRA"),
        ("'a -- b'", "a -- b"),
        ('"tab\\tthere"', "tab\tthere"),
        ("  Low-Rank Adaptation ", "Low-Rank Adaptation"),
        ('""', ""),
        ("2024-03-01", "2024-03-01"),
    ],
)
def test_cypher_files_parse_value(text: str, value: object) -> None:
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_cypher_files_parse_param_typed_by_default() -> None:
    defaults = {"paper": "2403.00101", "k": 2, "w": 0.5, "flag": False}
    assert parse_param("paper=2409.01234", defaults) == ("paper", "2409.01234")
    assert parse_param("paper='x y'", defaults) == ("paper", "x y")
    assert parse_param("k=5", defaults) == ("k", 5)
    assert parse_param("w=1", defaults) == ("w", 1.0)
    assert parse_param("flag=yes", defaults) == ("flag", True)
    assert parse_param("other=7", defaults) == ("other", 7)
    assert parse_param("name=Low-Rank Adaptation") == ("name", "Low-Rank Adaptation")
    assert parse_param("eq=a=b") == ("eq", "a=b")


@pytest.mark.parametrize("bad", ["k", "=3", "1x=3", "k=abc", "k=2.5", "flag=maybe"])
def test_cypher_files_parse_param_rejects(bad: str) -> None:
    with pytest.raises(QueryRejected):
        parse_param(bad, {"k": 2, "flag": False})


def test_cypher_files_load_query(tmp_path: Path) -> None:
    path = tmp_path / "q.cypher"
    path.write_text(
        "\ufeff// Count papers.\n// Neo4j only, for the test.\n"
        '// @param title = "a -- b" -- a title\n// @param n = 3\n'
        "// @example kg query -f q.cypher\nMATCH (p:Paper)\nRETURN count(p) // trailing\n",
        encoding="utf-8",
    )
    text, defaults = load_query(path)
    assert text == "MATCH (p:Paper)\nRETURN count(p) // trailing"
    assert defaults == {"title": "a -- b", "n": 3}
    qf = read_query_file(path)
    assert qf.neo4j_only and qf.description.startswith("Count papers.")
    assert qf.param_help == {"title": "a title", "n": ""}


def test_cypher_files_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_query(tmp_path / "missing.cypher")
    (tmp_path / "empty.cypher").write_text("// only a header\n")
    with pytest.raises(InputError, match="no Cypher statement"):
        load_query(tmp_path / "empty.cypher")
    (tmp_path / "bad.cypher").write_text("// @param 1x = 3\nRETURN 1\n")
    with pytest.raises(InputError, match="bad @param"):
        load_query(tmp_path / "bad.cypher")


def test_cypher_library_benchmark_methods_counts_only_proposals(embedded: EmbeddedStore) -> None:
    # LadybugDB 0.22 loses `pr.role = 'proposes'` when it shares a second MATCH's WHERE with
    # `m.type IN [...]` (it then also counts papers that merely use the method); the file
    # filters in a WITH instead. These are the rows Neo4j gives for the sample graph.
    result = embedded.query(*load_query(ROOT / "cypher" / "benchmark_methods.cypher"))
    assert result.rows == [
        ["GSM8K", "Lantern Decoding", "method", 1],
        ["GSM8K", "TideRoute", "method", 1],
        ["HumanEval", "Lantern Decoding", "method", 1],
        ["MMLU", "Orca-Mix", "method", 1],
        ["MMLU", "PebblePrune", "method", 1],
        ["MMLU", "TideRoute", "method", 1],
    ]
