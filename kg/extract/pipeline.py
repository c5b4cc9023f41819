"""The extraction pipeline: ``spacy.blank("en")`` plus our own rule components.

``make_nlp()`` builds it; ``extract(papers)`` runs it lazily, batch by batch::

    KgTokenizer   our word tokens (names such as "Qwen2.5-VL-7B" stay whole) -> KgDoc
                  (no spaCy tokens: ours live in doc._.kg_tokens / doc._.kg_lower)
    kg_lexer      sentences (the title is sentence 0)
    kg_urls       URLs with their canonical form
    kg_acronyms   "Long Form (LF)" / "LF (Long Form)" definitions
    kg_gazetteer  lower-case token-sequence matcher over data/gazetteer.jsonl
    kg_assemble   names, the paper's own system, types, roles -> one mention per entity

Every component is a plain function with a thin ``@Language.factory`` wrapper and
writes plain tuples/dicts to a Doc extension (see ``kg.extract.components``). The
rules are described in ``kg.extract.components.assemble``; the curated data (gazetteer,
stoplist) in ``kg.extract.lexicon``. ``kg bench`` (``kg.bench``) measures
throughput against the bare tokenizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import compress, islice

import spacy
from spacy.language import Language

from kg.extract.components import acronyms, assemble, gazetteer, lexer, urls  # noqa: F401  (register factories)
from kg.extract.components.acronyms import find_definitions
from kg.extract.components.assemble import SCAN_WORDS, assemble
from kg.extract.components.gazetteer import build_matcher
from kg.extract.components.lexer import KgTokenizer, may_hold_url, split_sentences, tokenize
from kg.extract.components.urls import url_token_indices
from kg.extract.lexicon import load_lexicon
from kg.names import canonical_url, is_github
from kg.model import EntityType, Mention, Paper, PaperMentions, Role, ROLE_PRIORITY

__all__ = ["EXTRACTOR_VERSION", "extract", "make_nlp"]

#: Bump when the output for the same input changes; stored on papers so links rebuild.
EXTRACTOR_VERSION = "1.5.1"

PIPES = ("kg_lexer", "kg_urls", "kg_acronyms", "kg_gazetteer", "kg_assemble")


def make_nlp() -> Language:
    """A blank English pipeline with our tokenizer and the extractor's components."""
    nlp = spacy.blank("en")
    nlp.tokenizer = KgTokenizer(nlp.vocab)
    for name in PIPES:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def _shared_nlp() -> Language:
    return make_nlp()


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

    def run(text: str) -> tuple[dict, ...]:
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
        return assemble(text, tokens, sents, found_urls, defs, gaz, lex, lower, hits)

    return run


# enum members by value: a dict lookup instead of an Enum call per mention
_ETYPES = {t.value: t for t in EntityType}
_ROLES = {r.value: r for r in Role}


def _mentions(paper: Paper, found: tuple[dict, ...]) -> tuple[Mention, ...]:
    etypes, roles = _ETYPES, _ROLES
    out: list[Mention] = [
        Mention(m["name"], etypes[m["type"]], tuple(m["aliases"]), roles[m["role"]], m["evidence"], m["count"], m["family"])
        for m in found
    ]
    if paper.github:
        canon = canonical_url(paper.github)
        existing = next((i for i, m in enumerate(out) if m.name == canon), None)
        if existing is None:
            aliases = (paper.github,) if paper.github != canon else ()
            etype = EntityType.GITHUB if is_github(canon) else EntityType.URL
            out.append(Mention(name=canon, type=etype, aliases=aliases, role=Role.CODE, evidence="", count=1))
        elif ROLE_PRIORITY[out[existing].role] < ROLE_PRIORITY[Role.CODE]:
            old = out[existing]
            out[existing] = Mention(old.name, old.type, old.aliases, Role.CODE, old.evidence, old.count, old.family)
    return tuple(out)


def extract(papers: Iterable[Paper], *, batch_size: int = 256) -> Iterator[PaperMentions]:
    """One ``PaperMentions`` per paper, in order, lazily."""
    run = _direct_runner()
    it = iter(papers)
    while True:
        batch = list(islice(it, batch_size))
        if not batch:
            return
        for paper in batch:
            yield PaperMentions(paper=paper, mentions=_mentions(paper, run(paper.text)))
