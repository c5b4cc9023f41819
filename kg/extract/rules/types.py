"""Type cues from context: the noun right after a name, an apposition, the head noun of its
list, a copula, "trained on X" / "results on X" (see ``kg.extract.state.Conf``).
"""

from __future__ import annotations

from kg.extract.components import vocab
from kg.extract.lexicon import Lexicon, WORDS
from kg.extract.rules.appositions import (
    APPOS_END,
    apposition_type,
    copula_type,
    DATA_PARTS,
    DATA_UNITS,
    ends_opening_phrase,
    method_or_eval,
    set_type,
)
from kg.extract.rules.cues import DETERMINERS, kw, TYPE_NOUNS, VAGUE_HEADS
from kg.extract.rules.shapes import BY_START, is_plural_acronym, surface_cues
from kg.extract.rules.spans import NOT_MODIFIER
from kg.extract.rules.state import TextState
from kg.extract.state import Conf, Occurrence

#: The typing rules: which one chose a mention's type (``Mention.typed_by``, ``kg extract``'s
#: "typed_by", ``span._.kg_typed_by``), the first that applies in ``entities.build``.
TYPED_BY = {
    "types.own_title": "the paper's own system: what its title says it is",
    "types.own_propose": "the paper's own system: what the sentence that introduces it says",
    "types.cues": "the words around the name (a noun after it, an apposition, a list head, a copula)",
    "types.known_stem": "an edition or build of a known name takes its type (\"FineWeb-2\")",
    "types.data_context": "a known data set typed by its use (\"the benchmarks A and B\")",
    "types.gazetteer": "the gazetteer's type of a known name",
    "types.definition": "what the definition of an acronym says it is",
    "types.shape": "the name's own shape (\"MathBench-12K\": a benchmark)",
    "types.parameter_count": "a name with a parameter count (\"X-7B\") is a model",
    "types.variant_of_model": "a depth or size variant of a known model (\"ResNet-50\") is a model",
    "types.default": "nothing says: a model when digits or a family say so, else a method",
    "types.list_siblings": "the best-attested name of its coordinated list gives its type",
    "types.url": "a URL: github or url",
}


def known_token_types(d: TextState) -> None:
    """Types of names found with a firm cue, by token: a sibling in a list takes the same type."""
    typed = [o for o in d.occ if o.type and o.tprio >= Conf.FIRM]
    d.known_type = {o.start: o.type for o in typed}
    d.known_type.update({o.end - 1: o.type for o in typed})


def between_type(d: TextState, a: int, b: int) -> str | None:
    """Type named by a head noun between a propose cue and its object ("a novel model (i.e., X)")."""
    words, lower = d.words, d.lower
    t = None
    for k in range(a, b):
        kt = kw(lower[k])
        if kt and lower[k] not in VAGUE_HEADS:
            if k + 1 < b and words[k + 1] == "-":
                continue
            t = method_or_eval(d, k, kt)
    return t


# nouns of METHOD_KW that after a name say nothing of its type ("X learning", "X score")
_NOT_TYPE_NOUNS = WORDS["not_type_nouns"]


def next_word_type(d: TextState, i: int) -> str | None:
    """Type named by the noun after a name or a list of names ("CALVIN and LIBERO benchmarks")."""
    words, lower, covered = d.words, d.lower, d.covered
    n = d.n
    steps = 0
    while i < n and steps < 12 and (words[i] in {",", "and", "or", "&"} or covered[i]):
        i += 1
        steps += 1
    if i >= n:
        return None
    # every type below comes from a type noun at i .. i + 3: one set test rules most words out
    if TYPE_NOUNS.isdisjoint(lower[i : i + 4]):
        return None
    if lower[i] in _NOT_TYPE_NOUNS:
        return None
    t = kw(lower[i])
    if t and i + 1 < n and (words[i + 1] == "-" or lower[i + 1] in _VERB_OBJECT_START):
        return None  # "X, and approaches the ...", "X models the ...": a verb, not a type noun
    if t is None and lower[i] in {"mixture", "mix", "collection", "subset", "subsets"}:
        return "dataset"  # "the Tulu 3 SFT mixture", "the four PeMS subsets"
    if t is None:
        # "the X clinical note corpora", "the X crystal structure prediction benchmarks": up to
        # three lower-case modifiers before a data noun
        for k in (i + 1, i + 2, i + 3):
            w = lower[k - 1]
            if k >= n or not w.isalpha() or w in NOT_MODIFIER or w in {"a", "an", "the"} or not (
                words[k - 1].islower() or d.lex.is_stop(words[k - 1])
            ):
                break
            # "the X SFT mixture", "the X training set"; "the X validation set" is evaluation
            kt = kw(lower[k]) or ("dataset" if lower[k] in {"mixture", "mix", "collection"} else set_type(lower, k))
            if kt in {"dataset", "benchmark"} and lower[k] != "tasks":
                return kt
    return t


