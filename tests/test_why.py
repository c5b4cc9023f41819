"""``kg why``: provenance of a paper-entity link and of a paper-paper link, on both stores."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest_neo4j import module_store, sample_graph
from kg import graph as kgraph
from kg.cli import app
from kg.errors import KgError
from kg.store.embedded import EmbeddedStore
from kg.why import PairWhy, find_paper, mark, why, why_entity, why_papers

runner = CliRunner()


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("why") / "g.lbdb"
    with EmbeddedStore(path, writable=True) as store:
        store.write(sample_graph())
    return path


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, embedded_db):
    """The sample graph (tests/conftest_neo4j.py) in the embedded store, and on a Neo4j server."""
    if request.param == "embedded":
        with EmbeddedStore(embedded_db) as s:
            yield s
        return
    gen = module_store()
    server = next(gen)
    server.write(sample_graph())
    try:
        yield server
    finally:
        gen.close()


# -- marking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, forms, expected",
    [
        ("We use LoRA here.", ["LoRA"], "We use [[LoRA]] here."),
        ("lora and LORA", ["LoRA"], "[[lora]] and [[LORA]]"),  # case-blind
        ("On GSM-8K and GSM 8K and GSM8K.", ["GSM8K"], "On [[GSM-8K]] and [[GSM 8K]] and [[GSM8K]]."),  # separators
        ("Exploration vs LoRAX", ["LoRA"], "Exploration vs LoRAX"),  # whole words only
        ("Tide Routing uses TideRoute.", ["TideRoute", "Tide Routing"], "[[Tide Routing]] uses [[TideRoute]]."),
        ("see https://github.com/acme/x-y.", ["github.com/acme/x-y"], "see https://[[github.com/acme/x-y]]."),
        ("C++ and C#", ["C++"], "[[C++]] and C#"),
        ("Llama-3-8B beats Llama-3", ["Llama-3", "Llama-3-8B"], "[[Llama-3-8B]] beats [[Llama-3]]"),  # longest first
        ("nothing here", ["LoRA"], "nothing here"),
        ("", ["LoRA"], ""),
        ("a <b> & c", ["<b>"], "a [[<b>]] & c"),  # text, not HTML: nothing escaped here
    ],
)
def test_why_mark(text, forms, expected):
    marked, spans = mark(text, forms)
    assert marked == expected
    assert marked.count("[[") == len(spans)
    for a, b in spans:  # the spans index the original text
        assert any(text[a:b].lower().replace("-", "").replace(" ", "") == f.lower().replace("-", "").replace(" ", "")
                   for f in forms)  # fmt: skip


# -- finding papers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, paper_id",
    [
        ("2403.00101", "2403.00101"),  # id
        ("tide routing for sparse experts", "2403.00101"),  # whole title, case-blind
        ("  Pruning   Pebbles ", "2403.00102"),  # unique prefix; spaces folded
        ("small scale", "2403.00230"),  # unique substring
        ("Routing", "2405.00044"),  # a unique prefix beats substrings elsewhere ("Tide Routing ...")
        ("t-5e1f00aa11bb22cc", "t-5e1f00aa11bb22cc"),
    ],
)
def test_why_find_paper(store, text, paper_id):
    assert find_paper(store, text).id == paper_id


@pytest.mark.parametrize(
    "text, message",
    [
        ("zzz-no-such", "no paper has the id or a title containing 'zzz-no-such'"),
        ("Pr", "2 papers have titles starting with 'Pr': 2403.00102 'Pruning Pebbles: Structured Sparsity Without Retraining'; "
               "2403.00230 'Preference Tuning at Small Scale'; give the id"),
        ("ing", "more than 5 papers have titles containing 'ing': 2403.00101 "),
        ("   ", "the paper is empty"),
    ],
)
def test_why_find_paper_errors(store, text, message):
    with pytest.raises(KgError) as err:
        find_paper(store, text)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


# -- why PAPER ENTITY ---------------------------------------------------------------------


def test_why_entity_marks_evidence(store):
    res = why(store, "2403.00101", "tide routing")  # an alias, any case
    assert [(m.name, m.type, m.role, m.count, m.via) for m in res.mentions] == [("TideRoute", "method", "proposes", 4, None)]
    m = res.mentions[0]
    assert m.evidence == "Tide Routing for Sparse Experts uses TideRoute (proposes)."
    assert m.marked == "[[Tide Routing]] for Sparse Experts uses [[TideRoute]] (proposes)."
    assert m.spans == [(0, 12), (37, 46)]
    assert m.provenance == {}  # the sample graph's links carry no offsets or rule


@pytest.mark.parametrize(
    "paper, entity, expected",
    [
        # A family is mentioned through its variants, as `kg lookup` lists them.
        ("2403.00230", "Qwen2.5", [("Qwen2.5-7B", "uses", "Qwen2.5")]),
        ("2405.00500", "qwen2.5", [("Qwen2.5", "uses", None), ("Qwen2.5-7B", "uses", "Qwen2.5")]),
        ("2405.00500", "Qwen2.5-7B", [("Qwen2.5-7B", "uses", None)]),
        ("Adapters Under", "Llama-3-8B", [("Llama-3-8B", "compares_to", None)]),
    ],
)
def test_why_entity_variants(store, paper, entity, expected):
    assert [(m.name, m.role, m.via) for m in why_entity(store, paper, entity).mentions] == expected


@pytest.mark.parametrize(
    "paper, other, message",
    [
        ("2403.00101", "TideRoot", "no entity or paper matches 'TideRoot'; did you mean TideRoute?"),
        ("2403.00101", "DPO", "paper 2403.00101 does not mention DPO (method); it mentions: "),
        ("2403.00101", "2403.00101", "both name paper 2403.00101; give two different papers"),
        ("2403.00102", "Preference Tuning", "papers 2403.00102 and 2403.00230 share no entity"),
        ("nope-paper", "DPO", "no paper has the id or a title containing 'nope-paper'"),
        ("2403.00101", " ", "the second argument is empty"),
    ],
)
def test_why_errors(store, paper, other, message):
    with pytest.raises(KgError) as err:
        why(store, paper, other)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


# -- why PAPER PAPER ----------------------------------------------------------------------


@pytest.mark.parametrize("types", [None, ["method"], ["benchmark", "model"]])
def test_why_papers_weight_is_the_explorers(store, types):
    """Every pair's weight and shared entities are those of the papers view kg export draws."""
    whole = store.load_graph()
    g = kgraph.paper_graph(whole, types=types)
    ids = sorted(p.id for p in whole.papers)
    checked = 0
    for a, b in combinations(ids, 2):
        edge = g.get_edge_data(a, b)
        try:
            res = why_papers(store, a, b, types=types)
        except KgError as exc:
            assert edge is None and "share no entity" in str(exc)
            continue
        assert isinstance(res, PairWhy)
        if edge is None:
            assert res.weight == 0.0 and res.n_shared == 0
            continue
        checked += 1
        assert res.weight == pytest.approx(edge["weight"], abs=1e-9)
        assert res.n_shared == edge["n_shared"]
        linking = sorted(s.name for s in res.shared if s.links)
        assert linking == sorted(n for names in edge["shared"].values() for n in names)
        assert sum(s.weight for s in res.shared if s.links) == pytest.approx(res.weight, abs=1e-5)
    assert checked >= 5


