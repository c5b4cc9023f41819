"""Cue words the rules look for, and the word families ``TextState`` finds in one scan.

Compared with lower-cased tokens (a set lookup per token, not a regex scan).
"""

from __future__ import annotations

from kg.extract.components import vocab
from kg.extract.lexicon import WORDS


# vocab.kw_type for words that are already lower case (d.lower): the dict lookup alone
kw = vocab._KW_TYPE.get

# "we propose X", "this paper introduces X", "X, which we call Y", "named X", "the proposed model, X"
_PROPOSE_VERBS = WORDS["propose_verbs"]

NAMING = frozenset("called named dubbed termed coined".split())

ALL_PROPOSE_CUES = _PROPOSE_VERBS | NAMING | {"proposed"}

# Cue words, compared with lower-cased tokens (a set lookup per sentence, not a regex scan).
COMPARE_WORDS = WORDS["compare_words"]

EVAL_WORDS = WORDS["eval_words"]

LIST_CUES = frozenset(["such", "like", "including", "e.g", "namely"])

CUE_NOUNS = vocab.DATA_KW | vocab.BENCH_KW

PLURAL_TYPE_NOUNS = WORDS["plural_type_nouns"]

# the word families TextState finds in one scan (``TextState.where``); a word may be in several
FAMILIES = (ALL_PROPOSE_CUES, CUE_NOUNS, LIST_CUES, PLURAL_TYPE_NOUNS, EVAL_WORDS, COMPARE_WORDS)

FAMILY_INDEX = {f: k for k, f in enumerate(FAMILIES)}

SCAN_WORDS = frozenset().union(*FAMILIES)  # the cue words ``assemble`` looks for in every text (``scan_hits``)

WORD_FAMILIES = {w: tuple(k for k, f in enumerate(FAMILIES) if w in f) for w in SCAN_WORDS}

# the words next_word_type can read a type from: keyword nouns and the data-collection words
TYPE_NOUNS = frozenset(vocab._KW_TYPE) | WORDS["type_nouns_more"]

DETERMINERS = frozenset(("a", "an", "the"))

# keyword nouns that do not type a name they precede or describe (see data/heads.txt)
VAGUE_HEADS = WORDS["vague_heads"]
