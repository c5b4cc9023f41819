"""Our own word tokens and sentences over the raw text.

spaCy's English tokenizer splits ``Qwen2.5-VL-7B`` and ``Show-o`` at hyphens; names
must stay whole, so the name rules run over these tokens instead. Each token is a
``(start, end)`` character span; sentences are ``(start_token, end_token)`` spans.
The title (text before the first blank line) is always sentence 0.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["tokenize", "split_sentences", "TOKEN_RE"]

# A word: letters/digits, joined by inner hyphens, dots or slashes when a letter or digit
# follows ("Qwen2.5-VL-7B", "e.g", "TL;DR" is not kept); "+" and "*" may end a word
# ("MMRL++", "V*"). URLs are one token. Anything else is a one-character token.
TOKEN_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}]"
    r"|[^\W_](?:[^\W_]|[-.\u2010\u2011](?=[^\W_]))*[+*]*"
    r"|\S"
)

_ABBREV = frozenset("e.g i.e vs etc al cf resp approx fig eq eqs w.r.t sec no ref refs".split())


def tokenize(text: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` spans of the words, URLs and punctuation of ``text``."""
    return tuple(m.span() for m in TOKEN_RE.finditer(text))


def split_sentences(text: str, tokens: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Sentence spans over token indices: title first, then split at ``.!?`` before a capital."""
    sents: list[tuple[int, int]] = []
    title_end = text.find("\n\n")
    in_title = title_end >= 0
    n = len(tokens)
    start = 0
    for i, (s, e) in enumerate(tokens):
        if in_title:
            if s > title_end:
                sents.append((start, i))
                start = i
                in_title = False
            continue
        if e - s != 1 or text[s] not in ".!?" or i + 1 >= n:
            continue
        if i > start:
            ps, pe = tokens[i - 1]
            if text[ps:pe].lower() in _ABBREV:
                continue
        ns = tokens[i + 1][0]
        nxt = text[ns]
        if nxt.isupper() or nxt.isdigit() or nxt in "(\"'[" or "\n" in text[e:ns]:
            sents.append((start, i + 1))
            start = i + 1
    if start < n or not sents:
        sents.append((start, n))
    return tuple(sents)


if not Doc.has_extension("kg_tokens"):
    Doc.set_extension("kg_tokens", default=())
    Doc.set_extension("kg_sents", default=())


@Language.factory("kg_lexer", default_config={})
def make_lexer(nlp: Language, name: str):
    """Fill ``doc._.kg_tokens`` and ``doc._.kg_sents``."""

    def lexer(doc: Doc) -> Doc:
        toks = tokenize(doc.text)
        doc._.kg_tokens = toks
        doc._.kg_sents = split_sentences(doc.text, toks)
        return doc

    return lexer
