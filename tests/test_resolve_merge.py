"""Corpus-level resolution: one entity per artifact, deterministic keys, links, variants."""

from __future__ import annotations

from kg.model import EntityType, Mention, Naming, Paper, PaperMentions, Role, Variant
from kg.resolve import Resolver, mention_facts, resolve


def pm(pid: str, *mentions: Mention) -> PaperMentions:
    return PaperMentions(paper=Paper(id=pid, title=f"Paper {pid}", abstract=""), mentions=mentions)


def M(name: str, type: str = "method", aliases=(), role: str = "uses", count: int = 1, family=None, evidence="") -> Mention:
    return Mention(name, EntityType(type), tuple(aliases), Role(role), evidence, count, family)


def by_key(graph):
    return {e.key: e for e in graph.entities}


def test_resolve_case_and_hyphen_variants_are_one_entity() -> None:
    g = resolve([pm("1", M("Multi-modal Fusion Net")), pm("2", M("Multimodal Fusion Net")), pm("3", M("multimodal fusion-net"))], "v1")
    assert len(g.entities) == 1
    assert len(g.links) == 3


def test_resolve_acronym_and_long_form_across_papers() -> None:
    g = resolve(
        [
            pm("1", M("SRS", aliases=["Sparse Reward Shaping"])),
            pm("2", M("Sparse Reward Shaping")),
            pm("3", M("SRS")),
        ],
        "v1",
    )
    (e,) = g.entities
    assert e.name == "SRS" and e.key == "srs" and e.aliases == ("Sparse Reward Shaping",)
    assert {link.paper_id for link in g.links} == {"1", "2", "3"}


def test_resolve_gazetteer_joins_known_forms() -> None:
    g = resolve([pm("1", M("Direct Preference Optimization")), pm("2", M("DPO"))], "v1")
    (e,) = g.entities
    assert e.name == "DPO" and e.key == "dpo"


def test_resolve_same_acronym_different_long_forms_stays_apart() -> None:
    g = resolve(
        [
            pm("1", M("PAX", aliases=["Planning with Abstract eXperts"])),
            pm("2", M("PAX", aliases=["Planning with Abstract eXperts"])),
            pm("3", M("PAX", aliases=["Protein Atlas eXplorer"])),
        ],
        "v1",
    )
    assert len(g.entities) == 2
    keys = sorted(e.key for e in g.entities)
    assert keys[0] == "pax" and keys[1].startswith("pax~")


def test_resolve_type_by_majority_and_tie_break() -> None:
    g = resolve([pm("1", M("ZooBench", "benchmark")), pm("2", M("ZooBench", "dataset")), pm("3", M("ZooBench", "benchmark"))], "v1")
    assert g.entities[0].type == EntityType.BENCHMARK
    tie = resolve([pm("1", M("Quux", "method")), pm("2", M("Quux", "model"))], "v1")
    assert tie.entities[0].type == EntityType.MODEL  # model before method, always


def test_resolve_one_link_per_paper_with_strongest_role() -> None:
    g = resolve(
        [pm("1", M("Foo", role="uses", count=2, evidence="uses it"), M("foo", role="proposes", count=1, evidence="we propose it"))],
        "v1",
    )
    (link,) = g.links
    assert link.role == Role.PROPOSES and link.count == 3 and link.evidence == "we propose it"


def test_resolve_urls_keyed_by_canonical_url() -> None:
    g = resolve(
        [
            pm("1", M("https://github.com/Lab/Tool", "github")),
            pm("2", M("https://github.com/Lab/Tool.git", "github")),
        ],
        "v1",
    )
    (e,) = g.entities
    assert e.key == "https://github.com/Lab/Tool"


def test_resolve_variants_create_the_family() -> None:
    g = resolve(
        [pm("1", M("Qwen2.5-VL-7B", "model", family="Qwen2.5-VL")), pm("2", M("Qwen2.5-VL-72B", "model", family="Qwen2.5-VL"))],
        "v1",
    )
    ents = by_key(g)
    assert "qwen2.5vl" in ents and ents["qwen2.5vl"].type == EntityType.MODEL
    assert set(g.variants) == {Variant("qwen2.5vl7b", "qwen2.5vl"), Variant("qwen2.5vl72b", "qwen2.5vl")}
    # no paper links to the family itself
    assert {link.entity_key for link in g.links} == {"qwen2.5vl7b", "qwen2.5vl72b"}


def test_resolve_is_deterministic() -> None:
    items = [
        pm("1", M("SRS", aliases=["Sparse Reward Shaping"]), M("Llama-3-8B", "model", family="Llama-3")),
        pm("2", M("srs"), M("GPT-4o", "model", role="compares_to")),
    ]
    a, b = resolve(items, "v1"), resolve(list(reversed(items)), "v1")
    assert sorted(e.key for e in a.entities) == sorted(e.key for e in b.entities)
    assert resolve(items, "v1") == resolve(items, "v1")
    assert a.extractor_version == "v1" and [p.id for p in a.papers] == ["1", "2"]


def test_resolve_spelling_variants_of_a_long_form_do_not_split() -> None:
    g = resolve(
        [
            pm("1", M("ZBO", aliases=["Zesty Batch Optimisation"])),
            pm("2", M("ZBO", aliases=["Zesty Batch Optimization"])),
        ],
        "v1",
    )
    (e,) = g.entities
    assert e.key == "zbo" and set(e.aliases) == {"Zesty Batch Optimisation", "Zesty Batch Optimization"}


