"""The extractor's curated data: the gazetteer of known artifacts and the stoplist.

``data/gazetteer.jsonl`` (read by ``kg.names.load_gazetteer``, format described there) holds
the known artifacts; a record flagged ``"variants": true`` takes version/size suffixes
("Qwen2.5-VL" in "Qwen2.5-VL-7B"), matched by ``Lexicon.variant_stem``.
``data/stoplist.txt`` lists generic field acronyms/concepts and standard metrics;
``data/architecture_classes.txt`` generic architecture classes (stop words too), whose
hyphenated hybrids ("DNN-HMM") are generic as well; ``data/plain_modifiers.txt`` lower-case
words that never join a name as its prefix ("the original TSN").

The rules' word lists (head nouns, cue words, function words, name parts) are
``[section]``s of ``data/heads.txt``, ``cues.txt``, ``function_words.txt`` and
``name_words.txt`` (``WORD_FILES``), read once into ``WORDS``: section name -> frozen set.
``tests/test_extract_lexicon.py`` checks that every data file is read and every list used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from kg.names import GazRecord, load_gazetteer, match_key

__all__ = ["GazRecord", "Lexicon", "WORDS", "alternation", "load_lexicon", "load_words"]


@dataclass(frozen=True)
class Lexicon:
    """Gazetteer records by key and by alias key, the stoplist, and the variant-stem regex."""

    records: dict[str, GazRecord]
    by_form: dict[str, GazRecord]
    stop: frozenset[str]
    variant_re: re.Pattern[str] | None
    variant_heads: frozenset[str] = frozenset()  # first two characters of every variant stem
    hybrid: frozenset[str] = frozenset()  # generic architecture classes: "DNN-HMM" is generic
    plain_modifiers: frozenset[str] = frozenset()  # "the original TSN": a word that is no part of a name

    def __post_init__(self) -> None:
        # the assembler asks these three questions many times per abstract, about names that
        # recur across a corpus: each instance answers through a cache (a C-level call) in
        # front of the methods below; the data never changes. Frozen: caches, not fields.
        object.__setattr__(self, "lookup", lru_cache(maxsize=200_000)(self.lookup))
        object.__setattr__(self, "is_stop", lru_cache(maxsize=200_000)(self.is_stop))
        object.__setattr__(self, "variant_stem", lru_cache(maxsize=200_000)(self.variant_stem))

    def lookup(self, surface: str) -> GazRecord | None:
        """The record whose name or alias has the same match key as ``surface``."""
        return self.by_form.get(match_key(surface))

    def variant_stem(self, word: str) -> str | None:
        """The variant stem ``word`` starts with ("Qwen2.5-VL" in "Qwen2.5-VL-7B"), or None."""
        if self.variant_re is None or word[:2] not in self.variant_heads:
            return None
        m = self.variant_re.match(word)
        return m.group(0) if m else None

    def is_stop(self, surface: str) -> bool:
        """Whether ``surface`` (or its singular, for a plural acronym) is a generic term."""
        k = match_key(surface)
        if k in self.stop:
            return True
        if surface.endswith("s") and len(surface) > 2 and surface[-2].isupper() and k[:-1] in self.stop:
            return True
        if surface[:1] in _MATH_SYMBOLS:
            return True  # "ΔΔG", "∇L": a quantity, not a name
        m = _COUNTED_UNIT.match(surface)
        if m and (match_key(m.group(1)) in self.stop):
            return True  # "7-DoF", "16GB": a count of a generic unit
        if "-" in surface:
            parts = surface.lower().split("-")
            # "English-German", "Monte-Carlo": capitalised generic words joined (a language pair)
            tparts = surface.split("-")
            if all(p[:1].isupper() and p[1:].islower() and p.lower() in self.stop for p in tparts):
                return True
            # "DNN-HMM", "BiLSTM-CRF", "HMM-GMMs": a hybrid of generic architecture classes
            if self.hybrid and all(p in self.hybrid or (p[-1:] == "s" and p[:-1] in self.hybrid) for p in parts):
                return True
            # "Camera-LiDAR", "Audio-Visual": modalities; "log-SNR": a function of a generic term
            if all(p in _MODALITIES for p in parts):
                return True
            # "log-SNR", "near-OOD", "minimum-MPJPE": a modifier on a generic term
            if surface[: len(parts[0])].islower() and parts[0] in _MODIFIERS and match_key("-".join(parts[1:])) in self.stop:
                return True
            if "to" in parts[1:-1] and all(
                p == "to" or p in _MODALITIES or p in _CONVERSION_ENDS or match_key(p) in self.stop for p in parts
            ):
                return True  # "Text-to-SQL", "Sim-to-Real": a task or a conversion ("Prompt-to-Prompt" is a method)
        m = _NUMBERED.match(surface)
        if m and match_key(m.group(1)) in self.stop:
            return True  # "BLEU-4", "minADE20", "Hits@10": a generic metric with its cut-off
        if " " in surface and self.hybrid:
            # "Recurrent Neural Networks", "Support Vector Machines": a generic architecture
            # class spelled out is as generic as its acronym (a name the gazetteer knows is not:
            # other initials spell other stop words by chance, "Schema-Guided Dialogue")
            # (three letters at least: two-letter initials match by chance, "Lean REPL": LR)
            return any(len(ini) >= 3 and ini in self.hybrid for ini in _initials(surface)) and self.lookup(surface) is None
        return False


#: The word-list files: ``[name]`` sections of words separated by white space.
WORD_FILES = ("heads.txt", "cues.txt", "function_words.txt", "name_words.txt")


@lru_cache(maxsize=1)
def load_words() -> MappingProxyType:
    """Every word list of ``WORD_FILES``, by section name, as frozen sets (read once per process)."""
    lists: dict[str, list[str]] = {}
    for name in WORD_FILES:
        current: list[str] | None = None
        for line in _read_data(name).splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                if line[1:-1] in lists:
                    raise ValueError(f"{name}: list [{line[1:-1]}] is defined twice; merge the two")
                current = lists[line[1:-1]] = []
            elif current is None:
                raise ValueError(f"{name}: words before the first [section]: {line[:40]!r}")
            else:
                current.extend(line.split())
    return MappingProxyType({k: frozenset(v) for k, v in lists.items()})


def _read_data(name: str) -> str:
    return resources.files("kg.extract").joinpath("data", name).read_text(encoding="utf-8")


#: The word lists (``load_words()``), for the rules to bind as module constants.
WORDS = load_words()


def alternation(words: frozenset[str]) -> str:
    """A regex alternation of ``words``, longest first (for patterns that test any of them)."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))

