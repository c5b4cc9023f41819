"""Name-shaped tokens ("GRPO", "InstructGPT", "T5", "X-Magical", "pixelSplat") with their
tails, variant stems of known names, "X Bench" names; names glued to a lower-case tail;
the words of an ALL-CAPS title that nothing else attests.
"""

from __future__ import annotations

import re
from itertools import compress
from operator import ne

from kg.extract.components import vocab
from kg.extract.lexicon import alternation, match_key, WORDS
from kg.extract.rules.cues import kw
from kg.extract.rules.shapes import CAP, case_ok, is_plural_acronym, NONE, shape, strip_suffix, STRONG
from kg.extract.rules.spans import (
    data_words_after,
    lower_prefix,
    METRIC_NOUNS,
    more_editions,
    part_tail,
    slashed_family,
    tail_end,
)
from kg.extract.rules.state import sub_rules, TextState
from kg.extract.state import Conf, KIND_CTX, KIND_GAZ, KIND_LONG, KIND_NAME, KIND_SHORT, KIND_VARIANT, Occurrence


# a decimal is a version when it is small ("2.0", "17.0"); "0.189" or "70.1" is a score; a tier
# word names an edition ("AlphaGo Zero", "AlphaGo Master", "X Lite")
VERSION_TOKEN = re.compile(rf"^(?:[vV]\d+(?:\.\d+)*|(?:[1-9]|1\d|20)\.\d{{1,2}}|{alternation(WORDS['edition_words'])})$")

_NUM_END = re.compile(r"\d$")

_PLURAL_KNOWN_TYPES = frozenset(("model", "method"))

_GENERIC_SUITE_NOUNS = frozenset(("benchmark", "suite", "harness"))

_ADJ_TAIL = re.compile(rf"(?:{alternation(WORDS['adjective_tails'])})$")


@sub_rules("slashed_size", "domain_prefix", "adjective_tail", "variant", "suite_noun", "known_plural", "edition")
def shaped_names(d: TextState) -> None:
    """Strong-shaped tokens, variant stems, "X Bench" (only tokens with a capital can be one)."""
    words, lower, n, covered, add, lex = d.words, d.lower, d.n, d.covered, d.add, d.lex
    bench_suffix = vocab.NAME_SUFFIX_BENCH
    # a token with a capital differs from its lower-case form: one C-level comparison per token
    cand = list(compress(range(n), map(ne, words, lower)))
    shapes = list(map(shape, map(words.__getitem__, cand)))
    d.cand = cand
    d.cap_set = set(compress(cand, map(CAP.__eq__, shapes)))
    slash = "/" in d.text  # the "/-X" sizes below need a slash token
    for i, sh in zip(cand, shapes):
        if covered[i]:
            continue
        w = words[i]
        if slash and i >= 3 and words[i - 1] == "-" and words[i - 2] == "/" and d.starts[i] == d.ends[i - 1] == d.starts[i - 1] + 1:
            # "LineAR-B/-L/-XL": each "/-X" is a size of the name before the slashes
            fam = slashed_family(d, i - 3)
            if fam:
                add(i, i + 1, KIND_NAME, surface=f"{fam}-{w}", sub="slashed_size")
            continue
        if sh == CAP and "-" not in w:
            # a capitalised word is a name only as "X Bench"; the context rules see it later
            if i + 1 < n and lower[i + 1] in bench_suffix:  # (most are not: no call)
                _cap_bench_name(d, i)
            continue
        if sh == CAP and i >= d.title_end:
            # "Med-Flamingo", "Video-Gemini": a domain prefix on a known model is a new model
            last = w.rsplit("-", 1)[1]
            krec = lex.lookup(last) if last[:1].isupper() else None
            if krec is not None and krec.type == "model" and case_ok(last, krec):
                add(i, i + 1, KIND_NAME, "model", Conf.FIRM, sub="domain_prefix")
                continue
        stripped = strip_suffix(w) if "-" in w else w
        if stripped != w and not _ADJ_TAIL.search(w) and (
            (i + 1 < n and kw(lower[i + 1])) or lex.lookup(stripped) is not None
        ):
            # "SWE-smith dataset", "nuScenes-lidarseg": a lower-case part of a name, not "LLM-based"
            stripped = w
        if stripped != w:
            if (
                shape(stripped) == STRONG
                and not lex.is_stop(stripped)
                and not is_plural_acronym(stripped)
                and w[len(stripped) + 1 :].lower() not in METRIC_NOUNS  # "TM-score": a metric
            ):
                add(i, i + 1, KIND_NAME, surface=stripped, sub="adjective_tail")
            continue
        stem = lex.variant_stem(w) if sh != NONE else None
        if stem is not None:
            rec = lex.lookup(stem)
            vt = "model" if rec is None else rec.type
            if vt == "method" and CHECKPOINT_TAIL.match(w, len(stem)):
                vt = "model"  # "SegFormer-B5", "UNet-L": a sized checkpoint of an architecture
            bt = tail_end(d, i + 1, vt == "model", bool(_NUM_END.search(w)))
            o = add(i, bt if not any(covered[i + 1 : bt]) else i + 1, KIND_VARIANT, vt, Conf.FIRM, sub="variant")
            o.stem = stem
            continue
        if i + 1 < n and words[i + 1].lower() in vocab.NAME_SUFFIX_BENCH and words[i + 1][0].isupper() and (
            # "The ReproArena Benchmark": a name that stands alone keeps a generic noun out
            (sh == STRONG and lower[i + 1] not in _GENERIC_SUITE_NOUNS)
            or (sh == CAP and not d.is_sentence_initial(i) and i >= d.title_end)
        ):
            add(i, i + 2, KIND_NAME, "benchmark", Conf.KNOWN, sub="suite_noun")
            continue
        if sh == STRONG:
            if w[-1:] == "s" and len(w) > 4:
                # "ResNets", "DenseNets": the plural of a known model or method is that name
                rec = lex.lookup(w[:-1])
                if rec is not None and rec.type in _PLURAL_KNOWN_TYPES and case_ok(w[:-1], rec):
                    o = add(i, i + 1, KIND_GAZ, rec.type, Conf.FIRM, rec, sub="known_plural")
                    o.canonical = rec.name
                    continue
            _strong_name(d, i, w)


