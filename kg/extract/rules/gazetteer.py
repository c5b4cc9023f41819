"""Gazetteer matches on whole tokens, case-checked, with the words that make a known name
longer: editions ("BraTS 2021"), splits ("CALVIN ABC"), checkpoints ("CLIP ViT-L/14"),
versions and tiers ("Gemini 1.5 Pro"), variant words ("HT Demucs", "Grounding DINO").
"""

from __future__ import annotations

import re
from bisect import bisect_left

from kg.extract.components import vocab
from kg.extract.lexicon import WORDS
from kg.extract.rules.cues import TYPE_NOUNS
from kg.extract.rules.names import VERSION_TOKEN
from kg.extract.rules.shapes import CAP, case_ok_forms, shape, STRONG
from kg.extract.rules.spans import (
    data_word_before,
    more_editions,
    name_word_after,
    part_tail,
    split_setting_end,
    tail_end,
    typed_run_after,
)
from kg.extract.rules.state import sub_rules, TextState
from kg.extract.state import Conf, KIND_GAZ, KIND_NAME
from kg.names import VIT_CHECKPOINT as _VIT_CHECKPOINT


_V_VERSION = re.compile(r"^[vV]\d+(?:\.\d+)*$")

_NOT_A_NAME_AFTER = WORDS["not_a_name_after"]

_EDITION_WORDS = WORDS["edition_words"]


@sub_rules(
    "caps_title", "type_noun_run", "edition", "split_setting", "longer_data_name", "checkpoint", "new_name_on_known",
    "capitalised_word_before", "model_tails", "method_version", "acronym_before",
)
def gazetteer_names(d: TextState) -> None:
    """Gazetteer matches on whole tokens, case-checked, with the words that extend them."""
    text, lex, n, lower, covered = d.text, d.lex, d.n, d.lower, d.covered
    t_starts, t_ends, add = d.starts, d.ends, d.add
    # the matcher yields by start, longest first: the order the overlap test needs
    for s, e, key in d.gaz_matches:
        # d.tok_at(s), d.tok_ending(e), inline
        a = bisect_left(t_starts, s)
        if a >= n or t_starts[a] != s:
            continue
        b1 = bisect_left(t_ends, e)
        if b1 >= n or t_ends[b1] != e or any(covered[a : b1 + 1]):
            continue
        rec = lex.records[key]
        surf = text[s:e]
        if (rec.exact or b1 == a) and not case_ok_forms(surf, rec.forms, rec.exact):  # case_ok(surf, rec)
            continue
        if lex.is_stop(surf):
            continue
        if b1 + 1 < n and lower[b1 + 1] in _NOT_A_NAME_AFTER:
            continue
        # Title Case makes every phrase look like a name: "... Score-based Diffusion Policies"
        if rec.exact and " " in rec.name and a < d.title_end:
            continue
        b = b1 + 1
        if d.caps_title and a < d.title_end:
            # "IMPROVING BERT FINE-TUNING": capitals say nothing, so a word of letters counts only
            # spelled as known: a known name with its hyphen dropped may be a word ("SHAPE" is
            # not Shap-E); with a digit it is no word ("EVALUATING GPT4", "LLAMA2")
            if _as_spelled(surf, rec.forms) or not surf.replace("-", "").replace(" ", "").isalpha():
                add(a, b, KIND_GAZ, rec.type, Conf.FIRM, rec, sub="caps_title")
            continue
        if not _extend_known_name(d, a, b, rec, surf):
            add(a, b, KIND_GAZ, rec.type, Conf.FIRM, rec)


def _as_spelled(surf: str, forms: tuple[str, ...]) -> bool:
    """Whether ``surf``, in capitals, is one of ``forms`` in capitals with its hyphens and spaces
    as written (a hyphen and a space count as one): the matcher also finds forms with their
    hyphens dropped, which in a title in capitals can be an ordinary word."""
    up = surf.upper().replace("-", " ")
    return any(f.upper().replace("-", " ") == up for f in forms)


def _extend_known_name(d: TextState, a: int, b: int, rec, surf: str) -> bool:
    """Add a known name (tokens ``a`` .. ``b``) with the words around it that make it longer;
    False when nothing does (the caller adds it as written)."""
    words, n, add = d.words, d.n, d.add
    # a capitalised word glued right after: the rules below that look at the next word need one
    cap_after = b < n and words[b][:1].isupper() and d.starts[b] == d.ends[b - 1] + 1
    run = typed_run_after(d, b) if cap_after and a >= d.title_end else None
    if run is not None:
        if run[1] is not None and (run[0] > b + 1 or rec.type in {"model", "method"}):
            # "the Hanabi Learning Environment", "the AlphaFold Database": a longer name
            # that its own type noun ends
            add(a, run[0], KIND_NAME, run[1], Conf.APPOS, sub="type_noun_run")
        else:
            add(a, b, KIND_GAZ, rec.type, Conf.FIRM, rec)  # "the ImageNet Dataset", "MMLU Tasks": ImageNet, MMLU
        return True
    if rec.type in {"benchmark", "dataset"}:
        return _extend_known_data(d, a, b, rec, surf, cap_after)
    if rec.type in {"model", "method"}:
        return _extend_known_model(d, a, b, rec, surf)
    return False