_MATH_SYMBOLS = frozenset("\u0394\u2206\u2207\u2202\u03b4")  # Δ ∆ ∇ ∂ δ
_COUNTED_UNIT = re.compile(r"^\d+(?:\.\d+)?-?([A-Za-z]+)$")
_MODALITIES = WORDS["modalities"]
_CONVERSION_ENDS = WORDS["conversion_ends"]
_MODIFIERS = WORDS["modifiers"]
_NUMBERED = re.compile(r"^(.{2,}?[A-Za-z])[-@]?\d+$")


_INITIAL_SKIP = WORDS["initial_skip"]


def _initials(surface: str) -> tuple[str, ...]:
    """The lower-case initials of a capitalised phrase, without and with its small words
    ("Area Under the Curve": "ac", "autc"; "Long Short-Term Memory": "lstm"), or ()."""
    words = [p for w in surface.split() for p in w.split("-") if p]
    if len(words) < 2 or not all(w[0].isupper() or w.lower() in _INITIAL_SKIP for w in words):
        return ()
    bare = "".join(w[0] for w in words if w.lower() not in _INITIAL_SKIP).lower()
    full = "".join(w[0] for w in words if w.lower() not in ("the", "a", "an")).lower()
    return (bare, full) if full != bare else (bare,)


def _read_keys(name: str) -> frozenset[str]:
    """The match keys of a word-list file: one entry a line, ``#`` comments."""
    return frozenset(
        match_key(line.strip()) for line in _read_data(name).splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and index the shipped gazetteer and stoplist (once per process)."""
    gaz = load_gazetteer()
    stems = [
        form for rec in gaz.records.values() if rec.variants for form in rec.forms if " " not in form
    ]
    stop = _read_keys("stoplist.txt")
    hybrid = _read_keys("architecture_classes.txt")
    variant_re = None
    if stems:
        alt = "|".join(re.escape(s) for s in sorted(set(stems), key=len, reverse=True))
        # a stem followed by a version/size tail: Qwen2.5-VL-7B, LLaMA-3-7B, T5-XXL, ResNet-50
        variant_re = re.compile(rf"^(?:{alt})(?=[-.]?[0-9A-Z]|v[0-9])")
    return Lexicon(
        records=gaz.records,
        by_form=gaz.by_form,
        stop=stop | hybrid,
        hybrid=hybrid,
        plain_modifiers=_read_keys("plain_modifiers.txt"),
        variant_re=variant_re,
        variant_heads=frozenset(s[:2] for s in stems),
    )
