"""The shape of a word on its own: name-shaped (``STRONG``), capitalised (``CAP``) or neither,
its adjective tail, its name tail kinds, and the type cues a surface carries by itself.

Pure functions of a string, cached: the same words recur across a corpus.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter, itemgetter, ne

from kg.extract.components import vocab
from kg.extract.lexicon import alternation, WORDS
from kg.extract.rules.cues import kw
from kg.extract.state import Conf
from kg.names import family_of, SIZE_TAIL as _SIZE_RE


NONE, CAP, STRONG = 0, 1, 2

_SIZE_PART = re.compile(r"^\d+(?:\.\d+)?[BMKT]$")

_MODEL_SUFFIX = re.compile(rf"(?:{alternation(WORDS['model_suffixes'])}|(?<=[a-z])LM)(?:-?\d[\w.]*)?$")

_CAMEL_BENCH = re.compile(r"[a-z0-9](?:Bench|Eval)(?:\d\w*)?$")

_YEAR_INSIDE = re.compile(r"(?<!\d)(?:19[89]\d|20[0-3]\d)(?!\d)")

_MILLIONS = re.compile(r"[A-Za-z]\d+M$")

_DATA_SUFFIX = re.compile(r"(?<=[A-Za-z])(?:DB|Bank)$")

K_SIZE = re.compile(r"[-_ ]\d+(?:\.\d+)?[Kk]$")

_MODEL_TIERS = WORDS["model_tiers"]

# tails that keep a name whole: "BraTS 2021", "Common Voice 17.0", "PaliGemma 2", "Whisper large-v3",
# "Stable Diffusion 3 Medium"
YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")

DEC_VERSION = re.compile(r"^(?:[vV]\d+(?:\.\d+)*|(?:1?\d|20)\.\d|\d+\.0)$")

_ROMAN = frozenset("II III IV VI VII VIII".split())

_LANG_PAIR = re.compile(r"^(?:[A-Z][a-z]-[A-Z][a-z]|[A-Z]{2}-[A-Z]{2}|[a-z]{2}-[a-z]{2})$")

SMALL_INT = re.compile(r"^(?:[1-9]|1\d|20)$")

_SIZE_TOKEN = re.compile(r"^(?:\d+(?:\.\d+)?[BMK]|\d+x\d+(?:\.\d+)?B)$")

_TIER_WORDS = _MODEL_TIERS | WORDS["tier_words_more"]

_LOWER_SIZE = re.compile(rf"^(?:{alternation(WORDS['size_words'])})(?:-v\d+(?:\.\d+)?)?$")

T_VERSION, T_SMALL_INT, T_SIZE, T_TIER, T_LOWER_SIZE, T_LANG_PAIR = 1, 2, 3, 4, 5, 6


@lru_cache(maxsize=65536)
def tail_kind(w: str) -> int:
    """Which kind of name tail ``w`` can be (0: none); the tests of ``tail_end``, in its order."""
    if YEAR.match(w) or DEC_VERSION.match(w):
        return T_VERSION
    if SMALL_INT.match(w):
        return T_SMALL_INT
    if _SIZE_TOKEN.match(w):
        return T_SIZE
    if w in _TIER_WORDS:
        return T_TIER
    if _LOWER_SIZE.match(w):
        return T_LOWER_SIZE
    if _LANG_PAIR.match(w):
        return T_LANG_PAIR
    if w in _ROMAN:
        return T_VERSION  # "DIHARD III", "BCI Competition IV"
    return 0


_LOWER_CAMEL = re.compile(r"^[a-z]{1,6}[A-Z](?:[A-Z]|[a-z]{2,}|-[A-Z])")


@lru_cache(maxsize=65536)
def shape(w: str) -> int:
    """STRONG for name-shaped tokens (GRPO, InstructGPT, T5, X-Magical), CAP for capitalised words."""
    if not w or not w[0].isalnum():
        return NONE
    if w[0].isdigit():
        # "2WikiMultihopQA": a digit-led name with capitals and lower case inside
        rest = w.lstrip("0123456789")
        ok = len(rest) >= 4 and sum(c.isupper() for c in rest) >= 2 and any(c.islower() for c in rest)
        return STRONG if ok else NONE
    if len(w) == 1 or _DOTTED_ABBREV.match(w):
        return NONE  # "U.S", "S.U.N": letters with dots abbreviate words
    if w[0].islower() and len(w) >= 4 and _LOWER_CAMEL.match(w):
        return STRONG  # "pixelSplat", "iTransformer", "nnU-Net", "vLLM": a lower-case prefix on a name
    parts = [p for p in re.split(r"[-\u2010\u2011]", w) if p]
    all_cap_parts = len(parts) > 1 and all(p[0].isupper() or p[0].isdigit() for p in parts)
    any_upper = False
    for p in parts:
        up = sum(c.isupper() for c in p)
        if up:
            any_upper = True
        if up >= 2:
            return STRONG
        if up and any(c.isdigit() for c in p) and (p[0].isalpha() or (_SIZE_PART.match(p) and parts[0][0].isupper())):
            return STRONG
        if all_cap_parts and len(p) == 1 and p.isupper():
            return STRONG
        if len(p) <= 2 and p.endswith("*") and p[0].isupper():
            return STRONG
    if w[0].isupper():
        if len(parts) >= 2 and parts[1] in _SIZE_WORDS and parts[0].lower() not in vocab.GENERIC_HEADS:
            return STRONG  # "Whisper-large-v3", "Roberta-base": a checkpoint name
        if len(parts) >= 2 and parts[-1] in {"Bench", "Arena", "Gym", "Suite"}:
            return STRONG  # "Quill-Bench", "Robo-Arena": a benchmark name
        if w.endswith("++") and len(w) > 4:
            return STRONG  # "Transformer++", "Trajectron++": a named improvement of a thing
        return CAP
    return NONE if not any_upper else NONE


_DOTTED_ABBREV = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")

_SIZE_WORDS = WORDS["size_words"]

_MODEL_TAGS = WORDS["model_tags"]

# "Seed-TTS-eval", "Code-bench": a lower-case tail that makes a benchmark of a name
_BENCH_TAGS = frozenset(("eval", "bench", "test", "arena"))

_BENCH_TAIL = re.compile(r"[-_](?:eval|bench|test|arena)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def strip_suffix(w: str) -> str:
    """A name without a trailing lower-case word ("LLM-based" -> "LLM", "ControlNet-like" -> "ControlNet")."""
    parts = re.split(r"([-\u2010\u2011])", w)
    while len(parts) >= 3:
        last = parts[-1]
        if len(last) >= 3 and last.isalpha() and last.islower() and last not in _MODEL_TAGS and last not in _BENCH_TAGS:
            parts = parts[:-2]
        elif last in _LINK_WORDS:
            parts = parts[:-2]  # "LLM-as-a-judge" -> "LLM-as-a" -> "LLM-as" -> "LLM"
        elif last[:1].isupper() and last[1:].islower() and last.lower() in _TITLE_ADJ:
            parts = parts[:-2]  # "LLM-Guided", "OCR-Free" in a Title Case title
        else:
            break
    return "".join(parts)


_LINK_WORDS = WORDS["link_words"]

_TITLE_ADJ = WORDS["title_adj"]


def is_plural_acronym(w: str) -> bool:
    return len(w) > 2 and w.endswith("s") and w[-2].isupper()


# words that end the head phrase of a title ("X: Towards ...", "X: Learning via ...")
_TITLE_HEAD_ENDS = WORDS["title_head_ends"]


@lru_cache(maxsize=65536)
def title_head_type(title_tail: str) -> str | None:
    """Type implied by the head noun of the title text after "NAME:"."""
    words = re.findall(r"[\w][\w.+-]*", title_tail)
    if words and words[0].lower().endswith("ing") and words[0].lower() not in {"learning", "reasoning", "planning"}:
        return None  # a verb phrase: "Evaluating Video World Models ..."
    head = None
    for w in words:
        lw = w.lower()
        if lw in vocab.CONNECTORS and lw not in {"the", "a", "an", "and"}:
            break
        if lw in _TITLE_HEAD_ENDS:
            break
        head = w
    if head is None:
        return None
    return vocab.kw_type(head.rstrip("s") if head.lower().endswith("ss") else head) or vocab.kw_type(head)


def is_caps_title(title_words: list[str]) -> bool:
    """Whether a title is printed in capitals ("DEEP GENERATIVE CLASSIFIERS FOR ..."): then
    every word has the shape of an acronym and the shape says nothing."""
    # (C-level counts: a word with cased letters differs from its upper or lower form)
    uppers = list(map(str.upper, title_words))
    cased = sum(map(ne, map(str.lower, title_words), uppers))
    upper = cased - sum(map(ne, title_words, uppers))
    return upper >= 3 and upper >= 0.8 * cased


BY_FIRST = itemgetter(0)

BY_SECOND = itemgetter(1)


def case_ok(surface: str, rec) -> bool:
    """A single-word (or exact-case) gazetteer hit must keep the capitals of one of its forms."""
    return case_ok_forms(surface, rec.forms, rec.exact)


@lru_cache(maxsize=65536)
def case_ok_forms(surface: str, forms: tuple[str, ...], exact: bool) -> bool:
    """``case_ok`` on the record's forms and case flag (the same hits recur across a corpus)."""
    if surface in forms:
        return True
    for f in forms:
        if f.replace("-", " ") == surface or f.replace("-", "") == surface:
            return True
    if exact:
        return False
    if "-" in surface and not surface.isalpha() and any(c.isdigit() for c in surface):
        return True  # "bge-m3" for "BGE-M3": a hyphenated word with a digit is no ordinary word
    # "Minigrid" for "MiniGrid": a long CamelCase name with its inner capitals lowered (short
    # ones would turn words into names: "Palm", "Cola")
    if len(surface) >= 8 and surface[0].isupper() and surface[1:].islower():
        if any(f[0] == surface[0] and f[1:].lower() == surface[1:] and not f[1:].islower() for f in forms):
            return True
    # same letters, and at least as many capitals as the least-capitalised form
    min_caps = min(sum(c.isupper() for c in f) for f in forms)
    return sum(c.isupper() for c in surface) >= min_caps and surface[:1].isupper() == any(f[:1].isupper() for f in forms)


