"""Curation survives rebuilds: unchanged input (files skipped), a changed file, a new file,
a hand-edited curation; and ends equal to a fresh build with the same curation. Both stores.
Also the CLI (kg merge/rename/retype/ignore/family/curation) and ``kg eval --curation``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.curation import load_curation
from kg.store.embedded import EmbeddedStore

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]

# Our own invented papers.
DAY1 = [
    {"id": "2601.00001", "title": "Marlin: Sparse Routing for Long Context",
     "abstract": "We propose Marlin, a sparse routing method for long-context language models. Marlin is trained "
                 "with Direct Preference Optimization (DPO) on Qwen2.5-7B and evaluated on GSM8K and MMLU, where it "
                 "beats PPO."},
    {"id": "2601.00002", "title": "Heron Decoding for Fast Drafts",
     "abstract": "We introduce Heron Decoding, a drafting method for speculative decoding. Heron Decoding speeds up "
                 "Llama-3-8B on HumanEval and GSM8K, and we compare with Marlin and with DPO-tuned baselines."},
    {"id": "2601.00003", "title": "Auditing Preference Tuning",
     "abstract": "We audit preference tuning with DPO and PPO on Mistral-7B and Qwen2.5-7B. Results on MMLU show that "
                 "HeronDec and Marlin help little. We release the ToyBench suite."},
]
DAY2 = [
    {"id": "2601.00004", "title": "Drafting with Small Models",
     "abstract": "We propose Finch, a drafting scheme that builds on HeronDec. Finch is tuned with PPO on Qwen2.5-7B "
                 "and evaluated on ToyBench and GSM8K, beating Marlin."},
]
CURATION = """\
# corrections for the tests (a comment that must survive)

[[fix]]
merge = "HeronDec"
into = "Heron Decoding"

[[fix]]
rename = "Marlin"
to = "Marlin Router"

[[fix]]
retype = "ToyBench"
type = "dataset"

[[fix]]
ignore = "PPO"

[[fix]]
ignore = "GSM8K"
paper = "2601.00002"

