"""Acronym definitions, both orders, after Schwartz & Hearst (2003).

``Latent Space Policy Optimization (LSPO)`` and ``LSPO (Latent Space Policy
Optimization)`` both give ``(short, long)``. The long form is the shortest run of
words before the parenthesis whose letters spell the short form in order, the first
letter at a word start. ``On-Policy Alignment (OPA)-DPO`` defines ``OPA-DPO``.

Each definition is a dict ``{short, long, short_span, long_span}`` with token-index
spans ``(start, end)`` into ``doc._.kg_tokens``.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from operator import itemgetter

from kg.extract.components.lexer import char_positions
from kg.extract.lexicon import WORDS

__all__ = ["find_definitions", "long_form_for", "is_short_form"]

_CLOSE = {")": "(", "]": "["}
_STOP_TOKENS = frozenset(list(",;:()[]{}") + ["\u201c", "\u201d"])
_LEADING_DROP = WORDS["definition_leading_drop"]


_SIZE = re.compile(r"^\d+(?:\.\d+)?[BMKT]$")


@lru_cache(maxsize=65536)
def is_short_form(word: str) -> bool:
    """Whether ``word`` can be an acronym: 2-15 chars, starts alphanumeric, has a capital."""
    if not (2 <= len(word) <= 15) or not word[0].isalnum():
        return False
    if " " in word or _SIZE.match(word):
        return False  # "(3.3B)", "(7B)": a parameter count, not an acronym
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return False
    return sum(c.isupper() for c in letters) >= max(1, (len(letters) + 1) // 3) and word[0].isalnum()


_CONNECTORS = WORDS["initials_connectors"]


def _initials_start(chars: list[str], words: list[str]) -> int | None:
    """Start index when the short form spells the initials of the last words (connectors may be skipped)."""
    s = len(chars) - 1
    for k in range(len(words) - 1, -1, -1):
        parts = [p for p in words[k].replace("\u2010", "-").split("-") if p]
        for p in reversed(parts):
            if s >= 0 and p[0].lower() == chars[s]:
                s -= 1
            elif p.lower() in _CONNECTORS:
                continue
            else:
                return None
        if s < 0:
            return k
    return None


def long_form_for(short: str, words: list[str]) -> int | None:
    """Index into ``words`` where the long form of ``short`` starts, or None (Schwartz-Hearst)."""
    return _long_form_cached(short, tuple(words))


@lru_cache(maxsize=65536)
def _long_form_cached(short: str, words: tuple[str, ...]) -> int | None:
    # the same definitions ("large language models (LLMs)") recur across abstracts
    if short.endswith("s") and short[:-1].isupper():
        short = short[:-1]
    found = _long_form_for(short, words)
    if found is None and re.search(r"[A-Za-z][2-9]", short):
        # "D3IL" = three D words, "C3Net", "T5": a digit repeats the letter before it
        expanded = re.sub(r"([A-Za-z])([2-9])", lambda m: m.group(1) * int(m.group(2)), short)
        found = _long_form_for(expanded, words)
    return found


def _long_form_for(short: str, words: list[str]) -> int | None:
    initials = _initials_start([c.lower() for c in short if c.isalpha()], words) if short.replace("-", "").isalpha() else None
    if initials is not None:
        return initials
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    text = " ".join(words)
    low = text.lower()
    s = len(chars) - 1
    i = len(low) - 1
    while s >= 0:
        c = chars[s]
        while i >= 0 and (low[i] != c or (s == 0 and i > 0 and low[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start_char = i + 1
    # the word that holds start_char
    pos = 0
    for k, w in enumerate(words):
        if pos <= start_char < pos + len(w) + 1:
            return k
        pos += len(w) + 1
    return None


def find_definitions(text: str, tokens, sents: tuple[tuple[int, int], ...]) -> tuple[dict, ...]:
    """All acronym definitions in ``text`` as dicts with short/long strings and token spans."""
    out: list[dict] = []
    tok, starts, ends = tokens
    parens = char_positions(text, starts, "(")  # positions(tok, "(")
    if not parens:
        return ()
    sent_starts = list(map(itemgetter(0), sents))
    for i0 in parens:
        k = bisect.bisect_right(sent_starts, i0) - 1
        s0, s1 = sents[k]
        i = i0
        # find the closing bracket within the sentence
        j = i + 1
        while j < s1 and tok[j] not in {")", "("} and j - i < 40:
            j += 1
        if j >= s1 or tok[j] != ")":
            continue
        inner = tok[i + 1 : j]
        d = None
        if len(inner) == 1 and is_short_form(inner[0]):
            d = _long_before(tok, s0, i, inner[0])
            if d is not None:
                short, short_span = inner[0], (i + 1, j)
                # "On-Policy Alignment (OPA)-DPO": the definition names OPA-DPO
                if (
                    j + 2 < s1
                    and tok[j + 1] in {"-", "\u2010", "\u2011"}
                    and starts[j + 1] == ends[j]
                    and starts[j + 2] == ends[j + 1]
                    and tok[j + 2][:1].isalnum()
                    and any(c.isupper() for c in tok[j + 2])
                ):
                    short = f"{short}-{tok[j + 2]}"
                    short_span = (j + 2, j + 3)
                long_start = d
                out.append(
                    {
                        "short": short,
                        "long": text[starts[long_start] : ends[i - 1]].strip("\"'\u201c\u201d ~"),
                        "short_span": short_span,
                        "long_span": (long_start, i),
                        "inner_short": inner[0],
                    }
                )
        elif len(inner) >= 2 and i > s0 and is_short_form(tok[i - 1]) and tok[i - 1][0].isupper():
            # "LSPO (Latent Space Policy Optimization)"
            words = [w for w in inner if w not in _STOP_TOKENS]
            if len(words) == len(inner) and len(words) <= min(len(tok[i - 1]) + 5, 2 * len(tok[i - 1]) + 1):
                k = long_form_for(tok[i - 1], words)
                if k == 0:
                    out.append(
                        {
                            "short": tok[i - 1],
                            "long": text[starts[i + 1] : ends[j - 1]],
                            "short_span": (i - 1, i),
                            "long_span": (i + 1, j),
                            "inner_short": tok[i - 1],
                        }
                    )
    return tuple(out)


# tokens a long form before "(" never reaches across
_LONG_STOP = _STOP_TOKENS | frozenset(('"', "\u201c", "'", ".", "!", "?"))


@lru_cache(maxsize=65536)
def _word_limit(short: str) -> int:
    """How many words before the parenthesis the long form of ``short`` may span."""
    n_chars = sum(c.isalnum() for c in short)
    return min(n_chars + 5, 2 * n_chars + 1)


def _long_before(tok: list[str], s0: int, paren: int, short: str) -> int | None:
    """Token index where the long form before ``paren`` starts, or None."""
    limit = _word_limit(short)
    end = paren
    # a quoted long form: "BEhavior generation ... Policies" (BESO): the whole quote
    if end - 1 >= s0 and tok[end - 1] in ('"', "\u201d", "'"):
        end -= 1
        q = end - 1
        while q >= s0 and tok[q] not in ('"', "\u201c", "'") and end - q < 15:
            q -= 1
        if q >= s0 and tok[q] in ('"', "\u201c", "'") and q + 1 < end:
            inner = [k for k in range(q + 1, end) if tok[k][0].isalnum()]
            if inner and tok[inner[0]][0].lower() == short[0].lower() and long_form_for(short, [tok[k] for k in inner]) is not None:
                return inner[0]
    words: list[int] = []
    k = end - 1
    while k >= s0 and len(words) < limit:
        w = tok[k]
        if w in {"'", "\u2019"} and k + 1 < end and tok[k + 1] == "s":
            k -= 1  # a possessive inside the long form: "Bird's Eye View (BEV)"
            continue
        if w in _LONG_STOP or w.startswith("http"):
            break
        if not w[0].isalnum():
            k -= 1
            continue
        words.append(k)
        k -= 1
    if not words:
        return None
    words.reverse()
    idx = long_form_for(short, [tok[w] for w in words])
    if idx is None:
        return None
    start = words[idx]
    # trim leading determiners the letter match may have swallowed
    while start < end - 1 and tok[start].lower() in _LEADING_DROP:
        start += 1
    if start >= end:
        return None
    # the long form must be longer than one short word that is the acronym itself
    if start == end - 1 and tok[start].lower() == short.lower():
        return None
    return start