_VERB_OBJECT_START = WORDS["verb_object_start"]

_NOT_EVAL_BEFORE_ON = WORDS["not_eval_before_on"]

_TRAIN_BEFORE_ON = WORDS["train_before_on"]

_ADJ_SKIP_STOP = WORDS["adj_skip_stop"]

_EVAL_HEADS = frozenset(("on", "across", "from", "of"))

_LIST_SEP3 = frozenset((",", "and", "or"))


def eval_prior(d: TextState, a: int) -> str | None:
    """"on X" after a result/evaluation word suggests a benchmark; "trained on X" a dataset."""
    words, lower, covered = d.words, d.lower, d.covered
    j = a - 1
    # "on A, B and C": walk back over the names and separators of a list
    # (members are names found or capitalised words: "On Amazon, YelpChi and ...")
    k = j
    named = False
    while k >= 0 and a - k < 25:
        if words[k] in {",", "and", "or"} or covered[k]:
            named = named or covered[k]
        elif (
            words[k][:1].isupper()
            and lower[k] not in vocab.CONNECTORS
            and lower[k] not in vocab.SENT_STARTERS
            and lower[k] not in _EVAL_HEADS
        ):
            named = True
        else:
            break
        k -= 1
    # (a list holds names: "On this benchmark, X ..." is an opening phrase, not a list)
    if k < j and named and not _LIST_SEP3.isdisjoint(words[k + 1 : a]):
        j = k
    skipped = 0
    while j >= 0 and skipped < 3 and words[j][:1].islower() and lower[j] not in {"on", "across"} and lower[j] not in _ADJ_SKIP_STOP:
        j -= 1
        skipped += 1
    if j >= 1 and lower[j] == "from" and lower[j - 1] in DATA_UNITS:
        return "dataset"  # "questions from X", "clips sampled from X"
    if j >= 1 and lower[j] == "of" and (lower[j - 1] in DATA_PARTS or lower[j - 1] in DATA_UNITS):
        return "dataset"  # "a multilingual slice of X", "the claims of X"
    if j < 1 or lower[j] not in {"on", "across"} or (j + 1 < d.n and lower[j + 1] == "average"):
        return None  # (not "by 8% on average over X")
    prev = lower[j - 1]
    if prev in {"and", "or", ","}:
        # "conditioned on the plan and on X": the verb of the first "on" rules
        for k in range(j - 2, max(0, j - 10), -1):
            if lower[k] in {"on", "across"}:
                prev = lower[k - 1]
                break
    if prev in _NOT_EVAL_BEFORE_ON:
        return None
    if prev in _TRAIN_BEFORE_ON:
        return "dataset"
    return "benchmark"


_CUE_OCCURRENCES = 6


