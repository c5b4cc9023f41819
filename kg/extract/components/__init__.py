"""spaCy components of the extractor: plain functions plus thin ``@Language.factory`` wrappers.

Each component writes plain tuples/dicts/lists to a ``Doc`` extension (never ``Span`` objects):

``KgTokenizer``  ``doc._.kg_text`` (the exact string) and ``doc._.kg_tokens`` ``(words, starts, ends)``
``kg_lexer``     ``doc._.kg_sents`` (token spans; the title is sentence 0)
``kg_urls``      ``doc._.kg_urls`` ``(start, end, as_written, canonical)``
``kg_acronyms``  ``doc._.kg_acronyms`` (definition dicts)
``kg_gazetteer`` ``doc._.kg_gazetteer`` ``(start_char, end_char, record_key)``
``kg_assemble``  ``doc._.kg_mentions`` (names, own system, typing and roles folded into mentions)
"""
