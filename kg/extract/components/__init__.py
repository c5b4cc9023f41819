"""The extractor's components: plain functions over plain lists, in pipeline order.

``lexer``      tokens ``(words, starts, ends)`` and sentences (the title is sentence 0)
``urls``       URLs with their canonical form
``acronyms``   "Long Form (LF)" / "LF (Long Form)" definitions
``gazetteer``  the lower-case token-sequence matcher over the gazetteer
``assemble``   names, the paper's own system, types, roles -> one mention per entity

None of them imports spaCy. ``pipes`` wraps each as a spaCy component (``make_nlp()``).
"""
