"""The extraction pipeline: ``spacy.blank("en")`` plus our own rule components.

``make_nlp()`` builds it; ``extract(papers)`` runs it lazily, batch by batch::

    KgTokenizer   our word tokens (names such as "Qwen2.5-VL-7B" stay whole) -> KgDoc
                  (no spaCy tokens: ours live in doc._.kg_tokens / doc._.kg_lower)
    kg_lexer      sentences (the title is sentence 0)
    kg_urls       URLs with their canonical form
    kg_acronyms   "Long Form (LF)" / "LF (Long Form)" definitions
    kg_gazetteer  lower-case token-sequence matcher over data/gazetteer.jsonl
    kg_assemble   names, the paper's own system, types, roles -> one mention per entity

``extract`` then places each mention in the text (``find_spans``: character offsets into
the abstract and the title, ``Mention.spans``/``title_spans``). For spaCy users the whole
extractor is also one component on spaCy's own tokens, ``kg_entities``
(``kg.extract.spacy_component``).

Every component is a plain function with a thin ``@Language.factory`` wrapper
(``kg.extract.components.pipes``, loaded with spaCy by ``make_nlp`` only) and writes
plain tuples/dicts to a Doc extension. The
rules are described in ``kg.extract.components.assemble``; the curated data (gazetteer,
stoplist) in ``kg.extract.lexicon``. ``kg bench`` (``kg.bench``) measures
throughput against the bare tokenizer.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, replace
from functools import lru_cache
from itertools import chain, compress, islice
from operator import gt, itemgetter

from typing import TYPE_CHECKING

from kg.extract.components.acronyms import find_definitions
from kg.extract.components.assemble import SCAN_WORDS, assemble, check_rules
from kg.extract.components.gazetteer import build_matcher
from kg.extract.components.lexer import may_hold_url, split_sentences, tokenize
from kg.extract.components.urls import url_token_indices
from kg.extract.lexicon import load_lexicon
from kg.extract.version import EXTRACTOR_VERSION
from kg.names import canonical_url, is_github
from kg.model import EntityType, Mention, Paper, PaperMentions, Role, ROLE_PRIORITY, Spans

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["EXTRACTOR_VERSION", "extract", "find_spans", "make_nlp"]


def make_nlp() -> Language:
    """A blank English pipeline with our tokenizer and the extractor's components.

    spaCy (and the pipes' module, ``kg.extract.components.pipes``) load here, on first
    call: ``extract`` runs the same functions without them.
    """
    import spacy

    from kg.extract.components.pipes import PIPES, KgTokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = KgTokenizer(nlp.vocab)
    for name in PIPES:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def _direct_runner():
    """The same steps as the spaCy pipeline, as plain function calls on plain lists.

    Building a Doc and going through ``doc._`` extensions cost about a sixth of the run;
    ``extract`` calls the components' functions directly (same order, same inputs), so the
    output is that of ``make_nlp()`` without the Doc bookkeeping.
    """
    lex = load_lexicon()
    matcher = build_matcher()
    # the gazetteer's first words and the assembler's cue words, found by one scan of the
    # lower-case tokens that both share (each skips the other's hits)
    scan_words = matcher.first | SCAN_WORDS

    def run_with_tokens(text: str, disabled: frozenset[str] = frozenset()) -> tuple[tuple[dict, ...], list[int], list[int]]:
        words, starts, ends = tokens = tokenize(text)
        lower = list(map(str.lower, words))
        hits = list(compress(range(len(lower)), map(scan_words.__contains__, lower)))
        sents = split_sentences(text, words, starts, ends)
        if not may_hold_url(text):
            found_urls = ()
        else:
            found_urls = tuple(
                (starts[i], ends[i], words[i], canonical_url(words[i]))
                for i in url_token_indices(text, words, starts)
            )
        defs = find_definitions(text, tokens, sents) if "(" in text else ()
        gaz = tuple(matcher(lower, starts, ends, hits))
        return assemble(text, tokens, sents, found_urls, defs, gaz, lex, lower, hits, disabled), starts, ends

    def run(text: str) -> tuple[dict, ...]:
        return run_with_tokens(text)[0]

    # (``extract`` also needs the token offsets, to place each mention in the text)
    run.with_tokens = run_with_tokens  # type: ignore[attr-defined]
    return run


# A name may end where a hyphen joins a suffix to it: "DUSt3R" in "DUSt3R-style".
_JOINERS = frozenset("-\u2010\u2011")
_URL_TYPES = frozenset(("github", "url"))
_START, _STOP = itemgetter(0), itemgetter(1)


def find_spans(
    text: str, title_len: int, found: Sequence[dict], starts: Sequence[int], ends: Sequence[int]
) -> list[tuple[Spans, Spans]]:
    """Where ``text`` (``Paper.text``: title, blank line, abstract) names each mention of ``found``.

    One ``(abstract spans, title spans)`` pair per mention, each sorted: offsets into the
    abstract and into the title (see ``Mention``). Every exact occurrence of the name or
    an alias counts if it starts at a token start (``starts``: the extractor's tokens) and
    ends at a token end, before a joining hyphen ("DUSt3R-style"), or, for a URL, before a
    trailing slash. Where occurrences of two mentions overlap, the longest wins (then the
    earlier mention), so "ImageNet" is not found inside "ImageNet-1k" when both are named.
    """
    if not found:
        return []
    n = len(text)
    body = title_len + 2  # the abstract starts after the title and a blank line
    joiners, find, bisect = _JOINERS, text.find, bisect_left
    n_tokens = len(starts)
    in_abstract: list[list[tuple[int, int]]] = []  # per mention, offsets into the abstract
    in_title: list[list[tuple[int, int]]] = []
    # (token offsets are sorted: a bisection per hit costs less than a set of every token)
    for m in found:
        aliases = m["aliases"]
        forms = dict.fromkeys((m["name"], *aliases)) if aliases else (m["name"],)
        mine: list[tuple[int, int]] = []
        mine_t: list[tuple[int, int]] = []
        for form in forms:
            size = len(form)
            p = find(form) if size else -1
            while p >= 0:
                k = bisect(starts, p)
                if k < n_tokens and starts[k] == p:
                    e = p + size
                    if ends[k] == e or (
                        ((k := bisect(ends, e, k)) < n_tokens and ends[k] == e)
                        or (e + 1 < n and text[e] in joiners and (text[e + 1].isalnum() or text[e + 1] == "_"))
                        or (text[e : e + 1] == "/" and k < n_tokens and ends[k] == e + 1 and m["type"] in _URL_TYPES)
                    ):
                        if p >= body:
                            mine.append((p - body, e - body))
                        elif e <= title_len:  # (never across the title's end)
                            mine_t.append((p, e))
                p = find(form, p + 1)
        if aliases:
            mine.sort()
            mine_t.sort()
        in_abstract.append(mine)
        in_title.append(mine_t)
    return list(zip(map(tuple, _without_overlaps(in_abstract)), map(tuple, _without_overlaps(in_title))))


def _without_overlaps(hits: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """``hits`` (per mention, ascending) where no two overlap: the longest occurrence keeps its
    place (then the earliest, then the earlier mention's)."""
    every = sorted(chain.from_iterable(hits))
    if not any(map(gt, map(_STOP, every), map(_START, islice(every, 1, None)))):
        return hits
    taken = bytearray(max(map(_STOP, every)))
    out: list[list[tuple[int, int]]] = [[] for _ in hits]
    for neg, p, i in sorted((p - e, p, i) for i, mine in enumerate(hits) for p, e in mine):
        e = p - neg
        if taken.find(1, p, e) < 0:
            taken[p:e] = b"\x01" * -neg
            out[i].append((p, e))
    for mine in out:
        mine.sort()
    return out


# enum members by value: a dict lookup instead of an Enum call per mention
_ETYPES = {t.value: t for t in EntityType}
_ROLES = {r.value: r for r in Role}


# Mention is a frozen dataclass: its ``__init__`` sets each field through a Python-level
# ``object.__setattr__`` call, two thirds of the cost of making one. ``_new_mention`` makes
# the same instance as copy and pickle remake one: a bare instance whose ``__dict__`` gets
# the fields, in the same order (equal, same hash and repr). It holds while Mention has no
# ``__post_init__`` and no slots; else it is Mention itself.
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))
if hasattr(Mention, "__post_init__") or "__slots__" in vars(Mention):
    _new_mention = Mention
else:

    def _new_mention(*values) -> Mention:
        m = object.__new__(Mention)
        m.__dict__.update(zip(_MENTION_FIELDS, values))
        return m


def _mentions(paper: Paper, found: tuple[dict, ...], where: list[tuple[Spans, Spans]]) -> tuple[Mention, ...]:
    etypes, roles, new = _ETYPES, _ROLES, _new_mention
    out: list[Mention] = [
        new(
            m["name"], etypes[m["type"]], tuple(m["aliases"]), roles[m["role"]], m["evidence"], m["count"], m["family"],
            spans, title_spans, m.get("rule", ""), m.get("typed_by", ""),
        )
        for m, (spans, title_spans) in zip(found, where)
    ]
    if paper.github:
        canon = canonical_url(paper.github)
        existing = next((i for i, m in enumerate(out) if m.name == canon), None)
        if existing is None:
            aliases = (paper.github,) if paper.github != canon else ()
            etype = EntityType.GITHUB if is_github(canon) else EntityType.URL
            out.append(Mention(name=canon, type=etype, aliases=aliases, role=Role.CODE, evidence="", count=1,
                               rule="source.github", typed_by="types.url"))
        elif ROLE_PRIORITY[out[existing].role] < ROLE_PRIORITY[Role.CODE]:
            old = out[existing]
            out[existing] = replace(old, role=Role.CODE)
    return tuple(out)


def extract(papers: Iterable[Paper], *, batch_size: int = 256, disable: Iterable[str] = ()) -> Iterator[PaperMentions]:
    """One ``PaperMentions`` per paper, in order, lazily (each mention with its offsets).

    ``disable``: rule ids of ``STAGES`` to switch off, for ablation (``kg eval --disable``);
    an unknown id raises ``InputError`` at once, naming the close ones.
    """
    return _extract(papers, batch_size, check_rules(disable))


def _extract(papers: Iterable[Paper], batch_size: int, disabled: frozenset[str]) -> Iterator[PaperMentions]:
    run = _direct_runner().with_tokens
    it = iter(papers)
    while True:
        batch = list(islice(it, batch_size))
        if not batch:
            return
        for paper in batch:
            text = paper.text
            found, starts, ends = run(text, disabled)
            where = find_spans(text, len(paper.title), found, starts, ends)
            yield PaperMentions(paper=paper, mentions=_mentions(paper, found, where))
