"""Typed pieces of the assembler's per-text state: occurrences, their kinds, and the confidence scale.

An *occurrence* is one place in the text where a name was found (tokens ``start`` ..
``end``); the occurrences of one entity are grouped later into one mention.

The confidence scale
--------------------
A name's type is chosen among ``(confidence, type)`` cues; the highest wins (ties: the
type's name). An occurrence found with a type carries its cue (``Occurrence.tprio``).
One scale for all of them, weakest first:

============  =====  =================================================================
name          value  what gives it
============  =====  =================================================================
``NONE``      0      nothing: the name's shape decides (a digit suggests a model)
``GUESS``     0.5    the head of a definition's long form that does not name a type
``FAINT``     0.9    a letter size in the name ("PTB-XL", "Foo-L"): model, barely
``WEAK``      1      "results on X" without "trained": an evaluation, weakly
``SIBLING``   1.2    coordinated with a name of known type ("A and Stable Diffusion 3")
``SUFFIX``    1.3    a model or data suffix in the name ("ClinicalBERT", "ProtaDB")
``SHAPE``     1.4    a year or a count in millions in the name; an edition of a known name
``SIZE``      1.5    a parameter count in the name ("Qwen-7B"); "the X Project" (data)
``FIRM``      2      the gazetteer's type on a hit; "trained on X"; a benchmark tail
                     ("Med-Bench"); a definition whose long form names the type
``COUNT``     2.5    a count in thousands in the name ("Alpaca-52K"): data
``KNOWN``     3      the head noun of its list ("the datasets A and B"); a typed run after
                     a known name; the paper's own system; a gazetteer record's type
``APPOS``     4      an apposition ("X, a ... benchmark", "Our model, X"); the noun right
                     after a definition; the type noun that ends a longer name
``NOUN``      5      the type noun right after the name ("X benchmark")
``DEFINED``   5.5    an acronym whose long form names its type ("... Benchmark (OGB)")
============  =====  =================================================================

Thresholds read the same names: a cue of ``FIRM`` or more types the list siblings of a
name; the own system reads only cues of ``KNOWN`` or more (and ``SUFFIX`` model shapes).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "Conf", "Kind", "KIND_CTX", "KIND_GAZ", "KIND_LONG", "KIND_NAME", "KIND_OWN", "KIND_SHORT", "KIND_VARIANT", "Occurrence",
]


class Conf:
    """The type-confidence scale (see the module docstring's table)."""

    NONE = 0
    GUESS = 0.5
    FAINT = 0.9
    WEAK = 1
    SIBLING = 1.2
    SUFFIX = 1.3
    SHAPE = 1.4
    SIZE = 1.5
    FIRM = 2
    COUNT = 2.5
    KNOWN = 3
    APPOS = 4
    NOUN = 5
    DEFINED = 5.5


class Kind(Enum):
    """How an occurrence was found."""

    NAME = "name"  # a name-shaped token or run ("GRPO", "Deep Q-Network", "BraTS 2021")
    GAZ = "gaz"  # a gazetteer record, as written
    VARIANT = "variant"  # a gazetteer variant stem with its tail ("Qwen2.5-VL-7B")
    OWN = "own"  # the paper's own system (title prefix, "we propose X", later uses)
    LONG = "long"  # the long form of an acronym definition
    SHORT = "short"  # the short form of an acronym definition
    CTX = "ctx"  # a capitalised word that is a name only from context ("Summary dataset")


# The kinds as plain module constants, for the rules that test or record one per occurrence:
# on Python 3.11 ``Kind.NAME`` goes through ``EnumType``'s attribute hook, about ten times
# the cost of reading a global name.
KIND_NAME, KIND_GAZ, KIND_VARIANT, KIND_OWN = Kind.NAME, Kind.GAZ, Kind.VARIANT, Kind.OWN
KIND_LONG, KIND_SHORT, KIND_CTX = Kind.LONG, Kind.SHORT, Kind.CTX


@dataclass(slots=True, eq=False)
class Occurrence:
    """One place where a name was found: tokens ``start`` .. ``end`` (exclusive)."""

    start: int
    end: int
    surface: str  # the text as written (or as normalised by the rule that found it)
    kind: Kind
    type: str | None = None  # the type the finding rule gave, if any
    tprio: float = Conf.NONE  # that type's confidence
    rec: Any = None  # the gazetteer record (``kg.names.GazRecord``) it matched
    rule: str = ""  # the id of the rule that found it (``STAGES``)
    key: str = ""  # match key of ``surface``, set when occurrences are grouped
    def_short: str | None = None  # the short form of the definition it belongs to
    canonical: str | None = None  # the name the entity takes when this occurrence is its only one
    stem: str | None = None  # the gazetteer variant stem it extends ("Qwen2.5-VL" in "Qwen2.5-VL-7B")
    variant_of_own: bool = False  # a size variant joined to a system the text names bare
    glued: bool = False  # a short lower-case tail was cut off ("FuSeis" -> "FuSe")
    alias_only: bool = False  # a form that may be an alias but never the entity's name