def _extend_known_data(d: TextState, a: int, b: int, rec, surf: str, cap_after: bool) -> bool:
    """A known data set or benchmark with its edition, split, part or extra name words."""
    words, n, add, lex = d.words, d.n, d.add, d.lex
    bt = tail_end(d, b, False, rec.name[-1:].isdigit())
    if bt > b:
        # "BraTS 2021", "TREC DL 2019": an edition of a known set ("DCASE 2019 Task 4": and its part)
        add(a, part_tail(d, bt), KIND_NAME, rec.type, Conf.FIRM, sub="edition")
        more_editions(d, a, b, bt, rec.type, add)
        return True
    if cap_after:
        se = split_setting_end(d, b)
        if se:
            # "CALVIN ABC→D", "CALVIN ABC-D": train on splits A-C, test on D; the suite is the entity
            add(a, se, KIND_GAZ, rec.type, Conf.FIRM, rec, surface=surf, sub="split_setting")
            return True
    if b < n and d.starts[b] == d.ends[b - 1] + 1 and (
        VERSION_TOKEN.match(words[b])
        or (words[b].isupper() and 2 <= len(words[b]) <= 6 and not lex.is_stop(words[b]))
        or name_word_after(d, b)  # "ISPRS Potsdam", "SWE-bench Multilingual"
    ):
        e = b + 1
        while e < n and e - b < 3 and d.starts[e] == d.ends[e - 1] + 1 and name_word_after(d, e):
            e += 1  # "Yelp Review Polarity", "Amazon Review Full": the name goes on
        add(data_word_before(d, a), part_tail(d, e), KIND_NAME, rec.type, Conf.FIRM, sub="longer_data_name")  # "CALVIN ABC": a split of a known suite
        return True
    if data_word_before(d, a) < a or part_tail(d, b) > b:
        # "Google Speech Commands", "Split CIFAR-100", "ShanghaiTech Part A": a longer name
        add(data_word_before(d, a), part_tail(d, b), KIND_NAME, rec.type, Conf.FIRM, sub="longer_data_name")
        return True
    return False


def _extend_known_model(d: TextState, a: int, b: int, rec, surf: str) -> bool:
    """A known model or method with its checkpoint, version, size or tier words, or a new
    name built on it ("Swin UNETR", "Grounding DINO", "HT Demucs")."""
    words, lower, n, add, lex, covered = d.words, d.lower, d.n, d.add, d.lex, d.covered
    if b < n and d.starts[b] == d.ends[b - 1] + 1 and _VIT_CHECKPOINT.match(words[b]):
        # "CLIP ViT-L/14", "DINOv2 ViT-S/14": a checkpoint of the known model, one entity with it
        add(a, b + 1, KIND_GAZ, rec.type, Conf.FIRM, rec, sub="checkpoint")
        return True
    if (
        b - 1 == a
        and "-" not in surf
        and b < n
        and d.starts[b] == d.ends[b - 1] + 1
        and shape(words[b]) == STRONG
        and not lex.is_stop(words[b])
        and lex.lookup(words[b]) is None
        and lex.variant_stem(words[b]) is None
        and lex.lookup(words[b].split("-")[0]) is None  # "CLIP ViT-L/14": two known names
    ):
        add(a, b + 1, KIND_NAME, sub="new_name_on_known")  # "Swin UNETR": a known word in front of a new name makes one name
        return True
    if rec.type == "model":
        # "Gemini 1.5 Pro", "Claude 3.5 Sonnet", "Llama 3.1 8B": version and size tails
        b0 = b
        b = tail_end(d, b, True, surf[-1:].isdigit())
        # "Grounding DINO": a capitalised word right before makes another model
        if (
            a - 1 >= d.title_end
            and shape(words[a - 1]) == CAP
            and not d.is_sentence_initial(a - 1)
            and lower[a - 1] not in vocab.SENT_STARTERS
            and lower[a - 1] not in vocab.LANGUAGES
            and d.starts[a] == d.ends[a - 1] + 1
            and not covered[a - 1]
        ):
            add(a - 1, b, KIND_NAME, rec.type, Conf.FIRM, sub="capitalised_word_before")
            return True
        if b == b0 and b < n and d.starts[b] == d.ends[b - 1] + 1 and words[b] in _EDITION_WORDS:
            b += 1  # "AlphaGo Zero", "Gemini Ultra": a tier word names an edition (as after a new name)
        elif b < n and d.starts[b] == d.ends[b - 1] + 1 and lower[b] not in TYPE_NOUNS and name_word_after(d, b):
            b = tail_end(d, b + 1, True)  # "FLUX.1 Kontext", "Stable Audio Open", "Aya Expanse 8B"
        if (
            b + 2 < n
            and words[b] == "["
            and words[b + 2] == "]"
            and d.starts[b] == d.ends[b - 1] + 1
            and words[b + 1].isalpha()
            and words[b + 1].islower()
            and len(words[b + 1]) <= 8
        ):
            b += 3  # "FLUX.1 Kontext [dev]", "FLUX.1 [schnell]": a release tier in brackets
        if b > b0:
            add(a, b, KIND_NAME, rec.type, Conf.FIRM, sub="model_tails")
            return True
    if rec.type == "method" and b < n and d.starts[b] == d.ends[b - 1] + 1 and _V_VERSION.match(words[b]):
        add(a, b + 1, KIND_NAME, rec.type, Conf.FIRM, sub="method_version")  # "MoCo v3", "Point Transformer V3": a version of a method
        return True
    if (
        a - 1 >= d.title_end
        and not covered[a - 1]
        and words[a - 1].isupper()
        and 2 <= len(words[a - 1]) <= 4
        and d.starts[a] == d.ends[a - 1] + 1
        and not lex.is_stop(words[a - 1])
        and lex.lookup(words[a - 1]) is None
    ):
        add(a - 1, b, KIND_NAME, rec.type, Conf.FIRM, sub="acronym_before")  # "HT Demucs": an acronym that is no generic term names a variant
        return True
    return False
