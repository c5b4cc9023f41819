"""Extraction speed: the full extractor vs the bare ``spacy.blank("en")`` tokenizer.

The same measurement as ``kg bench`` (see ``kg/bench.py`` for the two modes and why
there are two), for a checkout without the package installed:

    .venv/bin/python benchmarks/extract_speed.py [--n 3000] [--runs 3] [--mode both] [--json]
    .venv/bin/python benchmarks/extract_speed.py ../shared/data/daily-papers-sep-02.txt tests/fixtures/heldout/*_papers.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.bench import synthetic_papers as make_corpus  # noqa: E402,F401  (the corpus, for scripts that import it here)
from kg.cli import app  # noqa: E402

if __name__ == "__main__":
    app(["bench", *sys.argv[1:]], prog_name="extract_speed.py")