def _cap_bench_name(d: TextState, i: int) -> None:
    """"the Zebra Test Suite": a capitalised word before a capitalised suite noun, with the
    capitalised words right before it, is a benchmark's name."""
    lower, words, covered = d.lower, d.words, d.covered
    if i + 1 < d.n and lower[i + 1] in vocab.NAME_SUFFIX_BENCH and words[i + 1][0].isupper() and (
        not d.is_sentence_initial(i) and i >= d.title_end
    ):
        a = i
        while (
            a - 1 >= d.title_end
            and a > i - 2
            and not covered[a - 1]
            and a - 1 in d.cap_set
            and not d.is_sentence_initial(a - 1)
            and lower[a - 1] not in vocab.SENT_STARTERS
            and d.starts[a] == d.ends[a - 1] + 1
        ):
            a -= 1
        d.add(a, i + 2, KIND_NAME, "benchmark", Conf.KNOWN, sub="suite_noun")


def _strong_name(d: TextState, i: int, w: str) -> None:
    """A name-shaped token with its tails ("NaturalSpeech 3", "CALVIN ABC", "ShanghaiTech Part A")
    and the capitalised words right before it ("Deep Q-Network")."""
    words, lower, n, covered, lex = d.words, d.lower, d.n, d.covered, d.lex
    if lex.is_stop(w) and not is_plural_acronym(w):
        return
    if i + 3 < n and words[i + 1] == "(" and words[i + 3] == ")" and d.starts[i + 1] == d.ends[i] and (
        words[i + 2].isdigit() or len(words[i + 2]) == 1
    ):
        return  # "SE(3)", "SO(3)", "GL(n)": a group or a function, written as maths
    a, b = i, i + 1
    bt = tail_end(d, b, True, w[-1:].isdecimal())  # bool(_NUM_END.search(w))
    tail_from = b
    dn = data_words_after(d, b)
    if dn > b:
        b = bt = dn  # "the Caltech-UCSD Birds dataset": capitalised words up to the data noun
    elif bt > b and not any(covered[b:bt]):
        b = bt  # "NaturalSpeech 3", "BraTS 2021", "Whisper large-v3"
    # "CALVIN ABC", "BridgeData V2": a short capital tail or version
    elif b < n and not covered[b] and d.starts[b] == d.ends[b - 1] + 1 and (
        VERSION_TOKEN.match(words[b])
        or (words[b].isupper() and 2 <= len(words[b]) <= 6 and not lex.is_stop(words[b]))
        # "TREC DL 2019": a generic-looking capital tail counts when an edition follows
        or (words[b].isupper() and 2 <= len(words[b]) <= 4 and tail_end(d, b + 1, False) > b + 1)
    ):
        b += 1
        tail_from = b
        bt = tail_end(d, b, False)
        if bt > b and not any(covered[b:bt]):
            b = bt
    # "Deep Q-Network": capitalised words right before, mid-sentence
    while (
        a - 1 >= d.title_end
        and not covered[a - 1]
        and ("-" not in words[a - 1] or strip_suffix(words[a - 1]) == words[a - 1])
        and shape(words[a - 1]) == CAP
        and not d.is_sentence_initial(a - 1)
        and lower[a - 1] not in vocab.SENT_STARTERS
        and lower[a - 1] not in vocab.LANGUAGES
        and d.starts[a] == d.ends[a - 1] + 1
        and a - 1 > i - 3
    ):
        a -= 1
    if a == i and i > d.title_end and w.isupper() and lower[i - 1].isalpha():
        a = lower_prefix(d, i, b)  # "real NVP", "dense TARN"
    d.add(a, part_tail(d, b), KIND_NAME)  # "ShanghaiTech Part A"
    if b > tail_from:
        more_editions(d, a, tail_from, b, None, d.add)


