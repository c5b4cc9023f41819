"""Red-team regressions for the living-graph features (curation, remove, export formats).

Each test is a hostile input that once lost or silently changed stored data, crashed
with a traceback or a segfault, or wrote a file other tools cannot read back.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.curation import load_curation
from kg.store.embedded import EmbeddedStore

runner = CliRunner()

PAPERS = [
    {"id": "2501.00010", "title": "MMaDA: Multimodal Large Diffusion Language Models",
     "abstract": "We introduce MMaDA, a novel class of multimodal diffusion foundation models. "
                 "Our MMaDA-8B model outperforms LLaMA-3-7B on reasoning."},
    {"id": "2501.00011", "title": "BarNet for detection",
     "abstract": "We introduce BarNet; it uses ImageNet and outperforms FooNet and ResNet-50 on COCO."},
    {"id": "2501.00012", "title": "FooNet",
     "abstract": "We propose FooNet, a new model. We evaluate on ImageNet and compare to ResNet-50."},
]


def kg(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def fails(*args: str | Path) -> str:
    """Run a command that must refuse: exit 1, one ``Error:`` line, no traceback."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    return path


def dump(db: Path) -> dict[str, list]:
    store = EmbeddedStore(db)
    try:
        q = store.query
        return {
            "papers": q("MATCH (p:Paper) RETURN p.id, p.title, p.abstract ORDER BY p.id").rows,
            "entities": q("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases ORDER BY e.key").rows,
            "links": q("MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN p.id, e.key, m.role, m.count, m.evidence "
                       "ORDER BY p.id, e.key").rows,
            "variants": q("MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.key, f.key ORDER BY v.key, f.key").rows,
            "names": q("MATCH (p:Paper)-[:NAMES]->(e:Entity) RETURN p.id, e.key ORDER BY p.id, e.key").rows,
        }
    finally:
        store.close()


# -- curation: what a command records is what a rebuild applies ----------------------------
HOSTILE_NAMES = [
    ("newline", 'D"P]]O\nx', 'D"P]]O x'),
    ("tab_and_spaces", "  Bar\t\tNet  v2 ", "Bar Net v2"),
    ("toml_specials", 'a = "b" # [[fix]] {c} \\ \'\'\'', 'a = "b" # [[fix]] {c} \\ \'\'\''),
    ("unicode", "Ünïcødé–名前 Net", "Ünïcødé–名前 Net"),
    ("long", "N" * 5000, "N" * 5000),
    ("unit_separator_is_space", "Bar\x1fNet", "Bar Net"),
]


@pytest.mark.parametrize("label,new,stored", HOSTILE_NAMES, ids=[h[0] for h in HOSTILE_NAMES])
def test_redteam_rename_to_hostile_name_equals_rebuild_with_the_file(
    corpus: Path, tmp_path: Path, label: str, new: str, stored: str
) -> None:
    live, fresh, cur = tmp_path / "live.lbdb", tmp_path / "fresh.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", live, "--workers", "1")
    kg("rename", "BarNet", new, "--db", live, "--curation", cur)
    names = [r[1] for r in dump(live)["entities"] if "BarNet" in r[3]]
    assert names == [stored]
    assert [f.target for f in load_curation(cur)] == [stored]
    kg("build", corpus, "--db", fresh, "--curation", cur, "--workers", "1")
    assert dump(live) == dump(fresh)


BAD_NAMES = [
    ("only_hyphen", "-", "no letter or digit"),
    ("only_spaces", "   ", "is empty"),
    ("escape_sequence", "\x1b[31mred", "control character"),
    ("bell", "Bar\x07Net", "control character"),
    ("delete", "Bar\x7fNet", "control character"),
]


@pytest.mark.parametrize("label,new,message", BAD_NAMES, ids=[b[0] for b in BAD_NAMES])
def test_redteam_rename_to_unusable_name_is_one_line_and_changes_nothing(
    corpus: Path, tmp_path: Path, label: str, new: str, message: str
) -> None:
    db, cur = tmp_path / "g.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", db, "--workers", "1")
    before = dump(db)
    line = fails("rename", "BarNet", new, "--db", db, "--curation", cur)
    assert message in line
    assert not cur.exists()
    assert dump(db) == before


@pytest.mark.parametrize("label,text,message", [
    ("empty_key", '[[fix]]\nrename = "BarNet"\nto = "--"\n', "no letter or digit"),
    ("control_char", '[[fix]]\nmerge = "Bar\\u001bNet"\ninto = "FooNet"\n', "control character"),
    ("empty_after_spaces", '[[fix]]\nretype = " \\n "\ntype = "model"\n', "is empty"),
], ids=["empty_key", "control_char", "empty_after_spaces"])
def test_redteam_hand_edited_file_with_unusable_name_is_refused(
    corpus: Path, tmp_path: Path, label: str, text: str, message: str
) -> None:
    db, cur = tmp_path / "g.lbdb", tmp_path / "fixes.toml"
    cur.write_text(text, encoding="utf-8")
    line = fails("build", corpus, "--db", db, "--curation", cur, "--workers", "1")
    assert message in line and "fix #1" in line


