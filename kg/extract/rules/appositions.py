"""Type cues from the phrase around a name: an apposition ("X, a ... benchmark", "a test set,
X,"), a copula ("X is a dataset of ..."), the noun a propose cue refers back to; and the
opening phrase a comma closes ("On MMLU, the model ..."), whose subject is no apposition.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import WORDS
from kg.extract.rules.cues import kw, VAGUE_HEADS
from kg.extract.rules.state import TextState


def closes_opening_phrase(d: TextState, comma: int, after: int) -> bool:
    """Whether the comma at ``comma`` ends an opening phrase and the name ending before
    ``after`` is the subject that follows ("Applied to A and B, OurNet removes ...")."""
    lower = d.lower
    if lower[comma] != "," or (after < d.n and lower[after] in {",", "and", "or", "&"}):
        return False
    return ends_opening_phrase(d, comma - 1, comma)


_APPOS_STOP = WORDS["appos_stop"]

# words that open a sentence with an adverbial phrase: "On MMLU, the model ...", "Using X, the ..."
_PHRASE_OPENERS = WORDS["phrase_openers"]

_SUBJECT_PRONOUNS = frozenset(("we", "they", "it", "i"))


def ends_opening_phrase(d: TextState, i: int, comma: int) -> bool:
    """Whether the comma at ``comma`` closes a sentence-opening phrase the name ending at ``i`` is in.

    "On MMLU, the proposed model ..." : what follows the comma is the subject, not an
    apposition of MMLU. Only the first ", a/an/the" of such a sentence closes the phrase.
    """
    s = d.sent_start(i)
    if d.lower[s] not in _PHRASE_OPENERS:
        return False
    lower = d.lower
    # "On top of X we train Y, a family of ...": a subject has started the main clause.
    # The first such token from the sentence start on does not depend on the comma: each
    # sentence is scanned once, however many names it holds ([scanned up to, first hit])
    got = d._clause_start.get(s)
    if got is None:
        got = d._clause_start[s] = [s, -1]
    if got[1] < 0 and got[0] < comma:
        for k in range(got[0], comma):
            if (lower[k] == "," and lower[k + 1] in {"a", "an", "the"}) or lower[k] in _SUBJECT_PRONOUNS:
                got[1] = k
                break
        else:
            got[0] = comma
    if 0 <= got[1] < comma:
        return False
    # "Compared with X, a recent optimiser, our schedule ...": a second comma and the subject
    # after it; the first comma opened an apposition, not the main clause
    end = d.sents[d.sent_index(comma)][1]
    for k in range(comma + 2, min(end - 1, comma + 16)):
        if lower[k] == "," and lower[k + 1] in _MAIN_SUBJECTS:
            return False
        if lower[k] in _SUBJECT_PRONOUNS:
            break
    return True


_MAIN_SUBJECTS = WORDS["main_subjects"]

# "X, a held-out split of Y": a part of a dataset is data
DATA_PARTS = frozenset(("split", "subset", "partition", "portion", "slice"))

APPOS_END = frozenset((",", ".", ";", ":", "(", ")"))

_DATA_VERBS = frozenset("sampled drawn taken collected data".split())

_EVAL_SET_MODIFIERS = frozenset("test evaluation eval held-out holdout validation".split())


def antecedent_type(d: TextState, p: int) -> str | None:
    """Type of the noun a relative clause hangs on: "a new set of 180k pages that we release as X".

    ``p`` is where the object of the propose cue starts; the cue must follow "that" or
    "which" (with "we" and at most an adverb between).
    """
    lower = d.lower
    k = p - 2
    while k >= 0 and p - k <= 5 and lower[k] not in {"that", "which"}:
        k -= 1
    if k < 1 or lower[k] not in {"that", "which"}:
        return None
    s0 = d.sents[d.sent_index(k)][0]
    for j in range(k - 1, max(s0, k - 16) - 1, -1):
        w = lower[j]
        if w in {",", ";", ":"}:
            continue
        t = kw(w) or set_type(lower, j) or ("dataset" if w in {"subset", "subsets", "collection"} else None)
        if t and w not in VAGUE_HEADS:
            return method_or_eval(d, j, t)
    return None


def copula_type(d: TextState, a: int, i: int) -> str | None:
    """Type from "X is a/an ... NOUN" when X opens its sentence: "Cars of the Desert Highway
    (CDH) is a dataset of ...". The head noun is the first type noun before "of", "that", ...
    (at most six words on)."""
    s0 = d.sent_start(a)
    words, lower = d.words, d.lower
    if any(not d.covered[x] and words[x] not in {"(", ")"} for x in range(s0, i)):
        return None
    for k in range(i + 2, min(d.n, i + 8)):
        w = lower[k]
        if w in _APPOS_STOP or w in {",", ".", ";", ":", "of", "("}:
            return None
        kt = kw(w) or set_type(lower, k)
        if kt and w not in {"learning", "optimization", "optimisation", "tasks"} and not (k + 1 < d.n and words[k + 1] == "-"):
            return method_or_eval(d, k, kt)
    return None


def set_type(lower: list[str], k: int) -> str | None:
    """Type of a data word at ``k``: "a test set", "the X validation split" are benchmarks;
    "a training set", "a split of X" data."""
    w = lower[k]
    if w in {"set", "sets"} or (w in {"split", "splits"} and not (k + 1 < len(lower) and lower[k + 1] == "of")):
        return "benchmark" if k >= 1 and lower[k - 1] in _EVAL_SET_MODIFIERS else "dataset"
    if w == "suite":
        return "benchmark"
    if w in DATA_PARTS and k + 1 < len(lower) and lower[k + 1] == "of":
        return "dataset"
    return None


def apposition_type(d: TextState, i: int) -> str | None:
    """Type from ", a/an/the ... NOUN" (or "as a ... NOUN") after a name ending at token ``i``."""
    words, lower, covered = d.words, d.lower, d.covered
    n = d.n
    j = i
    while j < n and (covered[j] or words[j] in {"and", ")"}) and j - i < 8:
        j += 1
    if j < n and words[j] == ",":
        j += 1
    elif j + 1 < n and lower[j] == "as":
        j += 1
    else:
        return None
    if j < n and words[j][:1].isdigit() and words[j - 1] == ",":
        # "X, 2,400 teleoperated demonstrations across ...": a count of data units is data
        for k in range(j + 1, min(n, j + 8)):
            if lower[k] in DATA_UNITS and lower[k] not in _DATA_VERBS:
                return "dataset"
            if lower[k] in {".", ";", "(", "which", "that", "while", "and"}:
                break
        return None
    if j >= n or lower[j] not in {"a", "an", "the"}:
        return None
    if ends_opening_phrase(d, i, j - 1):
        return None
    t = None
    stop = _APPOS_STOP
    k = j + 1
    for k in range(j + 1, min(n, j + 11)):
        w = lower[k]
        if w in stop or w in {".", ";", ":", "("} or w == ",":
            if w in {",", "and"} and t is None:
                continue
            break
        if w == "of" and t is not None:
            break  # "X, a dataset of 300 hours of ... tasks": the head noun came before "of"
        kt = kw(w) or set_type(lower, k) or ("dataset" if w == "collection" else None)
        if kt and w not in {"learning", "optimization", "optimisation"}:
            if k + 1 < n and words[k + 1] == "-":
                continue
            t = method_or_eval(d, k, kt)
    # a parameter count in the phrase, or right after it ("with 28M parameters"), says model
    # (k is n when the text ends right after the determiner: "We use X, the")
    end = min(n, k + 5) if k < n and lower[k] == "with" else k
    if t in (None, "method") and _counts_parameters(d, j + 1, end):
        return "model"  # "X, a 1.4B-parameter diffusion transformer", "X, a transducer with 28M parameters"
    return t


def method_or_eval(d: TextState, k: int, t: str | None) -> str | None:
    """An "evaluation framework/protocol" is a benchmark, not a method."""
    if t == "method" and k > 0 and d.lower[k - 1] in {"evaluation", "evaluating", "assessment", "testing"}:
        return "benchmark"
    return t


DATA_UNITS = WORDS["data_units"]

_PARAM_TOKEN = re.compile(r"\d+(?:\.\d+)?[KMBT]-param(?:eter)?s?$", re.IGNORECASE)

_COUNT_TOKEN = re.compile(r"\d+(?:\.\d+)?[KMBT]$", re.IGNORECASE)


def _counts_parameters(d: TextState, a: int, b: int) -> bool:
    """Whether the tokens from ``a`` to ``b`` (not past a sentence end) give a parameter count.

    Something with a parameter count is a trained model, whatever noun the phrase ends in.
    """
    words, lower = d.words, d.lower
    for k in range(a, b):
        w = words[k]
        if w in {".", ";"}:
            return False
        if _PARAM_TOKEN.match(w) or (
            _COUNT_TOKEN.match(w) and k + 1 < d.n and lower[k + 1] in {"parameters", "parameter", "params"}
        ):
            return True
    return False
