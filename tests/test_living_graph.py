"""A living graph, end to end, as a user keeps it day after day (issue 14's acceptance test).

Day 1 is fetched from a fake Hugging Face API on 127.0.0.1 and built; the user corrects the
graph (a curation file); day 2 is fetched and built into the same store; one paper is
removed. The graph must then equal a fresh build of the papers that remain, with the same
curation, on both stores.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest_neo4j import connect_neo4j, wipe
from fetch_fake import FakeSources
from kg.cli import app

runner = CliRunner()

GONE = "2508.21877"  # a day-1 paper; its own entities (QuietDiff, LOL, ...) must go with it


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def where(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The ``--db``/``--neo4j-uri`` arguments of the store under test (emptied first and after)."""
    if request.param == "embedded":
        monkeypatch.delenv("NEO4J_URI", raising=False)
        yield ["--db", str(tmp_path / "g.lbdb")]
        return
    store = connect_neo4j()
    wipe(store)
    try:
        yield ["--neo4j-uri", store.uri]
    finally:
        wipe(store)
        store.close()


def kg(*args: str | Path) -> dict | list:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else {}


def dump(where: list[str]) -> dict[str, list]:
    """Everything stored, as plain sorted rows; a paper's source file by its name."""
    def rows(cypher: str) -> list[list]:
        return [list(r.values()) for r in kg("query", cypher, *where, "--json")]

    papers = rows("MATCH (p:Paper) RETURN p.id, p.title, p.abstract, p.date, p.source, p.hash, p.upvotes "
                  "ORDER BY p.id")
    for p in papers:
        p[4] = Path(p[4]).name
    return {
        "papers": papers,
        "entities": rows("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases ORDER BY e.key"),
        "links": rows("MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.count, m.evidence "
                      "ORDER BY p.id, e.key"),
        "variants": rows("MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.key, f.key ORDER BY v.key, f.key"),
        "names": rows("MATCH (p:Paper)-[:NAMES]->(e:Entity) RETURN p.id, e.key ORDER BY p.id, e.key"),
    }


def test_day_by_day_with_curation_and_removal_equals_a_fresh_build(
    fake_sources: FakeSources, slept: list[float], where: list[str], tmp_path: Path
) -> None:
    cache, curation = tmp_path / "cache", tmp_path / "fixes.toml"
    fetch = ("--from", "hf-daily", "--base-url", fake_sources.url, "--cache", cache)
    common = (*where, "--curation", curation, "--workers", "1")

    day1 = kg("build", *fetch, "--from-date", "2025-09-01", "--to-date", "2025-09-01", *where, "--workers", "1",
              "--json")
    assert day1["papers_written"] == 3
    # The user's corrections, one of each kind, each naming something day 2 mentions too.
    for fix in (["rename", "GRPO", "Group Relative Policy Optimization"], ["retype", "LOL", "benchmark"],
                ["merge", "Qwen2.5-7B", "Llama-3.1-8B"], ["ignore", "Stable Diffusion"]):
        kg(*fix, *where, "--curation", curation)
    assert [f["kind"] for f in kg("curation", *where, "--curation", curation, "--json")["fixes"]] == [
        "rename", "retype", "merge", "ignore"]

    day2 = kg("build", *fetch, "--from-date", "2025-09-01", "--to-date", "2025-09-02", *common, "--json")
    assert (day2["papers_written"], day2["papers_extracted"]) == (3, 3)  # day 1 is not extracted again
    removed = kg("remove", GONE, *where, "--json")
    assert [p["id"] for p in removed["papers"]] == [GONE]
    lived = dump(where)

    # The curation held for day 2's papers too: GRPO is one entity, under the new name.
    grpo = [e for e in lived["entities"] if "GRPO" in (e[3] or [])]
    assert [e[1] for e in grpo] == ["Group Relative Policy Optimization"]
    assert {link[0] for link in lived["links"] if link[1] == grpo[0][0]} == {"2508.21901", "2509.00412"}
    assert [e[2] for e in lived["entities"] if e[1] == "LOL"] == ["benchmark"]
    qwen = [e for e in lived["entities"] if e[1] == "Qwen2.5-7B"]
    assert "Llama-3.1-8B" in qwen[0][3] and not [e for e in lived["entities"] if e[1] == "Llama-3.1-8B"]
    assert {link[0] for link in lived["links"] if link[1] == qwen[0][0]} == {"2508.21555", "2508.21901",
                                                                              "2509.00398", "2509.00412"}
    assert not [e for e in lived["entities"] if e[1] == "Stable Diffusion"]
    assert GONE not in {p[0] for p in lived["papers"]}

    # A fresh store built from the same days without the removed paper, with the same fixes.
    fresh = tmp_path / "fresh"
    (fresh / "hf-daily").mkdir(parents=True)
    for day in sorted((cache / "hf-daily").glob("*.json")):
        items = [i for i in json.loads(day.read_text(encoding="utf-8")) if i["paper"]["id"] != GONE]
        (fresh / "hf-daily" / day.name).write_text(json.dumps(items), encoding="utf-8")
    if where[0] == "--neo4j-uri":
        store = connect_neo4j()
        wipe(store)
        store.close()
        fresh_where = where
    else:
        fresh_where = ["--db", str(tmp_path / "fresh.lbdb")]
    shutil.copy(curation, tmp_path / "fresh-fixes.toml")
    kg("build", *sorted((fresh / "hf-daily").glob("*.json")), *fresh_where,
       "--curation", tmp_path / "fresh-fixes.toml", "--workers", "1", "--json")
    assert dump(fresh_where) == lived
