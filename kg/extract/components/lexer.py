"""Our own word tokens and sentences over the raw text.

spaCy's English tokenizer splits ``Qwen2.5-VL-7B`` and ``Show-o`` at hyphens; names
must stay whole, so the name rules run over these tokens instead: a word is a run of
word characters joined by inner hyphens or dots ("Qwen2.5-VL-7B", "e.g"), optionally
with a ``/number`` patch size ("ViT-B/16") and ending in ``+``/``*`` ("MMRL++", "V*"); a URL is one token; any other character is a
token of its own. The title (text before the first blank line) is always sentence 0.

``doc._.kg_tokens`` is ``(words, starts, ends)``: three parallel lists;
``doc._.kg_sents`` is a tuple of ``(first_token, end_token)`` spans.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from kg.extract.lexicon import WORDS

__all__ = ["char_positions", "may_hold_url", "positions", "tokenize", "split_sentences", "URL_RE"]

# each match is (whitespace before, token): offsets then come from summing lengths in C
# "ViT-B/16", "DiT-XL/2": a patch size after a slash stays with the name. ``split`` with one
# capturing group gives [space, token, space, token, ..., tail]: offsets are sums of lengths.
# possessive quantifiers: everything after the first \w is optional, so the greedy match is
# final and keeping no backtracking points only saves time (same tokens). The patch size is
# "(?:/...|)" rather than "(?:/...)?": the same match, but a branch instead of a repeat
# context (about 8% of the split's time)
TOKEN_RE = re.compile(r"(\w++(?:[-.\u2010\u2011]\w++)*+(?:/\d++(?![\w/])|)[+*]*+|\S)")
# the same tokens for an ASCII text (most abstracts), with ASCII classes: sre then tests a
# character against a table instead of the Unicode database (about a fifth of the split's
# time). On ASCII characters \w and \d are the same in both modes; Unicode \s also holds
# \x1c-\x1f (str.isspace), so \S is spelled out
_ASCII_TOKEN_RE = re.compile(r"(\w++(?:[-.\u2010\u2011]\w++)*+(?:/\d++(?![\w/])|)[+*]*+|[^\s\x1c-\x1f])", re.ASCII)
# a URL starts with a scheme, "www." or a bare "github.com/" (not part of another host name:
# "gist.github.com/...", "api.github.com/...")
URL_RE = re.compile(
    r"(?:https?://|www\.|(?<![\w.@/-])github\.com/|(?<![\w.@/-])[a-z0-9][a-z0-9-]*\.github\.io\b)"
    r"(?:[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}])?",
    re.IGNORECASE,
)
_URL_NEEDLES = ("http", "www.", "github.com/", ".github.io")


def may_hold_url(text: str) -> bool:
    """A cheap first test: whether ``text`` can hold a URL at all (most abstracts do not).

    Three substring scans: a scheme, "www.", and "ithub." for the bare "github.com/...",
    "GitHub.com/..." and "<name>.github.io" forms.
    """
    return "://" in text or "www." in text or "ithub." in text


_ABBREV = WORDS["abbreviations"]


def url_matches(text: str) -> list[re.Match]:
    """``URL_RE.finditer(text)``, but the regex is only tried where a URL can start.

    A regex scan tries every position of the text; ``str.find`` for "http", "www.",
    "github.com/" and ".github.io" (whose address starts at the host name before it) is far
    cheaper, and every URL holds one of them.
    """
    low = text.lower()
    cands = []
    for needle in _URL_NEEDLES:
        p = low.find(needle)
        while p >= 0:
            if needle == ".github.io":
                a = p
                while a > 0 and (low[a - 1].isalnum() or low[a - 1] == "-"):
                    a -= 1
                cands.append(a)
            else:
                cands.append(p)
            p = low.find(needle, p + 1)
    out = []
    last = -1
    for p in sorted(cands):
        if p < last:
            continue
        m = URL_RE.match(text, p)
        if m:
            out.append(m)
            last = m.end()
    return out


def positions(words: list[str], tok: str) -> list[int]:
    """Indices of ``tok`` in ``words``, ascending (``list.index`` scans in C; a rare token is cheap)."""
    out = []
    index = words.index
    i = -1
    try:
        while True:
            i = index(tok, i + 1)
            out.append(i)
    except ValueError:
        return out


def char_positions(text: str, starts: list[int], ch: str) -> list[int]:
    """Indices of the tokens that are ``ch``, a punctuation character: ``positions(words, ch)``.

    A non-word character that starts a token is a token of its own (URLs start with a
    letter), so ``str.find`` over the text and a bisect per hit find them; for a rare
    character ("(", "!") that beats comparing every token (not for ".": too common).
    """
    out = []
    n = len(starts)
    p = text.find(ch)
    while p >= 0:
        i = bisect.bisect_left(starts, p)
        if i < n and starts[i] == p:
            out.append(i)
        p = text.find(ch, p + 1)
    return out


def tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    """``(words, starts, ends)`` of the words, URLs and punctuation of ``text``."""
    parts = (_ASCII_TOKEN_RE if text.isascii() else TOKEN_RE).split(text)
    offsets = list(accumulate(map(len, parts)))
    words = parts[1::2]
    ends = offsets[1::2]
    starts = offsets[0::2]
    del starts[len(ends) :]
    if may_hold_url(text):
        # a URL is one token, whatever punctuation it holds
        matches = url_matches(text)
        if len(matches) > 1:
            merged = _merge_urls(matches, words, starts, ends)
            if merged is not None:
                return merged
        for m in reversed(matches):
            a = bisect.bisect_right(starts, m.start()) - 1
            b = bisect.bisect_left(starts, m.end())
            if a < 0:
                continue
            words[a:b] = [m.group()]
            starts[a:b] = [m.start()]
            ends[a:b] = [m.end()]
    return words, starts, ends


def _merge_urls(matches: list[re.Match], words: list[str], starts: list[int], ends: list[int]):
    """``tokenize``'s URL merge for many URLs in one pass, or None to do it one URL at a time.

    Replacing each URL's tokens in place moves the whole tail of the lists, once per URL
    (quadratic in a text of thousands of URLs). When the token ranges of the URLs, found on
    the unmerged lists, follow one another without overlap, the in-place merges (last URL
    first) find the very same ranges, so the lists can be rebuilt once instead.
    """
    spans = []
    prev_b = 0
    for m in matches:
        a = bisect.bisect_right(starts, m.start()) - 1
        b = bisect.bisect_left(starts, m.end())
        if a < 0:
            if spans:
                return None
            continue  # (the in-place merge skips it too)
        if a < prev_b or b <= a:
            return None
        spans.append((a, b, m))
        prev_b = b
    out_w: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    i = 0
    for a, b, m in spans:
        out_w += words[i:a]
        out_s += starts[i:a]
        out_e += ends[i:a]
        out_w.append(m.group())
        out_s.append(m.start())
        out_e.append(m.end())
        i = b
    out_w += words[i:]
    out_s += starts[i:]
    out_e += ends[i:]
    return out_w, out_s, out_e


def split_sentences(text: str, words: list[str], starts: list[int], ends: list[int]) -> tuple[tuple[int, int], ...]:
    """Sentence spans over token indices: title first, then split at ``.!?`` before a capital."""
    n = len(words)
    sents: list[tuple[int, int]] = []
    start = 0
    title_end = text.find("\n\n")
    if title_end >= 0:
        first = bisect.bisect_left(starts, title_end)
        if 0 < first < n:
            sents.append((0, first))
            start = first
    # the sentence-final tokens, by C-level ``list.index`` scans ("!" and "?" are rare)
    ends_at = positions(words, ".")
    for mark in ("!", "?"):
        if mark in text:
            ends_at = sorted(ends_at + char_positions(text, starts, mark))
    for i in ends_at:
        if i < start or i + 1 >= n:
            continue
        if i > start and words[i - 1].lower() in _ABBREV:
            continue
        ns = starts[i + 1]
        nxt = text[ns]
        if nxt.isupper() or nxt.isdigit() or nxt in "(\"'[" or "\n" in text[ends[i] : ns]:
            sents.append((start, i + 1))
            start = i + 1
    if start < n or not sents:
        sents.append((start, n))
    return tuple(sents)
