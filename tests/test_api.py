"""The Python API (kg.api, reached as kg.<name>): its docstring examples run, and it is the CLI's library."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import kg
import kg.api
import kg.why
from kg.errors import ExportError
from kg.model import Entity, EntityType, Graph, Link, Paper, Role

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-papers.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """A graph built from examples/sample-papers.txt with the API itself."""
    path = tmp_path_factory.mktemp("api") / "graph.lbdb"
    with kg.open_store(path, writable=True, create=True) as store:
        kg.build(SAMPLE, store, workers=1)
    return path


@pytest.mark.parametrize("module", [kg.api, kg.why], ids=lambda m: m.__name__)
def test_api_docstring_examples_run(module, db, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name examples/sample-papers.txt
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in finder.find(module, extraglobs={"db": db}) if t.examples]
    for test in tests:
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0
    # Every public function of the API shows an example.
    if module is kg.api:
        documented = {t.name.rpartition(".")[2] for t in tests}
        assert documented == set(kg.api.__all__)
        assert attempted >= 20


def test_api_import_is_lazy():
    code = "import kg, sys; print(sorted(m for m in ('spacy', 'networkx', 'pyvis', 'kg.api', 'kg.store.base') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_api_extract_and_build_are_functions_and_packages():
    from kg.extract import make_nlp  # the package imported first: kg.extract must stay callable

    assert callable(kg.extract) and kg.extract.make_nlp is make_nlp
    assert callable(kg.build) and kg.build.BuildResult.__name__ == "BuildResult"
    paper = Paper(id="x1", title="Tuning With LoRA", abstract="We fine-tune Llama-3-8B with LoRA on GSM8K.")
    names = {m.name for m in next(kg.extract([paper])).mentions}
    assert {"LoRA", "GSM8K"} <= names


def test_api_unknown_attribute():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018


def test_api_paper_graph_is_the_projection(db):
    """kg.paper_graph on the store is kg.graph.paper_graph of the whole stored graph: same edges, same weights."""
    from kg.graph import paper_graph as project

    with kg.open_store(db) as store:
        g = kg.paper_graph(store)
        whole = project(store.load_graph())
    assert g.number_of_edges() == whole.number_of_edges() > 0
    assert {(min(a, b), max(a, b)): d["weight"] for a, b, d in g.edges(data=True)} == {
        (min(a, b), max(a, b)): d["weight"] for a, b, d in whole.edges(data=True)
    }


@pytest.mark.parametrize("title", ['<a href="x">link</a>', "an href here", "plain title"])
def test_api_to_pyvis_tooltips_stay_plain_text(title):
    """pyvis renders every tooltip as HTML when one node title contains "href": ours never does."""
    graph = Graph(
        papers=[Paper(id="a", title=title, abstract=""), Paper(id="b", title="Other", abstract="")],
        entities=[Entity(key="lora", name="LoRA", type=EntityType.METHOD)],
        links=[Link("a", "lora", Role.USES), Link("b", "lora", Role.USES)],
    )
    net = kg.to_pyvis(kg.paper_graph(graph))
    titles = [n["title"] for n in net.nodes]
    assert not any("href" in t for t in titles)
    assert any(t.startswith(title.replace("href", "hre\u200bf")) for t in titles)
    assert [(e["from"], e["to"]) for e in net.edges] == [("a", "b")]
    assert "method: LoRA" in net.edges[0]["title"]


@pytest.mark.parametrize(
    "call",
    [
        lambda g, out: kg.export_html(g, out, colour="type"),
        lambda g, out: kg.paper_graph(g, colour="type"),
    ],
    ids=["export_html", "paper_graph"],
)
def test_api_unknown_option_is_a_kg_error(call, tmp_path):
    with pytest.raises(ExportError, match="unknown option 'colour'"):
        call(Graph(), tmp_path / "x.html")