def type_cues(
    d: TextState, items: list[Occurrence], lex: Lexicon, strong_only: bool = False, own: bool = False
) -> list[tuple[float, str]]:
    """(priority, type) pairs from the words around the first occurrences of a name.

    The first ``_CUE_OCCURRENCES`` occurrences in text order say what a name is; a paper
    that names its system twenty times does not need twenty looks. ``own``: the cues for
    the paper's own system, which reads only priorities of 3 or more and the shape's model
    cue (see ``_build_mention``): the "on X" and list-sibling cues (below ``Conf.SUFFIX``) are skipped.
    """
    out: list[tuple[float, str]] = []
    append = out.append
    n = d.n
    words, lower, known_type, noun_list_type = d.words, d.lower, d.known_type, d.noun_list_type
    covered = d.covered
    if len(items) > _CUE_OCCURRENCES:
        items = sorted(items, key=BY_START)[:_CUE_OCCURRENCES]
    for o in items:
        e = o.end
        # each helper is called only where its first test can pass (the same tests, inline)
        i = e + 1 if e < n and words[e] == ")" else e
        a0 = o.start
        if (
            e - a0 == 1 and len(o.surface) < len(words[a0]) and words[a0][len(o.surface) : len(o.surface) + 1] == "-"
            and lower[a0][len(o.surface) + 1 :] in _MADE_BY_TAILS
        ):
            # "LiMO-trained models", "ImageNet-pretrained models": the noun is what the name
            # made, not what the name is (no noun or copula cue after it; "X-style datasets" keeps it)
            i = n
        _adjacent_cues(d, e, i, a0, append)
        if o.type:
            append((o.tprio, o.type))
        if strong_only:
            continue  # weaker cues never beat the gazetteer's type
        lh = _list_head_type(d, a0)
        if lh:
            append((Conf.KNOWN, lh))
        sc = surface_cues(o.surface)
        if sc:
            out.extend(sc)  # the shape and "-52K" cues (all weak: their order among weak cues never matters)
        if own:
            lt = noun_list_type.get(a0)
            if lt:
                append((Conf.KNOWN, lt))  # (the one cue of priority 3 or more below)
            continue
        # eval_prior ends on "on", "across" or "from" at most four words back, unless a list
        # or an occurrence sits right before the name (then at most 28 words back)
        if a0 == 0 or (
            not covered[a0 - 1] and words[a0 - 1] not in {",", "and", "or"} and _EVAL_HEADS.isdisjoint(lower[max(0, a0 - 4) : a0])
        ) or _EVAL_HEADS.isdisjoint(lower[max(0, a0 - 28) : a0]):
            ev = None
        else:
            ev = eval_prior(d, a0)
        if ev:
            # "trained on X" says more than a size suffix does ("pretrained on Panda-70M")
            append((Conf.FIRM if ev == "dataset" else Conf.WEAK, ev))
        lt = noun_list_type.get(a0)
        if lt:
            append((Conf.KNOWN, lt))  # "the datasets A, B and C"
        # coordinated with a known name: "PixArt-alpha and Stable Diffusion 3" (the keys of
        # known_type are token indices, so a hit is in range)
        if e + 1 in known_type and words[e] in {",", "and", "or"}:
            append((Conf.SIBLING, known_type[e + 1]))
        elif a0 - 2 in known_type and words[a0 - 1] in {",", "and", "or"}:
            append((Conf.SIBLING, known_type[a0 - 2]))
    return out


_EVAL_ON = frozenset(("on", "across"))
# "X-trained models": tails that make the noun after them something X made
_MADE_BY_TAILS = WORDS["made_by_tails"]
_SET_VERB_AFTER = WORDS["set_verb_after"]


def _adjacent_cues(d: TextState, e: int, i: int, a0: int, append) -> None:
    """The cues right next to an occurrence of tokens ``a0`` .. ``e`` (``i``: after a closing
    bracket): the type noun after it, an apposition, a copula, a set noun before a comma."""
    n, words, lower, covered, nouns = d.n, d.words, d.lower, d.covered, TYPE_NOUNS
    if i < n and (
        not nouns.isdisjoint(lower[i : i + 4])
        # past names and separators (at most 12 tokens) the type noun is at most 14 words on
        or ((covered[i] or words[i] in {",", "and", "or", "&"}) and not nouns.isdisjoint(lower[i : i + 15]))
    ):
        nxt = next_word_type(d, i)
        if nxt:
            append((Conf.NOUN, nxt))
        elif lower[i] == "set" and a0 and lower[a0 - 1] == "the" and (i + 1 == n or lower[i + 1] not in _SET_VERB_AFTER):
            # "the WSJ0 set": a named collection of data, a benchmark when evaluated "on" it
            # (not "GPT-4 set up", "the BADGE set of queried points")
            evaluated = a0 >= 2 and lower[a0 - 2] in _EVAL_ON and not (a0 >= 3 and lower[a0 - 3] in _TRAIN_BEFORE_ON)
            append((Conf.FIRM, "benchmark" if evaluated else "dataset"))
    # apposition_type needs "a", "an" or "the" at most nine words on, or ", <number> ..."
    if e < n and (covered[e] or words[e] in {"and", ")", ","} or lower[e] == "as") and (
        not DETERMINERS.isdisjoint(lower[e + 1 : e + 10]) or (e + 1 < n and words[e + 1][:1].isdigit())
    ):
        ap = apposition_type(d, e)
        if ap:
            append((Conf.APPOS, ap))
    if i + 2 < n and lower[i] in {"is", "are"} and lower[i + 1] in {"a", "an"}:
        ct = copula_type(d, a0, i)
        if ct:
            append((Conf.APPOS, ct))  # "X (ABC) is a dataset of ...": the subject says what it is
    if a0 >= 3 and words[a0 - 1] == ",":
        pt = type_noun_before(d, a0, e)
        if pt:
            append((Conf.APPOS, pt))  # "Our model, EchoASR, ..."


