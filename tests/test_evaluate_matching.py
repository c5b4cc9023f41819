"""kg.evaluate: matching rules, optional items, alt types, URLs, errors and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.errors import InputError
from kg.evaluate import evaluate, format_report, load_gold
from kg.model import EntityType, Mention, Paper, PaperMentions, Role


def pred(title: str, *mentions: tuple[str, str] | tuple[str, str, tuple[str, ...]]) -> PaperMentions:
    ms = [Mention(m[0], EntityType(m[1]), tuple(m[2]) if len(m) > 2 else (), Role.USES) for m in mentions]
    return PaperMentions(paper=Paper(id=title, title=title, abstract=""), mentions=tuple(ms))


def gold(title: str, *entities: dict) -> dict:
    return {"id": title, "title": title, "abstract": "", "entities": list(entities)}


def G(name: str, type: str, aliases=(), optional=False, alt_types=()) -> dict:
    return {"name": name, "type": type, "aliases": list(aliases), "optional": optional, "alt_types": list(alt_types)}


def test_evaluate_matches_after_case_space_hyphen_folding() -> None:
    r = evaluate([gold("a", G("Multi-Modal Net", "method"))], [pred("a", ("multimodal_net", "method"))])
    assert (r.typed.tp, r.typed.fp, r.typed.fn) == (1, 0, 0)


def test_evaluate_matches_through_aliases_either_side() -> None:
    r = evaluate(
        [gold("a", G("SRS", "method", ["Sparse Reward Shaping"]), G("PPO", "method"))],
        [pred("a", ("Sparse Reward Shaping", "method"), ("Proximal Policy Optimization", "method", ("PPO",)))],
    )
    assert r.untyped.tp == 2 and r.untyped.fp == 0


def test_evaluate_wrong_type_counts_in_typed_only() -> None:
    r = evaluate([gold("a", G("ZooBench", "benchmark"))], [pred("a", ("ZooBench", "dataset"))])
    assert (r.untyped.tp, r.typed.tp, r.typed.fp, r.typed.fn) == (1, 0, 1, 1)
    assert r.per_type["benchmark"].fn == 1 and r.per_type["dataset"].fp == 1


def test_evaluate_alt_types_are_correct() -> None:
    r = evaluate([gold("a", G("ZooBench", "benchmark", alt_types=["dataset"]))], [pred("a", ("ZooBench", "dataset"))])
    assert r.typed.tp == 1 and r.typed.fp == 0


def test_evaluate_optional_items_neither_reward_nor_punish() -> None:
    g = [gold("a", G("PPO", "method"), G("Transformer", "method", optional=True), G("OpenAI", "model", optional=True))]
    r = evaluate(g, [pred("a", ("PPO", "method"), ("Transformer", "benchmark"))])
    assert (r.typed.tp, r.typed.fp, r.typed.fn) == (1, 0, 0)
    assert r.papers[0].ignored == [("Transformer", "benchmark")]


def test_evaluate_each_gold_item_matches_once() -> None:
    r = evaluate([gold("a", G("DPO", "method", ["Direct Preference Optimization"]))], [pred("a", ("DPO", "method"), ("Direct Preference Optimization", "method"))])
    assert (r.untyped.tp, r.untyped.fp) == (1, 1)


def test_evaluate_urls_compared_canonically() -> None:
    r = evaluate(
        [gold("a", G("https://github.com/Lab/Tool", "github"), G("https://lab.github.io/tool", "url"))],
        [pred("a", ("https://github.com/lab/tool.git", "github"), ("https://lab.github.io/tool/", "url"))],
    )
    assert r.per_type["github"].tp == 1 and r.per_type["url"].tp == 1


def test_evaluate_aligns_by_title_when_counts_differ() -> None:
    r = evaluate(
        [gold("First Paper", G("PPO", "method")), gold("Second Paper", G("SAC", "method"))],
        [pred("second paper", ("SAC", "method"))],
    )
    assert r.untyped.tp == 1 and r.untyped.fn == 1 and r.unaligned == ["First Paper"]


def test_evaluate_report_table_and_verbose() -> None:
    r = evaluate([gold("a", G("PPO", "method"), G("SAC", "method"))], [pred("a", ("PPO", "method"), ("TD3", "method"))])
    table = format_report(r)
    assert "type-aware" in table and "type-agnostic" in table and "method" in table
    verbose = format_report(r, verbose=True)
    assert "miss  SAC (method)" in verbose and "fp    TD3 (method)" in verbose


def test_evaluate_load_gold_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_gold(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(gold("a")) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        load_gold(bad)


def _app() -> typer.Typer:
    from kg.cli import app

    return app


def test_evaluate_cli_scores_gold_file(tmp_path: Path) -> None:
    g = tmp_path / "gold.jsonl"
    rec = {
        "id": "x",
        "title": "FooNet: Fast Parsing",
        "abstract": "We propose FooNet, a parser trained with PPO. Code: https://github.com/a/foonet.",
        "entities": [G("FooNet", "method"), G("PPO", "method"), G("https://github.com/a/foonet", "github")],
    }
    g.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = CliRunner().invoke(_app(), ["eval", str(g), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["type_aware"]["f1"] == 1.0 and out["per_type"]["github"]["recall"] == 1.0
    res = CliRunner().invoke(_app(), ["eval", str(g), "--verbose"])
    assert res.exit_code == 0 and "type-agnostic" in res.output


def test_evaluate_cli_reports_bad_input(tmp_path: Path) -> None:
    res = CliRunner().invoke(_app(), ["eval", str(tmp_path / "nope.jsonl")])
    assert res.exit_code == 1
    assert "Error:" in res.output


def test_evaluate_same_count_but_shuffled_aligns_by_title() -> None:
    r = evaluate(
        [gold("First Paper", G("PPO", "method")), gold("Second Paper", G("SAC", "method"))],
        [pred("Second Paper", ("SAC", "method")), pred("First Paper", ("PPO", "method"))],
    )
    assert r.untyped.tp == 2 and r.untyped.fp == 0