@pytest.mark.parametrize("label,text", [
    ("empty_inline_array", "fix = []\n"),
    ("inline_tables", '# kept\nfix = [{merge = "ResNet-50", into = "FooNet"}]\n'),
], ids=["empty_inline_array", "inline_tables"])
def test_redteam_merge_appends_to_an_inline_fix_array(corpus: Path, tmp_path: Path, label: str, text: str) -> None:
    db, cur = tmp_path / "g.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", db, "--workers", "1")
    cur.write_text(text, encoding="utf-8")
    before = [f.describe() for f in load_curation(cur)]
    kg("merge", "ImageNet", "COCO", "--db", db, "--curation", cur)
    after = load_curation(cur)
    assert [f.describe() for f in after] == [*before, "merge 'COCO' into 'ImageNet'"]
    assert cur.read_text(encoding="utf-8").splitlines()[:-1] == text.splitlines()[:-1]  # the comment stays


def test_redteam_saving_keeps_a_symlinked_curation_file_and_its_mode(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "g.lbdb"
    kg("build", corpus, "--db", db, "--workers", "1")
    real = tmp_path / "team" / "fixes.toml"
    real.parent.mkdir()
    real.write_text("# ours\n", encoding="utf-8")
    real.chmod(0o664)
    link = tmp_path / "fixes.toml"
    link.symlink_to(real)
    kg("merge", "ImageNet", "COCO", "--db", db, "--curation", link)
    assert link.is_symlink()
    assert "merge = \"COCO\"" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o664


# -- remove ----------------------------------------------------------------------------------
def test_redteam_remove_everything_leaves_no_entity(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "g.lbdb"
    kg("build", corpus, "--db", db, "--workers", "1")
    assert ["mmada8b", "mmada"] in dump(db)["variants"]  # a variant no paper mentions itself
    ids = [p["id"] for p in PAPERS]
    dry = json.loads(kg("remove", *ids, "--db", db, "--dry-run", "--json"))
    out = json.loads(kg("remove", *ids, "--db", db, "--json"))
    assert dump(db) == {"papers": [], "entities": [], "links": [], "variants": [], "names": []}
    assert sorted(e["key"] for e in out["entities"]) == sorted(e["key"] for e in dry["entities"])
    assert {"mmada", "mmada8b"} <= {e["key"] for e in out["entities"]}


def test_redteam_remove_keeps_an_unmentioned_variant_whose_family_stays(tmp_path: Path) -> None:
    papers = [PAPERS[0], {"id": "2501.00013", "title": "Using MMaDA", "abstract": "We use MMaDA for captioning."}]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    db = tmp_path / "g.lbdb"
    kg("build", path, "--db", db, "--workers", "1")
    kg("remove", "2501.00013", "--db", db)
    fresh = tmp_path / "fresh.lbdb"
    path.write_text(json.dumps(papers[0]) + "\n", encoding="utf-8")
    kg("build", path, "--db", fresh, "--workers", "1")
    assert dump(db)["entities"] == dump(fresh)["entities"]
    assert dump(db)["variants"] == dump(fresh)["variants"]


def test_redteam_build_into_a_store_with_entities_but_no_paper_does_not_crash(corpus: Path, tmp_path: Path) -> None:
    # A graph left with entities and no paper (an older kg remove, a hand-written query)
    # once took the first-build COPY path: duplicate keys, then a segfault on close, every time.
    db = tmp_path / "g.lbdb"
    kg("build", corpus, "--db", db, "--workers", "1")
    store = EmbeddedStore(db, writable=True)
    try:
        store.query("MATCH (p:Paper) DETACH DELETE p", write=True)
        assert store.query("MATCH (e:Entity) RETURN count(e)").rows[0][0] > 0
    finally:
        store.close()
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    run = subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--db", str(db), "--workers", "1"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    fresh = tmp_path / "fresh.lbdb"
    kg("build", corpus, "--db", fresh, "--workers", "1")
    assert dump(db) == dump(fresh)


# -- export formats --------------------------------------------------------------------------
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
@pytest.mark.parametrize("view", ["papers", "bipartite"])
def test_redteam_xml_exports_parse_back_whatever_the_names_hold(
    corpus: Path, tmp_path: Path, fmt: str, reader, view: str
) -> None:
    db = tmp_path / "g.lbdb"
    kg("build", corpus, "--db", db, "--workers", "1")
    store = EmbeddedStore(db, writable=True)
    try:  # what an older kg, or a hand-written query, may have stored
        store.query("MATCH (e:Entity {key: 'foonet'}) SET e.name = $n, e.aliases = [$a]",
                    {"n": f"Foo{CONTROL}Net <&>\"'", "a": f"F{CONTROL}N"}, write=True)
    finally:
        store.close()
    out = tmp_path / f"g.{fmt}"
    kg("export", "--db", db, "--format", fmt, "--view", view, "--out", out)
    g = reader(out)
    labels = {str(d.get("label")) for _, d in g.nodes(data=True)}
    if view == "bipartite":
        assert "Foo\ufffd" in "".join(labels) and "Net <&>\"'" in "".join(labels)
        assert not any(ch in "".join(labels) for ch in CONTROL)
    texts = " ".join(str(v) for _, d in g.nodes(data=True) for v in d.values())
    assert "FooNet" in texts or "Foo\ufffd" in texts
    assert not any(ch in texts for ch in CONTROL)


def test_redteam_csv_export_round_trips_hostile_names(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "g.lbdb"
    kg("build", corpus, "--db", db, "--workers", "1")
    name = 'Foo; "Net"\nv2, <b>&amp;'
    store = EmbeddedStore(db, writable=True)
    try:
        store.query("MATCH (e:Entity {key: 'foonet'}) SET e.name = $n, e.aliases = ['a;b', 'c\"d']", {"n": name},
                    write=True)
    finally:
        store.close()
    out = tmp_path / "csv"
    kg("export", "--db", db, "--format", "csv", "--view", "bipartite", "--out", out)
    with (out / "entities.csv").open(newline="", encoding="utf-8") as f:
        rows = {r[0]: r for r in csv.reader(f)}
    delim = "\x1f"  # an alias holds ';'
    assert rows["foonet"][1] == name
    assert sorted(rows["foonet"][3].split(delim)) == ["a;b", 'c"d']
    assert "--array-delimiter=U+001F" in (out / "import.sh").read_text(encoding="utf-8")


def test_redteam_a_fix_saved_by_another_command_meanwhile_is_not_lost(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two `kg merge` on one curation file (Neo4j has no writer lock; two embedded graphs may
    # share --curation/$KG_CURATION): the one that waited must not save its stale copy.
    import contextlib

    from kg import config as kg_config

    db, cur = tmp_path / "g.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", db, "--workers", "1")
    kg("retype", "COCO", "benchmark", "--db", db, "--curation", cur)
    real_lock = kg_config.writer_lock

    @contextlib.contextmanager
    def meanwhile(*args, **kwargs):
        with real_lock(*args, **kwargs):
            if "ResNet" not in cur.read_text(encoding="utf-8"):  # the other command, done first
                cur.write_text(cur.read_text(encoding="utf-8") + '\n[[fix]]\nignore = "ResNet-50"\n',
                               encoding="utf-8")
            yield

    monkeypatch.setattr(kg_config, "writer_lock", meanwhile)
    kg("merge", "ImageNet", "COCO", "--db", db, "--curation", cur)
    assert [f.kind for f in load_curation(cur)] == ["retype", "ignore", "merge"]


@pytest.mark.parametrize("fixes", [
    [("ignore", "BarNet", "--paper", "2501.00011")],
    [("merge", "FooNet", "BarNet"), ("ignore", "FooNet", "--paper", "2501.00011")],
    [("retype", "BarNet", "model"), ("family", "BarNet", "ResNet-50"), ("ignore", "BarNet", "--paper", "2501.00011")],
], ids=["only_paper", "after_merge", "variant_of_a_family"])
def test_redteam_ignore_in_one_paper_equals_rebuild_with_the_file(
    corpus: Path, tmp_path: Path, fixes: list[tuple[str, ...]]
) -> None:
    live, fresh, cur = tmp_path / "live.lbdb", tmp_path / "fresh.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", live, "--workers", "1")
    for fix in fixes:
        kg(*fix, "--db", live, "--curation", cur)
    kg("build", corpus, "--db", fresh, "--curation", cur, "--workers", "1")
    assert dump(live) == dump(fresh)
    store = EmbeddedStore(fresh)
    try:  # no entity the graph's rule does not hold (no paper mentions or names it, no variant)
        assert store.query("MATCH (e:Entity) WHERE NOT (e)<-[:MENTIONS]-(:Paper) AND NOT (e)<-[:VARIANT_OF]-(:Entity) "
                           "AND NOT (e)<-[:NAMES]-(:Paper) RETURN e.key").rows == []
    finally:
        store.close()


# -- fetch -----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    ["fetch", "hf-daily", "--date", "2025-09-01"],
    ["fetch", "arxiv", "--query", "cat:cs.LG"],
], ids=["hf-daily", "arxiv"])
def test_redteam_fetch_never_shows_a_password_in_the_base_url(
    fake_sources, slept: list[float], tmp_path: Path, command: list[str]
) -> None:
    with_password = fake_sources.url.replace("://", "://reader:s3cret@")
    ok = runner.invoke(app, [*command, "--base-url", with_password, "--cache", str(tmp_path / "c"), "--json"])
    assert ok.exit_code == 0, ok.output
    assert "s3cret" not in ok.output and "reader:***@" in ok.output
    down = "http://reader:s3cret@127.0.0.1:9"
    line = fails(*command, "--base-url", down, "--cache", tmp_path / "d", "--attempts", "1", "--refresh")
    assert "s3cret" not in line and "reader:***@127.0.0.1:9" in line
    line = fails(*command, "--base-url", "http://reader:s3cret@[::1", "--cache", tmp_path / "d")
    assert "s3cret" not in line


@pytest.mark.parametrize("command", [
    ["fetch", "hf-daily", "--date", "2025-09-01"],
    ["fetch", "arxiv", "--query", "cat:cs.LG"],
    ["build", "--from", "hf-daily", "--from-date", "2025-09-01", "--to-date", "2025-09-01"],
], ids=["hf-daily", "arxiv", "build-from"])
def test_redteam_fetch_into_a_cache_that_is_a_file_asks_the_server_nothing(
    fake_sources, slept: list[float], tmp_path: Path, command: list[str]
) -> None:
    cache = tmp_path / "cache"
    cache.write_text("my notes\n", encoding="utf-8")
    line = fails(*command, "--base-url", fake_sources.url, "--cache", cache, "--db", tmp_path / "g.lbdb") \
        if command[0] == "build" else fails(*command, "--base-url", fake_sources.url, "--cache", cache)
    assert "cache" in line and str(cache) in line
    assert fake_sources.asked() == []
    assert cache.read_text(encoding="utf-8") == "my notes\n"


LLAMA_3 = {"id": "2501.00014", "title": "Prompting LLaMA-3 for Reasoning", "abstract": "We prompt LLaMA-3 on GSM8K."}


@pytest.mark.parametrize("fixes", [
    [("family", "LLaMA-3", "LLaMA-3-7B")],  # the extractor says LLaMA-3-7B is a variant of LLaMA-3
    [("family", "LLaMA-3", "FooNet"), ("family", "FooNet", "LLaMA-3-7B")],  # through a chain
    [("family", "LLaMA-3", "FooNet"), ("family", "FooNet", "LLaMA-3-7B"), ("retype", "FooNet", "method")],
], ids=["direct", "through_a_chain", "applied_again"])
def test_redteam_family_never_makes_a_variant_cycle(corpus: Path, tmp_path: Path, fixes: list[tuple[str, ...]]) -> None:
    live, fresh, cur = tmp_path / "live.lbdb", tmp_path / "fresh.lbdb", tmp_path / "fixes.toml"
    # A paper names LLaMA-3 itself: otherwise it is only the family made for LLaMA-3-7B, and
    # once a fix makes it a variant nothing holds it (no paper mentions or names it).
    papers = [*PAPERS, LLAMA_3]
    corpus.write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    kg("build", corpus, "--db", live, "--workers", "1")
    for fix in fixes:
        kg(*fix, "--db", live, "--curation", cur)
    kg("build", corpus, "--db", fresh, "--curation", cur, "--workers", "1")
    assert dump(live) == dump(fresh)
    edges = dict(map(tuple, dump(live)["variants"]))
    from kg.text import match_key
    for fix in fixes:  # the user's word holds, over the extractor's
        if fix[0] == "family":
            assert edges.get(match_key(fix[1])) == match_key(fix[2])
    for start in edges:  # and no chain of VARIANT_OF comes back to where it started
        seen, k = {start}, edges[start]
        while k in edges:
            assert k not in seen, f"cycle through {k}"
            seen.add(k)
            k = edges[k]
    kg("remove", *[p["id"] for p in papers], "--db", live)
    assert dump(live)["entities"] == []


def test_redteam_family_fixes_that_make_a_cycle_are_refused(corpus: Path, tmp_path: Path) -> None:
    db, cur = tmp_path / "g.lbdb", tmp_path / "fixes.toml"
    kg("build", corpus, "--db", db, "--workers", "1")
    kg("family", "FooNet", "BarNet", "--db", db, "--curation", cur)
    kg("family", "BarNet", "ResNet-50", "--db", db, "--curation", cur)
    before, text = dump(db), cur.read_text(encoding="utf-8")
    line = fails("family", "ResNet-50", "FooNet", "--db", db, "--curation", cur)
    assert "family cycle" in line and "drop one of them" in line
    assert cur.read_text(encoding="utf-8") == text and dump(db) == before