_LOWER_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")

_MONTHS = WORDS["months"]


@lru_cache(maxsize=65536)
def member_shaped(w: str) -> bool:
    """The tests of ``_is_member_word`` on the word alone: capitalised, no starter or type word."""
    lw = w.lower()
    return (
        shape(w) == CAP
        and lw not in vocab.SENT_STARTERS
        and lw not in vocab.LANGUAGES
        and lw not in _MONTHS
        and lw not in vocab.CONNECTORS
        and lw not in vocab.CAP_RUN_GENERIC
        and kw(lw) is None
    )


@lru_cache(maxsize=65536)
def list_member_shaped(w: str) -> bool:
    """A word that can be a name in a list after a type noun: "ogbn-arxiv", "GRPO", "Cora"."""
    return bool(_LOWER_NAME.match(w)) or shape(w) == STRONG or (
        shape(w) == CAP and w.lower() not in vocab.SENT_STARTERS and w.lower() not in vocab.CONNECTORS
    )


@lru_cache(maxsize=65536)
def _shape_cue(surface: str) -> tuple[float, str] | None:
    """The cue a name's own shape gives: a size variant or a model suffix says model."""
    if _YEAR_INSIDE.search(surface):
        return (Conf.SHAPE, "dataset")  # "PHOENIX-2014T": a year names data
    if family_of(surface) and not K_SIZE.search(surface):
        # "Qwen-7B" says model; a letter size alone ("PTB-XL", "Foo-L") says less than "on X"
        return (Conf.SIZE, "model") if _SIZE_RE.search(surface) else (Conf.FAINT, "model")
    if _MODEL_SUFFIX.search(surface):
        return (Conf.SUFFIX, "model")  # "ClinicalBERT", "BioGPT", "CodeT5"
    if _BENCH_TAIL.search(surface) or _CAMEL_BENCH.search(surface):
        return (Conf.FIRM, "benchmark")  # "Seed-TTS-eval", "Med-Bench", "T3Bench", "GPTEval3D"
    if _MILLIONS.search(surface):
        return (Conf.SHAPE, "dataset")  # "Wikidata5M": a count in millions glued to a name is data
    if _DATA_SUFFIX.search(surface):
        return (Conf.SUFFIX, "dataset")  # "ProtaDB", "GlyphBank": a database or data bank
    return None


@lru_cache(maxsize=65536)
def surface_cues(surface: str) -> tuple[tuple[float, str], ...]:
    """The cues a name's own text gives: its shape, and a thousands count for data ("Alpaca-52K")."""
    c = _shape_cue(surface)
    out = () if c is None else (c,)
    if K_SIZE.search(surface) is not None:
        stem = K_SIZE.sub("", surface)
        if _BENCH_TAIL.search(stem) or _CAMEL_BENCH.search(stem):
            return out + ((Conf.FIRM, "benchmark"),)  # "HR-Bench 4K": a benchmark at a 4K resolution
        out += ((Conf.COUNT, "dataset"),)
    return out


BY_START = attrgetter("start")
