"""Fixes applied to a stored graph, on both stores: each kind, in order, twice, after a kill.

The graph is ``conftest_neo4j.sample_graph()`` (our own ten papers). Neo4j cases run when
NEO4J_URI names a server (see tests/test_neo4j_store.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest_neo4j import sample_graph
from kg import curation as curation_module
from kg.curation import Curation, load_curation
from kg.store.embedded import EmbeddedStore
from conftest import profile_max_rows

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]




def curation(tmp_path: Path, text: str) -> Curation:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return load_curation(path)


def snapshot(store) -> dict:
    """Each entity by name: type, aliases, family, and its (paper, role, count) links."""
    out = {}
    for key, name, etype, aliases in store.query("MATCH (e:Entity) RETURN e.key, e.name, e.type, e.aliases").rows:
        out[name] = {"key": key, "type": etype, "aliases": sorted(aliases or []), "links": [], "family": None}
    for name, pid, role, count in store.query(
        "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) RETURN e.name, p.id, m.role, m.count ORDER BY p.id"
    ).rows:
        out[name]["links"].append((pid, role, count))
    for v, f in store.query("MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity) RETURN v.name, f.name").rows:
        out[v]["family"] = f
    return out


def _merge(s: dict) -> None:
    assert "Lantern Decoding" not in s
    e = s["TideRoute"]
    assert e["key"] == "tideroute"
    assert e["aliases"] == ["Lantern Decoding", "LanternDec", "Tide Routing"]
    # 2406.00090 named both: one link, the stronger role (compares_to over uses), counts summed
    assert e["links"] == [
        ("2403.00101", "proposes", 4), ("2404.00017", "proposes", 5), ("2405.00044", "uses", 1),
        ("2406.00090", "compares_to", 2), ("t-5e1f00aa11bb22cc", "compares_to", 1),
    ]


def _rename(s: dict) -> None:
    assert "PebblePrune" not in s
    e = s["Pebble Pruning"]
    assert (e["key"], e["aliases"]) == ("pebblepruning", ["PebblePrune"])
    assert [p for p, _, _ in e["links"]] == ["2403.00102", "2405.00044", "t-5e1f00aa11bb22cc"]


def _retype(s: dict) -> None:
    assert s["C4"]["type"] == "benchmark"
    assert len(s["C4"]["links"]) == 3


def _ignore(s: dict) -> None:
    assert "Orca-Mix" not in s


def _ignore_paper(s: dict) -> None:
    assert [p for p, _, _ in s["LoRA"]["links"]] == ["2403.00101", "2406.00008", "t-5e1f00aa11bb22cc"]


def _family(s: dict) -> None:
    assert s["Mistral-7B"]["family"] == "Mistral"
    assert s["Mistral"] == {"key": "mistral", "type": "model", "aliases": [], "links": [], "family": None}
    assert s["Llama-3-70B"]["family"] is None
    assert s["Llama-3-8B"]["family"] == "Llama-3"


def _family_orphan(s: dict) -> None:
    # Qwen2.5 is mentioned by one paper, so it stays; the family given is created
    assert s["Qwen2.5-7B"]["family"] == "Qwen"
    assert "Qwen2.5" in s


def _in_order(s: dict) -> None:
    assert "TideRoute" not in s and "Lantern Decoding" not in s
    e = s["Tide Router"]
    assert e["key"] == "tiderouter"
    assert e["aliases"] == ["Lantern Decoding", "LanternDec", "Tide Routing", "TideRoute"]
    assert len(e["links"]) == 5


def _alias_name(s: dict) -> None:
    # fixes may name an entity by an alias
    assert s["GSM8K"]["type"] == "dataset"
    assert "ARC-Challenge" not in s and "ARC-C" in s["MMLU"]["aliases"]


def _merge_into_missing(s: dict) -> None:
    # nothing is called "TideRoute v2": the merged name takes it, as a rename would
    assert "TideRoute" not in s
    assert s["TideRoute v2"]["aliases"] == ["Tide Routing", "TideRoute"]


# (id, curation text, check of the stored graph afterwards)
CASES = [
    ("merge", '[[fix]]\nmerge = "Lantern Decoding"\ninto = "TideRoute"\n', _merge),
    ("rename", '[[fix]]\nrename = "PebblePrune"\nto = "Pebble Pruning"\n', _rename),
    ("retype", '[[fix]]\nretype = "c4"\ntype = "benchmark"\n', _retype),
    ("ignore", '[[fix]]\nignore = "Orca-Mix"\n', _ignore),
    ("ignore-paper", '[[fix]]\nignore = "Low-Rank Adaptation"\npaper = "2403.00230"\n', _ignore_paper),
    ("family", '[[fix]]\nvariant = "Mistral-7B"\nfamily = "Mistral"\n\n[[fix]]\nvariant = "Llama-3-70B"\nfamily = ""\n',
     _family),
    ("family-created", '[[fix]]\nvariant = "Qwen2.5-7B"\nfamily = "Qwen"\n', _family_orphan),
    ("merge-then-rename",
     '[[fix]]\nmerge = "LanternDec"\ninto = "TideRoute"\n\n[[fix]]\nrename = "TideRoute"\nto = "Tide Router"\n', _in_order),
    ("by-alias", '[[fix]]\nretype = "GSM-8K"\ntype = "dataset"\n\n[[fix]]\nmerge = "ARC-C"\ninto = "MMLU"\n', _alias_name),
    ("merge-into-missing", '[[fix]]\nmerge = "TideRoute"\ninto = "TideRoute v2"\n', _merge_into_missing),
]


@pytest.mark.parametrize("kind", STORES)
@pytest.mark.parametrize("case,text,check", CASES, ids=[c[0] for c in CASES])
def test_curation_store_applies_each_kind_once(open_store, tmp_path: Path, kind: str, case, text, check) -> None:
    store = open_store(kind)
    store.write(sample_graph())
    before = snapshot(store)
    cur = curation(tmp_path, text)
    report = cur.apply_to_store(store)
    assert report.warnings == [] and report.matched == {f.index for f in cur}
    after = snapshot(store)
    check(after)
    # nothing else changed: entities the fixes do not name are as they were
    named = {n for f in cur for n in f.names()} | {"Tide Router", "TideRoute v2", "Pebble Pruning", "Mistral", "Qwen",
                                                     "MMLU", "GSM8K", "Llama-3-70B", "LoRA", "C4"}
    untouched = {n for n in before if n not in named and "TideRoute" not in n}
    assert {n: after[n] for n in untouched if n in after} == {n: before[n] for n in untouched if n in after}
    assert untouched <= set(after) | {"Lantern Decoding", "ARC-Challenge", "Orca-Mix"}
    # a second application changes nothing and writes nothing
    again = cur.apply_to_store(store)
    assert again.writes == 0 and again.warnings == []
    assert snapshot(store) == after
    # the input fingerprints are kept: an unchanged rebuild still skips its files
    assert store.stats()["papers"] == 10


@pytest.mark.parametrize("kind", STORES)
def test_curation_store_warns_for_a_fix_that_matches_nothing(open_store, tmp_path: Path, kind: str) -> None:
    store = open_store(kind)
    store.write(sample_graph())
    cur = curation(tmp_path, '[[fix]]\nretype = "NoSuchThing"\ntype = "model"\n\n[[fix]]\nignore = "Orca-Mix"\n')
    report = cur.apply_to_store(store)
    assert report.warnings == ["fix #1 (retype 'NoSuchThing' as model) matches nothing in the graph"]
    # the ignored entity is gone, as asked: no warning about it later
    assert cur.apply_to_store(store).warnings == ["fix #1 (retype 'NoSuchThing' as model) matches nothing in the graph"]


@pytest.mark.parametrize("kind", STORES)
@pytest.mark.parametrize("die_at", [1, 3, 6, 10])
def test_curation_store_killed_anywhere_is_finished_by_a_rerun(open_store, tmp_path: Path, kind: str, die_at: int,
                                                               monkeypatch) -> None:
    """A run that dies at its Nth write, then runs again, leaves what one clean run leaves."""
    text = (
        '[[fix]]\nmerge = "Lantern Decoding"\ninto = "TideRoute"\n\n[[fix]]\nrename = "TideRoute"\nto = "Tide Router"\n\n'
        '[[fix]]\nvariant = "Qwen2.5-7B"\nfamily = "Qwen"\n\n[[fix]]\nignore = "DPO"\npaper = "2403.00230"\n'
    )
    cur = curation(tmp_path, text)
    clean = open_store("embedded")
    clean.write(sample_graph())
    cur.apply_to_store(clean)
    expected = snapshot(clean)

    store = open_store(kind)
    store.write(sample_graph())
    real = type(store)._write_rows
    calls = []

    def dying(self, cypher, rows):
        calls.append(cypher)
        if len(calls) == die_at:
            raise KeyboardInterrupt("killed")
        return real(self, cypher, rows)

    monkeypatch.setattr(type(store), "_write_rows", dying)
    with pytest.raises(KeyboardInterrupt):
        cur.apply_to_store(store)
    monkeypatch.setattr(type(store), "_write_rows", real)
    cur.apply_to_store(store)
    assert snapshot(store) == expected


# -- every statement costs in proportion to the rows it is given --------------------------
def _statements(kind: str = "embedded") -> list[tuple[str, str, dict]]:
    rows = [{"paper": f"2401.{i:05d}", "source": f"e{i}", "target": f"e{i + 500}", "key": f"e{i}", "variant": f"e{i}",
             "family": f"e{i + 3}", "role": "uses", "count": 1, "evidence": "x", "start": 3, "stop": 5,
             "spans": "3 5", "title_spans": None, "rule": "names.shaped"} for i in range(100, 105)]
    return [
        ("MOVE_LINKS", curation_module.MOVE_LINKS_EMBEDDED if kind == "embedded" else curation_module.MOVE_LINKS,
         {"rows": rows}),
        ("UNSET_FAMILIES", curation_module.UNSET_FAMILIES, {"rows": rows}),
        ("DROP_ENTITIES", curation_module.DROP_ENTITIES, {"rows": rows}),
        ("DROP_LINKS", curation_module.DROP_LINKS, {"rows": rows}),
        ("MOVE_NAMES", curation_module.MOVE_NAMES, {"rows": rows}),
        ("DROP_NAMES", curation_module.DROP_NAMES, {"rows": rows}),
        ("DROP_NAMES_TO", curation_module.DROP_NAMES_TO, {"rows": rows}),
        ("namers of", curation_module._NAMERS_OF, {"key": "e7"}),
        ("named by", curation_module._NAMED_BY, {"paper": "2401.00100", "keys": [r["key"] for r in rows]}),
        ("named", curation_module._NAMED, {"keys": [r["key"] for r in rows]}),
        ("links of", curation_module._LINKS_OF, {"key": "e7"}),
        ("links from", curation_module._LINKS_FROM, {"ids": [r["paper"] for r in rows], "key": "e7"}),
        ("families of", curation_module._FAMILIES_OF, {"key": "e2"}),
        ("variants of", curation_module._VARIANTS_OF, {"key": "e3"}),
        ("get", curation_module._GET, {"keys": ["e1", "e2"]}),
    ]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    from test_store_write_cost import _graph

    with EmbeddedStore(tmp_path_factory.mktemp("cost") / "g.lbdb", writable=True) as store:
        store.write(_graph())
        yield store


@pytest.mark.parametrize("index", range(len(_statements())), ids=[n for n, _, _ in _statements()])
def test_curation_store_statement_follows_its_rows(big, index: int) -> None:
    """PROFILEd on 2,000 papers and 10,000 links (rolled back): no operator sees more than a
    small multiple of the rows (an entity here has about 10 links)."""
    from test_store_write_cost import N_PAPERS

    name, cypher, params = _statements()[index]
    assert profile_max_rows(big, cypher, params) <= 60 < N_PAPERS, name


@pytest.mark.neo4j
def test_curation_store_neo4j_plans_have_no_scans(server) -> None:
    from test_store_write_cost import _SCANS, _operators

    for name, cypher, params in _statements("neo4j"):
        with server._driver.session(database=server.database) as session:
            plan = session.run("EXPLAIN " + cypher, params).consume().plan
        ops = _operators(plan)
        assert not [op for op in ops if op.startswith(_SCANS)], (name, ops)
