"""Entity extraction: ``Paper`` -> ``PaperMentions`` with a rule-based spaCy pipeline.

``extract(papers)`` yields one ``PaperMentions`` per paper, in order, lazily.
``canonical_url(url)`` is the canonical form of a GitHub or project URL (``kg.names``).

The pipeline (and spaCy) load on first use of ``extract`` or ``make_nlp``: a build whose
worker processes extract keeps its main process free of them.
"""

from typing import Any

from kg.extract.version import EXTRACTOR_VERSION
from kg.names import canonical_url

__all__ = ["EXTRACTOR_VERSION", "canonical_url", "extract", "make_nlp"]


def __getattr__(name: str) -> Any:
    if name in ("extract", "make_nlp"):
        from kg.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
