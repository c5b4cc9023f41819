"""Known artifacts from the curated gazetteer, matched with a ``PhraseMatcher`` on ``LOWER``.

Every name and alias is added as written and with hyphens as spaces/removed, so
"Soft Actor Critic" and "Soft Actor-Critic" both match. Patterns are tokenized with the
pipeline's own tokenizer (``KgTokenizer``), which keeps "Qwen2.5-VL" one token. Matches are plain
``(start_char, end_char, key)`` tuples; the assembler checks case and word boundaries.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.lexicon import load_lexicon

__all__ = ["build_matcher"]


def build_matcher(nlp: Language) -> PhraseMatcher:
    """A PhraseMatcher over every gazetteer form and its hyphen variants, ids = record keys."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    lex = load_lexicon()
    for rec in lex.records.values():
        texts: set[str] = set()
        for form in rec.forms:
            texts.add(form)
            if "-" in form:
                texts.add(form.replace("-", " "))
                texts.add(form.replace("-", ""))
        matcher.add(rec.key, [nlp.make_doc(t) for t in sorted(texts)])
    return matcher


if not Doc.has_extension("kg_gazetteer"):
    Doc.set_extension("kg_gazetteer", default=())


@Language.factory("kg_gazetteer", default_config={})
def make_gazetteer(nlp: Language, name: str):
    """Fill ``doc._.kg_gazetteer`` with ``(start_char, end_char, key)`` matches."""
    matcher = build_matcher(nlp)
    strings = nlp.vocab.strings

    def gazetteer(doc: Doc) -> Doc:
        out = []
        matches = matcher(doc)
        if matches:
            words, starts, ends = doc._.kg_tokens
            aligned = len(words) == len(doc)  # KgTokenizer: Doc tokens are our tokens
            for match_id, start, end in matches:
                if aligned:
                    out.append((starts[start], ends[end - 1], strings[match_id]))
                else:
                    last = doc[end - 1]
                    out.append((doc[start].idx, last.idx + len(last), strings[match_id]))
        doc._.kg_gazetteer = tuple(out)
        return doc

    return gazetteer
