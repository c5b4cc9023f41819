"""The assembler's typed state: the confidence table documented once, and occurrences as slotted values."""

from __future__ import annotations

import re

import pytest

import kg.extract.state as state
from kg.extract.state import Conf, Kind, Occurrence


def _documented_scale() -> dict[str, float]:
    rows = re.findall(r"^``(\w+)``\s+([\d.]+)\s", state.__doc__, flags=re.MULTILINE)
    return {name: float(value) for name, value in rows}


def test_extract_state_confidence_table_matches_the_scale() -> None:
    scale = {k: v for k, v in vars(Conf).items() if k.isupper()}
    assert _documented_scale() == scale
    assert list(scale.values()) == sorted(scale.values()), "the table lists the scale weakest first"


def test_extract_state_occurrence_takes_no_ad_hoc_keys() -> None:
    o = Occurrence(0, 1, "GRPO", Kind.NAME)
    assert (o.type, o.tprio, o.rec, o.def_short, o.alias_only) == (None, Conf.NONE, None, None, False)
    with pytest.raises(AttributeError):
        o.conf = 3  # a slotted dataclass: a misspelt field fails instead of being stored


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # an acronym definition gives a long and a short occurrence; later uses of the short form are names
        ("A title\n\nWe propose Gated Sketch Attention (GSA). GSA beats PPO.", {Kind.LONG, Kind.SHORT}),
        # a gazetteer name as written
        ("A title\n\nWe compare with PPO on Atari.", {Kind.GAZ}),
    ],
)
def test_extract_state_assembler_records_typed_occurrences(text: str, kinds: set[Kind]) -> None:
    from kg.extract.components import assemble as asm
    from kg.extract.components.acronyms import find_definitions
    from kg.extract.components.gazetteer import build_matcher
    from kg.extract.components.lexer import split_sentences, tokenize

    tokens = tokenize(text)
    words, starts, ends = tokens
    sents = split_sentences(text, words, starts, ends)
    lower = [w.lower() for w in words]
    gaz = tuple(build_matcher()(lower, starts, ends, range(len(lower))))
    seen: list[Occurrence] = []
    real_doc = asm._Doc

    class Spy(real_doc):  # keeps the state the assembler worked on
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen.append(self)

    asm._Doc = Spy
    try:
        asm.assemble(text, tokens, sents, (), find_definitions(text, tokens, sents), gaz)
    finally:
        asm._Doc = real_doc
    occ = seen[0].occ
    assert occ and all(isinstance(o, Occurrence) and isinstance(o.kind, Kind) for o in occ)
    assert kinds <= {o.kind for o in occ}


def test_mentions_made_without_init_equal_those_made_by_the_dataclass():
    """``kg.extract.pipeline._new_mention`` skips the frozen dataclass's ``__init__`` for speed:
    it must take every field, in order, and give an equal object (hash and repr too)."""
    from dataclasses import fields

    from kg.extract.pipeline import _new_mention
    from kg.model import EntityType, Mention, Role

    values = ("Zorb-7B", EntityType.MODEL, ("Zorb 7B",), Role.USES, "We use Zorb-7B.", 2, "Zorb",
              ((7, 14),), (), "names.shaped", "types.cues")
    assert len(values) == len(fields(Mention))  # a new field must be passed by _mentions too
    made, reference = _new_mention(*values), Mention(*values)
    assert (made, hash(made), repr(made)) == (reference, hash(reference), repr(reference))
    assert type(made) is Mention
