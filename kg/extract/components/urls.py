"""URLs in the text, with their canonical form (``kg.names.canonical_url``)."""

from __future__ import annotations

import re
from bisect import bisect_right

from kg.extract.components.lexer import URL_RE
from kg.names import canonical_url, is_github

__all__ = ["canonical_url", "find_urls", "is_github", "url_token_indices"]

_is_url_token = re.compile(r"(?:https?://|www\.|github\.com/|[a-z0-9][a-z0-9-]*\.github\.io\b)", re.IGNORECASE).match


def url_token_indices(text: str, words: list[str], starts: list[int]) -> list[int]:
    """Ascending indices of the tokens ``_is_url_token`` accepts, without testing every token.

    Such a token holds "://" or starts with "www.", "github.com/" or "<name>.github.io" (in
    any case), so only the tokens at those places in the text are tested.
    """
    cands = set()
    find = text.find
    p = find("://")
    while p >= 0:
        cands.add(bisect_right(starts, p) - 1)
        p = find("://", p + 1)
    low = text.lower()
    for needle in ("www.", "github.com/", ".github.io"):
        p = low.find(needle)
        while p >= 0:
            if needle == ".github.io" or p == 0 or low[p - 1] not in "/.":  # (in "https://..." counted above)
                cands.add(bisect_right(starts, p) - 1)
            p = low.find(needle, p + 1)
    return [i for i in sorted(cands) if i >= 0 and _is_url_token(words[i])]


def find_urls(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """``(start, end, as_written, canonical)`` for every URL in ``text``."""
    out = []
    for m in URL_RE.finditer(text):
        raw = m.group(0)
        out.append((m.start(), m.end(), raw, canonical_url(raw)))
    return tuple(out)
