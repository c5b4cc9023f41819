"""The explorer's evidence data: each drawn paper's mentions with the sentence that shows them.

The page carries it in its own JSON block (``kg-evidence``), parsed on the first tooltip:
``{paper id: [texts, {type: [null | [text index, a1, b1, ...]]}]}``, entries in the order
of the paper node's ``entities[type]``, spans in JavaScript (UTF-16) offsets. The browser
side (hover, keyboard, XSS) is in tests/test_browser_export.py. Texts are our own.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest

from conftest_neo4j import sample_graph
from kg.export import select as kselect
from kg.export.demo import demo_graph, synthetic_graph
from kg.export.html import EVIDENCE_MAX_CHARS, ExportOptions, _checked, _literal_forms, mention_spans, render_html, render_scope
from kg.model import Entity, EntityType, Graph, Link, Paper, Role
from kg.store.embedded import EmbeddedStore
from kg.text import match_key
from kg.why import mark


def _block(page: str, name: str) -> dict:
    m = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
    assert m, f"{name} block missing"
    return json.loads(m.group(1))


def _evidence(page: str) -> dict:
    return _block(page, "kg-evidence")


def _js_slice(text: str, a: int, b: int) -> str:
    """``text.slice(a, b)`` as JavaScript computes it (UTF-16 code units)."""
    return text.encode("utf-16-le")[2 * a : 2 * b].decode("utf-16-le")


def _shown(page: str) -> dict[tuple[str, str, str], tuple[str, list[str]]]:
    """(paper id, type, name) -> (text, marked strings), as the page script reads the blocks."""
    data, ev = _block(page, "kg-data"), _evidence(page)
    out = {}
    for node in data["nodes"]:
        if node["kind"] != "paper" or node["paper_id"] not in ev:
            continue
        texts, groups = ev[node["paper_id"]]
        for etype, names in node["entities"].items():
            entries = groups.get(etype)
            if entries is None:
                continue
            assert len(entries) == len(names)
            for name, entry in zip(names, entries):
                if entry is None:
                    continue
                text = texts[entry[0]]
                spans = entry[1:]
                out[(node["paper_id"], etype, name)] = (text, [_js_slice(text, a, b) for a, b in zip(spans[::2], spans[1::2])])
    return out


def _paper(pid: str, evidence: dict[str, str], entities: dict[str, tuple[str, ...]] | None = None) -> Graph:
    """One paper mentioning each name of ``evidence`` (models) with that sentence."""
    entities = entities or {}
    ents = [Entity(match_key(n), n, EntityType.MODEL, entities.get(n, ())) for n in evidence]
    links = [Link(pid, match_key(n), Role.USES, 1, s) for n, s in evidence.items()]
    return Graph(papers=[Paper(pid, "A paper", "")], entities=ents, links=links)


@pytest.mark.parametrize("view", ["papers", "bipartite"])
def test_export_tooltips_every_mention_has_its_sentence_marked(view: str) -> None:
    graph = sample_graph()
    shown = _shown(render_html(graph, ExportOptions(view=view))[0])
    ents = {e.key: e for e in graph.entities}
    want = {(l.paper_id, ents[l.entity_key].type.value, ents[l.entity_key].name): l for l in graph.links}
    assert set(shown) == set(want) and len(shown) == 48
    for key, (text, marked) in shown.items():
        link = want[key]
        assert text == link.evidence
        forms = {match_key(f) for f in (ents[link.entity_key].name, *ents[link.entity_key].aliases)}
        assert marked and all(match_key(m) in forms for m in marked), (key, marked)


def test_export_tooltips_one_text_per_sentence() -> None:
    shared = "We compare Alpha, Beta and Gamma on three tasks."
    graph = _paper("p1", {"Alpha": shared, "Beta": shared, "Gamma": shared, "Delta": "Delta is ours."})
    page = render_html(graph)[0]
    texts, groups = _evidence(page)["p1"]
    assert sorted(texts) == sorted([shared, "Delta is ours."])
    assert Counter(entry[0] for entry in groups["model"])[texts.index(shared)] == 3
    assert page.count(shared) == 1  # in the page once, however many links it shows
    assert _shown(page)[("p1", "model", "Beta")] == (shared, ["Beta"])


# sentence, entity name, aliases -> what is marked (the name or an alias, any case, whole words)
MARKS = {
    "name": ("We fine-tune Qwen2.5 on our data.", "Qwen2.5", (), ["Qwen2.5"]),
    "any case": ("Results on mmlu and on MMLU again.", "MMLU", (), ["mmlu", "MMLU"]),
    "alias": ("We use low-rank adaptation (LoRA) throughout.", "LoRA", ("Low-Rank Adaptation",), ["low-rank adaptation", "LoRA"]),
    "whole words only": ("Mathematics is hard; MATH is a benchmark.", "MATH", (), ["MATH"]),
    "spaces and hyphens in the name": ("We report GSM 8K accuracy.", "GSM8K", (), ["GSM 8K"]),
    "symbols end a name": ("C++ and C are compared.", "C++", (), ["C++"]),
    "accents": ("Évaluation sur ÉCLAIR et éclair.", "Éclair", (), ["ÉCLAIR", "éclair"]),
    "not there": ("This sentence names something else.", "LoRA", (), []),
}


@pytest.mark.parametrize("case", sorted(MARKS))
def test_export_tooltips_mention_table(case: str) -> None:
    sentence, name, aliases, want = MARKS[case]
    assert [sentence[a:b] for a, b in mention_spans(sentence, (name, *aliases))] == want
    page = render_html(_paper("p1", {name: sentence}, {name: aliases}))[0]
    assert _shown(page)[("p1", "model", name)] == (sentence, want)


def _by_pattern(text: str, forms: tuple[str, ...]) -> list[tuple[int, int]]:
    """What mention_spans is: the forms' case-blind pattern, else kg why's marking."""
    pattern = _literal_forms(forms)
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    return [s for s in spans if s[1] > s[0]] or mark(text, list(forms))[1]


OVERLAPS = [
    ("GPT-4 beats GPT and gpt-4o; GPT-4-turbo too.", ("GPT", "GPT-4", "GPT-4o")),
    ("We use LoRA-style adapters, not LoRAX or xLoRA.", ("LoRA",)),
    ("C++ and C and C# are compared; c++ again.", ("C++", "C", "C#")),
    ("aaaa aa a", ("a", "aa", "A A")),
    ("under_score and under score", ("under score", "under_score")),
]


@pytest.mark.parametrize("seed", range(4))
def test_export_tooltips_ascii_search_finds_what_the_pattern_finds(seed: int) -> None:
    # ASCII sentences are searched with str.find (150,000 of them at 20,000 papers), others
    # with the pattern: the same spans either way, overlaps and word edges included.
    rng = random.Random(seed)
    alphabet = "aAbB_1 -+.C"
    cases = list(OVERLAPS) if seed == 0 else []
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        forms = tuple("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(1, 3)))
        cases.append((text, forms))
    assert sum(1 for text, forms in cases if _by_pattern(text, forms)) > len(cases) // 8  # not a vacuous check
    for text, forms in cases:
        assert mention_spans(text, forms) == _by_pattern(text, forms), (text, forms)


@pytest.mark.parametrize(("where", "cut_start", "cut_end"), [(0, False, True), (250, True, True), (540, True, False)])
def test_export_tooltips_long_sentence_is_cut_around_the_mention(where: int, cut_start: bool, cut_end: bool) -> None:
    filler = "word " * 120
    sentence = (filler[:where] + "TideRoute " + filler)[:590]
    shown = _shown(render_html(_paper("p1", {"TideRoute": sentence}))[0])
    text, marked = shown[("p1", "model", "TideRoute")]
    assert len(text) <= EVIDENCE_MAX_CHARS and marked == ["TideRoute"]
    assert text.strip("…") in sentence
    assert (text.startswith("…"), text.endswith("…")) == (cut_start, cut_end)


def test_export_tooltips_offsets_count_utf16_units() -> None:
    # Characters outside the BMP are two positions in a JavaScript string.
    sentence = "𝒳-adapters 🚀 beat LoRA 🚀 on 𝔾 tasks, unlike lora."
    text, marked = _shown(render_html(_paper("p1", {"LoRA": sentence}))[0])[("p1", "model", "LoRA")]
    assert text == sentence and marked == ["LoRA", "lora"]


HOSTILE_NAME = '</mark><img src=x onerror="window.__xss5=1">'
HOSTILE_SENTENCE = (
    "We beat </script><script>window.__xss6=1</script> and \"quoted\" 'names' & "
    + HOSTILE_NAME
    + " on <b>bold</b> claims\u2028too."
)


def hostile_graph() -> Graph:
    """Two papers whose shared entity and evidence are markup (also used by the browser tests)."""
    ent = Entity("x:mark", HOSTILE_NAME, EntityType.METHOD, ("<script>",))
    papers = [Paper("h1", "First <script>alert(1)</script> paper", ""), Paper("h2", 'Second "paper"', "")]
    links = [Link("h1", "x:mark", Role.USES, 1, HOSTILE_SENTENCE), Link("h2", "x:mark", Role.USES, 1, "A <script> sentence: " + HOSTILE_NAME)]
    return Graph(papers=papers, entities=[ent], links=links)


def test_export_tooltips_markup_in_evidence_stays_data() -> None:
    page = render_html(hostile_graph())[0]
    raw = re.search(r'id="kg-evidence">(.*?)</script>', page, re.S).group(1)
    assert not set(raw) & set("<>&\u2028")  # escaped: nothing in it can end the block or open a tag
    assert page.count("<script") == render_html(demo_graph())[0].count("<script")  # none from the text
    shown = _shown(page)
    assert shown[("h1", "method", HOSTILE_NAME)] == (HOSTILE_SENTENCE, ["<script>", HOSTILE_NAME])  # an alias, then the name
    assert shown[("h2", "method", HOSTILE_NAME)] == ("A <script> sentence: " + HOSTILE_NAME, ["<script>", HOSTILE_NAME])


def test_export_tooltips_without_evidence_the_block_is_empty() -> None:
    page = render_html(demo_graph())[0]
    assert _evidence(page) == {}


@pytest.mark.parametrize("max_nodes", [None, 4])
def test_export_tooltips_store_reads_keep_the_evidence(tmp_path, max_nodes: int | None) -> None:
    # kg export reads the store itself (everything under the cap, the chosen papers over it).
    graph = sample_graph()
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        store.write(graph)
        options = _checked(ExportOptions(max_nodes=max_nodes))
        scope = kselect.select_scope(store, options)
        assert scope.complete == (max_nodes is None)
        page = render_scope(scope, options)[0]
        whole = _shown(render_html(store.load_graph(), options)[0])
    shown = _shown(page)
    drawn = {n["paper_id"] for n in _block(page, "kg-data")["nodes"]}
    assert len(drawn) == (max_nodes or 10)
    assert shown == {k: v for k, v in whole.items() if k[0] in drawn}
    assert {k[0] for k in shown} == drawn


def test_export_tooltips_evidence_only_for_drawn_papers() -> None:
    graph = synthetic_graph(120, n_topics=4, seed=2)
    links = [Link(l.paper_id, l.entity_key, l.role, 1, f"In {l.paper_id} we use {l.entity_key}.") for l in graph.links]
    graph = Graph(papers=graph.papers, entities=graph.entities, links=links)
    page = render_html(graph, ExportOptions(max_nodes=30))[0]
    drawn = {n["paper_id"] for n in _block(page, "kg-data")["nodes"]}
    assert len(drawn) == 30 and set(_evidence(page)) == drawn
