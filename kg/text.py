"""Text normalisation shared by readers, extractor, resolver and evaluation."""

from __future__ import annotations

import hashlib
from functools import lru_cache
import html
import re
import unicodedata

__all__ = ["clean_text", "match_key", "title_id"]

# Zero-width characters and the BOM carry no meaning and break matching.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ASCII_SPACES = re.compile(r"[ \t]+")
_KEY_DROP = re.compile(r"[\s\-_\u2010-\u2015]+")


def clean_text(text: str) -> str:
    """Normalise one field: NFC, HTML entities, CRLF, NBSP and zero-width chars."""
    if text.isascii() and "&" not in text:  # (the usual case) nothing to normalise or unescape
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "  " in text or "\t" in text:
            text = _ASCII_SPACES.sub(" ", text)
    else:
        text = _normalise(text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _normalise(text: str) -> str:
    """``clean_text`` before the lines are stripped, for any text (the ASCII path is a shortcut)."""
    text = unicodedata.normalize("NFC", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def match_key(name: str) -> str:
    """Case-folded name without spaces, hyphens and underscores: how names are compared."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", name).casefold())


# Symbols right after a letter are part of a name (C++, C#, F#, A*, HumanEval+), not
# punctuation; they stand in the key as their full-width forms, which NFKC folding has
# already removed from the title. After a digit ("100+ languages") they stay punctuation.
_NAME_SYMBOLS = re.compile(r"([^\W\d_])([+#*]+)")
_SYMBOL_MARKS = str.maketrans("+#*", "\uff0b\uff03\uff0a")
_MARKS = frozenset("\uff0b\uff03\uff0a")
_ASCII_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


@lru_cache(maxsize=1 << 17)  # a build asks for each title's id three times
def title_id(title: str) -> str:
    """A stable id for a paper with no arXiv id: a hash of its normalised title.

    The key is the title's letters, marks and digits in any script (NFKC, case-folded),
    and the symbols that name things (``C++``, ``C#``, ``A*``), runs of anything else as
    one space: "α-β pruning" and "γ-δ pruning" differ, and so do "C++ for ML" and "C for
    ML", while case, spacing and punctuation do not count. For a title written in ASCII
    without such a name this is the key (and id) of earlier versions, which kept only
    [0-9a-z]. A title with no letter or
    digit hashes its cleaned text instead (readers refuse such titles), so no id is the
    hash of an empty key; a blank title raises ValueError.
    """
    text = clean_text(title)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # Marks too: Devanagari or Thai words differ by their vowel signs.
    marked = _NAME_SYMBOLS.sub(lambda m: m.group(1) + m.group(2).translate(_SYMBOL_MARKS), folded)
    # ASCII (the usual case): the same as _kept, letters and digits kept, the rest a space
    kept = _ASCII_NON_ALNUM.sub(" ", marked) if marked.isascii() else _kept(marked)
    norm = " ".join(kept.split())
    if not norm:
        if not text:
            raise ValueError("a paper's title is blank")
        # Prefixed so it cannot equal the key of a title with letters.
        norm = "\x00" + " ".join(text.casefold().split())
    return "t-" + hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _kept(folded: str) -> str:
    """Letters, digits, marks and name symbols of ``folded``; any other character a space."""
    return "".join(ch if ch.isalnum() or ch in _MARKS or unicodedata.category(ch)[0] == "M" else " " for ch in folded)
