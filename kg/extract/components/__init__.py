"""spaCy components of the extractor: plain functions plus thin ``@Language.factory`` wrappers.

Each component writes plain tuples/dicts to a ``Doc`` extension (never ``Span`` objects):

``kg_lexer``     ``doc._.kg_tokens`` and ``doc._.kg_sents`` (our own word tokens and sentences)
``kg_urls``      ``doc._.kg_urls``
``kg_acronyms``  ``doc._.kg_acronyms``
``kg_gazetteer`` ``doc._.kg_gazetteer``
``kg_assemble``  ``doc._.kg_mentions`` (names, own system, typing and roles folded into mentions)
"""
