"""The classes of names issue 13 §3 says the extractor misses, as a table keyed by class.

Each case in ``fixtures/extract/generalisation.jsonl`` is an invented paper (our own text)
with the entities the guidelines expect (``expect``: name, allowed types, aliases that must
be attached) and names that must NOT be entities (``absent``); ``exhaustive`` cases allow no
other entity at all, except the don't-care names in ``optional`` (the guidelines' optional items). A case the extractor fails today carries ``"xfail": true`` and runs as
``xfail(strict=True)`` with its class as the reason, so fixing it turns it into a required
pass: then delete the flag.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest

from conftest import FIXTURES
from kg.extract import extract
from kg.model import EntityType, Mention, Paper
from kg.text import match_key

CASES_FILE = FIXTURES / "extract" / "generalisation.jsonl"
CLASSES = {
    "multiword_capitalised": "multi-word capitalised method names without an acronym are one name",
    "inner_lowercase": "long names with inner lower-case words are one name",
    "lowercase_expansion": "an acronym defined after a lower-case expansion is one entity with that alias",
    "versioned": "versioned names and lower-case prefixes are kept whole",
    "allcaps_title": "an ALL-CAPS title gives no entity from a capitalised common word",
    "generic_acronym": "generic architecture, task and metric acronyms are not entities",
    "dataset_whole": "multi-word data set names (organisation prefix, more words, part label) are kept whole",
}
TYPES = {"model", "method", "dataset", "benchmark", "github", "url"}


def _load() -> list[dict]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


CASES = _load()


@cache
def _extracted() -> dict[str, tuple[Mention, ...]]:
    """Every case's mentions, from one extract() run over all of them (fast)."""
    papers = [Paper(id=c["id"], title=c["title"], abstract=c["abstract"]) for c in CASES]
    return {pm.paper.id: pm.mentions for pm in extract(papers)}


def _keys(m: Mention) -> set[str]:
    return {match_key(f) for f in (m.name, *m.aliases)}


def _problems(case: dict, mentions: tuple[Mention, ...]) -> list[str]:
    """What the extractor got wrong on one case (empty when it is right)."""
    problems: list[str] = []
    matched: set[int] = set()
    for exp in case["expect"]:
        hits = [i for i, m in enumerate(mentions) if match_key(exp["name"]) in _keys(mentions[i])]
        if not hits:
            problems.append(f"missed {exp['name']!r}")
            continue
        m = mentions[hits[0]]
        matched.update(hits)
        if m.type.value not in exp["types"]:
            problems.append(f"{exp['name']!r} typed {m.type.value}, expected one of {exp['types']}")
        lost = [a for a in exp.get("aliases", []) if match_key(a) not in _keys(m)]
        if lost:
            problems.append(f"{exp['name']!r} found as {m.name!r} without alias(es) {lost}")
    for name in case["absent"]:
        key = match_key(name)
        for i, m in enumerate(mentions):
            # an expected entity may carry the name as an alias (the expansion of its acronym)
            if key == match_key(m.name) or (i not in matched and key in _keys(m)):
                problems.append(f"{name!r} must not be an entity (got {m.name!r}, {m.type.value})")
    if case.get("exhaustive"):
        dont_care = {match_key(n) for n in case.get("optional", [])}
        extra = [
            f"{m.name!r} ({m.type.value})"
            for i, m in enumerate(mentions)
            if i not in matched and not (_keys(m) & dont_care)
        ]
        if extra:
            problems.append(f"unexpected entities {extra}")
    return problems


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["class"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_extract_generalisation_case(case: dict) -> None:
    problems = _problems(case, _extracted()[case["id"]])
    assert not problems, f"{case['class']}: {CLASSES[case['class']]}\n  " + "\n  ".join(problems)


def test_extract_generalisation_table_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    per_class = Counter(c["class"] for c in CASES)
    assert set(per_class) == set(CLASSES), per_class
    assert min(per_class.values()) >= 5, per_class
    for c in CASES:
        text = f"{c['title']}\n\n{c['abstract']}"
        assert c["expect"] or c["absent"], c["id"]
        for exp in c["expect"]:
            assert exp["types"] and set(exp["types"]) <= TYPES, (c["id"], exp)
            for form in (exp["name"], *exp.get("aliases", [])):
                assert form.lower() in text.lower(), (c["id"], form)
        # a name that is not in the text could never be extracted: the check would be empty
        for name in (*c["absent"], *c.get("optional", [])):
            assert name in text, (c["id"], name)
        assert not set(c.get("optional", [])) & set(c["absent"]), c["id"]


def test_extract_generalisation_checker_catches_wrong_output() -> None:
    """The checker itself: nothing found fails every ``expect``; an ``absent`` name found fails."""
    for c in CASES:
        if c["expect"]:
            assert _problems(c, ()), c["id"]
        for name in c["absent"]:
            assert _problems(c, (Mention(name=name, type=EntityType.METHOD),)), (c["id"], name)
