"""The extractor's components as spaCy pipes: thin ``@Language.factory`` wrappers over the
plain functions of ``kg.extract.components``, and the tokenizer that makes our tokens.

Only ``make_nlp()`` (``kg.extract.pipeline``) imports this module, so the fast path
(``kg extract``, ``kg build``) never loads spaCy; the pipes run the same functions in the
same order (``PIPES``), each reading and writing plain tuples/dicts in ``Doc`` extensions:

``KgTokenizer``  ``doc._.kg_text`` (the exact string) and ``doc._.kg_tokens`` ``(words, starts, ends)``
``kg_lexer``     ``doc._.kg_sents`` (token spans; the title is sentence 0)
``kg_urls``      ``doc._.kg_urls`` ``(start, end, as_written, canonical)``
``kg_acronyms``  ``doc._.kg_acronyms`` (definition dicts)
``kg_gazetteer`` ``doc._.kg_gazetteer`` ``(start_char, end_char, record_key)``
``kg_assemble``  ``doc._.kg_mentions`` (names, own system, typing and roles folded into mentions)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.acronyms import find_definitions
from kg.extract.components.assemble import assemble
from kg.extract.components.gazetteer import build_matcher
from kg.extract.components.lexer import may_hold_url, split_sentences, tokenize
from kg.extract.components.urls import find_urls, url_token_indices
from kg.extract.lexicon import load_lexicon
from kg.names import canonical_url

__all__ = ["KgDoc", "KgTokenizer", "PIPES"]

#: The pipes ``make_nlp()`` adds after ``KgTokenizer``, in order.
PIPES = ("kg_lexer", "kg_urls", "kg_acronyms", "kg_gazetteer", "kg_assemble")


class KgDoc(Doc):
    """A Doc that carries our tokens in extensions instead of spaCy tokens.

    Building spaCy tokens (a vocabulary lookup per word) cost more than all our rules;
    none of our components reads them. ``doc.text`` is still the input text.
    """

    @property
    def text(self) -> str:
        return self._.kg_text

    @property
    def text_with_ws(self) -> str:
        return self._.kg_text

    def __str__(self) -> str:
        return self._.kg_text

    def __repr__(self) -> str:
        return self._.kg_text


class KgTokenizer:
    """A spaCy tokenizer that produces our tokens (names such as "Qwen2.5-VL-7B" stay whole).

    The Doc it returns (``KgDoc``) holds no spaCy tokens: the original string and our words
    with their character offsets and lower-case forms are extensions (``doc._.kg_text``,
    ``doc._.kg_tokens``, ``doc._.kg_lower``), which is all the components read.
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, starts, ends = tokenize(text)
        doc = KgDoc(self.vocab)
        doc._.kg_text = text
        doc._.kg_tokens = (words, starts, ends)
        doc._.kg_lower = list(map(str.lower, words))
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        """Tokenize many texts, one Doc each."""
        for text in texts:
            yield self(text)

    # nothing to save: the tokenizer is code, not data
    def to_bytes(self, **kwargs) -> bytes:
        """Nothing to serialise."""
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "KgTokenizer":
        """Nothing to restore."""
        return self

    def to_disk(self, path, **kwargs) -> None:
        """Nothing to save."""
        return None

    def from_disk(self, path, **kwargs) -> "KgTokenizer":
        """Nothing to load."""
        return self


if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_text", default="")
    Doc.set_extension("kg_tokens", default=((), (), ()))
    Doc.set_extension("kg_sents", default=())
    Doc.set_extension("kg_lower", default=None)


@Language.factory("kg_lexer", default_config={})
def make_lexer(nlp: Language, name: str):
    """Fill ``doc._.kg_text``, ``doc._.kg_tokens`` and ``doc._.kg_sents``."""

    def lexer(doc: Doc) -> Doc:
        # KgTokenizer has done the work; with another tokenizer, tokenize the text here
        text = doc._.kg_text
        if not text:
            text = doc._.kg_text = doc.text
        words, starts, ends = doc._.kg_tokens
        if not words and text:
            words, starts, ends = tokenize(text)
            doc._.kg_tokens = (words, starts, ends)
        if doc._.kg_lower is None or len(doc._.kg_lower) != len(words):
            doc._.kg_lower = list(map(str.lower, words))
        doc._.kg_sents = split_sentences(text, words, starts, ends)
        return doc

    return lexer


if not Doc.has_extension("kg_urls"):
    Doc.set_extension("kg_urls", default=())


@Language.factory("kg_urls", default_config={})
def make_urls(nlp: Language, name: str):
    """Fill ``doc._.kg_urls`` with ``(start, end, as_written, canonical)`` tuples."""

    def urls(doc: Doc) -> Doc:
        text = doc._.kg_text or doc.text
        if not may_hold_url(text):
            doc._.kg_urls = ()
            return doc
        words, starts, ends = doc._.kg_tokens
        if words:
            # the lexer made every URL one token
            doc._.kg_urls = tuple(
                (starts[i], ends[i], words[i], canonical_url(words[i]))
                for i in url_token_indices(text, words, starts)
            )
        else:
            doc._.kg_urls = find_urls(text)
        return doc

    return urls


if not Doc.has_extension("kg_acronyms"):
    Doc.set_extension("kg_acronyms", default=())


@Language.factory("kg_acronyms", default_config={})
def make_acronyms(nlp: Language, name: str):
    """Fill ``doc._.kg_acronyms`` with definition dicts."""

    def acronyms(doc: Doc) -> Doc:
        text = doc._.kg_text or doc.text
        doc._.kg_acronyms = find_definitions(text, doc._.kg_tokens, doc._.kg_sents) if "(" in text else ()
        return doc

    return acronyms


if not Doc.has_extension("kg_gazetteer"):
    Doc.set_extension("kg_gazetteer", default=())


@Language.factory("kg_gazetteer", default_config={})
def make_gazetteer(nlp: Language, name: str):
    """Fill ``doc._.kg_gazetteer`` with ``(start_char, end_char, key)`` matches."""
    matcher = build_matcher(nlp)

    def gazetteer(doc: Doc) -> Doc:
        words, starts, ends = doc._.kg_tokens
        lower = doc._.kg_lower
        if lower is None or len(lower) != len(words):
            lower = doc._.kg_lower = list(map(str.lower, words))
        doc._.kg_gazetteer = tuple(matcher(lower, starts, ends))
        return doc

    return gazetteer


if not Doc.has_extension("kg_mentions"):
    Doc.set_extension("kg_mentions", default=())


@Language.factory("kg_assemble", default_config={})
def make_assemble(nlp: Language, name: str):
    """Fill ``doc._.kg_mentions`` from the other components' extensions."""
    lex = load_lexicon()

    def run(doc: Doc) -> Doc:
        doc._.kg_mentions = assemble(
            doc._.kg_text or doc.text,
            doc._.kg_tokens,
            doc._.kg_sents,
            doc._.kg_urls,
            doc._.kg_acronyms,
            doc._.kg_gazetteer,
            lex,
            doc._.kg_lower,
        )
        return doc

    return run