_BEFORE_TYPE_NOUN = frozenset(("our", "the", "this", "a", "an", "new"))


def type_noun_before(d: TextState, a0: int, e: int) -> str | None:
    """The type a noun and a comma right before a name (tokens ``a0`` .. ``e``) give it: "a new
    test set, ReviewZ-Live, ...", "Our model, EchoASR, ...", "a new dataset, Letters from the
    Front, which ..."; not the subject after an opening phrase ("On this benchmark, ZetaNet
    outperforms ...")."""
    words, lower, n = d.words, d.lower, d.n
    if a0 < 3 or words[a0 - 1] != ",":
        return None
    pt = kw(lower[a0 - 2]) or set_type(lower, a0 - 2)
    if not pt:
        return None
    set_off = e < n and words[e] in APPOS_END  # "..., LongZ-60, it ...": a name between commas
    if (set_off and lower[a0 - 2] not in {"learning", "tasks"} or lower[a0 - 3] in _BEFORE_TYPE_NOUN) and (
        set_off or not ends_opening_phrase(d, a0 - 2, a0 - 1)
    ):
        return pt
    return None


_LIST_HEAD_SKIP = WORDS["list_head_skip"]

_HEAD_CUES = frozenset(("such", "like", "including", "e.g", "("))

_BEFORE_A_VERB = WORDS["before_a_verb"]


def _list_head_type(d: TextState, a: int) -> str | None:
    """Type from the head noun of a list the name is in: "models like A and B", "(e.g., T5)"."""
    words, lower, covered = d.words, d.lower, d.covered
    # fast exit, the usual case: no separator or name right before, or no list cue among the
    # twelve words before (the walk below looks no further)
    if a <= 0 or not (covered[a - 1] or lower[a - 1] in _LIST_HEAD_SKIP) or _HEAD_CUES.isdisjoint(lower[max(0, a - 12) : a]):
        return None
    j = a - 1
    steps = 0
    while j >= 0 and steps < 12:
        w = lower[j]
        if w in _LIST_HEAD_SKIP or covered[j]:
            j -= 1
            steps += 1
            continue
        break
    if j < 0 or steps == 0:
        return None
    seg = lower[j + 1 : a]
    if _HEAD_CUES.isdisjoint(seg):
        return None
    if j > 0 and lower[j - 1] in _BEFORE_A_VERB:
        return None  # "We benchmark A, B (C) and D against ...": a verb, not the list's head noun
    t = kw(lower[j])
    if t is None and is_plural_acronym(words[j]):
        t = vocab.kw_type(words[j])
    if t is None and (lower[j] in DATA_PARTS or lower[j] in {"subsets", "splits", "partitions"}):
        t = "dataset"  # "the four PeMS subsets (PEMS03, PEMS04, ...)"
    return t


DATA_TYPES = ("dataset", "benchmark")


def data_context_type(d: TextState, items: list[Occurrence]) -> str | None:
    """dataset or benchmark, when the words around a known data name say which one it is here.

    A data set is a benchmark where it is evaluated on and a dataset where it is trained on
    (the guidelines); the gazetteer can only hold the usual use. The list it stands in says
    which ("the benchmarks A, B and C", "the datasets A and B"). (The verb before "on" is
    too weak a cue to overrule the gazetteer: "results on ImageNet" is still a dataset.)
    """
    kinds = set()
    for o in sorted(items, key=BY_START)[:_CUE_OCCURRENCES]:
        a0 = o.start
        lt = d.noun_list_type.get(a0) or _list_head_type(d, a0)
        if lt in DATA_TYPES:
            kinds.add(lt)
    return kinds.pop() if len(kinds) == 1 else None  # (lists that disagree say nothing)