[[fix]]
variant = "Qwen2.5-7B"
family = "Qwen"
"""


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path




def graph_of(store) -> tuple:
    """The stored graph as comparable values (aliases as sets: their order follows history)."""
    g = store.load_graph()
    return (
        sorted(p.id for p in g.papers),
        sorted((e.key, e.name, e.type.value, tuple(sorted(e.aliases))) for e in g.entities),
        sorted((l.paper_id, l.entity_key, l.role.value, l.count, l.evidence) for l in g.links),
        sorted((v.variant_key, v.family_key) for v in g.variants),
        sorted((n.paper_id, n.entity_key) for n in g.names),
    )


def names(store) -> dict[str, str]:
    return dict(store.query("MATCH (e:Entity) RETURN e.name, e.type").rows)


def check_curated(store) -> None:
    got = names(store)
    assert "PPO" not in got and "HeronDec" not in got and "Marlin" not in got and "Qwen2.5" not in got
    assert got["Marlin Router"] == "method" and got["ToyBench"] == "dataset" and got["Qwen"] == "model"
    assert got["Heron Decoding"] == "method"
    papers = {pid for (pid,) in store.query(
        "MATCH (p:Paper)-[:MENTIONS]->(e:Entity {key: 'gsm8k'}) RETURN p.id").rows}
    assert "2601.00002" not in papers and "2601.00001" in papers
    assert store.query("MATCH (v:Entity {key: 'qwen2.57b'})-[:VARIANT_OF]->(f:Entity) RETURN f.name").rows == [["Qwen"]]


@pytest.mark.parametrize("kind", STORES)
def test_curation_build_survives_every_kind_of_rebuild(open_store, tmp_path: Path, kind: str) -> None:
    day1 = _jsonl(tmp_path / "day1.jsonl", DAY1)
    store = open_store(kind)
    build([day1], store, workers=1)
    assert "PPO" in names(store)
    path = tmp_path / "team.curation.toml"
    path.write_text(CURATION, encoding="utf-8")
    cur = load_curation(path)
    with store._write_session():
        cur.apply_to_store(store)
    check_curated(store)

    # 1. unchanged input: the file is skipped, nothing extracted, the corrections hold
    done = build([day1], store, workers=1, curation=load_curation(path))
    assert (done.files_skipped, done.papers_extracted, done.curation.writes, done.curation.warnings) == (1, 0, 0, [])
    check_curated(store)

    # 2. a changed file: its changed paper is re-extracted, and corrected as it is written
    DAY1b = [dict(DAY1[0], abstract=DAY1[0]["abstract"] + " PPO and HeronDec are also compared.")] + DAY1[1:]
    _jsonl(day1, DAY1b)
    done = build([day1], store, workers=1, curation=load_curation(path))
    assert done.papers_extracted == 1
    check_curated(store)

    # 3. a new file whose paper names curated names
    day2 = _jsonl(tmp_path / "day2.jsonl", DAY2)
    done = build([day1, day2], store, workers=1, curation=load_curation(path))
    assert done.papers_extracted == 1 and done.curation.warnings == []
    check_curated(store)
    finch = store.query(
        "MATCH (p:Paper {id: '2601.00004'})-[:MENTIONS]->(e:Entity) RETURN e.name ORDER BY e.name").rows
    assert [n for (n,) in finch] == ["Finch", "GSM8K", "Heron Decoding", "Qwen2.5-7B", "ToyBench"]  # (no PPO)

    # 4. a hand edit: a fix typed into the file (with a comment) is applied by the next build
    path.write_text(path.read_text() + '\n# Finch is ours\n[[fix]]\nretype = "Finch"\ntype = "model"\n', encoding="utf-8")
    done = build([day1, day2], store, workers=1, curation=load_curation(path))
    assert done.files_skipped == 2 and names(store)["Finch"] == "model"

    # and the graph equals a fresh build of the same input with the same curation
    fresh = open_store("embedded")
    build([day1, day2], fresh, workers=1, curation=load_curation(path))
    assert graph_of(store) == graph_of(fresh)


def test_curation_build_first_build_is_curated_in_bulk(tmp_path: Path) -> None:
    """Into an empty store (the COPY path) nothing ignored is ever written."""
    day1 = _jsonl(tmp_path / "day1.jsonl", DAY1)
    path = tmp_path / "c.toml"
    path.write_text(CURATION, encoding="utf-8")
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        done = build([day1], store, workers=1, curation=load_curation(path))
        check_curated(store)
        # the batch did the work: the store pass found nothing left to write
        assert done.curation.writes == 0 and done.curation.warnings == []


# -- the CLI ---------------------------------------------------------------------------------
runner = CliRunner()


def kg(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    db = tmp_path / "g.lbdb"
    assert kg("build", str(_jsonl(tmp_path / "day1.jsonl", DAY1)), "--db", str(db), "-w", "1").exit_code == 0
    return db


def test_curation_cli_records_applies_and_lists(built: Path, tmp_path: Path) -> None:
    db = str(built)
    default = tmp_path / "g.curation.toml"
    default.write_text("# our corrections, reviewed in git\n", encoding="utf-8")
    steps = [
        (("merge", "Heron Decoding", "herondec"), "Recorded fix #1 in {}: merge 'herondec' into 'Heron Decoding'"),
        (("rename", "Marlin", "Marlin Router"), "Recorded fix #2 in {}: rename 'Marlin' to 'Marlin Router'"),
        (("retype", "ToyBench", "dataset"), "Recorded fix #3 in {}: retype 'ToyBench' as dataset"),
        (("ignore", "PPO", "--note", "a baseline, not ours"), "Recorded fix #4 in {}: ignore 'PPO'"),
        (("ignore", "GSM8K", "--paper", "2601.00002"), "Recorded fix #5 in {}: ignore 'GSM8K' in paper 2601.00002"),
        (("family", "Qwen2.5-7B", "Qwen"), "Recorded fix #6 in {}: set the family of 'Qwen2.5-7B' to 'Qwen'"),
        (("merge", "Heron Decoding", "HeronDec"), "Already recorded fix #1 in {}: merge 'herondec' into 'Heron Decoding'"),
    ]
    for args, first in steps:
        res = kg(*args, "--db", db)
        assert res.exit_code == 0, res.output
        assert res.output.splitlines()[0] == first.format(default)
    text = default.read_text(encoding="utf-8")
    assert text.startswith("# our corrections, reviewed in git\n")
    assert text.count("[[fix]]") == 6 and 'note = "a baseline, not ours"' in text
    with EmbeddedStore(built) as store:
        check_curated(store)
    listed = json.loads(kg("curation", "--db", db, "--json").output)
    assert [f["kind"] for f in listed["fixes"]] == ["merge", "rename", "retype", "ignore", "ignore", "family"]
    assert listed["fixes"][4] == {"index": 5, "kind": "ignore", "name": "GSM8K", "paper": "2601.00002"}
    table = kg("curation", "--db", db).output.splitlines()
    assert table[0] == f"{default}: 6 fixes, applied in this order"
    assert re.fullmatch(r"4  ignore 'PPO' +a baseline, not ours", table[5])
    # a rebuild of the unchanged file keeps every correction
    res = kg("build", str(tmp_path / "day1.jsonl"), "--db", db, "-w", "1")
    assert res.exit_code == 0
    assert f"Curation: 6 fixes from {default} applied (0 rows written to the graph)" in res.output
    with EmbeddedStore(built) as store:
        check_curated(store)


# (command, the one-line error it must give)
ERRORS = [
    (("merge", "Heron Decoding", "Marlinn"), "Error: no entity named 'Marlinn' in the graph; did you mean 'Marlin'?"),
    (("retype", "ToyBnch", "dataset"), "Error: no entity named 'ToyBnch' in the graph; did you mean 'ToyBench'?"),
    (("ignore", "Zzzzqqq"), "Error: no entity named 'Zzzzqqq' in the graph"),
    (("ignore", "PPO", "--paper", "2601.00002"),
     "Error: the paper 2601.00002 does not mention 'PPO'; `kg lookup PPO` lists the papers that do"),
    (("ignore", "PPO", "--paper", "9999.99999"), "Error: no paper with the id '9999.99999' in the graph"),
    (("rename", "Marlin", "MMLU"), "Error: 'MMLU' is already another entity; to make them one, run: kg merge 'MMLU' 'Marlin'"),
    (("merge", "Marlin", "marlin"), "merges a name into itself"),
    (("family", "Qwen2.5-7B"), "give a FAMILY or --none"),
]


@pytest.mark.parametrize("args,message", ERRORS, ids=[a[0] + "-" + m.split()[-1] for a, m in ERRORS])
def test_curation_cli_errors_are_one_line(built: Path, args, message: str) -> None:
    res = runner.invoke(app, [*args, "--db", str(built)])
    assert res.exit_code != 0
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert message in res.output
    if message.startswith("Error:"):
        assert lines == [message]
    assert not (built.parent / "g.curation.toml").exists() or "[[fix]]" not in (built.parent / "g.curation.toml").read_text()


def test_curation_cli_conflict_leaves_the_file(built: Path) -> None:
    path = built.parent / "g.curation.toml"
    assert kg("retype", "ToyBench", "dataset", "--db", str(built)).exit_code == 0
    before = path.read_text()
    res = runner.invoke(app, ["retype", "ToyBench", "model", "--db", str(built)])
    assert res.exit_code == 1
    assert "conflicts with fix #1 (retype 'ToyBench' as dataset)" in res.output
    assert path.read_text() == before


def test_curation_cli_stale_fix_is_a_warning(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "hand.toml"
    path.write_text('[[fix]]\nretype = "Nothing Like It"\ntype = "model"\n', encoding="utf-8")
    res = runner.invoke(app, ["build", str(tmp_path / "day1.jsonl"), "--db", str(built), "--curation", str(path)])
    assert res.exit_code == 0
    assert "Warning: fix #1 (retype 'Nothing Like It' as model) matches nothing in the graph" in res.output
    res = runner.invoke(app, ["build", str(tmp_path / "day1.jsonl"), "--db", str(built), "--curation", str(tmp_path / "no.toml")])
    assert res.exit_code == 1 and "Error: no curation file at" in res.output


# -- kg eval --curation ---------------------------------------------------------------------
def test_curation_eval_scores_the_corrections(tmp_path: Path) -> None:
    """A gold set of our own where the extractor is wrong twice: a false entity and a type.
    The curation that fixes both raises the type-aware F1 to 1."""
    from kg.extract import extract
    from kg.model import Paper

    papers = [Paper(r["id"], r["title"], r["abstract"]) for r in DAY1]
    gold = []
    for pm in extract(papers):
        entities = []
        for m in pm.mentions:
            if m.name == "PPO":
                continue  # say the annotators did not count it
            etype = "dataset" if m.name == "ToyBench" else m.type.value
            entities.append({"name": m.name, "type": etype, "aliases": list(m.aliases)})
        gold.append({"id": pm.paper.id, "title": pm.paper.title, "abstract": pm.paper.abstract, "entities": entities})
    gold_path = _jsonl(tmp_path / "gold.jsonl", gold)
    fixes = tmp_path / "c.toml"
    fixes.write_text('[[fix]]\nignore = "PPO"\n\n[[fix]]\nretype = "ToyBench"\ntype = "dataset"\n', encoding="utf-8")
    plain = json.loads(kg("eval", str(gold_path), "--json").output)
    curated = json.loads(kg("eval", str(gold_path), "--json", "--curation", str(fixes)).output)
    assert plain["type_aware"]["fp"] == 3 and plain["type_aware"]["f1"] < 1.0
    assert (curated["type_aware"]["fp"], curated["type_aware"]["fn"], curated["type_aware"]["f1"]) == (0, 0, 1.0)