def test_why_papers_roles_and_counts(store):
    res = why(store, "Tide Routing", "Routing Meets")
    assert (res.a.id, res.b.id) == ("2403.00101", "2405.00044")
    rows = [(s.name, s.type, s.role_a, s.role_b, s.papers, s.links) for s in res.shared]
    assert sorted(rows) == [
        ("Llama-3-8B", "model", "uses", "uses", 4, True),
        ("MMLU", "benchmark", "evaluates_on", "evaluates_on", 5, True),
        ("TideRoute", "method", "proposes", "uses", 4, True),
    ]
    assert res.weight == pytest.approx(2 * kgraph.rarity(4) + kgraph.rarity(5), abs=1e-6)


# -- provenance properties, when the store has them ---------------------------------------


def test_why_entity_shows_offsets_and_rule_when_stored(tmp_path):
    path = tmp_path / "p.lbdb"
    with EmbeddedStore(path, writable=True) as s:
        s.write(sample_graph())
        # (start/stop are in the schema: where_fields; a rule column is still to come)
        s.query("ALTER TABLE MENTIONS ADD IF NOT EXISTS rule STRING", write=True)
        s.query(
            "MATCH (p:Paper {id: '2403.00101'})-[m:MENTIONS]->(e:Entity {key: 'tideroute'}) "
            "SET m.rule = 'acronyms.definition', m.start = 38, m.stop = 47",
            write=True,
        )
    with EmbeddedStore(path) as s:
        shown = why_entity(s, "2403.00101", "TideRoute").mentions[0].provenance
        absent = why_entity(s, "2403.00101", "MMLU").mentions[0].provenance
    assert list(shown.items()) == [("start", 38), ("stop", 47), ("rule", "acronyms.definition")]
    assert absent == {}
    res = runner.invoke(app, ["why", "2403.00101", "TideRoute", "--db", str(path)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == "  chars 38-47 · rule acronyms.definition"


# -- the command --------------------------------------------------------------------------


def test_why_cli_entity(embedded_db):
    res = runner.invoke(app, ["why", "Tide Routing", "GSM-8K", "--db", str(embedded_db)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "2403.00101  Tide Routing for Sparse Experts",
        "GSM8K (benchmark): evaluates_on, 1 mention",
        "  Tide Routing for Sparse Experts uses [[GSM8K]] (evaluates_on).",
    ]


def test_why_cli_papers(embedded_db):
    res = runner.invoke(app, ["why", "2403.00101", "2405.00044", "--db", str(embedded_db)])
    assert res.exit_code == 0, res.output
    lines = [" ".join(line.split()) for line in res.output.splitlines()]
    assert lines == [
        "A 2403.00101 Tide Routing for Sparse Experts",
        "B 2405.00044 Routing Meets Pruning",
        "entity type A B papers weight",
        "Llama-3-8B model uses uses 4 0.431",
        "TideRoute method proposes uses 4 0.431",
        "MMLU benchmark evaluates_on evaluates_on 5 0.387",
        "3 shared entities; the explorer links A and B with weight 1.248 (the sum of 1/log2(1 + papers) over the 3 that link)",
    ]


def test_why_cli_papers_type_filter(embedded_db):
    res = runner.invoke(app, ["why", "2403.00101", "2405.00044", "--type", "method", "--db", str(embedded_db)])
    assert res.exit_code == 0, res.output
    lines = [" ".join(line.split()) for line in res.output.splitlines()]
    assert lines[3:] == [
        "TideRoute method proposes uses 4 0.431",
        "Llama-3-8B model uses uses 4 -",
        "MMLU benchmark evaluates_on evaluates_on 5 -",
        "3 shared entities; the explorer links A and B with weight 0.431 (the sum of 1/log2(1 + papers) over the 1 that link)",
        "'-': not of --type, or too common to link papers",
    ]


@pytest.mark.parametrize(
    "args, kind",
    [(["2403.00101", "Tide Routing"], "entity"), (["2403.00101", "2405.00044"], "papers")],
)
def test_why_cli_json(embedded_db, args, kind):
    res = runner.invoke(app, ["why", *args, "--json", "--db", str(embedded_db)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["kind"] == kind
    if kind == "entity":
        assert data["mentions"][0]["marked"] == "[[Tide Routing]] for Sparse Experts uses [[TideRoute]] (proposes)."
        assert data["mentions"][0]["spans"] == [[0, 12], [37, 46]]
    else:
        assert data["weight"] == pytest.approx(1.248, abs=1e-3) and len(data["shared"]) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["Pr", "LoRA"], "Error: 2 papers have titles starting with 'Pr': "),
        (["2403.00101", "TideRoot"], "Error: no entity or paper matches 'TideRoot'; did you mean TideRoute?"),
        (["2403.00101", "--type", "nonsense", "2405.00044"], "Error: unknown entity type 'nonsense'"),
    ],
)
def test_why_cli_errors_are_one_line(embedded_db, args, message):
    res = runner.invoke(app, ["why", *args, "--db", str(embedded_db)])
    assert res.exit_code == 1
    assert res.output.startswith(message)
    assert res.output.count("\n") == 1


def test_why_cli_help_has_an_example():
    res = runner.invoke(app, ["why", "--help"])
    assert res.exit_code == 0
    assert "kg why 'Sparse Lookahead' CALVIN" in res.output
