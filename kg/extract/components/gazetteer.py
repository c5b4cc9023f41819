"""Known artifacts from the curated gazetteer, matched case-insensitively on our tokens.

Every name and alias is indexed as written and with hyphens as spaces/removed, so
"Soft Actor Critic" and "Soft Actor-Critic" both match. Patterns are tokenized with the
pipeline's own tokenizer, which keeps "Qwen2.5-VL" one token, and indexed by their first
lower-case token: only tokens that can start a name are looked at (one C-level set test
per token), then the few patterns starting there are compared as tuples. Matches are plain
``(start_char, end_char, key)`` tuples, every length at every start (like spaCy's
``PhraseMatcher``), in start order and longest first at each start (the assembler relies
on that order); the assembler checks case and word boundaries and keeps the longest.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import compress

from kg.extract.components.lexer import tokenize
from kg.extract.lexicon import load_lexicon

__all__ = ["GazMatcher", "build_matcher"]


class GazMatcher:
    """Token-sequence matcher over every gazetteer form and its hyphen variants."""

    def __init__(self) -> None:
        index: dict[str, set[tuple[tuple[str, ...], str]]] = defaultdict(set)
        for rec in load_lexicon().records.values():
            texts: set[str] = set()
            for form in rec.forms:
                texts.add(form)
                if "-" in form:
                    texts.add(form.replace("-", " "))
                    texts.add(form.replace("-", ""))
            for t in texts:
                toks = tuple(w.lower() for w in tokenize(t)[0])
                if toks:
                    index[toks[0]].add((toks, rec.key))
        # longest first, so callers that stop at the first hit get the longest name
        self.index = {k: sorted(v, key=lambda p: (-len(p[0]), p[1])) for k, v in index.items()}
        self.first = frozenset(self.index)
        # the same, grouped: first word -> [(length, {token tuple: [keys]})], longest first, keys
        # in the order above, so a match is one dict lookup per length instead of a scan
        grouped: dict[str, list[tuple[int, dict[tuple[str, ...], list[str]]]]] = {}
        for k, entries in self.index.items():
            groups: list[tuple[int, dict[tuple[str, ...], list[str]]]] = []
            for toks, key in entries:
                if not groups or groups[-1][0] != len(toks):
                    groups.append((len(toks), {}))
                groups[-1][1].setdefault(toks, []).append(key)
            grouped[k] = groups
        self.grouped = grouped
        # first word -> the second words of its multi-word forms, and its one-word groups:
        # when the next token is none of those seconds, only one-word forms can match
        self.seconds = {k: frozenset(t[1] for _, by in gs for t in by if len(t) > 1) for k, gs in grouped.items()}
        self.singles = {k: [key for m, by in gs if m == 1 for key in by[(k,)]] for k, gs in grouped.items()}
        # the three by first word, for one dict lookup per candidate token
        self.info = {k: (self.seconds[k], self.singles[k], gs) for k, gs in grouped.items()}

    def __call__(
        self, lower: list[str], starts: list[int], ends: list[int], hits: list[int] | None = None
    ) -> list[tuple[int, int, str]]:
        """Matches in start order, longest first at each start.

        ``hits``: ascending indices of (at least) every token in ``self.first``, when a scan
        shared with another component found them; other indices are skipped.
        """
        out = []
        n = len(lower)
        info = self.info
        if hits is None:
            hits = compress(range(n), map(self.first.__contains__, lower))
        for i in hits:
            got = info.get(lower[i])
            if got is None:
                continue
            seconds, singles, groups = got
            if i + 1 >= n or lower[i + 1] not in seconds:
                s, e = starts[i], ends[i]
                for key in singles:
                    out.append((s, e, key))
                continue
            for m, by_toks in groups:
                if i + m > n:
                    continue
                keys = by_toks.get(tuple(lower[i : i + m]))
                if keys:
                    e = ends[i + m - 1]
                    s = starts[i]
                    out.extend([(s, e, key) for key in keys])
        return out


def build_matcher(nlp: object = None) -> GazMatcher:
    """The matcher over every gazetteer form (``nlp`` is accepted for the old signature)."""
    return GazMatcher()
