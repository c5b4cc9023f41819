"""Entity extraction: ``Paper`` -> ``PaperMentions`` with a rule-based spaCy pipeline.

``extract(papers)`` yields one ``PaperMentions`` per paper, in order, lazily.
``canonical_url(url)`` is the canonical form of a GitHub or project URL (``kg.names``).
"""

from kg.names import canonical_url
from kg.extract.pipeline import EXTRACTOR_VERSION, extract, make_nlp

__all__ = ["EXTRACTOR_VERSION", "canonical_url", "extract", "make_nlp"]
