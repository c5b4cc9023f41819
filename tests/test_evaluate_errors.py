"""kg eval / kg.evaluate on gold sets that cannot be scored: one clear error, never a perfect score.

Each case is a gold file (and optionally the papers given with ``--input``); the library
(``load_gold`` + ``evaluate``) raises a ``KgError`` whose message matches, and the CLI prints
that message as one ``Error: ...`` line and exits 1, with no traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.errors import KgError
from kg.evaluate import GoldError, check_scorable, evaluate, load_gold
from kg.extract import extract
from kg.model import Paper
from kg.sources import read_papers


def _rec(title: str = "FooNet: Fast Parsing", entities=None, **extra) -> str:
    rec = {"id": "x", "title": title, "abstract": "We propose FooNet, a parser trained with PPO."}
    if entities is not None:
        rec["entities"] = entities
    rec.update(extra)
    return json.dumps(rec)


def _ent(name="FooNet", type="method", **extra) -> dict:
    return {"name": name, "type": type, **extra}


OTHER_PAPERS = json.dumps({"title": "Some Other Paper", "abstract": "We study something else entirely with GPT-4."}) + "\n"

# id: (gold file content, papers for --input or None, expected message)
CASES: dict[str, tuple[str | bytes, str | None, str]] = {
    "empty file": ("", None, r"has no gold papers and no annotated entities; nothing to score"),
    "blank lines only": ("\n\n  \n", None, r"has no gold papers"),
    "empty entity lists": (_rec(entities=[]) + "\n" + _rec("Second", entities=[]) + "\n", None, r"has no annotated entities \(its 2 paper"),
    "entities field missing": (_rec() + "\n", None, r"has no annotated entities"),
    "only optional entities": (_rec(entities=[_ent(optional=True)]) + "\n", None, r"no annotated entities that are not optional"),
    "not json": (_rec(entities=[_ent()]) + "\n{not json\n", None, r":2: not valid JSON"),
    "json array line": ("[1, 2]\n", None, r":1: expected an object with an 'entities' list"),
    "entities not a list": (_rec(entities={"name": "FooNet"}) + "\n", None, r"expected an object with an 'entities' list"),
    "not utf-8": (b"\xff\xfe{\"id\": 1}\n", None, r"not UTF-8 text"),
    "entity without type": (_rec(entities=[{"name": "FooNet"}]) + "\n", None, r"entity 1 needs 'name' and 'type'"),
    "name not a string": (_rec(entities=[_ent(name=3)]) + "\n", None, r"'name' must be a non-empty string"),
    "empty name": (_rec(entities=[_ent(name="  ")]) + "\n", None, r"'name' must be a non-empty string"),
    "unknown type": (_rec(entities=[_ent(type="modle")]) + "\n", None, r"unknown type 'modle'"),
    "aliases not strings": (_rec(entities=[_ent(aliases=[1])]) + "\n", None, r"'aliases' must be a list of strings"),
    "bad alt type": (_rec(entities=[_ent(alt_types=["thing"])]) + "\n", None, r"'alt_types' must be a list of types"),
    "title not a string": (_rec(["FooNet"], entities=[_ent()]) + "\n", None, r"'title' must be a string"),
    "github not a string": (_rec(entities=[_ent()], github=5) + "\n", None, r"'github' must be a string"),
    "no paper in common with the input": (
        _rec(entities=[_ent()]) + "\n" + _rec("Second Paper", entities=[_ent("PPO")]) + "\n",
        OTHER_PAPERS,
        r"none of the 2 paper\(s\) in .* is among the 1 input paper\(s\)",
    ),
}


def _write(tmp_path: Path, case: str) -> tuple[Path, list[str]]:
    content, papers, _ = CASES[case]
    gold = tmp_path / "gold.jsonl"
    if isinstance(content, bytes):
        gold.write_bytes(content)
    else:
        gold.write_text(content, encoding="utf-8")
    args: list[str] = []
    if papers is not None:
        inp = tmp_path / "papers.jsonl"
        inp.write_text(papers, encoding="utf-8")
        args = ["--input", str(inp)]
    return gold, args


@pytest.mark.parametrize("case", sorted(CASES))
def test_library_raises_one_clear_error(tmp_path: Path, case: str) -> None:
    gold, args = _write(tmp_path, case)
    message = CASES[case][2]
    with pytest.raises(KgError, match=message):
        records = load_gold(gold)
        if args:
            papers = list(read_papers([Path(args[1])]))
        else:
            papers = [Paper(id=str(r.get("id", i)), title=r.get("title", ""), abstract=r.get("abstract", "")) for i, r in enumerate(records)]
        evaluate(records, extract(papers), gold_name=str(gold))


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_prints_one_error_line_and_exits_1(tmp_path: Path, case: str) -> None:
    from kg.cli import app

    gold, args = _write(tmp_path, case)
    res = CliRunner().invoke(app, ["eval", str(gold), *args])
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # a clean exit, not a crash
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr
    assert "Traceback" not in res.output
    assert re.search(CASES[case][2], lines[0]), lines[0]
    assert res.stdout.strip() == ""  # no score table


def test_nothing_to_score_is_checked_before_any_extraction() -> None:
    def never():
        raise AssertionError("the predictions must not be read")
        yield  # pragma: no cover

    with pytest.raises(GoldError, match="nothing to score"):
        evaluate([{"id": "a", "title": "A", "abstract": "", "entities": []}], never())
    with pytest.raises(GoldError, match="my gold has no gold papers"):
        check_scorable([], "my gold")


def test_a_scorable_gold_set_still_scores(tmp_path: Path) -> None:
    """One required entity is enough; a partial overlap with the input is reported, not an error."""
    from kg.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        _rec(entities=[_ent(), _ent("PPO"), _ent("Transformer", optional=True)]) + "\n" + _rec("Not In Input", entities=[_ent("SAC")]) + "\n",
        encoding="utf-8",
    )
    papers = tmp_path / "papers.jsonl"
    papers.write_text(json.dumps({"title": "FooNet: Fast Parsing", "abstract": "We propose FooNet, a parser trained with PPO."}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", str(gold), "--input", str(papers), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["type_agnostic"]["tp"] == 2 and out["type_agnostic"]["fn"] == 1
    assert out["unaligned"] == ["x"]
