"""The ``kg_assemble`` spaCy component: ``assemble`` over the other components' extensions."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.assemble import assemble
from kg.extract.lexicon import load_lexicon

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