def test_resolve_empty_input() -> None:
    g = resolve([], "v1")
    assert g.entities == [] and g.links == [] and g.variants == [] and g.papers == []


def test_resolve_variant_alias_stays_a_variant_and_bridges_no_papers() -> None:
    # paper 1 names the system and a checkpoint of it; paper 2 only the checkpoint
    g = resolve(
        [
            pm("1", M("Zebrafold", "model", aliases=["Zebrafold-7B"])),
            pm("2", M("Zebrafold-7B", "model", family="Zebrafold")),
        ],
        "v1",
    )
    ents = by_key(g)
    assert set(ents) == {"zebrafold", "zebrafold7b"}
    assert ents["zebrafold"].aliases == ()
    assert g.variants == [Variant("zebrafold7b", "zebrafold")]
    assert {(link.paper_id, link.entity_key) for link in g.links} == {("1", "zebrafold"), ("2", "zebrafold7b")}
    # paper 1 named the checkpoint beside its system: its NAMES, not a MENTIONS
    assert g.names == [Naming("1", "zebrafold7b")]


def test_resolve_variant_alias_alone_makes_the_variant_entity() -> None:
    g = resolve([pm("1", M("Zebrafold", "model", aliases=["Zebrafold-7B", "ZF"]))], "v1")
    ents = by_key(g)
    assert ents["zebrafold"].aliases == ("ZF",)
    assert ents["zebrafold7b"].type == EntityType.MODEL
    assert g.variants == [Variant("zebrafold7b", "zebrafold")]
    assert [link.entity_key for link in g.links] == ["zebrafold"]
    assert g.names == [Naming("1", "zebrafold7b")]


def test_resolve_names_one_per_paper_and_checkpoint_in_any_chunking() -> None:
    """Each paper that names a checkpoint beside its system gets one naming per checkpoint
    (twice named, one naming), and the streaming resolver gives them chunk by chunk."""
    items = [
        pm("1", M("Zebrafold", "model", aliases=["Zebrafold-7B", "Zebrafold-70B"]),
           M("zebrafold", "model", aliases=["Zebrafold-7B"])),
        pm("2", M("Okapi", "model")),
        pm("3", M("Zebrafold", "model", aliases=["Zebrafold-7B"])),
        pm("4", M("Zebrafold-70B", "model", family="Zebrafold")),
    ]
    g = resolve(items, "v1")
    assert g.names == [Naming("1", "zebrafold70b"), Naming("1", "zebrafold7b"), Naming("3", "zebrafold7b")]
    assert {(link.paper_id, link.entity_key) for link in g.links} == {
        ("1", "zebrafold"), ("2", "okapi"), ("3", "zebrafold"), ("4", "zebrafold70b")}
    for size in (1, 2, 3):
        resolver = Resolver("v1")
        for item in items:
            resolver.add(item)
        resolution = resolver.finish()
        facts = [mention_facts(item) for item in items]
        names = []
        for start in range(0, len(facts), size):
            links, named = resolution.rows(facts[start : start + size])
            names += [Naming(r["paper"], r["entity"]) for r in named]
        assert names == g.names, size


def test_resolve_a_method_does_not_join_a_known_data_set_of_the_same_name() -> None:
    # the gazetteer's ABO is a data set (Amazon Berkeley Objects); a paper's own ABO method is not
    g = resolve([pm("1", M("ABO", aliases=["Adaptive Batch Optimisation"]))], "v1")
    (e,) = g.entities
    assert e.key == "abo" and e.name == "ABO" and e.type == EntityType.METHOD
    known = resolve([pm("1", M("ABO", "dataset"))], "v1")
    assert known.entities[0].name == "Amazon Berkeley Objects"


def test_resolve_rows_are_the_link_rows_of_the_links() -> None:
    # What a big build writes (``rows``, no Link objects) is ``link_row`` of what ``resolve``
    # links, merges included: one entity named twice in a paper sums its counts, joins its
    # offsets and keeps the strongest role with its evidence.
    from dataclasses import replace

    from kg.store.base import link_row

    def at(m: Mention, spans=(), title_spans=(), rule="") -> Mention:
        return replace(m, spans=tuple(spans), title_spans=tuple(title_spans), rule=rule)

    items = [
        pm("1", at(M("Zebrafold", "model", count=2, evidence="uses Zebrafold"), [(40, 49), (90, 99)], [(0, 9)], "names.shaped"),
           at(M("zebrafold", "model", role="proposes", evidence="we propose zebrafold"), [(10, 19)], rule="own.proposed"),
           at(M("Okapi", "model", role="compares_to", count=3), [(5, 10), (20, 25), (200, 205)])),
        pm("2", at(M("Okapi", "model"), rule="gazetteer.known_names")),
        pm("3", M("Zebrafold", "model", role="evaluates_on")),
    ]
    g = resolve(items, "v1")
    merged = next(link for link in g.links if link.paper_id == "1" and link.entity_key == "zebrafold")
    assert (merged.count, merged.role, merged.evidence) == (3, Role.PROPOSES, "we propose zebrafold")
    assert merged.spans == ((10, 19), (40, 49), (90, 99)) and merged.title_spans == ((0, 9),)
    resolver = Resolver("v1")
    for item in items:
        resolver.add(item)
    resolution = resolver.finish()
    rows, named = resolution.rows([mention_facts(item) for item in items])
    assert rows == [link_row(link) for link in g.links]
    assert named == []
