"""Every mention names the rule that found it (a stage of ``STAGES`` or one of its named
sub-rules, ``RULE_IDS``); rules can be switched off for ablation, and ``kg eval --verbose``
counts true and false positives per rule."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.evaluate import evaluate, load_gold
from kg.extract import extract
from kg.extract.components.assemble import REQUIRED, RULE_IDS, STAGES, check_rules
from kg.extract.rules.types import TYPED_BY
from kg.model import Paper
from kg.sources import read_papers

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "extract" / "papers.jsonl"
H18 = HERE / "fixtures" / "heldout" / "h18_papers.txt"
H18_GOLD = HERE / "fixtures" / "heldout" / "h18_gold.jsonl"
IDS = [rule for rule, _ in STAGES]
SUBS = [rule for rule in RULE_IDS if rule not in IDS]
RULES_DIR = HERE.parent / "kg" / "extract" / "rules"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    fixture = [Paper(**json.loads(line)) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return fixture + list(read_papers([H18]))


@pytest.fixture(scope="module")
def baseline(papers: list[Paper]) -> list:
    return list(extract(papers))


def test_rule_ids_every_mention_names_a_rule(baseline: list) -> None:
    rules = {m.rule for pm in baseline for m in pm.mentions}
    assert rules <= {*RULE_IDS, "source.github"} and len(rules) >= 6
    assert len(rules & set(SUBS)) >= 4, rules  # sub-rules name what they find


def test_rule_ids_sub_rules_are_declared_and_used() -> None:
    # every add(..., sub="x") in the rules names a sub-rule some stage declares, and every
    # declared sub-rule is passed somewhere (a stage's helpers may live in another module)
    used: set[str] = set()
    for path in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "sub":
                        assert isinstance(kw.value, ast.Constant), f"{path.name}:{node.lineno}: sub= must be a literal"
                        used.add(kw.value.value)
    declared = {sub for _, stage in STAGES for sub in getattr(stage, "sub_rules", ())}
    assert used == declared, (sorted(used - declared), sorted(declared - used))
    assert len(SUBS) == len(set(SUBS)) >= 15


@pytest.mark.parametrize("rule", [r for r in RULE_IDS if r not in REQUIRED])
def test_rule_ids_disabling_a_rule_leaves_no_mention_of_it(papers: list[Paper], rule: str) -> None:
    got = list(extract(papers, disable=[rule]))
    assert len(got) == len(papers)
    assert rule not in {m.rule for pm in got for m in pm.mentions}


def test_rule_ids_disabling_a_finding_rule_loses_its_entities(papers: list[Paper], baseline: list) -> None:
    before = {(pm.paper.id, m.name) for pm in baseline for m in pm.mentions if m.rule == "names.shaped"}
    after = {(pm.paper.id, m.name) for pm in extract(papers, disable=["names.shaped"]) for m in pm.mentions}
    assert before and len(before - after) > len(before) // 2


def test_rule_ids_disabling_a_sub_rule_loses_only_its_entities(papers: list[Paper], baseline: list) -> None:
    sub = "names.shaped.variant"
    mine = {(pm.paper.id, m.name) for pm in baseline for m in pm.mentions if m.rule == sub}
    main = {(pm.paper.id, m.name) for pm in baseline for m in pm.mentions if m.rule == "names.shaped"}
    got = list(extract(papers, disable=[sub]))
    after = {(pm.paper.id, m.name) for pm in got for m in pm.mentions}
    assert len(mine) >= 5 and len(mine - after) > len(mine) // 2
    assert len(main - after) <= len(main) // 10  # the stage's main rule still runs
    assert sub not in {m.rule for pm in got for m in pm.mentions}


# (ids, error): unknown ids name the close ones; the rules that build mentions cannot go
BAD = [
    (["names.shapd"], r"no extractor rule 'names\.shapd'; did you mean names\.shaped"),
    (["entities.build"], r"rule 'entities\.build' cannot be switched off"),
    (["nothing-like-it"], r"no extractor rule 'nothing-like-it'; the rules are: urls\.tokens, "),
]


@pytest.mark.parametrize(("ids", "error"), BAD)
def test_rule_ids_bad_ids_are_one_line_errors(ids: list[str], error: str) -> None:
    with pytest.raises(InputError, match=error):
        check_rules(ids)
    with pytest.raises(InputError, match=error):
        extract([], disable=ids)


def test_rule_ids_per_rule_counts_add_up(papers: list[Paper], baseline: list) -> None:
    gold = load_gold(H18_GOLD)
    report = evaluate(gold, [pm for pm in baseline if pm.paper.id.startswith("h18") or pm.paper in papers[-30:]])
    assert sum(c.tp for c in report.per_rule.values()) == report.untyped.tp > 0
    assert sum(c.fp for c in report.per_rule.values()) == report.untyped.fp > 0
    assert set(report.per_rule) <= {*RULE_IDS, "source.github", "(none)"}


def test_rule_ids_kg_eval_verbose_and_disable() -> None:
    runner = CliRunner()
    args = ["eval", str(H18_GOLD), "--input", str(H18)]
    full = runner.invoke(app, [*args, "--verbose"])
    assert full.exit_code == 0, full.output
    assert "rule (found the entity)" in full.output and "\ngazetteer.known_names " in full.output
    off = runner.invoke(app, [*args, "--json", "--disable", "gazetteer.known_names"])
    on = runner.invoke(app, [*args, "--json"])
    assert json.loads(off.stdout)["type_agnostic"]["tp"] < json.loads(on.stdout)["type_agnostic"]["tp"]
    assert "gazetteer.known_names" not in json.loads(off.stdout)["per_rule"]
    bad = runner.invoke(app, [*args, "--disable", "gazeteer.known_names"])
    assert bad.exit_code == 1
    assert bad.stderr.strip().splitlines() == [
        "Error: no extractor rule 'gazeteer.known_names'; did you mean gazetteer.known_names, "
        "gazetteer.known_names.edition, gazetteer.known_names.checkpoint, gazetteer.known_names.caps_title?"
    ]
    # a sub-rule goes alone; its row in --verbose lines up with the others
    sub = "names.shaped.variant"
    verbose = runner.invoke(app, [*args, "--verbose"]).output.splitlines()
    row = next(line for line in verbose if line.startswith(sub + " "))
    header = next(line for line in verbose if line.startswith("rule (found the entity)"))
    assert len(row) == len(header)
    off_sub = json.loads(runner.invoke(app, [*args, "--json", "--disable", sub]).stdout)
    assert sub in json.loads(on.stdout)["per_rule"] and sub not in off_sub["per_rule"]
    assert "names.shaped" in off_sub["per_rule"]


# -- the typing rule: which one chose each mention's type ----------------------------------
def test_typed_by_every_mention_names_a_typing_rule(baseline: list) -> None:
    used = {m.typed_by for pm in baseline for m in pm.mentions}
    assert used <= set(TYPED_BY) and len(used) >= 6, used - set(TYPED_BY)


@pytest.mark.parametrize(
    ("abstract", "name", "typ", "typed_by"),
    [
        ("We fine-tune a model on ImageNet.", "ImageNet", "dataset", "types.gazetteer"),
        ("We run the QuokkaMix benchmark.", "QuokkaMix", "benchmark", "types.cues"),
        ("We apply Zest Gradient Flow (ZGF) to planning.", "ZGF", "method", "types.definition"),
        ("We apply Zest Gradient Flow (ZGF), a new optimizer.", "ZGF", "method", "types.cues"),
        ("We train Plumo-7B policies.", "Plumo-7B", "model", "types.parameter_count"),
        ("We compare with ZyloNet.", "ZyloNet", "method", "types.default"),
        ("Code: https://github.com/acme/zylo.", "https://github.com/acme/zylo", "github", "types.url"),
        ("We introduce QuillKit, a dataset of proofs.", "QuillKit", "dataset", "types.own_propose"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("types.") else "",
)
def test_typed_by_names_the_rule_that_chose_the_type(abstract: str, name: str, typ: str, typed_by: str) -> None:
    (pm,) = extract([Paper(id="t", title="A Study", abstract=abstract)])
    got = {m.name: (m.type.value, m.typed_by) for m in pm.mentions}
    assert got.get(name) == (typ, typed_by), got


def test_typed_by_kg_eval_counts_right_and_wrong_per_typing_rule() -> None:
    runner = CliRunner()
    args = ["eval", str(H18_GOLD), "--input", str(H18)]
    verbose = runner.invoke(app, [*args, "--verbose"])
    assert verbose.exit_code == 0, verbose.output
    assert "typing rule (chose the type)" in verbose.output and "\ntypes.gazetteer " in verbose.output
    report = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    per_typing = report["per_typing"]
    assert set(per_typing) <= {*TYPED_BY, "(none)"}
    # every matched entity was typed by one rule: right ones are the type-aware hits
    assert sum(c["right"] + c["wrong"] for c in per_typing.values()) == report["type_agnostic"]["tp"]
    assert sum(c["right"] for c in per_typing.values()) == report["type_aware"]["tp"]