def glued_tails(d: TextState) -> None:
    """A name glued to a short lower-case tail ("FuSeis") is the name it extends."""
    occ = d.occ
    surfaces = {o.surface for o in occ if o.kind != KIND_CTX}
    for o in occ:
        sf = o.surface
        if o.kind != KIND_NAME:
            continue
        if not sf[-1:].isalpha() or sf[-1].isupper():
            continue  # every tail below holds the last character: it must be a letter, not a capital
        for k in (1, 2, 3):
            head, tail = sf[:-k], sf[-k:]
            if len(head) > 1 and tail.isalpha() and tail.islower() and head in surfaces and shape(head) == STRONG:
                o.surface = head
                o.glued = True
                break


def caps_title_words(d: TextState) -> None:
    """In an ALL-CAPS title, only names the abstract, a definition or the gazetteer attests."""
    if d.caps_title:
        _drop_caps_title_words(d, d.occ)


def _drop_caps_title_words(d: TextState, occ: list[Occurrence]) -> None:
    """In an ALL-CAPS title, keep only names the gazetteer, a definition or the abstract attests.

    "ROPENET: NEURAL KNOT TYING" with "We present RopeNet" keeps ROPENET (as an alias: the
    abstract's capitals name it); "GENERATIVE" or "LEARNING SPARSE" is no name. A known name
    ("IMAGENET") stays, spelled as the gazetteer spells it, and so does anything defined in
    the title.
    """
    te = d.title_end
    later = {match_key(o.surface) for o in occ if o.start >= te}
    keep: list[Occurrence] = []
    for o in occ:
        if o.start < te and o.kind not in (KIND_LONG, KIND_SHORT):
            k = match_key(o.surface)
            if k in later:
                o.alias_only = True  # the abstract's capitals name it
            elif o.rec is None:
                continue
            elif match_key(o.rec.name) == k:
                o.canonical = o.rec.name  # "IMAGENET" only in the title: the gazetteer spells it
        keep.append(o)
    occ[:] = keep


CHECKPOINT_TAIL = re.compile(r"[-_]?(?:[A-Z]\d{1,2}|[SBLHG]|XL|XXL|\d+(?:\.\d+)?[BMK])$")
